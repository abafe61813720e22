"""Engine, transactions and migrations."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from storage import sqlite_inline

MIGRATIONS = Path(__file__).parent / "migrations"
# SQLite: how long a transaction waits for the one writer before failing ("database is locked").
SQLITE_BUSY_TIMEOUT = 30.0  # seconds


def create_engine(url: str) -> AsyncEngine:
    """An async engine for a SQLite file or a PostgreSQL server, with the settings each needs."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # The URL names aiosqlite (config), the engine runs sqlite3 on the loop: storage/sqlite_inline.py.
        engine = create_async_engine(
            parsed.set(drivername=f"sqlite+{sqlite_inline.DRIVER}"),
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT},
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # Foreign keys are off by default in SQLite; WAL lets readers work during a write.
            # synchronous=NORMAL: in WAL mode a commit no longer waits for its own fsync (the
            # checkpoint syncs), which SQLite documents as safe from corruption; what it gives up
            # is the last commits before a power cut or OS crash (never on a crash of this
            # process). One fsync per commit limited a crowd of RSVP presses to the disk's pace
            # (docs/scaling.md); production runs PostgreSQL, which keeps its own durability.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    engine = create_async_engine(url)
    _ping_when_idle(engine)
    return engine


# A pooled PostgreSQL connection unused for longer than this is pinged before it is handed out.
IDLE_BEFORE_PING = 5.0  # seconds


def _ping_when_idle(engine: AsyncEngine) -> None:
    """Hand out only live connections (after a PostgreSQL restart, a dropped connection…), without
    paying for it on every event: SQLAlchemy's ``pool_pre_ping`` costs three round trips per
    checkout with asyncpg (BEGIN, a ping, ROLLBACK) — as many as the rest of an RSVP press. A
    connection returned moments ago was working then; one idle for longer is pinged, and a failed
    ping makes the pool replace it (``DisconnectionError``). A connection that dies while in use
    fails its event, which the core answers with an apology, and the pool is renewed."""
    sync = engine.sync_engine

    @event.listens_for(sync, "connect")
    def _connected(_dbapi_connection: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(sync, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(sync, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get("returned_at")
        if returned is not None and time.monotonic() - returned < IDLE_BEFORE_PING:
            return
        try:
            sync.dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise DisconnectionError("a pooled connection did not answer") from error


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


async def migrate(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (Alembic), on the engine's own connection."""
    async with engine.begin() as conn:
        await conn.run_sync(lambda sync: command.upgrade(_alembic_config(sync), revision))


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    """Take the schema back to ``revision`` (Alembic): for rehearsing a data migration."""
    async with engine.begin() as conn:
        await conn.run_sync(lambda sync: command.downgrade(_alembic_config(sync), revision))


class Database:
    """The one way into storage: ``async with db.transaction() as conn`` is a unit of work."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        # SQLite: one transaction of this process at a time (see ``transaction``), and which task has it.
        self._sqlite_turn = asyncio.Lock() if engine.dialect.name == "sqlite" else None
        self._turn_holder: asyncio.Task[Any] | None = None

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(create_engine(url))

    @property
    def is_postgresql(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        turn = self._sqlite_turn
        task = asyncio.current_task()
        if turn is None or task is None or self._turn_holder is task:
            async with self.engine.begin() as conn:
                yield conn
            return
        # SQLite lets one transaction write at a time, and nearly every unit of work writes (an
        # update's first-time mark comes first). Left to SQLite, the others poll its lock from
        # their threads, sleeping up to 100 ms between tries, so the file sits idle after a commit
        # while they sleep, and every poll costs CPU the answers need (bench/inbound: about 1 ms
        # per press). Here they wait their turn in order, and the next starts as the last ends;
        # as long as SQLite would have let them wait, no longer. (A transaction opened inside
        # another by the same task goes to SQLite directly, as before.)
        async with asyncio.timeout(SQLITE_BUSY_TIMEOUT):
            await turn.acquire()
        self._turn_holder = task
        try:
            async with self.engine.begin() as conn:
                yield conn
        finally:
            self._turn_holder = None
            turn.release()

    @contextmanager
    def counting_statements(self) -> Iterator[list[str]]:
        """Every SQL statement the engine runs while inside: what tests and benches count so that
        the cost of a press or a summary cannot creep back."""
        statements: list[str] = []

        def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            statements.append(statement)

        event.listen(self.engine.sync_engine, "before_cursor_execute", note)
        try:
            yield statements
        finally:
            event.remove(self.engine.sync_engine, "before_cursor_execute", note)

    async def migrate(self) -> None:
        await migrate(self.engine)

    async def close(self) -> None:
        await self.engine.dispose()
