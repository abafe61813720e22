"""Circles, facilitators and learners put straight into the database, for delivery tests and the bench."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert, select

from bot.usecases import circles as circle_cases
from domain.model import Circle, CircleStatus, Identity, Meeting, Signup, Venue
from storage.db import Database
from storage.tables import identities, people, signups
from storage.unit import unit_of_work

# The default circle's first meeting: Monday 7 Dec 2026, 18:00 in Berlin.
REMINDER_ANCHOR = datetime(2026, 12, 7, 17, 0, tzinfo=UTC)


@dataclass
class Seeded:
    circle: Circle
    meetings: list[Meeting]
    facilitator_id: int
    learner_ids: list[int]

    @property
    def circle_id(self) -> int:
        assert self.circle.id is not None
        return self.circle.id

    def meeting(self, number: int) -> Meeting:
        return next(m for m in self.meetings if m.number == number)


async def person(db: Database, name: str, now: datetime, platform: str = "console", chat: str | None = None) -> int:
    async with unit_of_work(db) as unit:
        found, _ = await unit.people.ensure(Identity(platform, name, chat or name), name.capitalize(), "en", now)
    assert found.id is not None
    return found.id


async def circle(
    db: Database,
    now: datetime,
    *,
    facilitator: str = "fiona",
    first_date: date = date(2026, 12, 7),
    at: time = time(18, 0),
    timezone: str = "Europe/Berlin",
    weeks: int = 6,
    lead: timedelta = timedelta(days=2),
    learners: list[str] | None = None,
    platform: str = "console",
    status: CircleStatus = CircleStatus.PUBLISHED,
) -> Seeded:
    """A published Berlin circle (Mondays 18:00, 90 minutes, six weeks from 7 Dec 2026 by default)."""
    facilitator_id = await person(db, facilitator, now, platform)
    async with unit_of_work(db) as unit:
        created = await circle_cases.create(
            unit,
            Circle(
                id=None,
                code="",
                name="Python for Everybody",
                course_title="Python for Everybody",
                course_link="https://www.py4e.com",
                description="We learn Python together.",
                venue=Venue("Zentralbibliothek", "Breite Straße 30", "Room 2", "Berlin"),
                language="en",
                timezone=timezone,
                first_date=first_date,
                meeting_time=at,
                weeks=weeks,
                status=status,
                reminder_lead=lead,
                created_by=facilitator_id,
            ),
            now,
        )
        assert created.id is not None
        meetings = await unit.circles.meetings(created.id)
    seeded = Seeded(created, meetings, facilitator_id, [])
    for name in learners or []:
        seeded.learner_ids.append(await sign_up(db, seeded, name, now, platform))
    return seeded


async def sign_up(db: Database, seeded: Seeded, name: str, now: datetime, platform: str = "console") -> int:
    person_id = await person(db, name, now, platform)
    async with unit_of_work(db) as unit:
        await unit.signups.save(Signup(None, seeded.circle_id, person_id, "learn", "help"), now)
    return person_id


async def many_learners(
    db: Database, seeded: Seeded, count: int, now: datetime, platform: str = "console"
) -> list[int]:
    """``count`` learners signed up in three statements: for fan-out tests and the bench.

    Their names are ``learner-<n>``; on the console their chat is their name, on Telegram a
    number from 100000 on.
    """
    names = [f"learner-{seeded.circle_id}-{n}" for n in range(count)]
    async with unit_of_work(db) as unit:
        await unit.conn.execute(
            insert(people), [{"name": n, "language": "en", "forgotten": False, "created_at": now} for n in names]
        )
        rows = await unit.conn.execute(select(people.c.id, people.c.name).where(people.c.name.in_(names)))
        ids = {r.name: r.id for r in rows}
        await unit.conn.execute(
            insert(identities),
            [
                {
                    "person_id": ids[n],
                    "platform": platform,
                    "external_id": n,
                    "chat_id": n if platform == "console" else str(100_000 + ids[n]),
                }
                for n in names
            ],
        )
        await unit.conn.execute(
            insert(signups),
            [
                {
                    "circle_id": seeded.circle_id,
                    "person_id": ids[n],
                    "goal": "learn",
                    "help_peers": "help",
                    "active": True,
                    "created_at": now,
                    "updated_at": now,
                }
                for n in names
            ],
        )
    learner_ids = [ids[n] for n in names]
    seeded.learner_ids += learner_ids
    return learner_ids
