"""Answers to people come first: updates of different chats run side by side, those of one chat
in order, and answers keep Telegram's per-chat limit without queueing behind bulk sends."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Update

from adapters.telegram.ordering import ChatOrderedProcessor
from adapters.telegram.sender import LIMITS
from bot.app import Core
from tests.e2e.telegram.harness import running_telegram
from tests.fakes.telegram_api import FakeTelegram


def text_update(update_id: int, chat: int) -> Update:
    message = {"message_id": update_id, "date": 0, "chat": {"id": chat, "type": "private"}, "text": "hi"}
    return Update.de_json({"update_id": update_id, "message": message}, None)


async def test_updates_of_other_chats_go_ahead_while_one_chat_keeps_its_order() -> None:
    processor = ChatOrderedProcessor(running=4)
    handled: list[str] = []
    alice_busy, bob_done = asyncio.Event(), asyncio.Event()

    async def handle(name: str, *, wait: asyncio.Event | None = None, done: asyncio.Event | None = None) -> None:
        if wait is not None:
            await wait.wait()
        handled.append(name)
        if done is not None:
            done.set()

    first = asyncio.create_task(processor.process_update(text_update(1, 102), handle("alice 1", wait=alice_busy)))
    second = asyncio.create_task(processor.process_update(text_update(2, 102), handle("alice 2")))
    third = asyncio.create_task(processor.process_update(text_update(3, 103), handle("bob", done=bob_done)))

    await asyncio.wait_for(bob_done.wait(), timeout=5)  # a guard: Bob is answered while Alice's first runs
    assert handled == ["bob"]  # Alice's second waits for her first
    alice_busy.set()
    await asyncio.wait_for(asyncio.gather(first, second, third), timeout=5)
    assert handled == ["bob", "alice 1", "alice 2"]


async def test_quick_answers_in_one_chat_keep_telegrams_limits(app: Core) -> None:
    """With Telegram's limits on both sides, a person typing faster than one message a second gets
    every answer, in order, and Telegram never has to say 429."""
    async with FakeTelegram(enforce_limits=True) as tg, running_telegram(app, tg, "webhook", LIMITS) as telegram:
        alice = tg.user(102, "Alice")
        updates: list[dict[str, Any]] = [tg.build_text_update(alice, text) for text in ("/help", "/language", "/help")]
        for update in updates:  # delivered at once; handled one after another
            assert await tg.deliver_webhook(update) == 200
        for update in updates:
            await telegram.wait_processed(update["update_id"])
        answers = [m.body for m in tg.sent_messages(alice.id)]
    assert len(answers) == 3 and "Circles runs learning circles" in answers[0] and answers[0] == answers[2]
    assert tg.rate_limited == 0
