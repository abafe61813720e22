"""One rate limiter for everything the bot sends on Telegram, answers to people and bulk alike.

python-telegram-bot hands every Bot API call to the application's rate limiter. This one knows
the two kinds apart by what the call says (``rate_limit_args``):

- ``Interactive(retries)``: an answer to a person's own action (the callback answer, the edit,
  a reply in their chat). It goes at once: no queueing for the overall 30/s that Telegram
  documents for bulk notifications; a new message still counts in its chat (1/s per chat, 20/min
  per group; ``bot.delivery.limits``). A 429 holds *every* send, bulk
  included, for the time Telegram asked, then the answer is tried again (up to ``retries``).
- anything else: the delivery engine's sends, already paced by the same ``RateLimiter`` before
  the sender is called (the dispatcher takes it from ``TelegramSender.limiter``), and the
  adapter's start-up calls. They go straight through; a 429 is the sender's answer to give
  (``RETRY_AFTER``: the engine holds the chat and re-queues).

So the overall budget is the dispatcher's alone, and a fan-out never sits between a person and
the answer to their press.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from adapters.telegram.sender import retry_after_seconds
from bot.delivery.limits import RateLimiter

log = logging.getLogger(__name__)

JSONDict = dict[str, Any]
Result = bool | JSONDict | list[JSONDict]
# Bot API methods that put a new message in a chat: these count against a chat's flood limit.
# Editing the pressed message and answering its callback query do not add a message.
NEW_MESSAGE_METHODS = frozenset(
    {"sendMessage", "sendDocument", "sendPhoto", "sendMediaGroup", "sendLocation", "copyMessage", "forwardMessage"}
)


@dataclass(frozen=True)
class Interactive:
    """``rate_limit_args`` of a call that answers a person's own action."""

    retries: int = 3


class SharedRateLimiter(BaseRateLimiter[Interactive]):
    """PTB's side of the project's ``RateLimiter`` (see the module's docstring)."""

    def __init__(self, limiter: RateLimiter) -> None:
        self.limiter = limiter

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Interactive | None,
    ) -> Result:
        if rate_limit_args is None:
            return await callback(*args, **kwargs)
        chat = data.get("chat_id")
        for attempt in range(rate_limit_args.retries + 1):
            if endpoint in NEW_MESSAGE_METHODS and chat is not None:
                await self.limiter.acquire(str(chat), interactive=True)
            else:
                await self.limiter.wait_for_holds(str(chat) if chat is not None else "", interactive=True)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == rate_limit_args.retries:
                    raise
                seconds = retry_after_seconds(error)
                log.info("Telegram asked to wait %.0f s; every send waits, then the answer is tried again", seconds)
                self.limiter.hold(seconds)
        raise AssertionError("unreachable: the last attempt returns or raises")
