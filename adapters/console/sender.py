"""The terminal's outbound side for the delivery engine (``bot.conversation.outbound.Sender``).

Reminders, notices and broadcasts to console people are printed, each under a line naming the
chat it is for. Given the chat's ``ConsoleDriver``, a message is also put in that person's view,
so that after ``/as alice`` its buttons can be pressed like any other.
"""

from __future__ import annotations

import sys
from itertools import count
from typing import TextIO

from adapters.console.driver import PLATFORM, ConsoleDriver, Shown, render
from bot.conversation.messages import Reply
from bot.conversation.outbound import Outcome, SendResult

HEADER = "── to {chat} ──"


class ConsoleSender:
    platform = PLATFORM

    def __init__(self, out: TextIO | None = None, driver: ConsoleDriver | None = None) -> None:
        self.out = out
        self.driver = driver
        self.sent: list[tuple[str, Reply]] = []
        self._ids = count(1)

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        text = self.driver.describe(reply) if self.driver is not None else render(reply)
        self.sent.append((chat_id, reply))
        if self.driver is not None:
            self.driver.shown.setdefault(chat_id, []).append(Shown(reply, text))
        out = self.out if self.out is not None else (None if self.driver is not None else sys.stdout)
        if out is not None:
            # Flushed per message: whoever reads the terminal (or a pipe) sees it as it goes out.
            out.write(HEADER.format(chat=chat_id) + "\n" + text + "\n\n")
            out.flush()
        return SendResult(Outcome.SENT, message_id=str(next(self._ids)))

    def to(self, chat_id: str) -> list[Reply]:
        """What this sender delivered to one chat, oldest first."""
        return [reply for chat, reply in self.sent if chat == chat_id]
