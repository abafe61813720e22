"""What one RSVP press costs the database: counted, so that it cannot creep back.

A learner's press on a reminder's or a list's button is the busiest moment the bot has (right
after a reminder went out to a big circle). Each press is one unit of work; this counts the SQL
statements it runs, on SQLite and on PostgreSQL, and fails when a change makes it run more than
the number reached when presses were made cheap (bench/inbound.py measures the time).
"""

from __future__ import annotations

import re

from sqlalchemy import func, select

from adapters.console.driver import ConsoleDriver
from bot.actions import AnswerRsvp, LeaveCircleConfirmed
from storage.db import Database
from storage.tables import meetings, rsvps
from tests.e2e.flows import create_circle, sign_up

# Statements of one RSVP press: the update's first-time mark, the person (with their chat, written
# only when it changed), one read of everything the answer and the redrawn list need (the meeting,
# its circle and all its meetings, the person's signup and answers), the answer itself, and the
# buttons the redrawn list offers (remembered so that typing a label counts as pressing it) — 5
# (8 before that read was one, 9 before the chat was written only on change). On PostgreSQL the
# first-time mark and the person are one statement: 4. No slack: one more statement is a press
# made dearer, and this test says so.
MOST_STATEMENTS_PER_PRESS = {"sqlite": 5, "postgresql": 4}


async def test_an_rsvp_press_runs_a_bounded_number_of_statements(chat: ConsoleDriver, db: Database) -> None:
    code = await create_circle(chat)
    await sign_up(chat, code, "alice", "Learn", "Help", "Build")
    await chat.say("/rsvp", as_="alice")

    with db.counting_statements() as statements:
        answered = await chat.press("1: Yes", as_="alice")

    assert "You said you will come to meeting 1" in answered
    assert len(statements) <= MOST_STATEMENTS_PER_PRESS[db.engine.dialect.name], statements


async def test_the_one_read_still_refuses_what_it_must_and_changes_nothing(chat: ConsoleDriver, db: Database) -> None:
    """The single read behind a press still tells apart a meeting that does not exist, a person who
    did not sign up (or left) and a cancelled meeting; each refusal leaves no answer behind."""
    code = await create_circle(chat)
    await sign_up(chat, code, "alice", "Learn", "Help", "Build")
    async with db.transaction() as conn:
        query = select(meetings.c.id, meetings.c.circle_id).order_by(meetings.c.start).limit(2)
        (first, circle_id), (second, _) = (await conn.execute(query)).all()

    assert "I could not find that" in await chat.press_token(AnswerRsvp(first + 1000, True).token, as_="alice")
    assert "circles you signed up for" in await chat.press_token(AnswerRsvp(first, True).token, as_="bob")
    assert "You left" in await chat.press_token(LeaveCircleConfirmed(circle_id).token, as_="alice")
    assert "circles you signed up for" in await chat.press_token(AnswerRsvp(first, True).token, as_="alice")
    async with db.transaction() as conn:
        await conn.execute(meetings.update().where(meetings.c.id == second).values(cancelled=True))
    await sign_up(chat, code, "carol", "Learn", "Help", "Build")
    assert "That meeting was cancelled" in await chat.press_token(AnswerRsvp(second, False).token, as_="carol")

    async with db.transaction() as conn:
        assert (await conn.execute(select(func.count()).select_from(rsvps))).scalar_one() == 0
    # And the answer that is allowed lands on the meeting pressed, the redrawn list showing it.
    answered = await chat.press_token(AnswerRsvp(first, False).token, as_="carol")
    assert "You said you cannot come to meeting 1" in answered
    assert re.search(r"Meeting 1, .*: no\n", answered), answered
