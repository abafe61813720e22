"""SQLite for the async engine without a thread hop per call: sqlite3 runs on the event loop.

aiosqlite runs every call on its own thread: for one statement SQLAlchemy's adapter makes four
(cursor, execute, fetchall, close), each a queue put, a thread wake, a ``call_soon_threadsafe``
and an event-loop wake with the GIL handed back and forth. An RSVP press is about five statements
plus the commit, and that traffic cost more CPU than the press's SQL (bench/inbound: 7.8 ms per
press against 4.9 ms on PostgreSQL).

Here the statements run inline, which is safe only because none of them waits: ``Database``
lets one transaction of a process use SQLite at a time, WAL lets reads go on during a write, and
the busy timeout is 0, so a statement either runs at once or fails with SQLITE_BUSY — which only
another process's write (``circles dispatch`` from cron, a migration) can cause. Such a statement
is run again on a worker thread with the configured busy timeout, so that the wait for the other
process stays off the event loop, as before. (A busy statement has done nothing yet, as when
SQLite's own busy handler retries it.)
"""

from __future__ import annotations

import asyncio
import sqlite3
import types
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import pool
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine.url import URL
from sqlalchemy.util.concurrency import await_, in_greenlet

DRIVER = "circles"  # the URL's driver name that selects this dialect: sqlite+circles://
DEFAULT_BUSY_TIMEOUT = 5.0  # seconds, sqlite3's own default
T = TypeVar("T")


def _is_busy(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF == sqlite3.SQLITE_BUSY


class _Connection(sqlite3.Connection):
    """A sqlite3 connection whose busy statements wait for the lock on a worker thread."""

    busy_timeout: float = DEFAULT_BUSY_TIMEOUT

    def cursor(self, factory: Any = None) -> Any:
        return super().cursor(factory or _Cursor)

    def commit(self) -> None:
        _off_the_loop(self, super().commit)

    def wait_for_lock(self, call: Callable[[], T]) -> T:
        """``call`` with SQLite's busy handler waiting up to the busy timeout (blocks: a worker
        thread's job)."""
        self.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
        try:
            return call()
        finally:
            self.execute("PRAGMA busy_timeout = 0")


def _off_the_loop(connection: _Connection, call: Callable[[], T]) -> T:
    """``call`` at once if SQLite is free for it; if another process holds the lock, the same call
    again on a worker thread, waiting for the lock there while the event loop goes on. (The
    async engine insists that a statement awaits: here the call runs inside the awaited
    coroutine, which finishes without yielding to the loop unless it has to wait.)"""
    if not in_greenlet():  # a synchronous caller, with no event loop to keep free, simply waits
        return connection.wait_for_lock(call)
    return await_(_at_once_or_on_a_thread(connection, call))


async def _at_once_or_on_a_thread(connection: _Connection, call: Callable[[], T]) -> T:
    try:
        return call()
    except sqlite3.OperationalError as error:
        if not _is_busy(error):
            raise
    return await asyncio.to_thread(connection.wait_for_lock, call)


class _Cursor(sqlite3.Cursor):
    """Fetches a statement's rows as it runs them (what SQLAlchemy's async results expect: they
    close the cursor and read on)."""

    connection: _Connection
    _rows: deque[Any]

    def execute(self, sql: str, parameters: Any = (), /) -> _Cursor:
        def run() -> deque[Any]:
            super(_Cursor, self).execute(sql, parameters)
            return deque(super(_Cursor, self).fetchall() if self.description else ())

        self._rows = _off_the_loop(self.connection, run)
        return self

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> _Cursor:
        rows = list(seq_of_parameters)  # run again after a busy try: an iterator would be spent
        _off_the_loop(self.connection, lambda: super(_Cursor, self).executemany(sql, rows))
        self._rows = deque()
        return self

    def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    def fetchmany(self, size: int | None = None) -> list[Any]:
        count = min(len(self._rows), self.arraysize if size is None else size)
        return [self._rows.popleft() for _ in range(count)]

    def fetchall(self) -> list[Any]:
        rows = list(self._rows)
        self._rows.clear()
        return rows

    async def _async_soft_close(self) -> None:
        """Called by SQLAlchemy's async results; the rows are already here."""


def _connect(*args: Any, **kwargs: Any) -> _Connection:
    busy_timeout = float(kwargs.pop("timeout", DEFAULT_BUSY_TIMEOUT))
    # The connection is used on the event loop's thread and, while another process holds the
    # lock, on a worker thread (one at a time: the caller awaits the worker).
    kwargs.update(timeout=0, check_same_thread=False, factory=_Connection)
    connection: _Connection = sqlite3.connect(*args, **kwargs)
    connection.busy_timeout = busy_timeout
    return connection


def _dbapi() -> types.ModuleType:
    module = types.ModuleType("circles_sqlite3", "sqlite3, connecting with _connect")
    module.__dict__.update({k: v for k, v in vars(sqlite3).items() if not k.startswith("__")})
    module.connect = _connect  # type: ignore[attr-defined]
    return module


class SQLiteDialectInline(SQLiteDialect_pysqlite):
    """pysqlite's dialect, usable by the async engine (statements are called from its greenlet)."""

    driver = DRIVER
    is_async = True
    supports_statement_cache = True

    @classmethod
    def import_dbapi(cls) -> Any:
        return _dbapi()

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        if cls._is_url_file_db(url):
            return pool.AsyncAdaptedQueuePool
        return pool.StaticPool


registry.register(f"sqlite.{DRIVER}", __name__, "SQLiteDialectInline")
