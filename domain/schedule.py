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

FEEDBACK_LATEST_AFTER_END = timedelta(days=1)
LEARNER_SURVEY_BEFORE_LAST_START = timedelta(hours=1)
FACILITATOR_SURVEY_AFTER_LAST_END = timedelta(days=2)


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


def active(meetings: Sequence[Meeting]) -> list[Meeting]:
    return sorted((m for m in meetings if not m.cancelled), key=lambda m: m.start)


def next_meeting(meetings: Sequence[Meeting], now: datetime) -> Meeting | None:
    """The first meeting not yet started (cancelled ones skipped)."""
    return next((m for m in active(meetings) if m.start > now), None)


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


def reminder_due(meetings: Sequence[Meeting], meeting: Meeting, lead: timedelta) -> datetime | None:
    """P2PU's rule: ``max(start - lead, end of the previous meeting)``, never after the start.

    None for a cancelled meeting. The previous meeting's end wins so that learners are not
    reminded of next week's meeting while this week's is still going on.
    """
    if meeting.cancelled:
        return None
    due = meeting.start - lead
    before = previous_meeting(meetings, meeting)
    if before is not None:
        due = max(due, before.end)
    return min(due, meeting.start)


def feedback_window(meeting: Meeting) -> tuple[datetime, datetime]:
    """The facilitator is asked for feedback once the meeting ended, and not later than a day after."""
    return meeting.end, meeting.end + FEEDBACK_LATEST_AFTER_END


def learner_survey_due(meetings: Sequence[Meeting]) -> datetime | None:
    held = active(meetings)
    return held[-1].start - LEARNER_SURVEY_BEFORE_LAST_START if held else None


def facilitator_survey_due(meetings: Sequence[Meeting]) -> datetime | None:
    held = active(meetings)
    return held[-1].end + FACILITATOR_SURVEY_AFTER_LAST_END if held else None
