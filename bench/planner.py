"""Planning benchmark: what a dispatcher pass costs when there is nothing new to plan, and how fast
the first pass of a busy evening plans.

    .venv/bin/python -m bench.planner [--circles 10000] [--database-url URL]

The database (PostgreSQL by default through ``TEST_POSTGRES_URL``; a fresh SQLite file with
``--sqlite``) is emptied and seeded with bulk inserts: ``circles`` published circles of six weekly
meetings, each with a facilitator and five learners, in teams of five circles. Their meetings are
spread over the week so that, one hour after the first pass, the reminders of about 27% of the
circles fall due: about 1,600 messages per 1,000 circles, a busy evening.

Printed:
- the first pass of the busy evening: how many messages it planned, in how long, messages/s;
- a pass with nothing new to plan, after the evening's messages went out: planning alone and the
  whole dispatcher pass (plan, claim nothing), the median of several passes.

Not part of the test run: it prints figures, it asserts nothing.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from typing import Any

from sqlalchemy import insert, text, update

from bench.common import arguments, chosen_database, fresh, with_database_choice
from bot.clock import FixedClock
from bot.conversation.messages import Reply
from bot.conversation.outbound import Outcome, SendResult
from bot.delivery import planner
from bot.delivery.dispatcher import Dispatcher
from storage.db import Database
from storage.tables import circles, facilitators, identities, meetings, outbox, people, signups, teams
from storage.unit import unit_of_work

# Seeded meetings start on Mondays after this instant; the busy evening is on the Saturday before.
MONDAY = datetime(2027, 3, 1, 17, 0, tzinfo=UTC)
LEARNERS = 5
WEEKS = 6
CIRCLES_PER_TEAM = 5
BUSY_SHARE = 0.27  # circles whose reminder falls due in the busy hour: ~1,600 messages per 1,000 circles
CHUNK = 2_000


class NullSender:
    platform = "telegram"

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        return SendResult(Outcome.SENT, message_id="1")


async def _bulk(db: Database, table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        async with db.transaction() as conn:
            await conn.execute(insert(table), rows[start : start + CHUNK])


def first_start(index: int, count: int, evening: datetime) -> datetime:
    """Busy circles meet two days after the busy hour, within it; the others later in the week."""
    busy = int(count * BUSY_SHARE)
    lead = timedelta(days=2)
    if index < busy:
        return evening + lead + timedelta(seconds=3600 * (index + 1) / (busy + 1))
    spread = timedelta(days=4).total_seconds()
    return evening + lead + timedelta(hours=2) + timedelta(seconds=spread * (index - busy) / (count - busy))


async def seed(db: Database, count: int, now: datetime, evening: datetime) -> None:
    """``count`` published circles with a facilitator and LEARNERS learners each, in teams."""
    team_count = (count + CIRCLES_PER_TEAM - 1) // CIRCLES_PER_TEAM
    await _bulk(
        db,
        teams,
        [
            {
                "id": t + 1,
                "name": f"Team {t + 1}",
                "timezone": "Europe/Berlin",
                "summary_platform": "telegram",
                "summary_chat_id": f"-{t + 1}",
                "summary_weekday": 0,
                "summary_time": clock_time(10, 0),
                "created_at": now,
            }
            for t in range(team_count)
        ],
    )
    persons = count * (1 + LEARNERS)
    await _bulk(
        db, people, [{"id": p + 1, "name": f"P{p + 1}", "language": "en", "created_at": now} for p in range(persons)]
    )
    await _bulk(
        db,
        identities,
        [
            {"person_id": p + 1, "platform": "telegram", "external_id": str(p + 1), "chat_id": str(p + 1)}
            for p in range(persons)
        ],
    )
    circle_rows, meeting_rows, facilitator_rows, signup_rows = [], [], [], []
    for c in range(count):
        cid = c + 1
        start = first_start(c, count, evening)
        facilitator = c * (1 + LEARNERS) + 1
        circle_rows.append(
            {
                "id": cid,
                "code": f"c{cid}",
                "name": f"Circle {cid}",
                "course_title": "Course",
                "course_link": "https://example.org",
                "description": "",
                "venue_name": "Library",
                "language": "en",
                "timezone": "UTC",
                "first_date": start.date(),
                "meeting_time": start.time().replace(tzinfo=None),
                "duration_minutes": 90,
                "weeks": WEEKS,
                "status": "published",
                "signup_open": True,
                "reminder_lead_minutes": 2 * 24 * 60,
                "created_by": facilitator,
                "created_at": now,
                "team_id": c // CIRCLES_PER_TEAM + 1,
            }
        )
        facilitator_rows.append({"circle_id": cid, "person_id": facilitator, "role": "lead"})
        for week in range(WEEKS):
            meeting_rows.append(
                {
                    "circle_id": cid,
                    "number": week + 1,
                    "start": start + timedelta(weeks=week),
                    "duration_minutes": 90,
                    "cancelled": False,
                }
            )
        for learner in range(LEARNERS):
            signup_rows.append(
                {
                    "circle_id": cid,
                    "person_id": facilitator + 1 + learner,
                    "goal": "learn",
                    "help_peers": "",
                    "active": True,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    for table, rows in ((circles, circle_rows), (facilitators, facilitator_rows)):
        await _bulk(db, table, rows)
    await _bulk(db, meetings, meeting_rows)
    await _bulk(db, signups, signup_rows)
    if db.is_postgresql:  # explicit ids: move the sequences past them, and give the planner statistics
        async with db.transaction() as conn:
            for name in ("teams", "people", "circles"):
                await conn.execute(text(f"SELECT setval('{name}_id_seq', (SELECT max(id) FROM {name}))"))
            await conn.execute(text("ANALYZE"))


async def plan_once(db: Database, now: datetime) -> tuple[int, float]:
    planned, seconds, _ = await plan_timed(db, now)
    return planned, seconds


async def plan_timed(db: Database, now: datetime) -> tuple[int, float, float]:
    """Messages planned, wall seconds, and seconds of this process's CPU (the Python side; the
    rest is the database's work and, on a busy machine, waiting for a core)."""
    started, cpu = time.perf_counter(), time.process_time()
    async with unit_of_work(db) as unit:
        planned = (await planner.plan(unit, now)).total
    return planned, time.perf_counter() - started, time.process_time() - cpu


