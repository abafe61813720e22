"""What a person's home gathers (``bot.usecases.home``): called in a unit of work as the core does."""

from __future__ import annotations

from datetime import date, timedelta

from bot.i18n import Translator
from bot.usecases import home as home_cases
from bot.usecases import learners
from bot.views.home import home_view
from domain.model import CircleStatus
from storage.db import Database
from storage.unit import unit_of_work
from tests.conftest import NOW
from tests.delivery.seed import circle, person


async def test_each_part_lists_the_soonest_circles_within_the_limit(db: Database) -> None:
    many = home_cases.HOME_CIRCLES + 2
    seeded = [
        await circle(db, NOW, learners=["alice"], first_date=date(2026, 12, 7) + timedelta(days=many - n))
        for n in range(many)
    ]
    alice, fiona = seeded[0].learner_ids[0], seeded[0].facilitator_id
    async with unit_of_work(db) as unit:
        hers = await home_cases.home(unit, alice, NOW)
        assert len(hers.learning) == home_cases.HOME_CIRCLES and hers.more_learning == 2
        starts = [entry.upcoming.start for entry in hers.learning if entry.upcoming]
        assert starts == sorted(starts) and starts[0] == seeded[-1].meeting(1).start  # the soonest first
        assert hers.running == [] and hers.week is None
        facilitated = await home_cases.home(unit, fiona, NOW)
        assert len(facilitated.running) == home_cases.HOME_CIRCLES and facilitated.more_running == 2
        assert facilitated.learning == []
    view = home_view(Translator("en"), hers)
    assert "…and 2 more: /mycircles lists them all." in [s.text for s in view.sections]


async def test_who_said_yes_and_what_is_left_out(db: Database) -> None:
    seeded = await circle(db, NOW, learners=["alice", "bob"])
    cancelled = await circle(db, NOW, facilitator="fiona", status=CircleStatus.CANCELLED)
    draft = await circle(db, NOW, facilitator="fiona", status=CircleStatus.DRAFT)
    alice, bob = seeded.learner_ids
    sam = await person(db, "sam", NOW)
    async with unit_of_work(db) as unit:
        await learners.rsvp(unit, seeded.meeting(1).id or 0, alice, True, NOW)
        await learners.rsvp(unit, seeded.meeting(1).id or 0, bob, False, NOW)
        fionas = await home_cases.home(unit, seeded.facilitator_id, NOW)
        shown = {entry.circle.id: entry for entry in fionas.running}
        assert cancelled.circle_id not in shown and draft.circle_id in shown
        assert shown[seeded.circle_id].coming == ["Alice"] and shown[seeded.circle_id].signups == 2
        bobs = await home_cases.home(unit, bob, NOW)
        assert [(e.circle.id, e.answer) for e in bobs.learning] == [(seeded.circle_id, False)]
        nobody = await home_cases.home(unit, sam, NOW)
    assert (nobody.learning, nobody.running, nobody.week) == ([], [], None)
    assert home_view(Translator("de"), nobody).sections[0].title == "Willkommen bei Circles"
