"""Cover for a missed meeting (issue 14): a facilitator who cannot lead a meeting asks the
circle's other facilitators and the team's organizers to cover it; the first to accept leads it.

One request per meeting. It is open until someone covers the meeting or the facilitator
withdraws it (they can come after all); asking again after a withdrawal opens it again. Who may
ask and who may cover is the role model's (domain/roles.py); whether the meeting is still ahead
is the meeting's (``Meeting.check_ahead``). What this aggregate decides is the request's own
life: one cover per meeting, the asker does not cover themselves, a closed request answers no more.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from domain.errors import CoverNotAsked, CoverTaken, OwnCover


class CoverStatus(enum.StrEnum):
    OPEN = "open"  # asked, nobody has accepted yet
    COVERED = "covered"  # someone leads the meeting
    WITHDRAWN = "withdrawn"  # the facilitator can come after all


@dataclass
class Cover:
    meeting_id: int
    circle_id: int
    asked_by: int
    asked_at: datetime
    status: CoverStatus = CoverStatus.OPEN
    covered_by: int | None = None
    covered_at: datetime | None = None

    @property
    def open(self) -> bool:
        return self.status is CoverStatus.OPEN

    def leader(self) -> int | None:
        """Who leads the meeting instead of the facilitator, once someone covers it."""
        return self.covered_by if self.status is CoverStatus.COVERED else None

    def check_can_cover(self, person_id: int) -> None:
        """Before someone accepts: the request is open and not their own."""
        if self.status is CoverStatus.COVERED:
            raise CoverTaken()
        if not self.open:
            raise CoverNotAsked()
        if person_id == self.asked_by:
            raise OwnCover()

    def accept(self, person_id: int, now: datetime) -> None:
        self.check_can_cover(person_id)
        self.status, self.covered_by, self.covered_at = CoverStatus.COVERED, person_id, now

    def withdraw(self) -> None:
        """The facilitator can come after all: only an open request can be taken back (a meeting
        someone agreed to cover stays theirs, unless they are asked again)."""
        if self.status is CoverStatus.COVERED:
            raise CoverTaken()
        if not self.open:
            raise CoverNotAsked()
        self.status = CoverStatus.WITHDRAWN


def ask(meeting_id: int, circle_id: int, person_id: int, now: datetime, earlier: Cover | None) -> Cover:
    """A new (or renewed) request for cover; an open or covered one stands as it is."""
    if earlier is not None and earlier.status is CoverStatus.COVERED:
        raise CoverTaken()
    if earlier is not None and earlier.open:
        return earlier
    return Cover(meeting_id=meeting_id, circle_id=circle_id, asked_by=person_id, asked_at=now)
