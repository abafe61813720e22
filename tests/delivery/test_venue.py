"""F8: a new venue reaches the learners at once and every reminder not sent yet."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.console.driver import ConsoleDriver
from adapters.console.sender import ConsoleSender
from bot.clock import FixedClock
from bot.delivery.dispatcher import Dispatcher
from tests.e2e.flows import create_circle, sign_up

FIRST_REMINDER = datetime(2026, 12, 5, 17, 0, tzinfo=UTC)  # two days before Mon 7 Dec, 18:00 CET


async def test_a_new_venue_is_announced_and_in_the_next_reminder(
    chat: ConsoleDriver, clock: FixedClock, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    code = await create_circle(chat)
    await sign_up(chat, code, "alice", "Learn", "Help", "Build")
    await chat.say("/mycircles", as_="fiona")
    await chat.press("Python for Everybody")
    await chat.press("Change the venue")
    await chat.say("Café Kreuzberg")
    await chat.say("Oranienstraße 1")
    await chat.press("Skip")
    await chat.say("Berlin")
    await dispatcher.run_pass()
    (notice,) = sender.to("alice")
    assert notice.text.startswith("Python for Everybody meets at a new place: Café Kreuzberg, Oranienstraße 1, Berlin")
    assert "Next meeting: Mon, 7 Dec 2026, 18:00 CET" in notice.text

    clock.set(FIRST_REMINDER)
    await dispatcher.run_pass()
    reminder = sender.to("alice")[-1]
    assert "Where: Café Kreuzberg, Oranienstraße 1, Berlin" in reminder.text
    clock.advance(timedelta(hours=1))
    await dispatcher.run_pass()
    assert len(sender.to("alice")) == 2
