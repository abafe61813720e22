"""What the core needs from an adapter to send on its own (reminders, notices, broadcasts).

The delivery engine calls ``send``; the adapter answers with what happened in the platform's
terms translated to ours, so that the engine alone decides about retries and unreachable people.
Each sender also declares its platform's limits (``PlatformLimits``): the engine paces its sends
by them, so that no platform's numbers live in the core.
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
    # Why it was not sent; with SENT, what of it did not make it (a file refused after its text
    # went out), recorded on the outbox row but never a reason to send the message again.
    error: str | None = None
    message_id: str | None = None


@dataclass(frozen=True)
class PlatformLimits:
    """What a platform allows, as its sender declares it. A rate left None is not limited."""

    message_length: int | None = None  # in the platform's own measure; the adapter splits by it
    per_second: int | None = None  # messages a second, across all chats
    per_chat_per_second: float | None = None
    per_group_per_minute: int | None = None
    group_prefix: str | None = None  # chat ids of groups start with this (Telegram: "-")


class Sender(Protocol):
    """One platform's outbound side. ``chat_id`` is the identity's chat (or a channel).

    A sender may also have ``limits: PlatformLimits``; one without is not paced by the engine.
    """

    platform: str

    async def send(self, chat_id: str, reply: Reply) -> SendResult: ...
