"""A unit of work: every repository over one transaction's connection."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection

from storage.circles import Circles
from storage.db import Database
from storage.dialogs import Dialogs
from storage.inbox import Invites, KeptInputs, Updates
from storage.people import People
from storage.signups import Rsvps, Signups


class Unit:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self.people = People(conn)
        self.circles = Circles(conn)
        self.signups = Signups(conn)
        self.rsvps = Rsvps(conn)
        self.dialogs = Dialogs(conn)
        self.updates = Updates(conn)
        self.invites = Invites(conn)
        self.kept_inputs = KeptInputs(conn)


@asynccontextmanager
async def unit_of_work(db: Database) -> AsyncIterator[Unit]:
    """Commit when the block ends normally, roll everything back when it raises."""
    async with db.transaction() as conn:
        yield Unit(conn)
