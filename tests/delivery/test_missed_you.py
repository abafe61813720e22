"""The "we missed you" note is rendered when it is sent: a list corrected meanwhile calls it off."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from adapters.console.driver import ConsoleDriver
from adapters.console.sender import ConsoleSender
from bot.clock import FixedClock
from bot.delivery.dispatcher import Dispatcher
from storage.db import Database
from storage.tables import outbox
from tests.delivery.test_timing import MEETING_1
from tests.e2e.flows import create_circle, sign_up


async def _confirm(chat: ConsoleDriver, meeting_id: int, *tick: str) -> None:
    """Fiona's feedback on a meeting: the names in ``tick`` toggled, rated 4, no reflection."""
    await chat.press_token(f"feedback:{meeting_id}", as_="fiona")
    for name in tick:
        await chat.press(name)
    await chat.press("Done")
    await chat.press("4")
    await chat.press("Skip")


async def test_a_correction_before_the_note_goes_out_calls_it_off(
    chat: ConsoleDriver, db: Database, clock: FixedClock, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    code = await create_circle(chat)
    await sign_up(chat, code, "alice", "Learn", "Help", "A game")
    clock.set(MEETING_1 + timedelta(weeks=1, hours=2))  # meetings 1 and 2 are over
    await _confirm(chat, 1)
    await _confirm(chat, 2)  # Alice missed both: a note is queued
    # Fiona remembers Alice came to meeting 2 after all, and gives her feedback again.
    await chat.press_token("feedback:2", as_="fiona")
    assert "Came: 0 of 1 learners, plus 0 not on Circles." in chat.shown["fiona"][-1].text
    await chat.press("Alice")
    await chat.press("Done")
    await chat.press("4")
    await chat.press("Skip")
    await dispatcher.run_pass()
    assert not any("We missed you" in r.text for r in sender.to("alice"))
    async with db.transaction() as conn:
        rows = (
            await conn.execute(select(outbox.c.status, outbox.c.last_error).where(outbox.c.kind == "missed_you"))
        ).all()
    assert [tuple(r) for r in rows] == [("dropped", "came after all")]
