"""Storage guarantees: one signup and one RSVP per person even under concurrent requests,
aware datetimes in and out, migrations from scratch."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import create_async_engine

import storage.db
from bot.usecases import circles as circle_cases
from bot.usecases import learners
from domain.errors import CircleFull
from domain.model import Circle, CircleStatus, Identity, Signup, Venue
from storage.db import Database
from storage.tables import people, rsvps, signups
from storage.unit import unit_of_work

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


def a_circle(limit: int | None = None) -> Circle:
    return Circle(
        id=None,
        code="",
        name="Stats",
        course_title="Stats",
        course_link="https://example.org",
        description="Statistics",
        venue=Venue("Library", city="Zürich"),
        language="en",
        timezone="Europe/Zurich",
        first_date=date(2026, 12, 7),
        meeting_time=time(18, 0),
        signup_limit=limit,
        status=CircleStatus.PUBLISHED,
    )


async def person(db: Database, name: str) -> int:
    async with unit_of_work(db) as unit:
        found, _ = await unit.people.ensure(Identity("console", name, name), name, "en", NOW)
    assert found.id is not None
    return found.id


async def stored_circle(db: Database, limit: int | None = None) -> Circle:
    owner = await person(db, "owner")
    circle = a_circle(limit)
    circle.created_by = owner
    async with unit_of_work(db) as unit:
        return await circle_cases.create(unit, circle, NOW)


async def sign_up(db: Database, circle_id: int, person_id: int, goal: str) -> bool:
    async with unit_of_work(db) as unit:
        return await learners.sign_up(unit, Signup(None, circle_id, person_id, goal, "help"), NOW)


async def test_concurrent_signups_of_one_person_leave_one_row(db: Database) -> None:
    circle = await stored_circle(db)
    assert circle.id is not None
    learner = await person(db, "alice")
    results = await asyncio.gather(
        *(sign_up(db, circle.id, learner, f"goal {n}") for n in range(8)), return_exceptions=True
    )
    assert not [r for r in results if isinstance(r, BaseException) and not _is_lock_conflict(r)]
    async with db.transaction() as conn:
        count = (await conn.execute(select(func.count()).select_from(signups))).scalar_one()
    assert count == 1


def _is_lock_conflict(error: BaseException) -> bool:
    # SQLite may refuse a concurrent writer ("database is locked") rather than wait; the
    # guarantee under test is that no second row ever appears.
    return "locked" in str(error)


@pytest.mark.postgresql_only
async def test_two_people_racing_for_the_last_place_get_one_place(db: Database) -> None:
    circle = await stored_circle(db, limit=1)
    assert circle.id is not None
    racers = [await person(db, f"racer{n}") for n in range(6)]
    results = await asyncio.gather(*(sign_up(db, circle.id, p, "win") for p in racers), return_exceptions=True)
    assert sum(1 for r in results if r is True) == 1
    assert all(isinstance(r, CircleFull) for r in results if r is not True)
    async with db.transaction() as conn:
        count = (await conn.execute(select(func.count()).select_from(signups))).scalar_one()
    assert count == 1


async def test_an_rsvp_answered_twice_is_one_row_with_the_last_answer(db: Database) -> None:
    circle = await stored_circle(db)
    assert circle.id is not None
    learner = await person(db, "bob")
    await sign_up(db, circle.id, learner, "learn")
    async with unit_of_work(db) as unit:
        first = (await unit.circles.meetings(circle.id))[0]
    assert first.id is not None
    for attending in (True, False, True, False):
        async with unit_of_work(db) as unit:
            await learners.rsvp(unit, first.id, learner, attending, NOW)
    async with db.transaction() as conn:
        rows = (await conn.execute(select(rsvps.c.attending))).scalars().all()
    assert rows == [False]


async def test_datetimes_come_back_aware_and_equal(db: Database) -> None:
    circle = await stored_circle(db)
    assert circle.id is not None
    async with unit_of_work(db) as unit:
        meetings = await unit.circles.meetings(circle.id)
        stored = await unit.circles.get(circle.id)
    assert stored is not None and stored.created_at == NOW
    assert all(m.start.tzinfo is not None for m in meetings)
    assert meetings[0].start == datetime(2026, 12, 7, 17, 0, tzinfo=UTC)
    assert meetings[-1].start - meetings[0].start == timedelta(weeks=5)


async def test_naive_datetimes_are_refused(db: Database) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        async with unit_of_work(db) as unit:
            await unit.people.ensure(Identity("console", "x", "x"), "X", "en", datetime(2026, 1, 1))


async def test_a_failed_unit_of_work_leaves_nothing_behind(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with unit_of_work(db) as unit:
            await unit.people.ensure(Identity("console", "ghost", "ghost"), "Ghost", "en", NOW)
            raise RuntimeError("boom")
    async with db.transaction() as conn:
        assert (await conn.execute(select(func.count()).select_from(people))).scalar_one() == 0


async def test_the_same_identity_arriving_twice_at_once_is_one_person(db: Database) -> None:
    async def first_contact() -> int:
        return await person(db, "twin")

    results = await asyncio.gather(first_contact(), first_contact(), return_exceptions=True)
    ids = {r for r in results if isinstance(r, int)}
    assert len(ids) == 1
    async with db.transaction() as conn:
        assert (await conn.execute(select(func.count()).select_from(people))).scalar_one() == 1


async def test_an_update_seen_before_finds_nobody_and_creates_nobody(db: Database) -> None:
    """``arrive`` notes the update and reads the person at once (one statement on PostgreSQL): a
    newcomer's first update creates them, its repeat is None and creates no second person; a known
    person's chat is recorded when it changed."""
    newcomer = Identity("telegram", "42", "42")
    async with unit_of_work(db) as unit:
        arrived = await unit.people.arrive(newcomer, "Nora", "de", NOW, "1")
    assert arrived is not None and arrived[1] is True and arrived[0].language == "de"
    async with unit_of_work(db) as unit:
        assert await unit.people.arrive(newcomer, "Nora", "de", NOW, "1") is None
        again = await unit.people.arrive(Identity("telegram", "42", "-100"), "Nora", "en", NOW, "2")
    assert again is not None and again[1] is False and again[0].id == arrived[0].id
    assert again[0].language == "de"  # the stored person, not the event's language
    async with unit_of_work(db) as unit:
        assert await unit.people.identities_of(arrived[0].id or 0) == [Identity("telegram", "42", "-100")]
    async with db.transaction() as conn:
        assert (await conn.execute(select(func.count()).select_from(people))).scalar_one() == 1


@pytest.mark.postgresql_only
async def test_a_pooled_connection_that_died_while_idle_is_replaced_not_handed_out(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL restarted, or dropped an idle connection: the next unit of work still succeeds.
    (A connection idle for longer than ``IDLE_BEFORE_PING`` is pinged first; 0 makes every one so.)"""
    monkeypatch.setattr(storage.db, "IDLE_BEFORE_PING", 0.0)
    async with db.transaction() as conn:
        doomed = (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()
    killer = create_async_engine(db.engine.url.render_as_string(hide_password=False))
    async with killer.begin() as conn:
        assert (await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": doomed})).scalar_one()
    await killer.dispose()

    async with unit_of_work(db) as unit:
        found, _ = await unit.people.ensure(Identity("console", "after", "after"), "After", "en", NOW)
        pid = (await unit.conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()
    assert found.id is not None and pid != doomed