async def settle(db: Database, now: datetime) -> None:
    """The evening's messages went out (as far as the next passes care)."""
    async with db.transaction() as conn:
        await conn.execute(
            update(outbox).where(outbox.c.status.in_(("pending", "sending"))).values(status="sent", sent_at=now)
        )


async def run(url: str, count: int, repeats: int) -> None:
    evening = MONDAY - timedelta(days=2, hours=1)  # Saturday, the hour before the busy one
    seeded_at = evening - timedelta(days=7)
    db = await fresh(url)
    try:
        started = time.perf_counter()
        await seed(db, count, seeded_at, evening)
        print(f"seeded {count} circles ({db.engine.dialect.name}) in {time.perf_counter() - started:.1f} s")
        first, seconds = await plan_once(db, evening)  # what was due before the evening
        print(f"pass before the evening: planned {first} in {seconds * 1000:.0f} ms")
        await settle(db, evening)
        busy_at = evening + timedelta(hours=1)
        planned, seconds, cpu = await plan_timed(db, busy_at)
        print(
            f"busy evening, first pass: planned {planned} messages ({planned / count * 1000:.0f} per 1,000 circles) "
            f"in {seconds * 1000:.0f} ms -> {planned / seconds:,.0f} messages/s "
            f"(Python CPU {cpu * 1000:.0f} ms = {cpu / max(planned, 1) * 1e6:.1f} µs per message; "
            f"load average {os.getloadavg()[0]:.1f})"
        )
        await settle(db, busy_at)
        quiet = []
        for i in range(repeats):
            _, seconds = await plan_once(db, busy_at + timedelta(seconds=30 * (i + 1)))
            quiet.append(seconds)
        dispatcher = Dispatcher(db, FixedClock(busy_at), {"telegram": NullSender()}, limits={"telegram": None})
        passes = []
        for i in range(repeats):
            dispatcher.clock = FixedClock(busy_at + timedelta(seconds=30 * (repeats + i + 1)))
            started = time.perf_counter()
            report = await dispatcher.run_pass()
            passes.append(time.perf_counter() - started)
            assert report.planned == 0, report.summary()
        print(
            f"nothing new to plan: planning {statistics.median(quiet) * 1000:.1f} ms, "
            f"whole dispatcher pass {statistics.median(passes) * 1000:.1f} ms (median of {repeats})"
        )
    finally:
        await db.close()


async def main() -> None:
    parser = with_database_choice(arguments(__doc__))
    parser.add_argument("--circles", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    await run(chosen_database(args, "planner"), args.circles, args.repeats)


if __name__ == "__main__":
    asyncio.run(main())
