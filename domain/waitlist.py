"""L7: the waitlist of a full circle. Who is offered a freed place, in what order, until when.

A place of a limited circle is either taken (an active signup), held (offered to someone on the
waitlist whose deadline has not passed) or free. Free places go to the waitlist in the order
people joined it, one place per person; an offer that passes its deadline unclaimed lapses and
its place goes to the next in line. Because free places are offered at once, a circle with
people waiting has no free place left for a newcomer: nobody jumps the line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_OFFER_HOLD = timedelta(hours=24)


@dataclass
class WaitlistEntry:
    """One person waiting for a place, with the answers they gave to the signup questions (a
    claimed place becomes their signup without asking again)."""

    id: int | None
    circle_id: int
    person_id: int
    goal: str
    help_peers: str
    custom_answer: str | None
    joined_at: datetime
    offered_at: datetime | None = None
    offer_expires_at: datetime | None = None

    def holds_offer(self, now: datetime) -> bool:
        return self.offer_expires_at is not None and now < self.offer_expires_at

    def offer_lapsed(self, now: datetime) -> bool:
        return self.offer_expires_at is not None and now >= self.offer_expires_at


def held_places(entries: Sequence[WaitlistEntry], now: datetime) -> int:
    """Places offered to someone who may still claim them."""
    return sum(1 for e in entries if e.holds_offer(now))


def places_free(limit: int | None, taken: int, held: int) -> int | None:
    """Places nobody has or is being offered; None: the circle has no limit."""
    if limit is None:
        return None
    return max(0, limit - taken - held)


@dataclass
class Promotion:
    """What to do now: whose offers lapsed (they leave the line) and who is offered a place."""

    lapsed: list[WaitlistEntry]
    offered: list[WaitlistEntry]


def promote(
    entries: Sequence[WaitlistEntry], limit: int | None, taken: int, now: datetime, hold: timedelta
) -> Promotion:
    """Lapse the offers whose deadline passed, then offer each free place to the next in line
    (``entries`` in the order people joined). The offered entries are changed in place."""
    lapsed = [e for e in entries if e.offer_lapsed(now)]
    waiting = [e for e in entries if e.offer_expires_at is None]
    free = places_free(limit, taken, held_places(entries, now))
    count = len(waiting) if free is None else min(free, len(waiting))
    offered = waiting[:count]
    for entry in offered:
        entry.offered_at, entry.offer_expires_at = now, now + hold
    return Promotion(lapsed, offered)


def place_in_line(entries: Sequence[WaitlistEntry], person_id: int) -> int | None:
    """1 for the first in line; None when the person is not waiting."""
    for number, entry in enumerate(entries, start=1):
        if entry.person_id == person_id:
            return number
    return None
