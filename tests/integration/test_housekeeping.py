"""Bookkeeping rows are deleted once nobody needs them, and not before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.housekeeping import prune
from domain.model import Identity
from storage.db import Database
from storage.invites import Invite
from storage.tables import invites, kept_inputs, processed_updates
from storage.unit import unit_of_work

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


async def count(db: Database, table: object) -> int:
    async with db.transaction() as conn:
        return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())  # type: ignore[arg-type]


async def test_old_bookkeeping_goes_and_recent_stays(db: Database) -> None:
    async with unit_of_work(db) as unit:
        person, _ = await unit.people.ensure(Identity("console", "ann", "ann"), "Ann", "en", NOW)
        assert person.id is not None
        await unit.updates.first_time("console", "old", NOW - timedelta(days=15))
        await unit.updates.first_time("console", "new", NOW - timedelta(days=1))
        await unit.kept_inputs.keep("console", "ann", "old words", "RuntimeError", NOW - timedelta(days=31))
        await unit.kept_inputs.keep("console", "ann", "new words", "RuntimeError", NOW - timedelta(days=2))
        for code, expired in (("old", NOW - timedelta(days=31)), ("soon", NOW + timedelta(days=3))):
            await unit.invites.add(Invite(code, "cofacilitator", None, person.id, expired, None))
    async with unit_of_work(db) as unit:
        pruned = await prune(unit, NOW)
    assert (pruned.updates, pruned.kept_inputs, pruned.invites) == (1, 1, 1)
    assert await count(db, processed_updates) == 1
    assert await count(db, kept_inputs) == 1
    assert await count(db, invites) == 1
    # The update seen yesterday is still recognised as a repeat.
    async with unit_of_work(db) as unit:
        assert not await unit.updates.first_time("console", "new", NOW)
