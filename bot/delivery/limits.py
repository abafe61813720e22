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

Two kinds of sends share one limiter per platform (the adapter's, handed to the dispatcher
through its sender): *bulk* (what the delivery engine sends on its own) and *interactive* (an
answer to a person's own action, sent by the adapter while they wait). Telegram documents its
~30 messages/s for bulk notifications and no such figure for answers, so an interactive send
does not queue for the overall slot behind a fan-out. It still counts in its chat: one budget a
chat, shared by both kinds, so a reminder and the answer to its press are spaced like any two
messages in that chat. A hold (429) applies to both kinds.
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


class ChatBudget:
    """One chat's spacing in real time, shared by both kinds of sends.

    ``due`` is when the chat's next message may go. A send reserves its slot before waiting for
    it, so waiters keep their order whichever kind they are.
    """

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.due = 0.0

    def reserve(self) -> float:
        """Take the next slot; answers how many seconds to wait before using it."""
        now = time.monotonic()
        wait = max(0.0, self.due - now)
        self.due = max(self.due, now) + self.interval
        return wait


class RateLimiter:
    def __init__(self, limit: PlatformLimits, clock: Clock) -> None:
        self.limit = limit
        self.clock = clock
        self._overall = _spaced(1.0 / limit.per_second) if limit.per_second else None
        self._chats: dict[str, ChatBudget] = {}
        self._held_until: dict[str, datetime] = {}  # by chat ("" for every chat), business clock
        self._paused_until: dict[str, float] = {}  # the same holds in real time, for interactive sends

    def _chat_budget(self, chat_id: str) -> ChatBudget | None:
        limit = self.limit
        if limit.group_prefix and limit.per_group_per_minute and chat_id.startswith(limit.group_prefix):
            interval = 60.0 / limit.per_group_per_minute
        elif limit.per_chat_per_second:
            interval = 1.0 / limit.per_chat_per_second
        else:
            return None
        budget = self._chats.get(chat_id)
        if budget is None:
            budget = self._chats[chat_id] = ChatBudget(interval * (1 + MARGIN))
        return budget

    async def acquire(self, chat_id: str, *, interactive: bool = False) -> float:
        """Wait until a message to ``chat_id`` may go; returns how long it waited.

        ``interactive``: an answer to the person's own action; it skips the overall (bulk)
        pacing but keeps its chat's. The chat's own slot is taken first, so that waiting for a
        busy chat never holds an overall slot that another chat could have used.
        """
        started = time.monotonic()
        await self.wait_for_holds(chat_id, interactive=interactive)
        budget = self._chat_budget(chat_id)
        if budget is not None:
            wait = budget.reserve()
            if wait > 0:
                await asyncio.sleep(wait)
        if self._overall is not None and not interactive:
            await self._overall.acquire()
        return time.monotonic() - started

    async def wait_for_holds(self, chat_id: str = "", *, interactive: bool = False) -> None:
        """Wait out what is left of a hold on ``chat_id`` or on every chat.

        The engine's sends measure it by the business clock, like the re-queued row's due time;
        an answer to a person is never re-queued, it waits in real time.
        """
        if interactive:
            keys = (chat_id, "")
            left = max((self._paused_until.get(k, 0.0) for k in keys), default=0.0) - time.monotonic()
        else:
            held = [t for t in (self._held_until.get(chat_id), self._held_until.get("")) if t is not None]
            left = (max(held) - self.clock.now()).total_seconds() if held else 0.0
        if left > 0:
            await asyncio.sleep(left)

    def hold(self, seconds: float, chat_id: str = "") -> None:
        """The platform asked us to wait (429): nothing to this chat (or any, with "") before then."""
        until = self.clock.now() + timedelta(seconds=seconds)
        earlier = self._held_until.get(chat_id)
        self._held_until[chat_id] = until if earlier is None else max(earlier, until)
        paused = time.monotonic() + seconds
        self._paused_until[chat_id] = max(self._paused_until.get(chat_id, 0.0), paused)


class NoLimit:
    async def acquire(self, chat_id: str, *, interactive: bool = False) -> float:
        return 0.0

    def hold(self, seconds: float, chat_id: str = "") -> None:
        return None
