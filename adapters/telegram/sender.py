"""Telegram's outbound side for the delivery engine (``bot.conversation.outbound.Sender``)."""

from __future__ import annotations

import asyncio
import logging
import warnings
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application

from adapters.kit.send import Call, Progress, Sleep, send_in_order
from adapters.telegram.markup import MAX_TEXT, Part, inline_keyboard, plan, send_part
from adapters.telegram.translate import PLATFORM
from bot.conversation.messages import Reply
from bot.conversation.outbound import Outcome, PlatformLimits, SendResult
from bot.delivery.limits import RateLimiter

log = logging.getLogger(__name__)

TelegramApplication = Application[Any, Any, Any, Any, Any, Any]

# Telegram answers these as 400, but they mean nobody can be reached at that chat id.
UNREACHABLE_BAD_REQUESTS = ("chat not found", "user not found", "peer_id_invalid", "user is deactivated")
# What Telegram allows (its Bot FAQ): about 30 messages a second overall, one a second in a chat,
# 20 a minute in a group (group chat ids are negative). The delivery engine paces by this.
LIMITS = PlatformLimits(
    message_length=MAX_TEXT, per_second=30, per_chat_per_second=1, per_group_per_minute=20, group_prefix="-"
)


def retry_after_seconds(error: RetryAfter) -> float:
    """The wait Telegram asked for, in seconds (PTB 22 is moving it from int to timedelta)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value: int | timedelta = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def wait_asked(error: BaseException) -> float | None:
    """The seconds a flood-control answer asked to wait; None for any other failure."""
    return retry_after_seconds(error) if isinstance(error, RetryAfter) else None


@dataclass
class _Target:
    """Where a reply's parts go; it changes once if the group turns out to have migrated."""

    chat: int | str


def chat_key(chat_id: str) -> int | str:
    """Identity chat ids are stored as text; Telegram wants numbers (or ``@channelname``)."""
    try:
        return int(chat_id)
    except ValueError:
        return chat_id


class TelegramSender:
    """Sends what the delivery engine hands over, and says what happened in the core's terms.

    The running adapter's sender (``adapter.sender``) shares its HTTP pool and its rate limiter
    (``limiter``: the adapter's answers to people and these sends know each other, see
    ``adapters/telegram/limiter.py``); it can also be built from any initialised ``telegram.Bot``
    (then the dispatcher paces it by ``limits`` alone). ``send(chat_id, reply)`` takes
    the identity's chat id as stored (a user's id, ``-100…`` for a group, ``@name`` for a
    channel) and a ``Reply`` with text, buttons and / or a file; it never raises for a platform
    error but answers a ``SendResult``:

    - ``SENT`` with the (last) message id;
    - ``RETRY_AFTER`` with ``retry_after`` seconds: Telegram's flood control said wait. Nothing was
      sent; the engine re-queues the message that much later (a 429 delays, it never drops). The
      rate limiter does *not* retry here (``max_retries`` 0 for this path) so that a wait never
      blocks the engine's other sends;
    - ``UNREACHABLE``: the person blocked the bot, never started it, or the account is gone
      (403 Forbidden, or "chat not found"); the engine marks them unreachable;
    - ``FAILED``: network trouble, a 5xx, or any other refusal; worth retrying with back-off.

    A text longer than Telegram's 4,096 characters goes out as several messages with the
    buttons on the last; a 429 after the first part went out is waited out here instead
    (``adapters.kit.send``; ``sleep`` is injectable so that tests do not wait).
    """

    platform = PLATFORM
    limits = LIMITS

    def __init__(
        self, bot: Bot | TelegramApplication, *, sleep: Sleep = asyncio.sleep, limiter: RateLimiter | None = None
    ) -> None:
        self.bot: Bot = bot.bot if isinstance(bot, Application) else bot
        self.sleep = sleep
        # The adapter's limiter, shared with its answers to people; the dispatcher paces this
        # sender's messages by it (each message's first part; later parts wait for it here).
        self.limiter = limiter

    @property
    def account(self) -> str:
        """The bot's id (the token's first part): Telegram's limits are per bot (docs/scaling.md)."""
        return self.bot.token.split(":", 1)[0]

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        markup = inline_keyboard(reply.buttons) if reply.buttons else None
        parts = plan(reply, markup)
        if not parts:
            return SendResult(Outcome.FAILED, error="nothing to send: the reply is empty")
        target = _Target(chat_key(chat_id))
        calls = [self._caller(target, part, paced=number > 0) for number, part in enumerate(parts)]
        progress = await send_in_order(calls, errors=(TelegramError,), wait_asked=wait_asked, sleep=self.sleep)
        if progress.error is not None:
            return self._outcome(progress)
        return SendResult(Outcome.SENT, message_id=progress.message_id)

    def _caller(self, target: _Target, part: Part, *, paced: bool) -> Call:
        async def call() -> str | None:
            if paced and self.limiter is not None:
                await self.limiter.acquire(str(target.chat))
            try:
                return str((await send_part(self.bot, target.chat, part)).message_id)
            except ChatMigrated as migrated:
                # A group became a supergroup: its new id is given; send there from now on.
                log.info("chat %s moved to %s", target.chat, migrated.new_chat_id)
                target.chat = migrated.new_chat_id
                return str((await send_part(self.bot, target.chat, part)).message_id)

        return call

    def _outcome(self, progress: Progress) -> SendResult:
        error = progress.error
        assert isinstance(error, TelegramError)
        text = f"{type(error).__name__}: {error.message}{progress.where}"
        if isinstance(error, RetryAfter):
            log.info("Telegram asked to wait %.0f s before sending again", retry_after_seconds(error))
            return SendResult(Outcome.RETRY_AFTER, retry_after=retry_after_seconds(error), error=text)
        if isinstance(error, Forbidden):
            return SendResult(Outcome.UNREACHABLE, error=text)
        if isinstance(error, BadRequest) and any(s in error.message.lower() for s in UNREACHABLE_BAD_REQUESTS):
            return SendResult(Outcome.UNREACHABLE, error=text)
        log.warning("sending on Telegram failed: %s", text)
        return SendResult(Outcome.FAILED, error=text)
