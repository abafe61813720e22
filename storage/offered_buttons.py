"""The buttons a person was last offered, so that typing a label counts as pressing it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.tables import offered_buttons
from storage.upsert import upsert


class OfferedButtons:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def get(self, person_id: int) -> list[tuple[str, str]]:
        """(label, token) of each button, in the order they were shown."""
        query = select(offered_buttons.c.buttons).where(offered_buttons.c.person_id == person_id)
        found = (await self.conn.execute(query)).scalar()
        return [(str(label), str(token)) for label, token in found or []]

    async def remember(self, person_id: int, buttons: list[tuple[str, str]], now: datetime) -> None:
        """Replace what was offered before: only the last message's buttons count."""
        if not buttons:
            await self.conn.execute(delete(offered_buttons).where(offered_buttons.c.person_id == person_id))
            return
        await upsert(
            self.conn,
            offered_buttons,
            {"person_id": person_id, "buttons": [list(pair) for pair in buttons], "offered_at": now},
            keys=["person_id"],
            update=["buttons", "offered_at"],
        )
