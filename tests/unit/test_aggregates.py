"""The aggregates enforce their own rules and say what happened (domain/model.py, domain/events.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from domain import events
from domain.errors import CircleCancelled, InvalidSchedule, LastOrganizer, MeetingCancelled, MeetingPast, NotFound
from domain.model import MAX_WEEKS, Circle, CircleStatus, Meeting, Team, TeamMember, TeamRole, Venue

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def circle(status: CircleStatus = CircleStatus.DRAFT) -> Circle:
    return Circle(
        id=7,
        code="abc",
        name="Python together",
        course_title="Python",
        course_link="https://example.org",
        description="",
        venue=Venue("Library", city="Berlin"),
        language="en",
        timezone="Europe/Berlin",
        first_date=date(2026, 12, 7),
        meeting_time=time(18, 0),
        status=status,
    )


def meeting(start: datetime = NOW + timedelta(days=2), cancelled: bool = False) -> Meeting:
    return Meeting(3, 7, 1, start, 90, cancelled=cancelled)


def test_publishing_a_draft_says_so_and_publishing_again_changes_nothing() -> None:
    draft = circle()
    assert draft.publish() == [events.CirclePublished(7)]
    assert draft.status is CircleStatus.PUBLISHED
    assert draft.publish() == []


def test_cancelling_a_circle_closes_signup_and_nothing_changes_it_afterwards() -> None:
    running = circle(CircleStatus.PUBLISHED)
    assert running.cancel() == [events.CircleCancelled(7)]
    assert (running.status, running.signup_open) == (CircleStatus.CANCELLED, False)
    for change in (
        running.publish,
        running.cancel,
        running.reopen_signup,
        running.close_signup,
        lambda: running.move_to(Venue("Café")),
        lambda: running.new_meeting([], NOW),
    ):
        with pytest.raises(CircleCancelled):
            change()
    assert (running.status, running.signup_open, running.venue.name) == (CircleStatus.CANCELLED, False, "Library")


def test_signup_closes_and_reopens() -> None:
    running = circle(CircleStatus.PUBLISHED)
    assert running.close_signup() == [events.SignupClosed(7)]
    assert not running.signup_open
    assert running.reopen_signup() == [events.SignupOpened(7)]
    assert running.signup_open


def test_moving_to_another_venue_says_so() -> None:
    running = circle(CircleStatus.PUBLISHED)
    assert running.move_to(Venue("Café", city="Berlin")) == [events.VenueChanged(7)]
    assert running.venue.name == "Café"


def test_a_circle_meets_at_most_max_weeks_times_counting_cancelled_meetings() -> None:
    running = circle(CircleStatus.PUBLISHED)
    start = NOW + timedelta(days=3)
    added = running.new_meeting([meeting()], start)
    assert (added.id, added.circle_id, added.start, added.duration_minutes) == (None, 7, start, 90)
    full = [meeting(cancelled=n % 2 == 0) for n in range(MAX_WEEKS)]
    with pytest.raises(InvalidSchedule) as refused:
        running.new_meeting(full, start)
    assert refused.value.params == {"weeks": MAX_WEEKS + 1}


def test_rescheduling_a_meeting_ahead_says_from_when_to_when() -> None:
    ahead = meeting()
    old, new = ahead.start, ahead.start + timedelta(days=1)
    assert ahead.reschedule(new, NOW) == [events.MeetingMoved(7, 3, old, new)]
    assert ahead.start == new


def test_cancelling_a_meeting_ahead_says_when_it_was() -> None:
    ahead = meeting()
    assert ahead.cancel(NOW) == [events.MeetingCancelled(7, 3, ahead.start)]
    assert ahead.cancelled


@pytest.mark.parametrize(
    ("start", "cancelled", "refusal"),
    [
        (NOW, False, MeetingPast),  # starting right now is too late
        (NOW - timedelta(hours=1), False, MeetingPast),
        (NOW + timedelta(days=1), True, MeetingCancelled),
    ],
)
def test_only_meetings_ahead_change(start: datetime, cancelled: bool, refusal: type[Exception]) -> None:
    past = meeting(start, cancelled)
    with pytest.raises(refusal):
        past.reschedule(NOW + timedelta(days=5), NOW)
    with pytest.raises(refusal):
        past.cancel(NOW)
    assert (past.start, past.cancelled) == (start, cancelled)


def team_of(*members: tuple[int, TeamRole]) -> tuple[Team, list[TeamMember]]:
    return Team(id=4, name="Berlin", timezone="Europe/Berlin"), [TeamMember(4, p, role) for p, role in members]


def test_an_organizer_removes_a_member() -> None:
    team, members = team_of((1, TeamRole.ORGANIZER), (2, TeamRole.MEMBER))
    assert team.remove_member(members, 1, 2) == [events.MemberRemoved(4, 2, by=1)]


def test_only_members_of_the_team_can_be_removed() -> None:
    team, members = team_of((1, TeamRole.ORGANIZER), (2, TeamRole.MEMBER))
    with pytest.raises(NotFound):
        team.remove_member(members, 1, 99)


def test_the_only_organizer_stays_while_the_team_has_other_members() -> None:
    team, members = team_of((1, TeamRole.ORGANIZER), (2, TeamRole.MEMBER))
    with pytest.raises(LastOrganizer):
        team.leave(members, 1)
    with pytest.raises(LastOrganizer):
        team.remove_member(members, 1, 1)  # removing oneself is leaving
    assert team.leave(members, 2) == [events.MemberLeft(4, 2)]


def test_an_organizer_leaves_when_another_organizer_stays_or_nobody_else_is_left() -> None:
    team, members = team_of((1, TeamRole.ORGANIZER), (2, TeamRole.ORGANIZER), (3, TeamRole.MEMBER))
    assert team.remove_member(members, 1, 1) == [events.MemberLeft(4, 1)]
    alone, only = team_of((1, TeamRole.ORGANIZER))
    assert alone.leave(only, 1) == [events.MemberLeft(4, 1)]
