"""Updates handled concurrently across chats, in arrival order within one chat.

python-telegram-bot's ``Application`` hands each update to its update processor as soon as it
arrives (in a task of its own when more than one may run at once). This processor lets updates
of different chats run side by side, at most ``running`` at a time, while the updates of one chat
(a person's private chat, or a group) wait for each other in the order they arrived, so that a
person's quick answers reach their dialog in the order typed.

An update waiting for its chat does not take one of the ``running`` places: a person who sends
many updates at once delays only themselves. PTB's own bound (``admitted``) caps the updates held
at once, running or waiting.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Updates admitted at once per place to run: beyond that, PTB's fetcher waits (back-pressure).
ADMITTED_PER_RUNNING = 8


def chat_of(update: object) -> int | None:
    """The chat an update belongs to (its sender's id when it names no chat); None: no order."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None


class ChatOrderedProcessor(BaseUpdateProcessor):
    def __init__(self, running: int) -> None:
        if running < 1:
            raise ValueError("running: at least 1")
        super().__init__(max_concurrent_updates=max(2, running * ADMITTED_PER_RUNNING))
        self.running = running
        self._places = asyncio.BoundedSemaphore(running)
        # Per chat: the lock its updates take in turn, and how many updates hold or await it.
        self._chats: dict[int, tuple[asyncio.Lock, int]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = chat_of(update)
        if chat is None:
            async with self._places:
                await coroutine
            return
        lock, users = self._chats.get(chat) or (asyncio.Lock(), 0)
        self._chats[chat] = (lock, users + 1)
        try:
            async with lock, self._places:  # asyncio.Lock wakes its waiters first come, first served
                await coroutine
        finally:
            lock, users = self._chats[chat]
            if users == 1:
                del self._chats[chat]
            else:
                self._chats[chat] = (lock, users - 1)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
