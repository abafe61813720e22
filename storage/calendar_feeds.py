"""Live calendar addresses: one per person, found by the hash of its secret."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.tables import calendar_feeds


class CalendarFeeds:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def replace(self, person_id: int, secret_hash: str, now: datetime) -> None:
        """The person's address is now this one; an earlier one stops working in the same step."""
        await self.remove(person_id)
        await self.conn.execute(
            calendar_feeds.insert().values(person_id=person_id, secret_hash=secret_hash, created_at=now)
        )

    async def person_for(self, secret_hash: str) -> int | None:
        query = select(calendar_feeds.c.person_id).where(calendar_feeds.c.secret_hash == secret_hash)
        return (await self.conn.execute(query)).scalar_one_or_none()

    async def remove(self, person_id: int) -> None:
        await self.conn.execute(delete(calendar_feeds).where(calendar_feeds.c.person_id == person_id))
