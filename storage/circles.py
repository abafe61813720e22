"""Circles, their facilitators and meetings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, any_, bindparam, delete, func, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.model import Circle, CircleStatus, Facilitator, FacilitatorRole, Meeting, Venue
from storage.planning import replan_circle, replan_circles, replan_meeting_circle
from storage.tables import circles, facilitators, meetings
from storage.upsert import insert_if_absent

# Ids per statement when reading many at once: bounds the parameter lists (SQLite allows 32,766)
# while a batch of summaries or a planning round stays a few statements.
CHUNK = 1_000


def chunks(ids: Sequence[int]) -> list[Sequence[int]]:
    return [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]


def among(conn: AsyncConnection, column: ColumnElement[int], ids: Sequence[int]) -> ColumnElement[bool]:
    """``column IN ids``. On PostgreSQL one array parameter (``= ANY``): the statement is not
    rendered again with a placeholder per id on every execution, which a planning pass over
    thousands of circles would pay for each of its look-ups."""
    if conn.dialect.name == "postgresql":
        return column == any_(bindparam("among_ids", list(ids), type_=postgresql.ARRAY(Integer)))
    return column.in_(ids)


def circle_from_row(row: Mapping[Any, Any]) -> Circle:
    return Circle(
        id=row["id"],
        code=row["code"],
        name=row["name"],
        course_title=row["course_title"],
        course_link=row["course_link"],
        description=row["description"],
        venue=Venue(
            name=row["venue_name"],
            address=row["venue_address"],
            details=row["venue_details"],
            link=row["venue_link"],
            city=row["venue_city"],
            latitude=row["latitude"],
            longitude=row["longitude"],
            place=row["venue_city_key"],
        ),
        language=row["language"],
        timezone=row["timezone"],
        first_date=row["first_date"],
        meeting_time=row["meeting_time"],
        duration_minutes=row["duration_minutes"],
        weeks=row["weeks"],
        signup_limit=row["signup_limit"],
        custom_question=row["custom_question"],
        status=CircleStatus(row["status"]),
        signup_open=row["signup_open"],
        reminder_lead=timedelta(minutes=row["reminder_lead_minutes"]),
        reminder_text=row["reminder_text"],
        created_by=row["created_by"],
        created_at=row["created_at"],
        team_id=row["team_id"],
    )


def _columns(circle: Circle, city_key: str) -> dict[str, Any]:
    return {
        "code": circle.code,
        "name": circle.name,
        "course_title": circle.course_title,
        "course_link": circle.course_link,
        "description": circle.description,
        "venue_name": circle.venue.name,
        "venue_address": circle.venue.address,
        "venue_details": circle.venue.details,
        "venue_link": circle.venue.link,
        "venue_city": circle.venue.city,
        "venue_city_key": city_key,
        "latitude": circle.venue.latitude,
        "longitude": circle.venue.longitude,
        "language": circle.language,
        "timezone": circle.timezone,
        "first_date": circle.first_date,
        "meeting_time": circle.meeting_time,
        "duration_minutes": circle.duration_minutes,
        "weeks": circle.weeks,
        "signup_limit": circle.signup_limit,
        "custom_question": circle.custom_question,
        "status": circle.status.value,
        "signup_open": circle.signup_open,
        "reminder_lead_minutes": int(circle.reminder_lead.total_seconds() // 60),
        "reminder_text": circle.reminder_text,
        "created_by": circle.created_by,
        "created_at": circle.created_at,
        "team_id": circle.team_id,
    }


# The columns of a meeting in the order of ``Meeting``'s fields.
_MEETING_COLUMNS = (
    meetings.c.id,
    meetings.c.circle_id,
    meetings.c.number,
    meetings.c.start,
    meetings.c.duration_minutes,
    meetings.c.cancelled,
    meetings.c.sequence,
)


def meeting_from_row(row: Mapping[Any, Any]) -> Meeting:
    return Meeting(
        id=row["id"],
        circle_id=row["circle_id"],
        number=row["number"],
        start=row["start"],
        duration_minutes=row["duration_minutes"],
        cancelled=row["cancelled"],
        sequence=row["sequence"],
    )


# What a meeting's calendar event shows of its circle (bot/views/files.py): a change to any of
# them is a new version of every event of the circle.
_CALENDAR_COLUMNS = (
    circles.c.name,
    circles.c.course_title,
    circles.c.course_link,
    circles.c.venue_name,
    circles.c.venue_address,
    circles.c.venue_details,
    circles.c.venue_link,
    circles.c.venue_city,
    circles.c.timezone,
    circles.c.status,
)


class Circles:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def add(self, circle: Circle, city_key: str, starts: list[datetime]) -> Circle:
        """Store a new circle with its lead facilitator and its generated meetings."""
        result = await self.conn.execute(circles.insert().values(**_columns(circle, city_key)))
        assert result.inserted_primary_key is not None
        circle.id = result.inserted_primary_key[0]
        assert circle.id is not None
        if circle.created_by is not None:
            await self.add_facilitator(Facilitator(circle.id, circle.created_by, FacilitatorRole.LEAD))
        await self.replace_meetings(circle, starts)
        return circle

    async def save(self, circle: Circle, city_key: str) -> None:
        values = _columns(circle, city_key)
        del values["created_at"], values["created_by"]
        before = (
            (await self.conn.execute(select(*_CALENDAR_COLUMNS).where(circles.c.id == circle.id))).mappings().first()
        )
        await self.conn.execute(update(circles).where(circles.c.id == circle.id).values(**values))
        if before is not None and any(before[c.name] != values[c.name] for c in _CALENDAR_COLUMNS):
            # Every meeting's event shows these: subscribed calendars must take the new version.
            await self._revise(meetings.c.circle_id == circle.id)
        await replan_circles(self.conn, circles.c.id == circle.id)  # status, lead time, …

    async def get(self, circle_id: int) -> Circle | None:
        row = (await self.conn.execute(select(circles).where(circles.c.id == circle_id))).mappings().first()
        return circle_from_row(row) if row else None

    async def get_for_update(self, circle_id: int) -> Circle | None:
        """Lock the circle's row for the rest of the transaction (PostgreSQL), to serialise signups."""
        query = select(circles).where(circles.c.id == circle_id).with_for_update()
        row = (await self.conn.execute(query)).mappings().first()
        return circle_from_row(row) if row else None

    async def by_code(self, code: str) -> Circle | None:
        row = (await self.conn.execute(select(circles).where(circles.c.code == code))).mappings().first()
        return circle_from_row(row) if row else None

    async def published(self, city_keys: Sequence[str] | None = None) -> list[Circle]:
        """Published circles, all or those at one of ``city_keys`` (places, see bot.geo.place_key)."""
        query = select(circles).where(circles.c.status == CircleStatus.PUBLISHED.value)
        if city_keys is not None:
            query = query.where(circles.c.venue_city_key.in_(list(city_keys)))
        rows = (await self.conn.execute(query.order_by(circles.c.first_date, circles.c.id))).mappings()
        return [circle_from_row(r) for r in rows]

    async def facilitated_by(self, person_id: int) -> list[Circle]:
        query = (
            select(circles)
            .join(facilitators, facilitators.c.circle_id == circles.c.id)
            .where(facilitators.c.person_id == person_id)
            .order_by(circles.c.first_date, circles.c.id)
        )
        return [circle_from_row(r) for r in (await self.conn.execute(query)).mappings()]

    async def of_team(self, team_id: int) -> list[Circle]:
        query = select(circles).where(circles.c.team_id == team_id).order_by(circles.c.first_date, circles.c.id)
        return [circle_from_row(r) for r in (await self.conn.execute(query)).mappings()]

    async def published_of_teams(self, team_ids: Sequence[int]) -> dict[int, list[Circle]]:
        """The published circles of each team, in the order of ``of_team``: one statement per
        ``CHUNK`` teams, for the weekly summaries of a batch."""
        found: dict[int, list[Circle]] = {team_id: [] for team_id in team_ids}
        for chunk in chunks(sorted(found)):
            query = (
                select(circles)
                .where(circles.c.team_id.in_(chunk), circles.c.status == CircleStatus.PUBLISHED.value)
                .order_by(circles.c.first_date, circles.c.id)
            )
            for r in (await self.conn.execute(query)).mappings():
                found[r["team_id"]].append(circle_from_row(r))
        return found

    async def join_team(self, person_id: int, team_id: int | None) -> None:
        """The circles a person leads follow them into (or out of) a team."""
        led = select(facilitators.c.circle_id).where(
            facilitators.c.person_id == person_id, facilitators.c.role == FacilitatorRole.LEAD.value
        )
        await self.conn.execute(update(circles).where(circles.c.id.in_(led)).values(team_id=team_id))

    async def count_with_code(self, code: str) -> int:
        return int((await self.conn.execute(select(func.count()).where(circles.c.code == code))).scalar_one())

    # Facilitators

    async def add_facilitator(self, facilitator: Facilitator) -> bool:
        await replan_circle(self.conn, facilitator.circle_id)  # reminders and prompts for one more
        return await insert_if_absent(
            self.conn,
            facilitators,
            {
                "circle_id": facilitator.circle_id,
                "person_id": facilitator.person_id,
                "role": facilitator.role.value,
            },
            keys=["circle_id", "person_id"],
        )

    async def facilitators(self, circle_id: int) -> list[Facilitator]:
        """The lead first, then the co-facilitators."""
        rows = await self.conn.execute(
            select(facilitators.c.person_id, facilitators.c.role)
            .where(facilitators.c.circle_id == circle_id)
            .order_by(facilitators.c.role.desc(), facilitators.c.person_id)
        )
        return [Facilitator(circle_id, r.person_id, FacilitatorRole(r.role)) for r in rows]

    async def remove_facilitator(self, circle_id: int, person_id: int) -> bool:
        """Remove a co-facilitator (never the lead); False when they were not one."""
        result = await self.conn.execute(
            delete(facilitators).where(
                facilitators.c.circle_id == circle_id,
                facilitators.c.person_id == person_id,
                facilitators.c.role == FacilitatorRole.CO.value,
            )
        )
        return bool(result.rowcount)

    async def facilitator_ids(self, circle_id: int) -> list[int]:
        rows = await self.conn.execute(
            select(facilitators.c.person_id)
            .where(facilitators.c.circle_id == circle_id)
            .order_by(facilitators.c.role.desc(), facilitators.c.person_id)
        )
        return [r.person_id for r in rows]

    async def set_shares_reflections(self, circle_id: int, person_id: int, shares: bool) -> None:
        await self.conn.execute(
            update(facilitators)
            .where(facilitators.c.circle_id == circle_id, facilitators.c.person_id == person_id)
            .values(shares_reflections=shares)
        )

    async def sharing_reflections(self, circle_id: int) -> set[int]:
        """The facilitators who chose to include their reflections in the learners' report."""
        rows = await self.conn.execute(
            select(facilitators.c.person_id).where(
                facilitators.c.circle_id == circle_id, facilitators.c.shares_reflections.is_(True)
            )
        )
        return {r.person_id for r in rows}

    async def led_by(self, person_id: int) -> list[Circle]:
        query = (
            select(circles)
            .join(facilitators, facilitators.c.circle_id == circles.c.id)
            .where(facilitators.c.person_id == person_id, facilitators.c.role == FacilitatorRole.LEAD.value)
            .order_by(circles.c.id)
        )
        return [circle_from_row(r) for r in (await self.conn.execute(query)).mappings()]

    async def make_lead(self, circle_id: int, person_id: int) -> None:
        """``person_id`` (already a facilitator of the circle) becomes its lead; any other lead
        becomes a co-facilitator, so that a circle has one lead at most."""
        await self.conn.execute(
            update(facilitators).where(facilitators.c.circle_id == circle_id).values(role=FacilitatorRole.CO.value)
        )
        await self.conn.execute(
            update(facilitators)
            .where(facilitators.c.circle_id == circle_id, facilitators.c.person_id == person_id)
            .values(role=FacilitatorRole.LEAD.value)
        )

    async def stop_facilitating(self, person_id: int) -> None:
        """The person facilitates no circle any more (leaving Circles for good)."""
        await self.conn.execute(delete(facilitators).where(facilitators.c.person_id == person_id))

    # Meetings

    async def replace_meetings(self, circle: Circle, starts: list[datetime]) -> None:
        """Regenerate the schedule of a circle that has not been published yet."""
        assert circle.id is not None
        await replan_circle(self.conn, circle.id)
        await self.conn.execute(delete(meetings).where(meetings.c.circle_id == circle.id))
        if starts:
            await self.conn.execute(
                meetings.insert(),
                [
                    {
                        "circle_id": circle.id,
                        "number": n,
                        "start": start,
                        "duration_minutes": circle.duration_minutes,
                        "cancelled": False,
                    }
                    for n, start in enumerate(starts, start=1)
                ],
            )

    async def meetings(self, circle_id: int) -> list[Meeting]:
        rows = await self.conn.execute(
            select(meetings).where(meetings.c.circle_id == circle_id).order_by(meetings.c.start, meetings.c.id)
        )
        return [meeting_from_row(r) for r in rows.mappings()]

    async def meetings_of(self, circle_ids: list[int]) -> dict[int, list[Meeting]]:
        found: dict[int, list[Meeting]] = {cid: [] for cid in circle_ids}
        for chunk in chunks(circle_ids):
            rows = await self.conn.execute(
                select(*_MEETING_COLUMNS)
                .where(among(self.conn, meetings.c.circle_id, chunk))
                .order_by(meetings.c.start)
            )
            for r in rows.all():  # plain rows in the order of Meeting's fields: planning reads thousands
                found[r.circle_id].append(Meeting(*r))
        return found

    async def meeting(self, meeting_id: int) -> Meeting | None:
        row = (await self.conn.execute(select(meetings).where(meetings.c.id == meeting_id))).mappings().first()
        return meeting_from_row(row) if row else None

    async def add_meeting(self, circle_id: int, start: datetime, duration_minutes: int) -> Meeting:
        result = await self.conn.execute(
            meetings.insert().values(
                circle_id=circle_id, number=0, start=start, duration_minutes=duration_minutes, cancelled=False
            )
        )
        assert result.inserted_primary_key is not None
        meeting_id = result.inserted_primary_key[0]
        await replan_circle(self.conn, circle_id)
        return await self._renumbered(circle_id, meeting_id)

    async def move_meeting(self, meeting_id: int, start: datetime) -> Meeting:
        """Move a meeting; returns it with its number in the new order."""
        await self.conn.execute(update(meetings).where(meetings.c.id == meeting_id).values(start=start))
        await self._revise(meetings.c.id == meeting_id)
        await replan_meeting_circle(self.conn, meeting_id)
        moved = await self.meeting(meeting_id)
        assert moved is not None
        return await self._renumbered(moved.circle_id, meeting_id)

    async def _renumbered(self, circle_id: int, meeting_id: int) -> Meeting:
        """Number a circle's meetings by date ("Meeting 1" is always the earliest), after a
        meeting was added or moved. The one place that keeps numbers and dates in step; the
        outbox keys use meeting ids, never numbers, so nothing queued is duplicated by this."""
        found: Meeting | None = None
        for number, meeting in enumerate(await self.meetings(circle_id), start=1):
            if meeting.number != number:
                await self.conn.execute(update(meetings).where(meetings.c.id == meeting.id).values(number=number))
                await self._revise(meetings.c.id == meeting.id)  # its title says its number
                meeting.number = number
            if meeting.id == meeting_id:
                found = meeting
        assert found is not None
        return found

    async def cancel_meeting(self, meeting_id: int) -> None:
        await self.conn.execute(update(meetings).where(meetings.c.id == meeting_id).values(cancelled=True))
        await self._revise(meetings.c.id == meeting_id)
        # The next meeting's reminder is no longer held back by this one's end, and the last
        # meeting may be an earlier one now.
        await replan_meeting_circle(self.conn, meeting_id)

    async def _revise(self, which: ColumnElement[bool]) -> None:
        """What calendars show of these meetings changed: raise their SEQUENCE."""
        await self.conn.execute(update(meetings).where(which).values(sequence=meetings.c.sequence + 1))
