"""The use cases behind learners' and teams' commands, and the dialog state the DialogRunner keeps,
called directly in a unit of work as handlers call them (through ``Context.run``)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.usecases import learner_views, team_views, teams
from bot.usecases.dialogs import DialogState, cancel_dialog, dialog_state, finish_dialog, save_dialog
from domain.errors import NotFound, NotOrganizer, NotSignedUp
from domain.model import CircleStatus, TeamMember, TeamRole
from domain.waitlist import DEFAULT_OFFER_HOLD
from storage.db import Database
from storage.unit import unit_of_work
from tests.conftest import NOW
from tests.delivery.seed import circle, person

HOLD = DEFAULT_OFFER_HOLD


async def test_a_card_says_who_facilitates_and_who_signed_up_and_drafts_stay_hidden(db: Database) -> None:
    seeded = await circle(db, NOW, learners=["alice"])
    stranger = await person(db, "sam", NOW)
    draft = await circle(db, NOW, facilitator="dora", status=CircleStatus.DRAFT)
    async with unit_of_work(db) as unit:
        as_facilitator = await learner_views.circle_card(unit, seeded.circle_id, seeded.facilitator_id, NOW)
        as_learner = await learner_views.card_by_code(unit, seeded.circle.code, seeded.learner_ids[0], NOW)
        as_stranger = await learner_views.circle_card(unit, seeded.circle_id, stranger, NOW)
        assert (as_facilitator.facilitates, as_facilitator.signed_up) == (True, False)
        assert as_learner is not None and (as_learner.facilitates, as_learner.signed_up) == (False, True)
        assert (as_stranger.facilitates, as_stranger.signed_up) == (False, False)
        assert len(as_stranger.meetings) == 6
        with pytest.raises(NotFound):
            await learner_views.circle_card(unit, draft.circle_id, stranger, NOW)
        assert await learner_views.card_by_code(unit, draft.circle.code, stranger, NOW) is None


async def test_rsvp_sheets_show_the_answer_just_given_and_refuse_strangers(db: Database) -> None:
    seeded = await circle(db, NOW, learners=["alice"])
    alice, stranger = seeded.learner_ids[0], await person(db, "sam", NOW)
    async with unit_of_work(db) as unit:
        assert await learner_views.rsvp_sheets(unit, stranger) is None
        with pytest.raises(NotSignedUp):
            await learner_views.rsvp_sheet(unit, seeded.circle_id, stranger)
        answered = await learner_views.answer_rsvp(unit, seeded.meeting(2).id or 0, alice, False, NOW)
        assert answered.meeting.number == 2
        assert answered.sheet.answers == {seeded.meeting(2).id: False}
        sheets = await learner_views.rsvp_sheets(unit, alice)
        assert sheets is not None and [s.answers for s in sheets] == [{seeded.meeting(2).id: False}]


async def test_my_circles_and_leaving(db: Database) -> None:
    seeded = await circle(db, NOW, learners=["alice"])
    alice = seeded.learner_ids[0]
    async with unit_of_work(db) as unit:
        mine = await learner_views.my_circles(unit, alice, NOW)
        assert mine.facilitated == []
        assert [(e.circle.id, e.upcoming) for e in mine.signed_up] == [(seeded.circle_id, seeded.meeting(1))]
        assert [c.id for c in (await learner_views.my_circles(unit, seeded.facilitator_id, NOW)).facilitated] == [
            seeded.circle_id
        ]
        assert (await learner_views.circle_to_leave(unit, seeded.circle_id, alice)).id == seeded.circle_id
        assert (await learner_views.leave_circle(unit, seeded.circle_id, alice, NOW, HOLD)).left
        assert not (await learner_views.leave_circle(unit, seeded.circle_id, alice, NOW, HOLD)).left
        assert await learner_views.circles_signed_up(unit, alice) == []
        with pytest.raises(NotFound):
            await learner_views.circle_to_leave(unit, seeded.circle_id, alice)


async def test_a_member_sees_their_own_circles_in_the_team_and_not_its_members(db: Database) -> None:
    olga, mine = await person(db, "olga", NOW), await circle(db, NOW, facilitator="fiona")
    other = await circle(db, NOW, facilitator="otto")
    outsider = await person(db, "sam", NOW)
    async with unit_of_work(db) as unit:
        assert await team_views.team_card(unit, olga, NOW) is None
        team = await teams.create_team(unit, olga, "Learning Circles Berlin", "Europe/Berlin", NOW)
        for facilitator in (mine.facilitator_id, other.facilitator_id):
            await unit.teams.add_member(TeamMember(team.id or 0, facilitator, TeamRole.MEMBER), NOW)
            await unit.circles.join_team(facilitator, team.id)
        overview = await team_views.team_card(unit, olga, NOW)
        as_member = await team_views.team_card(unit, mine.facilitator_id, NOW)
        assert overview is not None and (overview.member_count, overview.circle_count) == (3, 2)
        assert overview.organizers == ["Olga"]
        assert as_member is not None and as_member.own_circles == ["Python for Everybody"]
        assert [c.facilitators for c in (await team_views.team_circles(unit, olga)).circles] == [["Fiona"], ["Otto"]]
        with pytest.raises(NotOrganizer):
            await team_views.team_members(unit, mine.facilitator_id)
        with pytest.raises(NotFound):  # never a name from outside the team
            await team_views.member_to_remove(unit, olga, outsider)


async def test_a_dialog_ends_once_and_a_refused_last_step_leaves_nothing_behind(db: Database) -> None:
    alice = await person(db, "alice", NOW)
    async with unit_of_work(db) as unit:
        await save_dialog(unit, alice, DialogState("signup", "goal", {"circle_id": 1}), NOW)
        assert await dialog_state(unit, alice) == DialogState("signup", "goal", {"circle_id": 1})

        async def refused() -> None:
            await unit.people.anonymise(alice)  # begun, then refused: undone
            raise NotFound()

        with pytest.raises(NotFound):
            await finish_dialog(unit, alice, refused)
        assert await dialog_state(unit, alice) is None
        assert (await unit.people.names([alice]))[alice] == "Alice"
        await save_dialog(unit, alice, DialogState("browse", "place"), NOW + timedelta(minutes=1))
        assert await cancel_dialog(unit, alice)
        assert not await cancel_dialog(unit, alice)
