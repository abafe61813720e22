"""Who may sign up, RSVP and manage a circle."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from domain.errors import (
    CircleCancelled,
    CircleFinished,
    CircleFull,
    CircleNotOpen,
    MeetingCancelled,
    MeetingPast,
    NotSignedUp,
    SignupClosed,
)
from domain.model import Circle, CircleStatus, Meeting, Venue
from domain.rules import check_can_rsvp, check_can_sign_up, is_listed

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


def circle(**changes: object) -> Circle:
    base = Circle(
        id=1,
        code="abc",
        name="Python",
        course_title="Python",
        course_link="https://example.org",
        description="",
        venue=Venue("Library"),
        language="en",
        timezone="Europe/Berlin",
        first_date=date(2026, 12, 7),
        meeting_time=time(18),
        status=CircleStatus.PUBLISHED,
    )
    for key, value in changes.items():
        setattr(base, key, value)
    return base


MEETINGS = [Meeting(1, 1, 1, datetime(2026, 12, 7, 17, tzinfo=UTC), 90)]


def test_an_open_published_circle_takes_signups_until_full() -> None:
    check_can_sign_up(circle(signup_limit=2), MEETINGS, NOW, active_signups=1, already_signed_up=False)
    with pytest.raises(CircleFull):
        check_can_sign_up(circle(signup_limit=2), MEETINGS, NOW, active_signups=2, already_signed_up=False)


def test_someone_already_signed_up_may_update_a_full_or_closed_circle() -> None:
    check_can_sign_up(circle(signup_limit=1, signup_open=False), MEETINGS, NOW, 1, already_signed_up=True)


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"status": CircleStatus.DRAFT}, CircleNotOpen),
        ({"status": CircleStatus.CANCELLED}, CircleNotOpen),
        ({"signup_open": False}, SignupClosed),
    ],
)
def test_closed_circles_say_why(changes: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        check_can_sign_up(circle(**changes), MEETINGS, NOW, 0, already_signed_up=False)


def test_a_finished_circle_takes_no_signups_and_is_not_listed() -> None:
    after = MEETINGS[0].end + timedelta(minutes=1)
    with pytest.raises(CircleFinished):
        check_can_sign_up(circle(), MEETINGS, after, 0, already_signed_up=False)
    assert is_listed(circle(), MEETINGS, NOW)
    assert not is_listed(circle(), MEETINGS, after)
    assert not is_listed(circle(signup_open=False), MEETINGS, NOW)


def test_rsvp_only_ahead_for_signed_up_learners_of_a_running_circle() -> None:
    meeting = MEETINGS[0]
    check_can_rsvp(circle(), meeting, NOW, signed_up=True)
    with pytest.raises(NotSignedUp):
        check_can_rsvp(circle(), meeting, NOW, signed_up=False)
    with pytest.raises(MeetingPast):
        check_can_rsvp(circle(), meeting, meeting.start, signed_up=True)
    cancelled = Meeting(2, 1, 2, meeting.start, 90, cancelled=True)
    with pytest.raises(MeetingCancelled):
        check_can_rsvp(circle(), cancelled, NOW, signed_up=True)
    with pytest.raises(CircleCancelled):
        check_can_rsvp(circle(status=CircleStatus.CANCELLED), meeting, NOW, signed_up=True)
    with pytest.raises(CircleNotOpen):
        check_can_rsvp(circle(status=CircleStatus.DRAFT), meeting, NOW, signed_up=True)
