"""When a message falls due and whether a queued one is still wanted (domain/delivery.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from domain.delivery import (
    FORGOTTEN,
    LEFT,
    NO_CHAT,
    STALE,
    STALE_AFTER,
    STILL_WORTH_ASKING,
    Drop,
    feedback_prompts_due,
    feedback_unwanted,
    in_feedback_window,
    needs_new_round,
    next_falling_due,
    reminder_due,
    reminder_due_now,
    reminder_dues,
    reminder_unwanted,
    report_offer_due,
    stale,
    survey_unwanted,
    unreachable,
    worth_inviting,
    worth_telling_learners,
)
from domain.model import Circle, CircleStatus, Meeting, Person, Venue

START = datetime(2026, 12, 7, 17, 0, tzinfo=UTC)
LEAD = timedelta(days=2)


def circle(status: CircleStatus = CircleStatus.PUBLISHED) -> Circle:
    return Circle(
        7, "abc", "Python together", "Python", "", "", Venue("Library"), "en", "Europe/Berlin", date(2026, 12, 7),
        time(18, 0), status=status,
    )  # fmt: skip


def weekly(n: int = 3, cancelled: set[int] | None = None) -> list[Meeting]:
    off = cancelled or set()
    return [Meeting(i, 7, i, START + timedelta(weeks=i - 1), 90, cancelled=i in off) for i in range(1, n + 1)]


# ---------------------------------------------------------------- reminders


def test_a_reminder_is_due_from_its_time_until_the_meeting_starts() -> None:
    first = weekly()[0]
    assert reminder_due_now(weekly(), first, LEAD, START - LEAD - timedelta(seconds=1)) is None
    assert reminder_due_now(weekly(), first, LEAD, START - LEAD) == START - LEAD
    assert reminder_due_now(weekly(), first, LEAD, START - timedelta(seconds=1)) == START - LEAD
    assert reminder_due_now(weekly(), first, LEAD, START) is None  # never after the start


def test_the_next_meetings_reminder_waits_for_the_end_of_the_one_before() -> None:
    meetings = weekly()
    second = meetings[1]
    long_lead = timedelta(days=10)
    assert reminder_due_now(meetings, second, long_lead, meetings[0].start + timedelta(minutes=30)) is None
    assert reminder_due_now(meetings, second, long_lead, meetings[0].end) == meetings[0].end


@pytest.mark.parametrize(
    "meetings",
    [
        weekly(6),
        weekly(6, cancelled={2, 5}),
        # out of order, two at the same instant, one moved before another, a long one overlapping
        [
            Meeting(1, 7, 1, START + timedelta(weeks=2), 90),
            Meeting(2, 7, 2, START, 90),
            Meeting(3, 7, 3, START + timedelta(weeks=1), 240),
            Meeting(4, 7, 4, START + timedelta(weeks=1), 30),
            Meeting(5, 7, 5, START + timedelta(weeks=1, hours=1), 90, cancelled=True),
            Meeting(6, 7, 6, START + timedelta(weeks=1, hours=2), 90),
        ],
    ],
)
@pytest.mark.parametrize("lead", [timedelta(hours=1), LEAD, timedelta(days=10)])
def test_a_whole_schedules_reminders_fall_due_as_each_ones_does(meetings: list[Meeting], lead: timedelta) -> None:
    """Planning works out a schedule in one pass; the rule is the one for a single meeting."""
    dues = reminder_dues(meetings, lead)
    assert [m.id for m, _ in dues] == [m.id for m in sorted(meetings, key=lambda m: m.start) if not m.cancelled]
    assert all(at == reminder_due(meetings, m, lead) for m, at in dues)


def test_a_cancelled_meeting_is_never_reminded() -> None:
    meetings = weekly(cancelled={1})
    assert reminder_due_now(meetings, meetings[0], LEAD, START - timedelta(hours=1)) is None


def test_a_moved_meeting_gets_a_new_round_only_when_its_reminder_went_out_and_is_due_again_later() -> None:
    now = START - timedelta(days=1)
    assert needs_new_round(went_out_at=now - timedelta(hours=1), due=now + timedelta(days=3), now=now)
    assert not needs_new_round(went_out_at=None, due=now + timedelta(days=3), now=now)  # unsent: rendered anew
    assert not needs_new_round(went_out_at=now - timedelta(hours=1), due=now - timedelta(minutes=1), now=now)
    assert not needs_new_round(went_out_at=now - timedelta(hours=1), due=None, now=now)


def reminder_check(
    c: Circle | None = None,
    m: Meeting | None = None,
    now: datetime = START - LEAD,
    round_: int = 0,
    current: int = 0,
    learner: bool = True,
    facilitator: bool = False,
) -> Drop | None:
    meeting = m if m is not None else weekly()[0]
    return reminder_unwanted(
        c if c is not None else circle(),
        meeting,
        now,
        round_=round_,
        current_round=current,
        is_learner=learner,
        is_facilitator=facilitator,
    )


def test_a_queued_reminder_is_still_wanted_for_a_learner_or_a_facilitator_of_a_meeting_ahead() -> None:
    assert reminder_check() is None
    assert reminder_check(learner=False, facilitator=True) is None


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"c": circle(CircleStatus.CANCELLED)}, "circle not published"),
        ({"c": circle(CircleStatus.DRAFT)}, "circle not published"),
        ({"m": weekly(cancelled={1})[0]}, "meeting cancelled"),
        ({"now": START}, "meeting started"),
        ({"round_": 0, "current": 1}, "superseded by a newer reminder"),
        ({"learner": False, "facilitator": False}, LEFT),
    ],
)
def test_a_queued_reminder_is_dropped_when_no_longer_wanted(kwargs: dict[str, object], reason: str) -> None:
    assert reminder_check(**kwargs) == Drop(reason)  # type: ignore[arg-type]


def test_a_reminder_for_a_removed_meeting_is_dropped() -> None:
    assert reminder_unwanted(
        circle(), None, START, round_=0, current_round=0, is_learner=True, is_facilitator=False
    ) == Drop("meeting removed")


# ---------------------------------------------------------------- feedback


def test_feedback_is_asked_from_the_meetings_end_for_a_day() -> None:
    meetings = weekly(cancelled={2})
    first = meetings[0]
    assert not in_feedback_window(first, first.end - timedelta(seconds=1))
    assert in_feedback_window(first, first.end)
    assert in_feedback_window(first, first.end + timedelta(days=1))
    assert not in_feedback_window(first, first.end + timedelta(days=1, seconds=1))
    assert feedback_prompts_due(meetings, first.end) == [first]
    assert feedback_prompts_due(meetings, meetings[1].end) == []  # cancelled: no feedback


def test_a_feedback_prompt_is_dropped_once_given_or_outside_its_window_or_for_someone_who_left() -> None:
    first = weekly()[0]
    at = first.end + timedelta(hours=1)
    assert feedback_unwanted(circle(), first, at, given=False, is_facilitator=True) is None
    assert feedback_unwanted(circle(), first, at, given=True, is_facilitator=True) == Drop("feedback already given")
    late = first.end + timedelta(days=2)
    assert feedback_unwanted(circle(), first, late, given=False, is_facilitator=True) == Drop(
        "outside the feedback window"
    )
    assert feedback_unwanted(circle(), first, at, given=False, is_facilitator=False) == Drop("no longer a facilitator")


# ---------------------------------------------------------------- the end of a circle


def test_end_of_circle_invitations_go_out_from_their_time_for_two_weeks() -> None:
    meetings = weekly(3, cancelled={3})
    offer = report_offer_due(meetings)
    assert offer == meetings[1].end  # the last meeting held
    assert not worth_inviting(offer, offer - timedelta(seconds=1))
    assert worth_inviting(offer, offer)
    assert not worth_inviting(offer, offer + STILL_WORTH_ASKING)
    assert report_offer_due(weekly(1, cancelled={1})) is None


def test_a_survey_invitation_is_for_someone_still_in_the_circle_who_has_not_answered() -> None:
    published = circle()
    assert survey_unwanted(published, still_in_role=True, answered=False, learner=True) is None
    assert survey_unwanted(published, still_in_role=True, answered=True, learner=True) == Drop("already answered")
    assert survey_unwanted(published, still_in_role=False, answered=False, learner=True) == Drop(LEFT)
    assert survey_unwanted(published, still_in_role=False, answered=False, learner=False) == Drop(
        "no longer a facilitator"
    )
    cancelled = circle(CircleStatus.CANCELLED)
    assert survey_unwanted(cancelled, still_in_role=True, answered=False, learner=True) == Drop("circle not published")
    assert survey_unwanted(None, still_in_role=True, answered=False, learner=True) == Drop("circle removed")


# ---------------------------------------------------------------- notices and recipients


def test_circle_wide_notices_are_news_only_while_meetings_are_ahead() -> None:
    meetings = weekly(2)
    assert worth_telling_learners(meetings, START)  # the second meeting is still ahead
    assert not worth_telling_learners(meetings, meetings[1].start)
    assert not worth_telling_learners(weekly(2, cancelled={2}), START)


def test_who_can_be_reached() -> None:
    assert unreachable(Person(1, "Ada"), chats=1) is None
    assert unreachable(None, chats=1) == FORGOTTEN
    assert unreachable(Person(1, "", forgotten=True), chats=1) == FORGOTTEN
    assert unreachable(Person(1, "Ada", unreachable_reason="blocked"), chats=1) == "blocked"
    assert unreachable(Person(1, "Ada"), chats=0) == NO_CHAT


def test_planning_looks_at_a_circle_again_when_its_next_message_falls_due() -> None:
    meetings = weekly(2)  # 7 and 14 Dec, 17:00 UTC, 90 minutes
    # Before anything: the first reminder, two days ahead of the first meeting.
    assert next_falling_due(meetings, LEAD, START - timedelta(days=3)) == START - LEAD
    # After it: the first meeting's end (its feedback prompt).
    assert next_falling_due(meetings, LEAD, START - LEAD) == START + timedelta(minutes=90)
    # Then the second reminder, then the learner survey an hour before the last meeting…
    second = START + timedelta(weeks=1)
    assert next_falling_due(meetings, LEAD, START + timedelta(minutes=90)) == second - LEAD
    assert next_falling_due(meetings, LEAD, second - LEAD) == second - timedelta(hours=1)
    # … and the facilitator survey two days after the end; then nothing is ahead.
    assert next_falling_due(meetings, LEAD, second + timedelta(minutes=90)) == second + timedelta(days=2, minutes=90)
    assert next_falling_due(meetings, LEAD, second + timedelta(days=3)) is None
    # A cancelled meeting has no reminder.
    assert next_falling_due(weekly(2, cancelled={1}), LEAD, START - timedelta(days=3)) == second - LEAD


def test_a_summary_or_offer_more_than_a_day_overdue_is_not_sent_late() -> None:
    assert stale(START, START + STALE_AFTER) is None
    assert stale(START, START + STALE_AFTER + timedelta(seconds=1)) == Drop(STALE)
