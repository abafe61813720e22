"""The clock-change line costs the database nothing per learner: their zones come with the batch's
recipients (``Outbox.recipients``), and the rule itself is pure (``domain.daylight``). Counted like
the summaries' cost (test_summary_cost.py), so that a per-row look-up cannot creep in."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import update

from bot.conversation.messages import Reply
from bot.delivery import kinds
from bot.delivery.planner import plan
from bot.i18n import Translator
from storage.db import Database
from storage.tables import circles
from storage.unit import unit_of_work
from tests.delivery import seed

BERLIN = ZoneInfo("Europe/Berlin")
EARLIER = datetime(2027, 2, 1, 12, 0, tzinfo=BERLIN)
# Two days before Monday 15 March 2027, 18:00 in Berlin: New York changed its clocks on the 14th.
REMINDERS_DUE = datetime(2027, 3, 13, 18, 0, tzinfo=BERLIN)
ZONES = ["America/New_York", "Australia/Sydney", None]
MOVED = "Clocks change on Sun, 14 Mar 2027 in New York: this meeting is at 13:00 your time"


async def online_circle(db: Database, facilitator: str, learners: int) -> None:
    """A Berlin circle online from Monday 8 March 2027, its learners in New York, Sydney or unknown."""
    made = await seed.circle(db, EARLIER, facilitator=facilitator, first_date=date(2027, 3, 8), weeks=4)
    async with unit_of_work(db) as unit:
        await unit.conn.execute(
            update(circles)
            .where(circles.c.id == made.circle_id)
            .values(venue_name="Online", venue_link="https://x.org")
        )
    for n in range(learners):
        person_id = await seed.sign_up(db, made, f"{facilitator}-learner-{n}", EARLIER)
        async with unit_of_work(db) as unit:
            await unit.people.set_timezone(person_id, ZONES[n % len(ZONES)])


async def reminders_cost(db: Database, seen: set[int]) -> tuple[int, list[str]]:
    """Plan, load and render the new learners' reminders as the dispatcher does (one batch)."""
    with db.counting_statements() as statements:
        async with unit_of_work(db) as unit:
            await plan(unit, REMINDERS_DUE)
            rows = [r for r in await unit.outbox.due(REMINDERS_DUE) if r.id not in seen]
            snap = await kinds.load_snapshot(unit, rows, REMINDERS_DUE)
    seen.update(r.id for r in rows)
    texts = []
    for row in rows:
        assert row.person_id is not None
        person = snap.recipients[row.person_id].person
        rendered = kinds.render(row, snap, Translator(person.language, person.zone))
        assert isinstance(rendered, Reply), rendered
        if "Will you come?" in rendered.text:  # the learners' reminders, not the facilitator's copy
            texts.append(rendered.text)
    return len(statements), texts


async def test_twice_the_learners_in_other_zones_cost_the_same_statements(db: Database) -> None:
    seen: set[int] = set()
    await online_circle(db, "fiona", 3)
    three, texts = await reminders_cost(db, seen)
    assert len(texts) == 3
    await online_circle(db, "frank", 6)
    six, texts = await reminders_cost(db, seen)

    assert len(texts) == 6
    assert six == three, f"{three} statements for three learners' reminders, {six} for six"
    # Only those in New York see their time move: Sydney and Berlin did not change that week.
    assert sum(MOVED in text for text in texts) == 2
    assert sum("Clocks change" in text for text in texts) == 2
