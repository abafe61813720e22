"""Who sends for a platform account: a lease held in PostgreSQL (docs/scaling.md).

Several instances of the bot share one PostgreSQL. Exactly-once delivery needs nothing more (the
outbox claims rows with ``FOR UPDATE SKIP LOCKED``), but a platform's rate limit is per account:
30 messages a second for a Telegram bot whichever process sends them. So one instance at a time
sends bulk messages for an account; it holds a *session-level advisory lock* keyed by the
account on a connection of its own:

- ``pg_try_advisory_lock`` never waits: an instance that does not get it simply does not send
  bulk, and tries again on its next pass;
- the lock lives as long as that connection: when the owner dies (killed, crashed, its host gone)
  PostgreSQL closes the session and releases the lock, and the next instance that tries takes it
  over — no expiry to tune, no clock to trust;
- the owner checks the connection (``check``) while it sends; a connection that broke means the
  lock may already be someone else's, and the owner stops sending at once.

An instance serving several accounts (a Telegram bot and a Slack app) takes all their locks or
none, in a fixed order, so identical instances never split the accounts between them.

SQLite is one process's file (a single dispatcher): ``SoleLease`` is always held.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)


class SendingLease(Protocol):
    @property
    def held(self) -> bool: ...

    async def acquire(self) -> bool:
        """Hold the lease (take it, or confirm it is still held); True when held."""
        ...

    async def check(self) -> bool:
        """Is the lease still held? (False once the connection holding it broke.)"""
        ...

    async def release(self) -> None: ...


class SoleLease:
    """SQLite: one process, so it is always the one that sends."""

    held = True

    async def acquire(self) -> bool:
        return True

    async def check(self) -> bool:
        return True

    async def release(self) -> None:
        return None


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for ``pg_advisory_lock`` (Python's ``hash`` changes per process)."""
    digest = hashlib.blake2b(f"circles-sending:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class AdvisoryLease:
    """PostgreSQL: session-level advisory locks, one per account, on one dedicated connection."""

    def __init__(self, engine: AsyncEngine, accounts: Iterable[str]) -> None:
        self.engine = engine
        self.accounts = sorted(set(accounts))
        self.keys = [lock_key(name) for name in self.accounts]
        self._conn: AsyncConnection | None = None

    @property
    def held(self) -> bool:
        return self._conn is not None

    async def acquire(self) -> bool:
        if self._conn is not None:
            return await self.check()
        conn = await self.engine.connect()
        try:
            # Autocommit: a session-level lock needs no transaction, and an idle open one would
            # hold back vacuum for as long as the instance owns the lease.
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            taken: list[int] = []
            for key in self.keys:  # all or none, always in the same order
                if not await conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}):
                    break
                taken.append(key)
            if len(taken) < len(self.keys):
                for key in taken:
                    await conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                await conn.close()
                return False
        except Exception:
            log.exception("taking the sending lease failed")
            await _discard(conn)
            return False
        self._conn = conn
        log.info("this instance now sends for %s", ", ".join(self.accounts))
        return True

    async def check(self) -> bool:
        conn = self._conn
        if conn is None:
            return False
        try:
            # A session-level lock is held for as long as its session lives.
            await conn.scalar(text("SELECT 1"))
        except Exception:
            log.warning("the connection holding the sending lease broke; this instance stops sending", exc_info=True)
            self._conn = None
            await _discard(conn)
            return False
        return True

    async def release(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            await conn.execute(text("SELECT pg_advisory_unlock_all()"))
            await conn.close()
        except Exception:
            log.debug("releasing the sending lease failed; dropping its connection", exc_info=True)
            await _discard(conn)

    async def backend_pid(self) -> int | None:
        """The PostgreSQL session holding the lease (for operators and tests)."""
        if self._conn is None:
            return None
        pid = await self._conn.scalar(text("SELECT pg_backend_pid()"))
        return int(pid) if pid is not None else None


async def _discard(conn: AsyncConnection) -> None:
    """Drop a connection that may be broken, without raising."""
    try:
        await conn.invalidate()
        await conn.close()
    except Exception:
        log.debug("closing a broken lease connection failed", exc_info=True)


def sending_lease(engine: AsyncEngine, accounts: Iterable[str]) -> SendingLease:
    """The lease for ``accounts`` on this database: advisory locks on PostgreSQL, none on SQLite."""
    if engine.dialect.name == "postgresql":
        return AdvisoryLease(engine, accounts)
    return SoleLease()
