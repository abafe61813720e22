"""L7: the waitlists of full circles (domain/waitlist.py has the rules)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.waitlist import WaitlistEntry
from storage.tables import waitlist


def _entry(row: RowMapping) -> WaitlistEntry:
    return WaitlistEntry(
        id=row["id"],
        circle_id=row["circle_id"],
        person_id=row["person_id"],
        goal=row["goal"],
        help_peers=row["help_peers"],
        custom_answer=row["custom_answer"],
        joined_at=row["joined_at"],
        offered_at=row["offered_at"],
        offer_expires_at=row["offer_expires_at"],
    )


class Waitlists:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def add(self, entry: WaitlistEntry) -> WaitlistEntry:
        """Put a person at the end of the line (callers check they are not in it already)."""
        values = {
            "circle_id": entry.circle_id,
            "person_id": entry.person_id,
            "goal": entry.goal,
            "help_peers": entry.help_peers,
            "custom_answer": entry.custom_answer,
            "joined_at": entry.joined_at,
        }
        result = await self.conn.execute(insert(waitlist).values(**values).returning(waitlist.c.id))
        entry.id = int(result.scalar_one())
        return entry

    async def of_circle(self, circle_id: int) -> list[WaitlistEntry]:
        """The line, first in line first."""
        query = select(waitlist).where(waitlist.c.circle_id == circle_id).order_by(waitlist.c.joined_at, waitlist.c.id)
        return [_entry(r) for r in (await self.conn.execute(query)).mappings()]

    async def get(self, circle_id: int, person_id: int) -> WaitlistEntry | None:
        query = select(waitlist).where(waitlist.c.circle_id == circle_id, waitlist.c.person_id == person_id)
        row = (await self.conn.execute(query)).mappings().first()
        return _entry(row) if row else None

    async def of_person(self, person_id: int) -> list[WaitlistEntry]:
        query = select(waitlist).where(waitlist.c.person_id == person_id).order_by(waitlist.c.joined_at)
        return [_entry(r) for r in (await self.conn.execute(query)).mappings()]

    async def offered(self, entry: WaitlistEntry) -> None:
        await self.conn.execute(
            update(waitlist)
            .where(waitlist.c.id == entry.id)
            .values(offered_at=entry.offered_at, offer_expires_at=entry.offer_expires_at)
        )

    async def remove(self, circle_id: int, person_id: int) -> bool:
        result = await self.conn.execute(
            delete(waitlist).where(waitlist.c.circle_id == circle_id, waitlist.c.person_id == person_id)
        )
        return bool(result.rowcount)

    async def remove_person(self, person_id: int) -> list[int]:
        """Take a person off every waitlist (/forget); the circles whose line they left."""
        query = select(waitlist.c.circle_id).where(waitlist.c.person_id == person_id)
        circle_ids = list((await self.conn.execute(query)).scalars())
        await self.conn.execute(delete(waitlist).where(waitlist.c.person_id == person_id))
        return circle_ids

    async def circles_with_lapsed_offers(self, now: datetime) -> list[int]:
        """Circles where an offer's deadline passed: their next in line is due an offer."""
        query = select(waitlist.c.circle_id).where(waitlist.c.offer_expires_at <= now).distinct()
        return sorted((await self.conn.execute(query)).scalars())
