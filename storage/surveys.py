"""End-of-circle survey answers (L4, F6)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.model import SurveyResponse
from storage.tables import survey_responses
from storage.upsert import upsert

LEARNER = "learner"
FACILITATOR = "facilitator"
FREE_TEXT = ("comments", "course_reason")


class Surveys:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def save(self, response: SurveyResponse) -> None:
        await upsert(
            self.conn,
            survey_responses,
            {
                "circle_id": response.circle_id,
                "person_id": response.person_id,
                "kind": response.kind,
                "answers": response.answers,
                "answered_at": response.answered_at,
            },
            keys=["circle_id", "person_id", "kind"],
            update=["answers", "answered_at"],
        )

    async def of_circle(self, circle_id: int, kind: str | None = None) -> list[SurveyResponse]:
        query = select(survey_responses).where(survey_responses.c.circle_id == circle_id)
        if kind is not None:
            query = query.where(survey_responses.c.kind == kind)
        rows = await self.conn.execute(query.order_by(survey_responses.c.answered_at))
        return [SurveyResponse(r.circle_id, r.person_id, r.kind, dict(r.answers), r.answered_at) for r in rows]

    async def forget_person(self, person_id: int) -> None:
        """/forget: keep the scores (the circle's figures still add up), drop the words."""
        rows = await self.conn.execute(select(survey_responses).where(survey_responses.c.person_id == person_id))
        for row in rows.all():
            answers = {k: v for k, v in dict(row.answers).items() if k not in FREE_TEXT}
            await self.conn.execute(
                update(survey_responses)
                .where(
                    survey_responses.c.circle_id == row.circle_id,
                    survey_responses.c.person_id == person_id,
                    survey_responses.c.kind == row.kind,
                )
                .values(answers=answers)
            )
