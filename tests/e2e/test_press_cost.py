"""What one RSVP press costs the database: counted, so that it cannot creep back.

A learner's press on a reminder's or a list's button is the busiest moment the bot has (right
after a reminder went out to a big circle). Each press is one unit of work; this counts the SQL
statements it runs, on SQLite and on PostgreSQL, and fails when a change makes it run more than
the number reached when presses were made cheap (bench/inbound.py measures the time).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from adapters.console.driver import ConsoleDriver
from storage.db import Database
from tests.e2e.flows import create_circle, sign_up

# Statements of one RSVP press: the update's first-time mark, the person (with their chat, written
# only when it changed), the meeting, its circle, the signup, the answer, the meetings and the
# answers for the redrawn list — 8 (9 before the chat was written only on change) — plus one.
MOST_STATEMENTS_PER_PRESS = 8 + 1


@contextmanager
def counting(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", note)


async def test_an_rsvp_press_runs_a_bounded_number_of_statements(chat: ConsoleDriver, db: Database) -> None:
    code = await create_circle(chat)
    await sign_up(chat, code, "alice", "Learn", "Help", "Build")
    await chat.say("/rsvp", as_="alice")

    with counting(db) as statements:
        answered = await chat.press("1: Yes", as_="alice")

    assert "You said you will come to meeting 1" in answered
    assert len(statements) <= MOST_STATEMENTS_PER_PRESS
