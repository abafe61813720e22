"""What planning and rendering the weekly summaries costs the database: counted, so that it cannot
creep back.

On a Monday morning every team's summary falls due at once (bench/summaries.py measures 1,000
teams). Reading them used to cost two statements per circle and three per team; now a batch of
summaries is read in a fixed number of statements, however many teams and circles it holds. These
tests plan and render the summaries of small and twice as large teams and batches and fail when
the larger one runs more statements. That includes the early warnings and the attendance chart:
every circle here has a meeting tonight nobody said yes to, and last week's meeting charted.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from sqlalchemy import update

from bot.conversation.messages import Reply
from bot.delivery import kinds
from bot.delivery.summaries import SUMMARY, plan_summaries
from bot.i18n import Translator
from domain.model import MeetingFeedback, Team, TeamMember, TeamRole
from storage.db import Database
from storage.tables import circles
from storage.unit import unit_of_work
from tests.delivery import seed

# Monday 14 December 2026, 10:00 CET: the summaries' time. The circles started the Monday before.
SECOND_MONDAY = datetime(2026, 12, 14, 9, 0, tzinfo=UTC)
LAST_WEEK = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)


async def teams_with_circles(db: Database, numbers: Iterable[int], per_team: int) -> None:
    """Teams with a channel and an organizer, each with circles that started last week, a learner
    who signed up last week and the facilitator's feedback on last week's meeting."""
    for t in numbers:
        organizer = await seed.person(db, f"olga{t}", LAST_WEEK)
        async with unit_of_work(db) as unit:
            team = await unit.teams.add(
                Team(
                    None,
                    f"Team {t}",
                    "Europe/Berlin",
                    summary_platform="console",
                    summary_chat_id=f"#team{t}",
                    created_at=LAST_WEEK,
                )
            )
            assert team.id is not None
            await unit.teams.add_member(TeamMember(team.id, organizer, TeamRole.ORGANIZER), LAST_WEEK)
        for c in range(per_team):
            made = await seed.circle(
                db, LAST_WEEK, facilitator=f"fiona{t}-{c}", first_date=date(2026, 12, 7), learners=[f"alice{t}-{c}"]
            )
            async with unit_of_work(db) as unit:
                await unit.conn.execute(
                    update(circles)
                    .where(circles.c.id == made.circle_id)
                    .values(name=f"Circle {t}-{c}", team_id=team.id)
                )
                given = MeetingFeedback(made.meeting(1).id or 0, made.facilitator_id, 4, 1, f"Reflection {t}-{c}")
                await unit.feedback.save(given, LAST_WEEK)


async def summaries_cost(db: Database, seen: set[int]) -> tuple[int, list[str]]:
    """Plan the summaries due now, then load and render the new ones as the dispatcher does (one
    batch): the statements it took, and the texts. Teams planned before are not planned again
    (their mark says next week), so the count is the new teams' alone."""
    with db.counting_statements() as statements:
        async with unit_of_work(db) as unit:
            await plan_summaries(unit, SECOND_MONDAY)
            rows = [r for r in await unit.outbox.due(SECOND_MONDAY) if r.kind == SUMMARY and r.id not in seen]
            snap = await kinds.load_snapshot(unit, rows, SECOND_MONDAY)
    seen.update(r.id for r in rows)
    texts = []
    for row in rows:
        rendered = kinds.render(row, snap, Translator("en"))
        assert isinstance(rendered, Reply), rendered
        assert rendered.attachment is not None and rendered.attachment.is_image  # the chart
        texts.append(rendered.text)
    return len(statements), texts


async def test_a_batch_of_summaries_costs_the_same_statements_for_twice_the_teams(db: Database) -> None:
    seen: set[int] = set()
    await teams_with_circles(db, range(2), 2)
    two, texts = await summaries_cost(db, seen)
    assert len(texts) == 2
    await teams_with_circles(db, range(2, 6), 2)
    four, texts = await summaries_cost(db, seen)

    assert len(texts) == 4
    assert four == two, f"{two} statements for two teams' summaries, {four} for four"
    for t, text in zip(range(2, 6), texts, strict=True):  # each summary says all of its own circles
        for c in range(2):
            assert f"Circle {t}-{c}: meeting 2 of 6, Mon, 14 Dec 2026, 18:00 CET" in text
            assert f"Circle {t}-{c}, meeting 1: rated 4/5, 1 came. Reflection {t}-{c}" in text
            assert f"⚠ Circle {t}-{c}: nobody has said yes to meeting 2 (Mon, 14 Dec 2026, 18:00 CET)" in text
        assert f"Circle {t + 1}-0" not in text


async def test_a_teams_summary_costs_the_same_statements_for_twice_the_circles(db: Database) -> None:
    seen: set[int] = set()
    await teams_with_circles(db, [0], 3)
    three, (text,) = await summaries_cost(db, seen)
    assert text.count("rated 4/5") == 3
    await teams_with_circles(db, [1], 6)
    six, (text,) = await summaries_cost(db, seen)

    assert text.count("rated 4/5") == 6
    assert six == three, f"{three} statements for a team of three circles, {six} for six"
