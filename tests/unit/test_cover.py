"""Cover for a missed meeting (issue 14): the request's own rules (domain/cover.py), when its offer
to cancel falls due and whether a queued message about it is still wanted (domain/delivery.py),
and who may act for a meeting they cover (domain/roles.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from domain.cover import Cover, CoverStatus, ask
from domain.delivery import (
    COVERED,
    NOT_ASKED,
    Drop,
    cover_news_unwanted,
    cover_offer_due,
    cover_offer_due_now,
    cover_unwanted,
    next_falling_due,
)
from domain.errors import CoverNotAsked, CoverTaken, NotAllowed, OwnCover
from domain.model import Circle, CircleStatus, Meeting, Venue
from domain.roles import ORG, Capability, check_for_meeting, may_for_meeting

START = datetime(2026, 12, 7, 17, 0, tzinfo=UTC)
DEADLINE = timedelta(hours=24)
FIONA, CARL, DANA = 1, 2, 3


def a_circle() -> Circle:
    return Circle(
        7, "abc", "Python together", "Python", "", "", Venue("Library"), "en", "Europe/Berlin", date(2026, 12, 7),
        time(18, 0), status=CircleStatus.PUBLISHED,
    )  # fmt: skip


def a_meeting(cancelled: bool = False) -> Meeting:
    return Meeting(11, 7, 1, START, 90, cancelled=cancelled)


def a_request() -> Cover:
    return Cover(meeting_id=11, circle_id=7, asked_by=FIONA, asked_at=START - timedelta(days=3))


def test_the_first_to_accept_leads_and_the_asker_does_not_cover_their_own() -> None:
    cover = a_request()
    with pytest.raises(OwnCover):
        cover.accept(FIONA, START)
    cover.accept(CARL, START - timedelta(days=2))
    assert cover.leader() == CARL and cover.status is CoverStatus.COVERED
    with pytest.raises(CoverTaken):
        cover.accept(DANA, START - timedelta(days=2))
    with pytest.raises(CoverTaken):
        cover.withdraw()  # a covered meeting stays covered
    with pytest.raises(CoverTaken):
        ask(11, 7, FIONA, START, cover)


def test_a_withdrawn_request_answers_no_more_until_asked_again() -> None:
    cover = a_request()
    cover.withdraw()
    assert cover.leader() is None
    for act in (lambda: cover.accept(CARL, START), cover.withdraw):
        with pytest.raises(CoverNotAsked):
            act()
    renewed = ask(11, 7, FIONA, START - timedelta(days=1), cover)
    assert renewed.open and renewed is not cover
    assert ask(11, 7, CARL, START, renewed) is renewed  # an open request stands as it is


def test_the_offer_to_cancel_falls_due_at_the_deadline_while_nobody_covers() -> None:
    meeting, cover = a_meeting(), a_request()
    assert cover_offer_due(meeting, cover, DEADLINE) == START - DEADLINE
    assert cover_offer_due_now(meeting, cover, DEADLINE, START - DEADLINE - timedelta(minutes=1)) is None
    assert cover_offer_due_now(meeting, cover, DEADLINE, START - DEADLINE) == START - DEADLINE
    assert cover_offer_due_now(meeting, cover, DEADLINE, START) is None  # never once it started
    assert cover_offer_due(a_meeting(cancelled=True), cover, DEADLINE) is None
    assert cover_offer_due(meeting, None, DEADLINE) is None
    cover.accept(CARL, START - timedelta(days=2))
    assert cover_offer_due(meeting, cover, DEADLINE) is None


def test_planning_looks_at_the_circle_again_when_the_offer_falls_due() -> None:
    meetings = [a_meeting(), Meeting(12, 7, 2, START + timedelta(weeks=1), 90)]
    offer = cover_offer_due(meetings[0], a_request(), DEADLINE)
    # The reminder (two days before) comes first, then the offer, then the meeting's end.
    after_reminder = START - timedelta(days=2)
    assert next_falling_due(meetings, timedelta(days=2), after_reminder, also=[offer]) == START - DEADLINE
    assert next_falling_due(meetings, timedelta(days=2), after_reminder) == START + timedelta(minutes=90)


def test_messages_about_a_request_are_wanted_while_it_is_open_and_the_meeting_ahead() -> None:
    circle, meeting, cover = a_circle(), a_meeting(), a_request()
    before = START - timedelta(hours=3)
    assert cover_unwanted(circle, meeting, cover, before) is None
    assert cover_unwanted(circle, meeting, cover, START) == Drop("meeting started")
    assert cover_unwanted(circle, a_meeting(cancelled=True), cover, before) == Drop("meeting cancelled")
    assert cover_unwanted(circle, meeting, None, before) == Drop(NOT_ASKED)
    cover.accept(CARL, before)
    assert cover_unwanted(circle, meeting, cover, before) == Drop(COVERED)
    # News of who leads is wanted while it is still true.
    assert cover_news_unwanted(circle, meeting, cover, before, leader=CARL) is None
    assert cover_news_unwanted(circle, meeting, cover, before, leader=DANA) == Drop(NOT_ASKED)


def test_an_organizer_who_covers_a_meeting_gives_its_feedback_and_nothing_more() -> None:
    organizer = frozenset({ORG})
    assert not may_for_meeting(organizer, Capability.GIVE_FEEDBACK, covers=False)
    assert may_for_meeting(organizer, Capability.GIVE_FEEDBACK, covers=True)
    assert not may_for_meeting(organizer, Capability.SHARE_REFLECTIONS, covers=True)
    check_for_meeting(organizer, Capability.GIVE_FEEDBACK, covers=True)
    with pytest.raises(NotAllowed):
        check_for_meeting(organizer, Capability.GIVE_FEEDBACK, covers=False)
