"""Time rules of a learning circle: when meetings happen and when the bot speaks up.

Meetings keep their *local* wall-clock time: a circle that meets at 18:00 in Berlin meets at
18:00 CET in winter and 18:00 CEST in summer, so the UTC instant moves with daylight saving.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.errors import InvalidSchedule
from domain.model import MAX_WEEKS, MAX_YEARS_AHEAD, CirclePhase, Meeting

# When the bot speaks up on its own (reminders, feedback prompts, surveys) is decided in
# domain/delivery.py; this module says when meetings happen.


def latest_date(today: date) -> date:
    """The last date a meeting may be planned for, seen from ``today`` (MAX_YEARS_AHEAD on;
    29 February falls back to the 28th in a common year)."""
    year = today.year + MAX_YEARS_AHEAD
    try:
        return today.replace(year=year)
    except ValueError:
        return today.replace(year=year, day=28)


def local_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time.

    A time that does not exist locally (the hour skipped when clocks go forward) resolves the
    way zoneinfo does with ``fold=0``: 02:30 on the spring-forward night becomes 03:30 local.
    A repeated time (clocks going back) takes its first occurrence.
    """
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def weekly_starts(first_date: date, at: time, timezone: str, weeks: int) -> list[datetime]:
    """Start instants (UTC) of ``weeks`` weekly meetings from ``first_date`` at local ``at``."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise InvalidSchedule(weeks=weeks)
    zone = ZoneInfo(timezone)
    return [local_to_utc(first_date + timedelta(weeks=n), at, zone) for n in range(weeks)]


def in_zone(instant: datetime, timezone: str) -> datetime:
    """An aware instant as local time of the circle, for display."""
    return instant.astimezone(ZoneInfo(timezone))


def week_of(instant: datetime, timezone: str) -> date:
    """The Monday of the local week (in ``timezone``) that contains ``instant``."""
    local = in_zone(instant, timezone).date()
    return local - timedelta(days=local.weekday())


def active(meetings: Sequence[Meeting]) -> list[Meeting]:
    return sorted((m for m in meetings if not m.cancelled), key=lambda m: m.start)


def meetings_ahead(meetings: Sequence[Meeting], now: datetime) -> list[Meeting]:
    """The meetings not yet started, in order (cancelled ones skipped)."""
    return [m for m in active(meetings) if m.start > now]


def next_meeting(meetings: Sequence[Meeting], now: datetime) -> Meeting | None:
    """The first meeting not yet started (cancelled ones skipped): the one place that says which
    meeting is "next", for cards, notices, reminders and the RSVP list."""
    return next(iter(meetings_ahead(meetings, now)), None)


def phase(meetings: Sequence[Meeting], now: datetime) -> CirclePhase:
    held = active(meetings)
    if not held or now < held[0].start:
        return CirclePhase.UPCOMING
    if now >= held[-1].end:
        return CirclePhase.FINISHED
    return CirclePhase.IN_PROGRESS


def previous_meeting(meetings: Sequence[Meeting], meeting: Meeting) -> Meeting | None:
    before = [m for m in active(meetings) if m.start < meeting.start]
    return before[-1] if before else None
