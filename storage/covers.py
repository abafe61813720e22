"""Issue 14: requests for cover of a missed meeting (domain/cover.py has the rules)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.cover import Cover, CoverStatus
from storage.planning import replan_circle
from storage.tables import covers
from storage.upsert import insert_if_absent


def _cover(row: RowMapping) -> Cover:
    return Cover(
        meeting_id=row["meeting_id"],
        circle_id=row["circle_id"],
        asked_by=row["asked_by"],
        asked_at=row["asked_at"],
        status=CoverStatus(row["status"]),
        covered_by=row["covered_by"],
        covered_at=row["covered_at"],
    )


class Covers:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def get(self, meeting_id: int) -> Cover | None:
        row = (await self.conn.execute(select(covers).where(covers.c.meeting_id == meeting_id))).mappings().first()
        return _cover(row) if row else None

    async def of_meetings(self, meeting_ids: Iterable[int]) -> dict[int, Cover]:
        ids = sorted(set(meeting_ids))
        if not ids:
            return {}
        rows = (await self.conn.execute(select(covers).where(covers.c.meeting_id.in_(ids)))).mappings()
        return {r["meeting_id"]: _cover(r) for r in rows}

    async def open_of_circles(self, circle_ids: Iterable[int]) -> dict[int, Cover]:
        """The open requests of these circles, by meeting (for planning the offers to cancel)."""
        ids = sorted(set(circle_ids))
        if not ids:
            return {}
        query = select(covers).where(covers.c.circle_id.in_(ids), covers.c.status == CoverStatus.OPEN.value)
        return {r["meeting_id"]: _cover(r) for r in (await self.conn.execute(query)).mappings()}

    async def ask(self, cover: Cover) -> bool:
        """Store a new or renewed request (open); False when another one is open or covered
        meanwhile. Planning looks at the circle again: its offer to cancel lies ahead now."""
        values = {
            "meeting_id": cover.meeting_id,
            "circle_id": cover.circle_id,
            "asked_by": cover.asked_by,
            "asked_at": cover.asked_at,
            "status": CoverStatus.OPEN.value,
            "covered_by": None,
            "covered_at": None,
        }
        stored = await insert_if_absent(self.conn, covers, values, keys=["meeting_id"])
        if not stored:  # a withdrawn request, opened again; never one that is open or covered
            renewed = await self.conn.execute(
                update(covers)
                .where(covers.c.meeting_id == cover.meeting_id, covers.c.status == CoverStatus.WITHDRAWN.value)
                .values(**values)
            )
            stored = renewed.rowcount == 1
        if stored:
            await replan_circle(self.conn, cover.circle_id)
        return stored

    async def accept(self, cover: Cover) -> bool:
        """Record ``cover.covered_by`` as the one who covers, if the request is still open: of two
        acceptances at once, one updates the row and the other finds it covered (False).
        On PostgreSQL the second waits for the first's row lock and then sees it is no longer open."""
        result = await self.conn.execute(
            update(covers)
            .where(
                covers.c.meeting_id == cover.meeting_id,
                covers.c.status == CoverStatus.OPEN.value,
            )
            .values(status=CoverStatus.COVERED.value, covered_by=cover.covered_by, covered_at=cover.covered_at)
        )
        return result.rowcount == 1

    async def withdraw(self, cover: Cover) -> bool:
        result = await self.conn.execute(
            update(covers)
            .where(covers.c.meeting_id == cover.meeting_id, covers.c.status == CoverStatus.OPEN.value)
            .values(status=CoverStatus.WITHDRAWN.value)
        )
        return result.rowcount == 1
