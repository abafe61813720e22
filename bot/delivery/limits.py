"""Platform rate limits, kept on our side so that the platform rarely has to say 429.

Telegram allows about 30 messages a second overall, one a second per chat and 20 a minute per
group; Slack's ``chat.postMessage`` about one a second per channel (SPEC §2). The limiter hands
out send slots: each caller reserves the next free slot of its chat and of the platform, then
waits for it outside any lock, so one slow chat never holds the others up.

Limits are physical, so the limiter uses the monotonic clock, not the injected business clock;
both are injectable for its own tests.
"""

from __future__ import annotations

import asyncio
import time
from bisect import bisect_left, bisect_right, insort
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

# A sliding window counted by the platform on *arrival* can see two of our sends closer together
# than we spaced them; this much slack per window keeps us under the limit.
MARGIN = 0.05


@dataclass(frozen=True)
class RateLimit:
    per_second: int | None = None  # across all chats
    per_chat_per_second: float | None = None
    per_group_per_minute: int | None = None
    group_prefix: str | None = None  # chat ids of groups start with this (Telegram: "-")


PLATFORM_LIMITS = {
    "telegram": RateLimit(per_second=30, per_chat_per_second=1, per_group_per_minute=20, group_prefix="-"),
    "slack": RateLimit(per_chat_per_second=1),
}


class _Window:
    """At most ``count`` slots in any ``period`` seconds."""

    def __init__(self, count: int, period: float) -> None:
        self.count = count
        self.period = period + MARGIN
        self.slots: list[float] = []  # reserved instants, ascending

    def next_free(self, earliest: float) -> float:
        """The first instant from ``earliest`` on that no window of ``period`` would hold ``count`` times."""
        at = earliest
        while True:
            lo = bisect_right(self.slots, at - self.period)
            inside = self.slots[lo : bisect_left(self.slots, at + self.period)]
            clash = next(
                (
                    inside[i]
                    for i in range(len(inside) - self.count + 1)
                    if max(inside[i + self.count - 1], at) - min(inside[i], at) < self.period
                ),
                None,
            )
            if clash is None:
                return at
            at = max(at, clash + self.period)

    def forget_before(self, now: float) -> None:
        """Slots a whole period before ``now`` can no longer clash with any slot from now on."""
        del self.slots[: bisect_right(self.slots, now - self.period)]

    def commit(self, at: float) -> None:
        insort(self.slots, at)


class RateLimiter:
    def __init__(
        self,
        limit: RateLimit,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.limit = limit
        self.monotonic = monotonic
        self.sleep = sleep
        self._overall = _Window(limit.per_second, 1.0) if limit.per_second else None
        self._chats: dict[str, _Window] = {}
        self._held_until: dict[str, float] = {}

    def _chat_window(self, chat_id: str) -> _Window | None:
        limit = self.limit
        if limit.group_prefix and limit.per_group_per_minute and chat_id.startswith(limit.group_prefix):
            return self._chats.setdefault(chat_id, _Window(limit.per_group_per_minute, 60.0))
        if limit.per_chat_per_second:
            per = limit.per_chat_per_second
            return self._chats.setdefault(chat_id, _Window(1, 1.0 / per) if per <= 1 else _Window(int(per), 1.0))
        return None

    def reserve(self, chat_id: str) -> float:
        """The instant (monotonic) at which a message to ``chat_id`` may go; reserves it."""
        now = self.monotonic()
        at = max(now, self._held_until.get(chat_id, 0.0), self._held_until.get("", 0.0))
        windows = [w for w in (self._chat_window(chat_id), self._overall) if w is not None]
        for window in windows:
            window.forget_before(now)
        while True:  # the first instant free in every window
            later = at
            for window in windows:
                later = window.next_free(later)
            if later == at:
                break
            at = later
        for window in windows:
            window.commit(at)
        return at

    async def acquire(self, chat_id: str) -> float:
        """Wait for the next slot of this chat; returns how long it waited."""
        at = self.reserve(chat_id)
        wait = at - self.monotonic()
        if wait > 0:
            await self.sleep(wait)
        return max(wait, 0.0)

    def hold(self, seconds: float, chat_id: str = "") -> None:
        """The platform asked us to wait (429): no slot for this chat (or any, with "") before then."""
        until = self.monotonic() + seconds
        self._held_until[chat_id] = max(self._held_until.get(chat_id, 0.0), until)


class NoLimit:
    async def acquire(self, chat_id: str) -> float:
        return 0.0

    def hold(self, seconds: float, chat_id: str = "") -> None:
        return None
