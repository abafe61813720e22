"""Clock changes around a meeting: does its time move for someone this week, and by how much?

Meetings keep the wall-clock time of the circle's zone (``domain.schedule``), so in that zone a
meeting never moves: 18:00 stays 18:00 when Berlin's clocks go forward. For a learner whose own
clock is in another zone it does move, whenever one of the two zones changes its offset and the
other does not (New York a fortnight before Berlin in spring, Sydney the other way round): a
meeting at 18:00 in Berlin is at 12:00 in New York one week and at 13:00 the next.

``heads_up`` answers for one meeting and one reader: the clock changes (in the circle's zone and
the reader's) in the week before the meeting, and the meeting's time on the reader's clock
compared with the same slot a week earlier. An in-person meeting happens where the circle is, so
the reader's clock there is the circle's whatever their own zone says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.schedule import local_to_utc

WEEK = timedelta(days=7)
_PRECISION = timedelta(minutes=1)  # clock changes happen on the minute


@dataclass(frozen=True)
class ClockChange:
    zone: str
    day: date  # the local date in ``zone`` the clocks change on
    shift: timedelta  # how far the clocks move: +1 h going forward, -1 h going back


@dataclass(frozen=True)
class HeadsUp:
    changes: tuple[ClockChange, ...]  # in the week before the meeting, earliest first
    local: datetime  # the meeting's start on the reader's clock
    moved: timedelta  # later (positive) or earlier (negative) than a week before; zero: it stays

    @property
    def same_clock(self) -> bool:
        return not self.moved


def clock_changes(zone: str, after: datetime, until: datetime) -> list[ClockChange]:
    """The offset changes of ``zone`` in (``after``, ``until``], for windows of about a week
    (two changes within one window, which no zone has, would be seen as their sum)."""
    tz = ZoneInfo(zone)
    before, last = after.astimezone(tz).utcoffset(), until.astimezone(tz).utcoffset()
    if before is None or last is None or before == last:
        return []
    low, high = after, until  # the offset is ``before`` at low and ``last`` at high
    while high - low > _PRECISION:
        middle = low + (high - low) / 2
        if middle.astimezone(tz).utcoffset() == before:
            low = middle
        else:
            high = middle
    return [ClockChange(zone, high.astimezone(tz).date(), last - before)]


def heads_up(start: datetime, circle_zone: str, reader_zone: str | None, *, online: bool) -> HeadsUp | None:
    """What to tell a reader about the clocks before the meeting starting at ``start`` (aware), or
    None when no clock concerned changes in the week before it.

    ``reader_zone``: the reader's own zone when known; it counts only for an online meeting."""
    zone = reader_zone if online and reader_zone else circle_zone
    local_start = start.astimezone(ZoneInfo(circle_zone))
    week_before = local_to_utc(local_start.date() - WEEK, local_start.time(), ZoneInfo(circle_zone))
    changes = clock_changes(circle_zone, week_before, start)
    if zone != circle_zone:
        changes += clock_changes(zone, week_before, start)
    if not changes:
        return None
    theirs = ZoneInfo(zone)
    now_at = start.astimezone(theirs)
    then_at = week_before.astimezone(theirs)
    moved = (now_at.replace(tzinfo=None) - then_at.replace(tzinfo=None)) - WEEK
    return HeadsUp(tuple(sorted(changes, key=lambda c: (c.day, c.zone))), now_at, moved)
