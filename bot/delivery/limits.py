"""Platform rate limits, kept on our side so that the platform rarely has to say 429.

Each sender declares its platform's limits (``PlatformLimits``: Telegram's ``TelegramSender``
about 30 messages a second overall, one a second per chat and 20 a minute per group; Slack's
``SlackSender`` about one a second per channel, SPEC §2); this module only enforces them. Each
limit is an ``aiolimiter`` leaky bucket of capacity one, so sends are spaced evenly (one every 1/30 s
overall) instead of leaving in bursts that a platform counting a sliding window on arrival
would see as too many.

Two clocks meet here. The spacing is real time: it paces real requests to the platform, so
``aiolimiter`` measures it with the event loop's clock. A hold (the platform said 429, wait so
many seconds) is an instant of the business clock (``Dispatcher.clock``), like the row's new due
time: only what is left of it by that clock is waited for, so with a ``FixedClock`` advanced past
the hold there is no wait at all.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta

from aiolimiter import AsyncLimiter

from bot.clock import Clock
from bot.conversation.outbound import PlatformLimits

# Sends leave evenly spaced but arrive with jitter; this much slack keeps the platform's
# sliding window under its limit.
MARGIN = 0.05


def _spaced(seconds_between: float) -> AsyncLimiter:
    return AsyncLimiter(1, seconds_between * (1 + MARGIN))


class RateLimiter:
    def __init__(self, limit: PlatformLimits, clock: Clock) -> None:
        self.limit = limit
        self.clock = clock
        self._overall = _spaced(1.0 / limit.per_second) if limit.per_second else None
        self._chats: dict[str, AsyncLimiter] = {}
        self._held_until: dict[str, datetime] = {}  # by chat ("" for every chat), business clock

    def _chat_limiter(self, chat_id: str) -> AsyncLimiter | None:
        limit = self.limit
        if limit.group_prefix and limit.per_group_per_minute and chat_id.startswith(limit.group_prefix):
            return self._chats.setdefault(chat_id, _spaced(60.0 / limit.per_group_per_minute))
        if limit.per_chat_per_second:
            return self._chats.setdefault(chat_id, _spaced(1.0 / limit.per_chat_per_second))
        return None

    async def acquire(self, chat_id: str) -> float:
        """Wait until a message to ``chat_id`` may go; returns how long it waited.

        The chat's own slot is taken first, so that waiting for a busy chat never holds an
        overall slot that another chat could have used.
        """
        started = time.monotonic()
        held = [t for t in (self._held_until.get(chat_id), self._held_until.get("")) if t is not None]
        left = (max(held) - self.clock.now()).total_seconds() if held else 0.0
        if left > 0:
            await asyncio.sleep(left)
        chat = self._chat_limiter(chat_id)
        if chat is not None:
            await chat.acquire()
        if self._overall is not None:
            await self._overall.acquire()
        return time.monotonic() - started

    def hold(self, seconds: float, chat_id: str = "") -> None:
        """The platform asked us to wait (429): nothing to this chat (or any, with "") before then."""
        until = self.clock.now() + timedelta(seconds=seconds)
        earlier = self._held_until.get(chat_id)
        self._held_until[chat_id] = until if earlier is None else max(earlier, until)


class NoLimit:
    async def acquire(self, chat_id: str) -> float:
        return 0.0

    def hold(self, seconds: float, chat_id: str = "") -> None:
        return None
