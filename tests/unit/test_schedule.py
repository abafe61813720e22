"""Meeting generation and timing rules across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.delivery import facilitator_survey_due, feedback_window, learner_survey_due, reminder_due
from domain.errors import InvalidSchedule
from domain.model import CirclePhase, Meeting
from domain.schedule import next_meeting, phase, weekly_starts


def local(instants: list[datetime], zone: str) -> list[str]:
    return [i.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z") for i in instants]


def meetings_from(starts: list[datetime], minutes: int = 90) -> list[Meeting]:
    return [Meeting(n, 1, n, start, minutes) for n, start in enumerate(starts, start=1)]


def test_new_york_keeps_18_00_when_clocks_fall_back() -> None:
    # DST ends in the US on Sunday 1 November 2026.
    starts = weekly_starts(date(2026, 10, 22), time(18, 0), "America/New_York", 3)
    assert local(starts, "America/New_York") == [
        "2026-10-22 18:00 EDT",
        "2026-10-29 18:00 EDT",
        "2026-11-05 18:00 EST",
    ]
    assert [s.astimezone(UTC).hour for s in starts] == [22, 22, 23]


def test_new_york_keeps_18_00_when_clocks_spring_forward() -> None:
    # DST starts in the US on Sunday 8 March 2026.
    starts = weekly_starts(date(2026, 3, 1), time(18, 0), "America/New_York", 2)
    assert local(starts, "America/New_York") == ["2026-03-01 18:00 EST", "2026-03-08 18:00 EDT"]
    assert starts[1] - starts[0] == timedelta(days=7) - timedelta(hours=1)


def test_berlin_crosses_both_changes_of_2026() -> None:
    # Summer time in the EU: 29 March to 25 October 2026.
    spring = weekly_starts(date(2026, 3, 23), time(19, 30), "Europe/Berlin", 2)
    autumn = weekly_starts(date(2026, 10, 19), time(19, 30), "Europe/Berlin", 2)
    assert local(spring, "Europe/Berlin") == ["2026-03-23 19:30 CET", "2026-03-30 19:30 CEST"]
    assert local(autumn, "Europe/Berlin") == ["2026-10-19 19:30 CEST", "2026-10-26 19:30 CET"]
    assert [s.hour for s in spring] == [18, 17]
    assert [s.hour for s in autumn] == [17, 18]


def test_auckland_meets_on_the_previous_utc_day_and_keeps_its_time() -> None:
    # New Zealand daylight time starts on Sunday 27 September 2026.
    starts = weekly_starts(date(2026, 9, 21), time(9, 0), "Pacific/Auckland", 2)
    assert local(starts, "Pacific/Auckland") == ["2026-09-21 09:00 NZST", "2026-09-28 09:00 NZDT"]
    assert starts[0] == datetime(2026, 9, 20, 21, 0, tzinfo=UTC)
    assert starts[1] == datetime(2026, 9, 27, 20, 0, tzinfo=UTC)


def test_a_time_skipped_by_the_clock_change_moves_to_the_hour_after() -> None:
    # 02:30 does not exist in Berlin on 29 March 2026; it becomes 03:30 CEST.
    (start,) = weekly_starts(date(2026, 3, 29), time(2, 30), "Europe/Berlin", 1)
    assert local([start], "Europe/Berlin") == ["2026-03-29 03:30 CEST"]


@pytest.mark.parametrize("weeks", [0, 53, 100, -1])
def test_weeks_out_of_range_are_refused(weeks: int) -> None:
    with pytest.raises(InvalidSchedule):
        weekly_starts(date(2026, 12, 7), time(18, 0), "Europe/Berlin", weeks)


def test_every_generated_instant_is_aware_utc() -> None:
    starts = weekly_starts(date(2026, 12, 7), time(18, 0), "Asia/Kolkata", 6)
    assert all(s.tzinfo is UTC for s in starts)
    assert local(starts, "Asia/Kolkata")[0] == "2026-12-07 18:00 IST"


def test_phase_and_next_meeting_follow_the_clock() -> None:
    meetings = meetings_from(weekly_starts(date(2026, 12, 7), time(18, 0), "Europe/Berlin", 2))
    first, second = meetings
    assert phase(meetings, first.start - timedelta(minutes=1)) is CirclePhase.UPCOMING
    assert phase(meetings, first.start) is CirclePhase.IN_PROGRESS
    assert next_meeting(meetings, first.start) == second
    assert phase(meetings, second.end - timedelta(seconds=1)) is CirclePhase.IN_PROGRESS
    assert phase(meetings, second.end) is CirclePhase.FINISHED
    assert next_meeting(meetings, second.start) is None


def test_cancelled_meetings_do_not_count() -> None:
    meetings = meetings_from(weekly_starts(date(2026, 12, 7), time(18, 0), "Europe/Berlin", 3))
    meetings[2].cancelled = True
    assert phase(meetings, meetings[1].end) is CirclePhase.FINISHED
    assert learner_survey_due(meetings) == meetings[1].start - timedelta(hours=1)
    assert facilitator_survey_due(meetings) == meetings[1].end + timedelta(days=2)


def test_reminder_two_days_ahead_unless_the_previous_meeting_is_later() -> None:
    meetings = meetings_from(weekly_starts(date(2026, 12, 7), time(18, 0), "Europe/Berlin", 2))
    first, second = meetings
    lead = timedelta(days=2)
    assert reminder_due(meetings, first, lead) == first.start - lead
    assert reminder_due(meetings, second, lead) == second.start - lead
    # With a six-day lead, the second reminder waits for the first meeting to end.
    assert reminder_due(meetings, second, timedelta(days=6, hours=23)) == first.end


def test_reminder_never_after_the_start_and_none_when_cancelled() -> None:
    starts = [datetime(2026, 12, 7, 17, tzinfo=UTC), datetime(2026, 12, 7, 17, 30, tzinfo=UTC)]
    meetings = meetings_from(starts, minutes=60)
    assert reminder_due(meetings, meetings[1], timedelta(days=2)) == meetings[1].start
    meetings[1].cancelled = True
    assert reminder_due(meetings, meetings[1], timedelta(days=2)) is None


def test_feedback_is_asked_after_the_end_and_within_a_day() -> None:
    (meeting,) = meetings_from([datetime(2026, 12, 7, 17, tzinfo=UTC)])
    opens, closes = feedback_window(meeting)
    assert opens == datetime(2026, 12, 7, 18, 30, tzinfo=UTC)
    assert closes == opens + timedelta(days=1)
