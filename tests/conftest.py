"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, a settable clock, the app.

Every test that asks for ``db`` runs twice, once per backend. PostgreSQL comes from
``TEST_POSTGRES_URL`` (default: the local server, database ``test``); when it cannot be reached
the PostgreSQL runs are skipped locally and fail in CI (``CI=true``).
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from adapters.console.driver import ConsoleDriver
from bot.app import Core
from bot.clock import FixedClock
from bot.config import Settings
from storage.db import Database
from storage.tables import metadata

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# Saturday 28 November 2026, 12:00 UTC: the "today" of the tests unless a test says otherwise.
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


async def _reset_postgres() -> None:
    db = Database.from_url(POSTGRES_URL)
    try:
        async with db.engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await db.migrate()
    finally:
        await db.close()


async def _migrate_sqlite(path: Path) -> None:
    db = Database.from_url(f"sqlite+aiosqlite:///{path}")
    try:
        await db.migrate()
    finally:
        await db.close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test gets a copy (much faster than migrating each time)."""
    path = tmp_path_factory.mktemp("template") / "circles.db"
    asyncio.run(_migrate_sqlite(path))
    return path


@pytest.fixture(scope="session")
def postgres_ready() -> str:
    try:
        asyncio.run(_reset_postgres())
    except (OSError, Exception) as error:  # noqa: BLE001 - any failure to connect means "not reachable"
        if IN_CI:
            pytest.fail(f"PostgreSQL at {POSTGRES_URL} is not reachable in CI: {error}")
        pytest.skip(f"PostgreSQL not reachable ({error})")
    return POSTGRES_URL


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[str]:
    if request.param == "sqlite":
        if request.node.get_closest_marker("postgresql_only"):
            pytest.skip("PostgreSQL only")
        copy = tmp_path / "circles.db"
        shutil.copy(sqlite_template, copy)
        yield f"sqlite+aiosqlite:///{copy}"
    else:
        yield request.getfixturevalue("postgres_ready")


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database.from_url(database_url)
    if database.is_postgresql:
        tables = ", ".join(t.name for t in metadata.sorted_tables)
        async with database.transaction() as conn:
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield database
    await database.close()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def app(db: Database, clock: FixedClock, settings: Settings) -> Core:
    return Core(db=db, clock=clock, settings=settings)


@pytest.fixture
def chat(app: Core) -> ConsoleDriver:
    """The terminal driver: text in, the bot's answer out, as a person sees it."""
    return ConsoleDriver(app)
