"""SQLite runs on the event loop (storage/sqlite_inline.py): another process's write lock must not
stop the loop, and the waiting write must still go through."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import sqlalchemy as sa

from storage.db import Database


async def test_a_write_waits_for_another_process_lock_without_stopping_the_loop(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    db = Database.from_url(f"sqlite+aiosqlite:///{path}")
    other = sqlite3.connect(path, isolation_level=None)  # as `circles dispatch` from cron would
    try:
        async with db.transaction() as conn:
            await conn.execute(sa.text("CREATE TABLE presses (who TEXT)"))
        other.execute("BEGIN IMMEDIATE")  # the other process holds SQLite's one write lock

        async def press() -> None:
            async with db.transaction() as conn:
                await conn.execute(sa.text("INSERT INTO presses VALUES ('alice')"))

        waiting = asyncio.create_task(press())
        # Were the write blocking the loop, nothing below would run until its busy timeout ended
        # in "database is locked"; the loop goes on, so the other process can finish its write.
        for _ in range(100):
            await asyncio.sleep(0)
        assert not waiting.done()
        other.execute("INSERT INTO presses VALUES ('dispatch')")
        other.execute("COMMIT")
        await waiting
        async with db.transaction() as conn:
            who = (await conn.execute(sa.text("SELECT who FROM presses ORDER BY who"))).scalars().all()
        assert who == ["alice", "dispatch"]
    finally:
        other.close()
        await db.close()
