"""Platform updates already handled: a repeat (webhook retry, double tap) is ignored."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.tables import processed_updates
from storage.upsert import insert_if_absent


class Updates:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def prune(self, before: datetime) -> int:
        """Forget update ids seen before ``before``: platforms stop retrying within minutes."""
        result = await self.conn.execute(delete(processed_updates).where(processed_updates.c.seen_at < before))
        return int(result.rowcount or 0)

    async def first_time(self, platform: str, update_id: str, now: datetime) -> bool:
        """True the first time an update is seen; a repeat (webhook retry) returns False."""
        return await insert_if_absent(
            self.conn,
            processed_updates,
            {"platform": platform, "update_id": update_id, "seen_at": now},
            keys=["platform", "update_id"],
        )
