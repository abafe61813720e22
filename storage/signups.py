"""Signups (with the learner's answers) and RSVPs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.model import Rsvp, Signup
from storage.planning import replan_circle
from storage.tables import meetings, rsvps, signups
from storage.upsert import upsert


def _signup(row: RowMapping) -> Signup:
    return Signup(
        id=row["id"],
        circle_id=row["circle_id"],
        person_id=row["person_id"],
        goal=row["goal"],
        help_peers=row["help_peers"],
        custom_answer=row["custom_answer"],
        active=row["active"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


class Signups:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def save(self, signup: Signup, now: datetime) -> None:
        """Create the signup, or update the earlier one of the same person (never a second row)."""
        await upsert(
            self.conn,
            signups,
            {
                "circle_id": signup.circle_id,
                "person_id": signup.person_id,
                "goal": signup.goal,
                "help_peers": signup.help_peers,
                "custom_answer": signup.custom_answer,
                "active": True,
                "created_at": now,
                "updated_at": now,
            },
            keys=["circle_id", "person_id"],
            update=["goal", "help_peers", "custom_answer", "active", "updated_at"],
        )
        await replan_circle(self.conn, signup.circle_id)  # a late signup still gets what is due

    async def get(self, circle_id: int, person_id: int) -> Signup | None:
        query = select(signups).where(signups.c.circle_id == circle_id, signups.c.person_id == person_id)
        row = (await self.conn.execute(query)).mappings().first()
        return _signup(row) if row else None

    async def active_for_circle(self, circle_id: int) -> list[Signup]:
        query = (
            select(signups)
            .where(signups.c.circle_id == circle_id, signups.c.active.is_(True))
            .order_by(signups.c.created_at, signups.c.id)
        )
        return [_signup(r) for r in (await self.conn.execute(query)).mappings()]

    async def count_active(self, circle_id: int) -> int:
        query = select(func.count()).where(signups.c.circle_id == circle_id, signups.c.active.is_(True))
        return int((await self.conn.execute(query)).scalar_one())

    async def active_for_person(self, person_id: int) -> list[Signup]:
        query = (
            select(signups)
            .where(signups.c.person_id == person_id, signups.c.active.is_(True))
            .order_by(signups.c.created_at)
        )
        return [_signup(r) for r in (await self.conn.execute(query)).mappings()]

    async def leave(self, circle_id: int, person_id: int, now: datetime) -> bool:
        result = await self.conn.execute(
            update(signups)
            .where(signups.c.circle_id == circle_id, signups.c.person_id == person_id, signups.c.active.is_(True))
            .values(active=False, updated_at=now)
        )
        return bool(result.rowcount)

    async def anonymise_person(self, person_id: int, now: datetime) -> None:
        await self.conn.execute(
            update(signups)
            .where(signups.c.person_id == person_id)
            .values(active=False, goal="", help_peers="", custom_answer=None, updated_at=now)
        )


class Rsvps:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def answer(self, rsvp: Rsvp) -> None:
        """Record a yes/no; a second answer replaces the first."""
        await upsert(
            self.conn,
            rsvps,
            {
                "meeting_id": rsvp.meeting_id,
                "person_id": rsvp.person_id,
                "attending": rsvp.attending,
                "answered_at": rsvp.answered_at,
            },
            keys=["meeting_id", "person_id"],
            update=["attending", "answered_at"],
        )

    async def for_circle(self, circle_id: int) -> list[Rsvp]:
        query = (
            select(rsvps).join(meetings, meetings.c.id == rsvps.c.meeting_id).where(meetings.c.circle_id == circle_id)
        )
        return [Rsvp(r.meeting_id, r.person_id, r.attending, r.answered_at) for r in await self.conn.execute(query)]

    async def of_person(self, person_id: int, meeting_ids: list[int]) -> dict[int, bool]:
        if not meeting_ids:
            return {}
        query = select(rsvps).where(rsvps.c.person_id == person_id, rsvps.c.meeting_id.in_(meeting_ids))
        return {r.meeting_id: r.attending for r in await self.conn.execute(query)}
