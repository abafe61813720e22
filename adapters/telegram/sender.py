"""Telegram's outbound side for the delivery engine (``bot.conversation.outbound.Sender``)."""

from __future__ import annotations

import asyncio
import logging
import warnings
from datetime import timedelta
from typing import Any

from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application

from adapters.telegram.render import Part, inline_keyboard, plan, send_part
from adapters.telegram.translate import PLATFORM
from bot.conversation.messages import Reply
from bot.conversation.outbound import Outcome, SendResult

log = logging.getLogger(__name__)

TelegramApplication = Application[Any, Any, Any, Any, Any, Any]

# Telegram answers these as 400, but they mean nobody can be reached at that chat id.
UNREACHABLE_BAD_REQUESTS = ("chat not found", "user not found", "peer_id_invalid", "user is deactivated")
# A reply split into several messages: a 429 on a later part is waited out here (up to this many
# seconds in all), because re-queueing the whole reply would send the earlier parts twice.
LATER_PART_MAX_WAIT = 60.0


class UnretriedRateLimitFilter(logging.Filter):
    """Drops AIORateLimiter's error log (with traceback) for a 429 it was told not to retry.

    For the delivery engine's sends a 429 is an ordinary answer, reported as RETRY_AFTER and
    re-queued; the sender logs it itself, without a traceback. Retries that ran out still log.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not (str(record.msg).startswith("Rate limit hit after maximum of") and record.args == (0,))


def retry_after_seconds(error: RetryAfter) -> float:
    """The wait Telegram asked for, in seconds (PTB 22 is moving it from int to timedelta)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value: int | timedelta = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def chat_key(chat_id: str) -> int | str:
    """Identity chat ids are stored as text; Telegram wants numbers (or ``@channelname``)."""
    try:
        return int(chat_id)
    except ValueError:
        return chat_id


class TelegramSender:
    """Sends what the delivery engine hands over, and says what happened in the core's terms.

    Build it from the running adapter's ``Application`` (``TelegramSender(adapter.application)``,
    also available as ``adapter.sender``), which shares its HTTP pool and python-telegram-bot's
    ``AIORateLimiter`` (at most 30 messages/s overall and 20/min per group), or from any
    initialised ``telegram.Bot`` (then without a rate limiter). ``send(chat_id, reply)`` takes
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
    buttons on the last; a 429 after the first part went out is waited out here instead.
    """

    platform = PLATFORM

    def __init__(self, bot: Bot | TelegramApplication) -> None:
        self.bot: Bot = bot.bot if isinstance(bot, Application) else bot

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        markup = inline_keyboard(reply.buttons) if reply.buttons else None
        parts = plan(reply, markup)
        if not parts:
            return SendResult(Outcome.FAILED, error="nothing to send: the reply is empty")
        target = chat_key(chat_id)
        message_id: int | None = None
        for number, part in enumerate(parts):
            try:
                message_id = await self._send(target, part, later=number > 0)
            except ChatMigrated as migrated:
                # A group became a supergroup: its new id is given; this once, send there.
                log.info("chat %s moved to %s", chat_id, migrated.new_chat_id)
                target = migrated.new_chat_id
                try:
                    message_id = await self._send(target, part, later=number > 0)
                except TelegramError as error:
                    return self._outcome(error, number, len(parts))
            except TelegramError as error:
                return self._outcome(error, number, len(parts))
        return SendResult(Outcome.SENT, message_id=None if message_id is None else str(message_id))

    async def _send(self, chat_id: int | str, part: Part, *, later: bool) -> int:
        waited = 0.0
        while True:
            try:
                return (await send_part(self.bot, chat_id, part)).message_id
            except RetryAfter as error:
                seconds = retry_after_seconds(error)
                if not later or waited + seconds > LATER_PART_MAX_WAIT:
                    raise
                waited += seconds
                await asyncio.sleep(seconds)

    def _outcome(self, error: TelegramError, number: int, total: int) -> SendResult:
        where = f" (after {number} of {total} parts went out)" if number else ""
        text = f"{type(error).__name__}: {error.message}{where}"
        if isinstance(error, RetryAfter):
            log.info("Telegram asked to wait %.0f s before sending again", retry_after_seconds(error))
            return SendResult(Outcome.RETRY_AFTER, retry_after=retry_after_seconds(error), error=text)
        if isinstance(error, Forbidden):
            return SendResult(Outcome.UNREACHABLE, error=text)
        if isinstance(error, BadRequest) and any(s in error.message.lower() for s in UNREACHABLE_BAD_REQUESTS):
            return SendResult(Outcome.UNREACHABLE, error=text)
        log.warning("sending on Telegram failed: %s", text)
        return SendResult(Outcome.FAILED, error=text)
