"""Planning marks: which circles and teams the delivery planner has to look at in a pass.

A circle's ``plan_at`` says that nothing of it (a reminder, a feedback prompt, an end-of-circle
invitation) falls due before that instant; a team's ``summary_plan_at`` says the same of its
weekly summary. A pass therefore looks only at the circles and teams whose mark has come, or
that have no mark because something changed (``replan_*``): its cost follows what falls due, not
what exists.

Every change that can make something fall due sooner or to more people (a signup, a meeting
added, moved or cancelled, a facilitator added, the circle saved, a team's summary settings)
clears the mark and bumps the version in the same transaction, from the repository that writes
the change. The planner writes its new mark only if the version is still the one it read, so
a change committed while a pass was planning is planned by the next pass, not lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.tables import circles, facilitators, meetings, signups, teams

# The mark of a circle or team for which nothing is ahead until it changes.
NEVER = datetime(9999, 1, 1, tzinfo=UTC)


_PG_MARK_CIRCLES = text(
    """
    UPDATE circles SET plan_at = m.plan_at
    FROM unnest(CAST(:ids AS integer[]), CAST(:versions AS integer[]), CAST(:marks AS timestamptz[]))
         AS m(id, version, plan_at)
    WHERE circles.id = m.id AND circles.plan_version = m.version
    """
)


@dataclass(frozen=True)
class ToPlan:
    """A circle or team whose mark has come, with the version the planner read."""

    id: int
    version: int
    published: bool = True


async def replan_circles(conn: AsyncConnection, where: Any) -> None:
    """Clear the marks of the circles ``where`` selects (a clause on ``circles``)."""
    await conn.execute(update(circles).where(where).values(plan_at=None, plan_version=circles.c.plan_version + 1))


async def replan_circle(conn: AsyncConnection, circle_id: int) -> None:
    await replan_circles(conn, circles.c.id == circle_id)


async def replan_meeting_circle(conn: AsyncConnection, meeting_id: int) -> None:
    await replan_circles(conn, circles.c.id.in_(select(meetings.c.circle_id).where(meetings.c.id == meeting_id)))


async def replan_circles_of_person(conn: AsyncConnection, person_id: int) -> None:
    """The circles a person takes part in (before their account is merged into another)."""
    taking_part = (
        select(signups.c.circle_id)
        .where(signups.c.person_id == person_id)
        .union(select(facilitators.c.circle_id).where(facilitators.c.person_id == person_id))
    )
    await replan_circles(conn, circles.c.id.in_(taking_part))


async def replan_team(conn: AsyncConnection, team_id: int) -> None:
    await conn.execute(
        update(teams)
        .where(teams.c.id == team_id)
        .values(summary_plan_at=None, summary_plan_version=teams.c.summary_plan_version + 1)
    )


class Planning:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def circles_to_plan(self, now: datetime) -> list[ToPlan]:
        """Circles whose mark has come or that changed since they were planned."""
        found: list[ToPlan] = []
        # Two index look-ups rather than one OR, which SQLite answers by reading every circle.
        for which in (circles.c.plan_at.is_(None), circles.c.plan_at <= now):
            rows = await self.conn.execute(select(circles.c.id, circles.c.plan_version, circles.c.status).where(which))
            found += [ToPlan(r.id, r.plan_version, r.status == "published") for r in rows]
        return sorted(found, key=lambda c: c.id)

    async def circles_planned(self, marks: Sequence[tuple[ToPlan, datetime]]) -> None:
        """Set each circle's next mark, unless it changed since the planner read it."""
        if not marks:
            return
        if self.conn.dialect.name == "postgresql":
            # One statement whose parameters are three arrays (a busy pass marks thousands).
            await self.conn.execute(
                _PG_MARK_CIRCLES,
                {
                    "ids": [p.id for p, _ in marks],
                    "versions": [p.version for p, _ in marks],
                    "marks": [at for _, at in marks],
                },
            )
            return
        stmt = (
            update(circles)
            .where(circles.c.id == bindparam("b_id"), circles.c.plan_version == bindparam("b_version"))
            .values(plan_at=bindparam("b_at", type_=circles.c.plan_at.type))
        )
        await self.conn.execute(stmt, [{"b_id": p.id, "b_version": p.version, "b_at": at} for p, at in marks])

    async def teams_to_plan(self, now: datetime) -> list[ToPlan]:
        found: list[ToPlan] = []
        for which in (teams.c.summary_plan_at.is_(None), teams.c.summary_plan_at <= now):
            rows = await self.conn.execute(select(teams.c.id, teams.c.summary_plan_version).where(which))
            found += [ToPlan(r.id, r.summary_plan_version) for r in rows]
        return sorted(found, key=lambda t: t.id)

    async def teams_planned(self, marks: Iterable[tuple[ToPlan, datetime]]) -> None:
        values = [{"b_id": p.id, "b_version": p.version, "b_at": at} for p, at in marks]
        if not values:
            return
        stmt = (
            update(teams)
            .where(teams.c.id == bindparam("b_id"), teams.c.summary_plan_version == bindparam("b_version"))
            .values(summary_plan_at=bindparam("b_at", type_=teams.c.summary_plan_at.type))
        )
        await self.conn.execute(stmt, values)

    async def next_mark(self, now: datetime) -> datetime | None:
        """The next instant at which some circle or team has something falling due."""
        found = []
        for column in (circles.c.plan_at, teams.c.summary_plan_at):
            at = (await self.conn.execute(select(func.min(column)).where(column > now, column < NEVER))).scalar()
            if at is not None:
                found.append(at)
        return min(found) if found else None
