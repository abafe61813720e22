"""Reminders per meeting (the facilitator's own text, the current round) and the look-ups the
delivery planner needs: which meetings of published circles are near, and who is in them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.model import CircleStatus
from storage.circles import among
from storage.planning import replan_meeting_circle
from storage.tables import circles, facilitators, meetings, reminders, signups
from storage.upsert import upsert


def _insert(conn: AsyncConnection) -> Any:
    return (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(reminders)


@dataclass
class ReminderState:
    meeting_id: int
    text: str | None = None
    round: int = 0
    went_out_at: datetime | None = None


class Reminders:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def get(self, meeting_id: int) -> ReminderState:
        found = await self.of_meetings([meeting_id])
        return found.get(meeting_id, ReminderState(meeting_id))

    async def of_meetings(self, meeting_ids: Iterable[int]) -> dict[int, ReminderState]:
        ids = sorted(set(meeting_ids))
        if not ids:
            return {}
        rows = await self.conn.execute(select(reminders).where(among(self.conn, reminders.c.meeting_id, ids)))
        return {r.meeting_id: ReminderState(r.meeting_id, r.text, r.round, r.went_out_at) for r in rows.all()}

    async def set_text(self, meeting_id: int, text: str | None, person_id: int, now: datetime) -> None:
        """The facilitator's text for one meeting's reminder; None goes back to the default."""
        await upsert(
            self.conn,
            reminders,
            {"meeting_id": meeting_id, "text": text, "edited_by": person_id, "edited_at": now, "round": 0},
            keys=["meeting_id"],
            update=["text", "edited_by", "edited_at"],
        )

    async def went_out(self, meeting_ids: Iterable[int], now: datetime) -> None:
        """Note that the current round of these meetings' reminders has started going out."""
        ids = sorted(set(meeting_ids))
        if not ids:
            return
        # One upsert: a meeting without a reminders row gets one (round 0), and the instant is
        # written only where it is not yet set.
        insert = _insert(self.conn)
        stmt = insert.on_conflict_do_update(
            index_elements=["meeting_id"],
            set_={"went_out_at": insert.excluded.went_out_at},
            where=reminders.c.went_out_at.is_(None),
        )
        for start in range(0, len(ids), 1000):
            await self.conn.execute(
                stmt, [{"meeting_id": m, "round": 0, "went_out_at": now} for m in ids[start : start + 1000]]
            )

    async def new_round(self, meeting_id: int) -> int:
        """Start a new round of reminders for a meeting that moved after its reminder went out."""
        state = await self.get(meeting_id)
        await replan_meeting_circle(self.conn, meeting_id)
        await upsert(
            self.conn,
            reminders,
            {"meeting_id": meeting_id, "round": state.round + 1, "went_out_at": None},
            keys=["meeting_id"],
            update=["round", "went_out_at"],
        )
        return state.round + 1

    # Look-ups for planning

    async def published_circles_meeting_between(self, after: datetime, until: datetime) -> list[int]:
        """Published circles with a meeting (not cancelled) starting in ``(after, until]``."""
        query = (
            select(meetings.c.circle_id)
            .join(circles, circles.c.id == meetings.c.circle_id)
            .where(
                circles.c.status == CircleStatus.PUBLISHED.value,
                meetings.c.cancelled.is_(False),
                meetings.c.start > after,
                meetings.c.start <= until,
            )
            .distinct()
        )
        return sorted((await self.conn.execute(query)).scalars())

    async def lead_times(self, circle_ids: Iterable[int]) -> dict[int, timedelta]:
        ids = sorted(set(circle_ids))
        if not ids:
            return {}
        rows = await self.conn.execute(
            select(circles.c.id, circles.c.reminder_lead_minutes).where(among(self.conn, circles.c.id, ids))
        )
        return {r.id: timedelta(minutes=r.reminder_lead_minutes) for r in rows.all()}

    async def learners_of(self, circle_ids: Iterable[int]) -> dict[int, list[int]]:
        """Active learners by circle."""
        ids = sorted(set(circle_ids))
        found: dict[int, list[int]] = {c: [] for c in ids}
        if ids:
            rows = await self.conn.execute(
                select(signups.c.circle_id, signups.c.person_id)
                .where(among(self.conn, signups.c.circle_id, ids), signups.c.active.is_(True))
                .order_by(signups.c.id)
            )
            for r in rows.all():
                found[r.circle_id].append(r.person_id)
        return found

    async def facilitators_of(self, circle_ids: Iterable[int]) -> dict[int, list[int]]:
        ids = sorted(set(circle_ids))
        found: dict[int, list[int]] = {c: [] for c in ids}
        if ids:
            rows = await self.conn.execute(
                select(facilitators.c.circle_id, facilitators.c.person_id)
                .where(among(self.conn, facilitators.c.circle_id, ids))
                .order_by(facilitators.c.role.desc(), facilitators.c.person_id)
            )
            for r in rows.all():
                found[r.circle_id].append(r.person_id)
        return found
