"""F5: facilitators' feedback on their meetings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.model import MeetingFeedback
from storage.circles import chunks
from storage.tables import feedback, meetings
from storage.upsert import upsert


class Feedbacks:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def save(self, given: MeetingFeedback, now: datetime) -> None:
        """Store a facilitator's feedback; giving it again for the same meeting replaces it."""
        await upsert(
            self.conn,
            feedback,
            {
                "meeting_id": given.meeting_id,
                "person_id": given.person_id,
                "rating": given.rating,
                "attendance": given.attendance,
                "reflection": given.reflection,
                "created_at": now,
                "updated_at": now,
            },
            keys=["meeting_id", "person_id"],
            update=["rating", "attendance", "reflection", "updated_at"],
        )

    async def given(self, pairs: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
        """Which (meeting, facilitator) pairs already have feedback."""
        wanted = set(pairs)
        meeting_ids = sorted({m for m, _ in wanted})
        if not meeting_ids:
            return set()
        rows = await self.conn.execute(
            select(feedback.c.meeting_id, feedback.c.person_id).where(feedback.c.meeting_id.in_(meeting_ids))
        )
        return {(r.meeting_id, r.person_id) for r in rows} & wanted

    async def of_circle(self, circle_id: int) -> list[MeetingFeedback]:
        query = (
            select(feedback)
            .join(meetings, meetings.c.id == feedback.c.meeting_id)
            .where(meetings.c.circle_id == circle_id)
            .order_by(meetings.c.start, feedback.c.person_id)
        )
        return [
            MeetingFeedback(r.meeting_id, r.person_id, r.rating, r.attendance, r.reflection, r.created_at)
            for r in await self.conn.execute(query)
        ]

    async def of_circles(
        self, circle_ids: Sequence[int], since: datetime, until: datetime
    ) -> dict[int, list[MeetingFeedback]]:
        """The feedback on the meetings of ``circle_ids`` that started in ``[since, until)``, by
        circle, in the order of ``of_circle``: the weekly summaries of a batch in one statement
        per ``CHUNK`` circles."""
        found: dict[int, list[MeetingFeedback]] = {circle_id: [] for circle_id in circle_ids}
        for chunk in chunks(circle_ids):
            query = (
                select(feedback, meetings.c.circle_id)
                .join(meetings, meetings.c.id == feedback.c.meeting_id)
                .where(meetings.c.circle_id.in_(chunk), meetings.c.start >= since, meetings.c.start < until)
                .order_by(meetings.c.start, feedback.c.person_id)
            )
            for r in await self.conn.execute(query):
                found[r.circle_id].append(
                    MeetingFeedback(r.meeting_id, r.person_id, r.rating, r.attendance, r.reflection, r.created_at)
                )
        return found

    async def of_meetings(self, meeting_ids: Sequence[int]) -> list[MeetingFeedback]:
        """The feedback on ``meeting_ids``, oldest first: one statement per ``CHUNK`` meetings."""
        found = []
        for chunk in chunks(sorted(set(meeting_ids))):
            query = select(feedback).where(feedback.c.meeting_id.in_(chunk))
            found += [
                MeetingFeedback(r.meeting_id, r.person_id, r.rating, r.attendance, r.reflection, r.created_at)
                for r in await self.conn.execute(query)
            ]
        return found

    async def forget_person(self, person_id: int) -> None:
        """/forget: the ratings and counts stay in the circle's figures, the reflection goes."""
        await self.conn.execute(update(feedback).where(feedback.c.person_id == person_id).values(reflection=""))
