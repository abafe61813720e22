"""Slack Home tabs benchmark: what keeping everyone's home current costs.

    .venv/bin/python -m bench.homes [--teams 100] [--circles-per-team 5] [--database-url URL | --sqlite]

The database is seeded as in ``bench.summaries`` (teams, each with an organizer and published
circles with a facilitator and five learners), the people given Slack identities. Then, as the
Slack adapter does (``adapters/slack/home.py``, with a Web API client that accepts every
``views.publish`` at once and no pacing):

1. everyone's home is drawn and published (as when each opens the tab);
2. one refresh pass: every home drawn again and compared — nothing changed, nothing published;
3. one learner per circle answers an RSVP, and a second pass republishes what changed (each of
   those learners' homes and their facilitators').

Printed: time, homes drawn and published, and SQL statements per home drawn.

Measured on a shared, busy 2-core machine (six test runs beside it), 100 teams x 5 circles (3,100
people: organizers, facilitators, learners), PostgreSQL: 7.6 statements per home drawn (8.7 since
homes say who leads a covered meeting; 97–132 homes a second in a later run); a pass that
publishes nothing drew 65 homes a second (47 s), one after an RSVP in every circle 166 a second
(19 s; 1,000 homes republished: each learner who answered and each facilitator). SQLite, 20
teams: 72 homes a second, same statements. The time goes to database round trips.

Not part of the test run: it prints figures, it asserts only what was published.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from sqlalchemy import insert, select, update

from adapters.slack.home import Homes
from bench.common import arguments, chosen_database, fresh, with_database_choice
from bench.summaries import LEARNERS, MONDAY, WEEKS, seed
from bot.app import Core
from bot.clock import FixedClock
from bot.config import Settings
from bot.conversation.messages import Incoming
from storage.db import Database
from storage.tables import identities, people, rsvps


class NullClient:
    """A Web API client whose ``views.publish`` always succeeds at once."""

    def __init__(self) -> None:
        self.published = 0

    async def views_publish(self, **_: Any) -> dict[str, bool]:
        self.published += 1
        return {"ok": True}


async def run(url: str, team_count: int, per_team: int) -> None:
    db = await fresh(url)
    try:
        await seed(db, team_count, per_team)
        async with db.transaction() as conn:
            await conn.execute(update(identities).values(platform="slack"))
            names = dict((await conn.execute(select(people.c.id, people.c.name))).all())
        core = Core(db=db, clock=FixedClock(MONDAY), settings=Settings())
        client = NullClient()
        homes = Homes(client, core, 0, per_minute=10**9)  # type: ignore[arg-type]
        everyone = [
            Incoming(platform="slack", user_id=str(p), chat_id=str(p), user_name=names[p], language="en")
            for p in sorted(names)
        ]
        await _timed(db, "open every home", len(everyone), client, _publish_all(homes, everyone))
        await _timed(db, "refresh pass, nothing changed", len(everyone), client, homes.refresh())
        await _answer_one_rsvp_per_circle(db, team_count, team_count * per_team)
        await _timed(db, "refresh pass after one RSVP per circle", len(everyone), client, homes.refresh())
    finally:
        await db.close()


async def _publish_all(homes: Homes, everyone: list[Incoming]) -> int:
    return sum([await homes.publish(who, force=True) for who in everyone])


async def _answer_one_rsvp_per_circle(db: Database, team_count: int, count: int) -> None:
    rows = [
        {
            "meeting_id": c * WEEKS + 2,  # the next meeting: the second (the first was last week)
            "person_id": team_count + c * (1 + LEARNERS) + 2,  # the circle's first learner
            "attending": True,
            "answered_at": MONDAY,
        }
        for c in range(count)
    ]
    async with db.transaction() as conn:
        await conn.execute(insert(rsvps), rows)


async def _timed(db: Database, what: str, drawn: int, client: NullClient, work: Any) -> None:
    before = client.published
    with db.counting_statements() as statements:
        started = time.perf_counter()
        await work
        seconds = time.perf_counter() - started
    print(
        f"{what}: {drawn} homes drawn in {seconds:.2f} s ({drawn / seconds:,.0f}/s), "
        f"{client.published - before} published; {len(statements) / drawn:.1f} SQL statements per home"
    )


async def main() -> None:
    parser = with_database_choice(arguments(__doc__))
    parser.add_argument("--teams", type=int, default=100)
    parser.add_argument("--circles-per-team", type=int, default=5)
    args = parser.parse_args()
    await run(chosen_database(args, "homes"), args.teams, args.circles_per_team)


if __name__ == "__main__":
    asyncio.run(main())
