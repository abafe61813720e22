"""Where each person stands in a dialog, so a restart of the bot continues where they were."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.dialogs import DialogState
from storage.tables import dialogs
from storage.upsert import upsert

__all__ = ["DialogState", "Dialogs"]


class Dialogs:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def get(self, person_id: int) -> DialogState | None:
        row = (await self.conn.execute(select(dialogs).where(dialogs.c.person_id == person_id))).first()
        return DialogState(row.name, row.step, dict(row.data)) if row else None

    async def save(self, person_id: int, state: DialogState, now: datetime) -> None:
        await upsert(
            self.conn,
            dialogs,
            {"person_id": person_id, "name": state.name, "step": state.step, "data": state.data, "updated_at": now},
            keys=["person_id"],
            update=["name", "step", "data", "updated_at"],
        )

    async def clear(self, person_id: int) -> None:
        await self.conn.execute(delete(dialogs).where(dialogs.c.person_id == person_id))
