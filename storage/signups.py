"""Signups (with the learner's answers) and RSVPs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import LABEL_STYLE_TABLENAME_PLUS_COL, Table, and_, bindparam, func, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.cover import CoverStatus
from domain.model import Circle, Meeting, Rsvp, Signup
from storage.circles import chunks, circle_from_row, meeting_from_row
from storage.planning import replan_circle
from storage.tables import circles, covers, meetings, people, rsvps, signups
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

    async def active_of_circles(
        self, circle_ids: Sequence[int], since: datetime, until: datetime
    ) -> dict[int, list[Signup]]:
        """The active signups of ``circle_ids`` made in ``[since, until)``, by circle, in the order
        of ``active_for_circle``: the weekly summaries of a batch in one statement per ``CHUNK``
        circles."""
        found: dict[int, list[Signup]] = {circle_id: [] for circle_id in circle_ids}
        for chunk in chunks(circle_ids):
            query = (
                select(signups)
                .where(
                    signups.c.circle_id.in_(chunk),
                    signups.c.active.is_(True),
                    signups.c.created_at >= since,
                    signups.c.created_at < until,
                )
                .order_by(signups.c.created_at, signups.c.id)
            )
            for r in (await self.conn.execute(query)).mappings():
                found[r["circle_id"]].append(_signup(r))
        return found

    async def learners_of(self, circle_ids: Sequence[int]) -> dict[int, set[int]]:
        """The people actively signed up to each of ``circle_ids``: one statement per ``CHUNK``."""
        found: dict[int, set[int]] = {circle_id: set() for circle_id in circle_ids}
        for chunk in chunks(sorted(found)):
            query = select(signups.c.circle_id, signups.c.person_id).where(
                signups.c.circle_id.in_(chunk), signups.c.active.is_(True)
            )
            for r in await self.conn.execute(query):
                found[r.circle_id].add(r.person_id)
        return found

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


@dataclass
class RsvpSheetRows:
    """Everything an RSVP press needs, read at once: the pressed meeting's circle, all its meetings
    (by date), whether the person is signed up (actively), their answers (meeting id → coming),
    and who leads a meeting someone covers (meeting id → name, issue 14)."""

    circle: Circle
    meetings: list[Meeting]
    signed_up: bool
    answers: dict[int, bool]
    leaders: dict[int, str] = field(default_factory=dict)

    def meeting(self, meeting_id: int) -> Meeting | None:
        return next((m for m in self.meetings if m.id == meeting_id), None)


def _of(table: Table, row: RowMapping) -> Mapping[str, Any]:
    """One table's columns of a row selected with table-name labels (``circles_id`` → ``id``)."""
    return {column.name: row[f"{table.name}_{column.name}"] for column in table.columns}


# The pressed meeting (``pressed``) leads to its circle, whose every meeting comes with the person's
# answer to it, who covers it (if anyone does) and their signup: one round trip instead of six.
# Built once: only parameters change.
_pressed = meetings.alias("pressed")
_leader = people.alias("leader")
_SHEET_AROUND = (
    select(circles, meetings, rsvps.c.attending, signups.c.active, _leader.c.name)
    .select_from(_pressed)
    .join(circles, circles.c.id == _pressed.c.circle_id)
    .join(meetings, meetings.c.circle_id == circles.c.id)
    .outerjoin(rsvps, and_(rsvps.c.meeting_id == meetings.c.id, rsvps.c.person_id == bindparam("person_id")))
    .outerjoin(signups, and_(signups.c.circle_id == circles.c.id, signups.c.person_id == bindparam("person_id")))
    .outerjoin(covers, and_(covers.c.meeting_id == meetings.c.id, covers.c.status == CoverStatus.COVERED.value))
    .outerjoin(_leader, _leader.c.id == covers.c.covered_by)
    .where(_pressed.c.id == bindparam("meeting_id"))
    .order_by(meetings.c.start, meetings.c.id)
    .set_label_style(LABEL_STYLE_TABLENAME_PLUS_COL)
)


class Rsvps:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def sheet_around(self, meeting_id: int, person_id: int) -> RsvpSheetRows | None:
        """What an RSVP press on ``meeting_id`` needs (``RsvpSheetRows``); None: no such meeting."""
        rows = (await self.conn.execute(_SHEET_AROUND, {"meeting_id": meeting_id, "person_id": person_id})).mappings()
        found: RsvpSheetRows | None = None
        for row in rows:
            meeting = meeting_from_row(_of(meetings, row))
            if found is None:
                found = RsvpSheetRows(circle_from_row(_of(circles, row)), [], bool(row["signups_active"]), {})
            found.meetings.append(meeting)
            if row["rsvps_attending"] is not None and meeting.id is not None:
                found.answers[meeting.id] = bool(row["rsvps_attending"])
            if row["leader_name"] is not None and meeting.id is not None:
                found.leaders[meeting.id] = str(row["leader_name"])
        return found

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

    async def of_meetings(self, meeting_ids: Sequence[int]) -> list[Rsvp]:
        """The answers to ``meeting_ids``: one statement per ``CHUNK`` meetings."""
        found = []
        for chunk in chunks(sorted(set(meeting_ids))):
            query = select(rsvps).where(rsvps.c.meeting_id.in_(chunk))
            rows = await self.conn.execute(query)
            found += [Rsvp(r.meeting_id, r.person_id, r.attending, r.answered_at) for r in rows]
        return found

    async def of_person(self, person_id: int, meeting_ids: list[int]) -> dict[int, bool]:
        if not meeting_ids:
            return {}
        query = select(rsvps).where(rsvps.c.person_id == person_id, rsvps.c.meeting_id.in_(meeting_ids))
        return {r.meeting_id: r.attending for r in await self.conn.execute(query)}
