"""What the core needs from an adapter to send on its own (reminders, notices, broadcasts).

The delivery engine calls ``send``; the adapter answers with what happened in the platform's
terms translated to ours, so that the engine alone decides about retries and unreachable people.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from bot.conversation.messages import Reply


class Outcome(enum.StrEnum):
    SENT = "sent"
    RETRY_AFTER = "retry_after"  # the platform asked us to wait ``retry_after`` seconds
    UNREACHABLE = "unreachable"  # blocked the bot, never started it, account gone
    FAILED = "failed"  # transient: network, 5xx; worth retrying with back-off


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    retry_after: float | None = None
    error: str | None = None
    message_id: str | None = None


class Sender(Protocol):
    """One platform's outbound side. ``chat_id`` is the identity's chat (or a channel)."""

    platform: str

    async def send(self, chat_id: str, reply: Reply) -> SendResult: ...
