"""Who came to a meeting: the check-in window, the one count of "how many came", and missed streaks.

A learner checks in themselves (*I'm here*, ``/here``) while the meeting runs and a while after;
the facilitator then confirms or corrects the list in their feedback. What the facilitator
confirmed is the meeting's attendance; before that, the learners' own check-ins are all we know.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.model import Circle, Meeting
from domain.rules import check_takes_part

# Check-in stays open this long after a meeting's end: people tap on their way home.
CHECK_IN_AFTER_END = timedelta(hours=2)
# A learner who missed this many meetings in a row (by confirmed attendance) is told what they missed.
MISSED_IN_A_ROW = 2
# Learners listed by name (a button each) when a facilitator confirms who came; a circle without
# learners on Circles, or a bigger one, types its head count instead.
MAX_ROSTER = 40


def listed(learners: int) -> bool:
    """Whether a facilitator confirms who came name by name (else they type how many came)."""
    return 0 < learners <= MAX_ROSTER


class Window(enum.Enum):
    EARLY = "early"
    OPEN = "open"
    CLOSED = "closed"


def check_in_closes(meeting: Meeting) -> datetime:
    return meeting.end + CHECK_IN_AFTER_END


def check_in_window(meeting: Meeting, now: datetime) -> Window:
    """Check-in is open from the meeting's start until two hours after its end."""
    if now < meeting.start:
        return Window.EARLY
    if now <= check_in_closes(meeting):
        return Window.OPEN
    return Window.CLOSED


def check_can_check_in(circle: Circle, meeting: Meeting, *, signed_up: bool) -> None:
    """Who may say *I'm here*: a learner of the circle, for a meeting that takes place. When is
    ``check_in_window``: a press outside it is answered, not refused."""
    check_takes_part(circle, meeting, signed_up=signed_up)


def held(meeting: Meeting, now: datetime) -> bool:
    """A meeting took place: it started and was not cancelled."""
    return not meeting.cancelled and meeting.start <= now


def came(head_count: int | None, checked_in: int, *, held: bool) -> int | None:
    """How many came to a meeting — the one rule every figure uses (report, chart, warnings).

    The facilitator's confirmed head count when they gave it; before that, for a meeting that
    took place, the learners who checked in themselves (if any did); else unknown (None).
    Intentions (RSVPs) are never counted as attendance: they are shown beside it."""
    if head_count is not None:
        return head_count
    if held and checked_in:
        return checked_in
    return None


@dataclass(frozen=True)
class Presence:
    """One learner at one meeting, as the facilitator confirmed it."""

    meeting: Meeting
    present: bool


def missed_streak(confirmed: Sequence[Presence]) -> list[Meeting]:
    """The meetings of a learner's latest run of confirmed absences, oldest first.

    ``confirmed`` are the learner's confirmed presences or absences; meetings without a confirmed
    list (no feedback yet, or not on it) do not count either way. A run of ``MISSED_IN_A_ROW``
    or more deserves a "we missed you" note; its first meeting names the run, so the note goes
    once per run however long it grows."""
    run: list[Meeting] = []
    for presence in sorted(confirmed, key=lambda p: p.meeting.start):
        if presence.meeting.cancelled:
            continue
        run = [] if presence.present else [*run, presence.meeting]
    return run


def deserves_note(run: Sequence[Meeting]) -> bool:
    return len(run) >= MISSED_IN_A_ROW
