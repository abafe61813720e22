"""F3: a facilitator's message to all learners of a circle."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.tables import broadcasts, outbox


@dataclass
class Broadcast:
    id: int
    circle_id: int
    sender_id: int
    text: str
    created_at: datetime
    reported_at: datetime | None = None


class Broadcasts:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def add(self, circle_id: int, sender_id: int, text: str, now: datetime) -> Broadcast:
        result = await self.conn.execute(
            broadcasts.insert().values(circle_id=circle_id, sender_id=sender_id, text=text, created_at=now)
        )
        assert result.inserted_primary_key is not None
        return Broadcast(result.inserted_primary_key[0], circle_id, sender_id, text, now)

    async def of_ids(self, ids: Iterable[int]) -> dict[int, Broadcast]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        rows = await self.conn.execute(select(broadcasts).where(broadcasts.c.id.in_(wanted)))
        return {r.id: Broadcast(r.id, r.circle_id, r.sender_id, r.text, r.created_at, r.reported_at) for r in rows}

    async def settled_unreported(self) -> list[Broadcast]:
        """Broadcasts whose every copy is closed (sent, unreachable, failed, dropped) and whose
        sender has not been told the outcome yet."""
        still_open = exists().where(
            and_(outbox.c.broadcast_id == broadcasts.c.id, outbox.c.status.in_(("pending", "sending")))
        )
        rows = await self.conn.execute(
            select(broadcasts).where(broadcasts.c.reported_at.is_(None), ~still_open).order_by(broadcasts.c.id)
        )
        return [Broadcast(r.id, r.circle_id, r.sender_id, r.text, r.created_at, r.reported_at) for r in rows]

    async def mark_reported(self, broadcast_id: int, now: datetime) -> bool:
        result = await self.conn.execute(
            update(broadcasts)
            .where(broadcasts.c.id == broadcast_id, broadcasts.c.reported_at.is_(None))
            .values(reported_at=now)
        )
        return bool(result.rowcount)

    async def last_of_circle(self, circle_id: int, since: datetime) -> Broadcast | None:
        """The latest message to all the circle's learners sent since ``since``: one every learner
        of the circle was sent anyway, so it may be quoted to one of them ("we missed you")."""
        row = (
            await self.conn.execute(
                select(broadcasts)
                .where(broadcasts.c.circle_id == circle_id, broadcasts.c.created_at >= since)
                .order_by(broadcasts.c.created_at.desc(), broadcasts.c.id.desc())
                .limit(1)
            )
        ).first()
        if row is None:
            return None
        return Broadcast(row.id, row.circle_id, row.sender_id, row.text, row.created_at, row.reported_at)
