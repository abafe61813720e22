"""Who came to each meeting: learners' own check-ins and the facilitator's confirmed list."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.circles import chunks
from storage.tables import attendance, meetings
from storage.upsert import insert_if_absent, upsert


@dataclass(frozen=True)
class AttendanceRow:
    meeting_id: int
    person_id: int
    checked_in_at: datetime | None
    present: bool | None  # the facilitator's word; None until they confirm
    confirmed_by: int | None


class Attendance:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def check_in(self, meeting_id: int, person_id: int, now: datetime) -> bool:
        """The learner's own *I'm here*; True the first time (checking in again changes nothing)."""
        if await insert_if_absent(
            self.conn,
            attendance,
            {"meeting_id": meeting_id, "person_id": person_id, "checked_in_at": now},
            keys=["meeting_id", "person_id"],
        ):
            return True
        # A row made by the facilitator's confirmation before the learner tapped: note the tap once.
        result = await self.conn.execute(
            update(attendance)
            .where(
                attendance.c.meeting_id == meeting_id,
                attendance.c.person_id == person_id,
                attendance.c.checked_in_at.is_(None),
            )
            .values(checked_in_at=now)
        )
        return bool(result.rowcount)

    async def confirm(self, meeting_id: int, roster: Mapping[int, bool], by: int, now: datetime) -> None:
        """The facilitator's list: for each learner, whether they came; replaces an earlier one."""
        for person_id, present in sorted(roster.items()):
            await upsert(
                self.conn,
                attendance,
                {
                    "meeting_id": meeting_id,
                    "person_id": person_id,
                    "present": present,
                    "confirmed_by": by,
                    "confirmed_at": now,
                },
                keys=["meeting_id", "person_id"],
                update=["present", "confirmed_by", "confirmed_at"],
            )

    async def of_meetings(self, meeting_ids: Iterable[int]) -> list[AttendanceRow]:
        """The rows of ``meeting_ids``: one statement per ``CHUNK`` meetings (a batch of teams'
        summaries reads them all at once)."""
        found = []
        for chunk in chunks(sorted(set(meeting_ids))):
            rows = await self.conn.execute(
                select(attendance)
                .where(attendance.c.meeting_id.in_(chunk))
                .order_by(attendance.c.meeting_id, attendance.c.person_id)
            )
            found += [
                AttendanceRow(r.meeting_id, r.person_id, r.checked_in_at, r.present, r.confirmed_by) for r in rows
            ]
        return found

    async def of_circle(self, circle_id: int) -> list[AttendanceRow]:
        rows = await self.conn.execute(
            select(attendance)
            .join(meetings, meetings.c.id == attendance.c.meeting_id)
            .where(meetings.c.circle_id == circle_id)
            .order_by(meetings.c.start, attendance.c.person_id)
        )
        return [AttendanceRow(r.meeting_id, r.person_id, r.checked_in_at, r.present, r.confirmed_by) for r in rows]
