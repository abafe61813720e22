"""The migrations produce exactly the schema the code declares, on both databases."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from adapters.console.driver import ConsoleDriver
from bot.app import Core
from bot.clock import FixedClock
from bot.config import Settings
from storage.db import Database, downgrade, migrate
from storage.tables import metadata
from tests.e2e.flows import create_circle
from tests.e2e.test_browse import circle_in


async def test_migrated_schema_matches_the_tables(db: Database) -> None:
    async with db.engine.connect() as conn:
        differences = await conn.run_sync(lambda sync: compare_metadata(MigrationContext.configure(sync), metadata))
    assert differences == []


async def test_circles_stored_under_their_typed_city_are_found_by_any_name_after_migrating(
    tmp_path: Path, clock: FixedClock, settings: Settings
) -> None:
    """Issue 13: circles created before places were resolved carry the typed name folded
    ("münchen"); the data migration moves them to the place, so "Munich" finds them. On a database
    of its own: downgrading the shared test database would pull tables from under other tests."""
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'rehearsal.db'}")
    try:
        await db.migrate()
        chat = ConsoleDriver(Core(db=db, clock=clock, settings=settings))
        await create_circle(chat, circle_in("München", "Europe/Berlin", "Python in München"))
        await downgrade(db.engine, "0010")
        async with db.transaction() as conn:
            keys = (await conn.execute(sa.text("SELECT venue_city_key FROM circles"))).scalars().all()
        assert keys == ["munchen"]  # as the code before issue 13 stored it
        await migrate(db.engine)
        assert "Python in München" in await chat.say("/browse Monaco di Baviera", as_="alice")
    finally:
        await db.close()
