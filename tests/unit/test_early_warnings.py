"""The early-warning rules (domain/early_warnings.py), each at and around its threshold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.early_warnings import (
    FEEDBACK_GRACE,
    FEEDBACK_LOOK_BACK,
    FEW_SIGNUPS,
    FEW_SIGNUPS_WITHIN,
    NO_YES_WITHIN,
    CircleFacts,
    Kind,
    MeetingFacts,
    warnings_for,
)
from domain.model import Meeting

FIRST = datetime(2026, 12, 7, 17, 0, tzinfo=UTC)  # Monday 18:00 in Berlin
WEEK = timedelta(weeks=1)


def meetings(came: list[int | None], *, weeks: int = 6, yes: int = 1, feedback: bool = True) -> list[MeetingFacts]:
    """Weekly meetings from FIRST; the first ``len(came)`` are the held ones."""
    facts = []
    for n in range(weeks):
        meeting = Meeting(n + 1, 1, n + 1, FIRST + n * WEEK, 90)
        held = n < len(came)
        facts.append(MeetingFacts(meeting, came[n] if held else None, yes, feedback and held))
    return facts


def kinds(circle: CircleFacts, now: datetime) -> list[Kind]:
    return [w.kind for w in warnings_for(circle, now)]


def after(held: int) -> datetime:
    """The day after meeting ``held`` (so its feedback is not yet overdue)."""
    return FIRST + (held - 1) * WEEK + timedelta(days=1)


def test_attendance_falling_two_meetings_in_a_row() -> None:
    falling = CircleFacts(1, 8, meetings([6, 5, 4]))
    (warning,) = warnings_for(falling, after(3))
    assert warning.kind is Kind.FALLING_ATTENDANCE and warning.counts == (6, 5, 4)
    assert warning.meeting is not None and warning.meeting.number == 3
    # Falling once, steady, or rising again: no warning.
    for came in ([6, 6, 4], [6, 5, 5], [4, 5, 6], [6, 4, 5], [5, 4]):
        assert kinds(CircleFacts(1, 8, meetings(came)), after(len(came))) == [], came
    # Only the last three count: an earlier fall that recovered says nothing.
    assert kinds(CircleFacts(1, 8, meetings([9, 3, 4, 5])), after(4)) == []


def test_falling_attendance_needs_every_figure_and_a_meeting_ahead() -> None:
    assert kinds(CircleFacts(1, 8, meetings([6, None, 4])), after(3)) == []
    # After its last meeting, nobody can act on a circle's trend.
    ended = CircleFacts(1, 8, meetings([6, 5, 4], weeks=3))
    assert Kind.FALLING_ATTENDANCE not in kinds(ended, after(3))


def test_feedback_missing_two_days_after_a_meeting() -> None:
    silent = CircleFacts(1, 8, meetings([3], feedback=False))
    end = FIRST + timedelta(minutes=90)
    assert kinds(silent, end + FEEDBACK_GRACE - timedelta(seconds=1)) == []
    (warning,) = warnings_for(silent, end + FEEDBACK_GRACE)
    assert warning.kind is Kind.FEEDBACK_MISSING and warning.meeting is not None and warning.meeting.number == 1
    # Given: nothing to say.
    assert kinds(CircleFacts(1, 8, meetings([3])), end + FEEDBACK_GRACE) == []


def test_missing_feedback_is_about_the_latest_meeting_and_not_forever() -> None:
    # Meeting 1 without feedback, meeting 2 with: the latest counts.
    facts = meetings([3, 3])
    facts[0] = MeetingFacts(facts[0].meeting, 3, 1, False)
    assert kinds(CircleFacts(1, 8, facts), after(2) + FEEDBACK_GRACE) == []
    # A circle whose last meeting went without feedback long ago is past helping.
    ended = CircleFacts(1, 8, meetings([3], weeks=1, feedback=False))
    end = FIRST + timedelta(minutes=90)
    assert kinds(ended, end + FEEDBACK_LOOK_BACK) == [Kind.FEEDBACK_MISSING]
    assert kinds(ended, end + FEEDBACK_LOOK_BACK + timedelta(seconds=1)) == []


def test_nobody_said_yes_a_day_before_a_meeting() -> None:
    nobody = CircleFacts(1, 8, meetings([], yes=0))
    assert kinds(nobody, FIRST - NO_YES_WITHIN - timedelta(seconds=1)) == []
    (warning,) = warnings_for(nobody, FIRST - NO_YES_WITHIN)
    assert warning.kind is Kind.NO_YES and warning.meeting is not None and warning.meeting.number == 1
    assert kinds(CircleFacts(1, 8, meetings([], yes=1)), FIRST - NO_YES_WITHIN) == []
    # Once the meeting started, the next one is what counts (a week ahead: nothing yet).
    assert kinds(CircleFacts(1, 8, meetings([3], yes=0)), FIRST + timedelta(minutes=1)) == []


def test_fewer_than_three_signups_a_week_before_the_first_meeting() -> None:
    few = CircleFacts(1, FEW_SIGNUPS - 1, meetings([]))
    assert kinds(few, FIRST - FEW_SIGNUPS_WITHIN - timedelta(seconds=1)) == []
    (warning,) = warnings_for(few, FIRST - FEW_SIGNUPS_WITHIN)
    assert warning.kind is Kind.FEW_SIGNUPS and warning.counts == (FEW_SIGNUPS - 1,)
    assert kinds(CircleFacts(1, FEW_SIGNUPS, meetings([])), FIRST - FEW_SIGNUPS_WITHIN) == []
    # Once it started, signups are the facilitator's business, not a warning.
    assert Kind.FEW_SIGNUPS not in kinds(few, FIRST + timedelta(minutes=1))


def test_cancelled_meetings_are_not_counted() -> None:
    facts = meetings([6, 5, 9, 4])
    cancelled = facts[2].meeting
    facts[2] = MeetingFacts(Meeting(cancelled.id, 1, 3, cancelled.start, 90, cancelled=True), 9, 1, True)
    assert kinds(CircleFacts(1, 8, facts), after(4)) == [Kind.FALLING_ATTENDANCE]
    # The first meeting cancelled: the first one held is what the signups rule watches.
    first = meetings([], yes=1)
    first[0] = MeetingFacts(Meeting(1, 1, 1, FIRST, 90, cancelled=True), None, 1, False)
    assert kinds(CircleFacts(1, 1, first), FIRST) == [Kind.FEW_SIGNUPS]


def test_several_warnings_come_in_one_order() -> None:
    facts = meetings([6, 5, 4], yes=0, feedback=False)
    # Half a day before meeting 4, with no feedback on meeting 3 and no yes to meeting 4.
    assert kinds(CircleFacts(1, 8, facts), facts[3].meeting.start - timedelta(hours=12)) == [
        Kind.FALLING_ATTENDANCE,
        Kind.FEEDBACK_MISSING,
        Kind.NO_YES,
    ]
