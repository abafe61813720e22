"""Weekly summaries benchmark: a Monday morning on which every team's summary falls due.

    .venv/bin/python -m bench.summaries [--teams 1000] [--circles-per-team 5] [--database-url URL | --sqlite]

The database (PostgreSQL by default through ``TEST_POSTGRES_URL``; a fresh SQLite file with
``--sqlite``) is emptied and seeded with bulk inserts: ``teams`` teams, each with an organizer and
a summary channel, and ``circles-per-team`` published circles of six weekly meetings that started
last week, each with a facilitator, five learners who signed up last week, and the facilitator's
feedback on last week's meeting — every section of the summary has something to say. The circles
carry no planning mark, so a dispatcher pass plans nothing but the summaries.

One dispatcher pass (with a sender that accepts everything at once and no rate limit) then plans
every team's summary and loads, renders and "sends" each, as in production. Printed: how long it
took, how many summaries went out, and the SQL statements it ran (counted with a SQLAlchemy event
listener) in all and per team.

Measured on a shared 2-core machine, 1,000 teams x 5 circles: before the summaries were read per
batch, 15.8 s and 16.1 statements per team on PostgreSQL (21.1 s, 16.1 on SQLite) — two statements
per circle and three per team; after, 2.0 s and 0.11 statements per team (2.0 s, 0.23 on SQLite).
With the early warnings and the weekly attendance chart (issue 14; every team here has a chart,
as its circles met last week): 123 s and 0.14 statements per team on PostgreSQL (3.9 s and 0.11
just before, on the same loaded machine), the time being matplotlib drawing 1,000 charts, about
0.07-0.12 s each. Drawn with Pillow instead (``bot/views/bar_chart.py``, about 1.5 ms of CPU a
chart; issue 12): 3.6-4.9 s and 0.14 statements per team on PostgreSQL (89 s with matplotlib in
the run just before), 3.1 s and 0.23 on SQLite.

Not part of the test run: it prints figures, it asserts only that every summary went out.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time

from sqlalchemy import text

from bench.common import arguments, chosen_database, fresh, with_database_choice
from bench.planner import NullSender, _bulk
from bot.clock import FixedClock
from bot.delivery.dispatcher import Dispatcher
from storage.db import Database
from storage.planning import NEVER
from storage.tables import circles, facilitators, feedback, identities, meetings, people, signups, team_members, teams

# Monday 1 March 2027, 10:00 in Berlin: the summaries' time. The circles met first a week before.
MONDAY = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
LEARNERS = 5
WEEKS = 6


async def seed(db: Database, team_count: int, per_team: int) -> None:
    seeded_at = MONDAY - timedelta(days=14)
    first = MONDAY - timedelta(days=7) + timedelta(hours=8)  # Monday of last week, 18:00 Berlin
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
                "created_at": seeded_at,
            }
            for t in range(team_count)
        ],
    )
    count = team_count * per_team
    # People: each team's organizer, then for each circle a facilitator and its learners.
    persons = team_count + count * (1 + LEARNERS)
    await _bulk(
        db,
        people,
        [{"id": p + 1, "name": f"P{p + 1}", "language": "en", "created_at": seeded_at} for p in range(persons)],
    )
    await _bulk(
        db,
        identities,
        [
            {"person_id": p + 1, "platform": "telegram", "external_id": str(p + 1), "chat_id": str(p + 1)}
            for p in range(persons)
        ],
    )
    await _bulk(
        db,
        team_members,
        [
            {"team_id": t + 1, "person_id": t + 1, "role": "organizer", "joined_at": seeded_at}
            for t in range(team_count)
        ],
    )
    circle_rows, facilitator_rows, meeting_rows, signup_rows = [], [], [], []
    for c in range(count):
        cid = c + 1
        facilitator = team_count + c * (1 + LEARNERS) + 1
        start = first + timedelta(minutes=c % 60)
        circle_rows.append(
            {
                "id": cid,
                "code": f"c{cid}",
                "name": f"Circle {cid}",
                "course_title": f"Course {cid}",
                "course_link": "https://example.org",
                "description": "",
                "venue_name": "Library",
                "language": "en",
                "timezone": "Europe/Berlin",
                "first_date": start.date(),
                "meeting_time": clock_time(18, c % 60),
                "duration_minutes": 90,
                "weeks": WEEKS,
                "status": "published",
                "signup_open": True,
                "reminder_lead_minutes": 2 * 24 * 60,
                "created_by": facilitator,
                "created_at": seeded_at,
                "team_id": c // per_team + 1,
                "plan_at": NEVER,  # nothing of the circles to plan: the pass is the summaries'
            }
        )
        facilitator_rows.append({"circle_id": cid, "person_id": facilitator, "role": "lead"})
        meeting_rows += [
            {
                "id": c * WEEKS + week + 1,
                "circle_id": cid,
                "number": week + 1,
                "start": start + timedelta(weeks=week),
                "duration_minutes": 90,
                "cancelled": False,
            }
            for week in range(WEEKS)
        ]
        signup_rows += [
            {
                "circle_id": cid,
                "person_id": facilitator + 1 + learner,
                "goal": f"Goal {learner + 1}",
                "help_peers": "",
                "active": True,
                "created_at": first - timedelta(days=3) + timedelta(days=learner),  # some last week
                "updated_at": first,
            }
            for learner in range(LEARNERS)
        ]
    await _bulk(db, circles, circle_rows)
    await _bulk(db, facilitators, facilitator_rows)
    await _bulk(db, meetings, meeting_rows)
    await _bulk(db, signups, signup_rows)
    await _bulk(
        db,
        feedback,
        [
            {
                "meeting_id": c * WEEKS + 1,
                "person_id": team_count + c * (1 + LEARNERS) + 1,
                "rating": 4,
                "attendance": LEARNERS,
                "reflection": "Lively first meeting",
                "created_at": first + timedelta(hours=2),
                "updated_at": first + timedelta(hours=2),
            }
            for c in range(count)
        ],
    )
    if db.is_postgresql:  # explicit ids: move the sequences past them, and give the planner statistics
        async with db.transaction() as conn:
            for name in ("teams", "people", "circles", "meetings"):
                await conn.execute(text(f"SELECT setval('{name}_id_seq', (SELECT max(id) FROM {name}))"))
            await conn.execute(text("ANALYZE"))


async def run(url: str, team_count: int, per_team: int) -> None:
    db = await fresh(url)
    try:
        started = time.perf_counter()
        await seed(db, team_count, per_team)
        print(
            f"seeded {team_count} teams x {per_team} circles ({db.engine.dialect.name}) "
            f"in {time.perf_counter() - started:.1f} s"
        )
        dispatcher = Dispatcher(db, FixedClock(MONDAY), {"telegram": NullSender()}, limits={"telegram": None})
        with db.counting_statements() as statements:
            started = time.perf_counter()
            report = await dispatcher.run_pass()
            seconds = time.perf_counter() - started
        assert report.planned == team_count and report.sent == team_count, report.summary()
        print(
            f"summaries: planned and rendered {report.sent} in {seconds:.2f} s "
            f"({report.sent / seconds:,.0f}/s); {len(statements)} SQL statements, "
            f"{len(statements) / team_count:.2f} per team"
        )
    finally:
        await db.close()


async def main() -> None:
    parser = with_database_choice(arguments(__doc__))
    parser.add_argument("--teams", type=int, default=1_000)
    parser.add_argument("--circles-per-team", type=int, default=5)
    args = parser.parse_args()
    await run(chosen_database(args, "summaries"), args.teams, args.circles_per_team)


if __name__ == "__main__":
    asyncio.run(main())
