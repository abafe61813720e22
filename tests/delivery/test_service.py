"""The dispatcher inside ``python -m bot run``: APScheduler wakes it, and so does the app after a use case
enqueued something."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

from adapters.console.driver import ConsoleDriver
from adapters.console.sender import ConsoleSender
from bot.app import Core
from bot.clock import FixedClock
from bot.conversation.messages import Reply
from bot.conversation.outbound import SendResult
from bot.delivery import service
from tests.delivery.test_timing import REMINDER_1
from tests.e2e.flows import create_circle, sign_up


class Signalling(ConsoleSender):
    """A console sender that says when it sent something, so the test waits for that, not for time."""

    def __init__(self, driver: ConsoleDriver) -> None:
        super().__init__(driver=driver)
        self.changed = asyncio.Event()

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        result = await super().send(chat_id, reply)
        self.changed.set()
        return result

    async def until(self, condition: Callable[[], bool]) -> None:
        async def wait() -> None:
            while not condition():
                await self.changed.wait()
                self.changed.clear()

        await asyncio.wait_for(wait(), timeout=10)


async def test_the_service_sends_what_is_due_and_wakes_after_a_broadcast(
    app: Core, chat: ConsoleDriver, clock: FixedClock
) -> None:
    sender = Signalling(chat)
    code = await create_circle(chat)
    await sign_up(chat, code, "alice", "a goal", "some help", "an answer")
    clock.set(REMINDER_1 + timedelta(minutes=1))
    running = await service.start(app, {"console": sender})
    try:
        assert app.wake_delivery is not None
        await sender.until(lambda: bool(sender.to("alice")))
        assert "meeting 1 of 6" in sender.to("alice")[0].text
        jobs = {job.id for job in running.scheduler.get_jobs()}
        assert service.TICK_JOB in jobs

        await chat.say("/message", as_="fiona")
        await chat.say("Room change: we meet in room 3.")
        await chat.press("Send it")  # the app wakes the dispatcher after the commit
        await sender.until(lambda: len(sender.to("alice")) == 2)
        assert "room 3" in sender.to("alice")[1].text
    finally:
        await running.stop()
