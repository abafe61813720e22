"""What a person wrote when handling their event failed, kept so that nothing they wrote is lost."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.tables import kept_inputs


class KeptInputs:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def prune(self, before: datetime) -> int:
        result = await self.conn.execute(delete(kept_inputs).where(kept_inputs.c.created_at < before))
        return int(result.rowcount or 0)

    async def forget(self, platform: str, external_id: str) -> None:
        await self.conn.execute(
            delete(kept_inputs).where(kept_inputs.c.platform == platform, kept_inputs.c.external_id == external_id)
        )

    async def keep(self, platform: str, external_id: str, text: str, error: str, now: datetime) -> None:
        await self.conn.execute(
            kept_inputs.insert().values(
                platform=platform, external_id=external_id, text=text, error=error, created_at=now
            )
        )
