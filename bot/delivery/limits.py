"""Platform rate limits, kept on our side so that the platform rarely has to say 429.

Each sender declares its platform's limits (``PlatformLimits``: Telegram's ``TelegramSender``
about 30 messages a second overall, one a second per chat and 20 a minute per group; Slack's
``SlackSender`` about one a second per channel, SPEC §2); this module only enforces them.

The overall limit (``OverallPace``) keeps two rules at once: sends are spaced evenly, one slot
every 1/30 s booked ahead, so they never leave in bursts; and no more than 30 are counted in any
window of one second, each counted from the instant the platform *answered* it. The platform's
own window is counted on arrival, and a send arrives before it is answered, so the second rule
holds however late a send arrives (a stalled event loop, a loaded machine) — with no margin to
tune for the jitter between leaving and arriving. Together they run at 30 sends per (1 s + round
trip), with no 429. Per chat the spacing alone is enough (one message a second, 5% slack).

Two clocks meet here. The spacing is real time: it paces real requests to the platform, so it is
measured with the monotonic clock. A hold (the platform said 429, wait so
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
import contextlib
import math
import time
import weakref
from collections import deque
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock
from bot.conversation.outbound import PlatformLimits

# Sends leave evenly spaced but arrive with jitter; this much slack keeps a chat's window under
# its limit.
MARGIN = 0.05
# The overall window counted on our side: the platform's one second, from the instant the platform
# answered (so after the send arrived), plus a little for the granularity of clocks.
WINDOW_MARGIN = 0.005
# A send the platform has not answered after this long counts as answered (a safety net: every
# send's answer is reported, see ``RateLimiter.answered``).
UNANSWERED = 30.0


class _Send:
    """One bulk send: when it left, and when the platform answered it (infinity until then)."""

    __slots__ = ("at", "done", "left")

    def __init__(self, left: float, at: float = math.inf) -> None:
        self.left, self.at = left, at
        self.done = asyncio.Event()
        if at != math.inf:
            self.done.set()

    def answer(self) -> None:
        if not self.done.is_set():
            self.at = time.monotonic()
            self.done.set()


class OverallPace:
    """At most ``per_second`` sends in any window of one second, evenly spaced.

    The window is counted on when the platform *answered* each send, not when it left: a send
    arrives after it left and before it is answered, so the send that would be one too many in a
    window leaves at least a second after the platform answered the one ``per_second`` sends
    before it — hence at least a second after that one arrived, however late it arrived (a
    stalled event loop, a slow network, a loaded machine). Counting from the instant a send left
    would need a margin for the jitter between leaving and arriving, and a jitter above the margin
    means a 429. The price is the round trip: ``per_second`` sends per (1 s + round trip).

    Waiters are served in arrival order (one lock), each at the later of its booked slot and
    the instant the window has room again.
    """

    def __init__(self, per_second: float) -> None:
        self.limit = max(1, int(per_second))
        self.interval = 1.0 / per_second
        self.window = 1.0 + WINDOW_MARGIN
        self._sends: deque[_Send] = deque(maxlen=self.limit)  # the last ``limit`` sends
        self._open: weakref.WeakKeyDictionary[asyncio.Task[Any], _Send] = weakref.WeakKeyDictionary()
        self._next_slot = 0.0
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        # A task sends one message at a time: when it asks again, its previous send was answered.
        self.answered()
        async with self._lock:
            while True:
                now = time.monotonic()
                ready = self._next_slot
                if len(self._sends) == self.limit:
                    oldest = self._sends[0]
                    if not oldest.done.is_set():
                        # ``asyncio.timeout``, not ``wait_for``: on Python 3.11 ``wait_for`` loses a
                        # cancellation that arrives as the awaited event is set, and a cancelled
                        # sender (its instance is stopping) would go on sending.
                        with contextlib.suppress(TimeoutError):
                            async with asyncio.timeout(max(0.0, oldest.left + UNANSWERED - now)):
                                await oldest.done.wait()
                        oldest.answer()
                        continue
                    ready = max(ready, oldest.at + self.window)
                if ready <= now:
                    break
                await asyncio.sleep(ready - now)
            send = _Send(now)
            self._sends.append(send)
            task = asyncio.current_task()
            if task is not None:
                self._open[task] = send
            # Booked from the slot, not from now, so a late wake-up (sleep overshoots) does not
            # lose the rate; at most half a slot behind, so a quiet spell banks no burst.
            self._next_slot = max(self._next_slot, now - self.interval / 2) + self.interval

    def answered(self) -> None:
        """The platform answered the send this task was given a slot for (or it was not made)."""
        task = asyncio.current_task()
        send = self._open.pop(task, None) if task is not None else None
        if send is not None:
            send.answer()

    def fill(self) -> None:
        """Count a full window as answered just now: the first send waits one window.

        For an instance that has just taken over sending from another, whose last second of
        sends the platform still counts.
        """
        now = time.monotonic()
        self._sends.extend(_Send(now, now) for _ in range(self.limit))
        self._next_slot = max(self._next_slot, now)


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
        self._overall = OverallPace(limit.per_second) if limit.per_second else None
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

    def answered(self) -> None:
        """The platform answered this task's bulk send (or it was not made after all): the overall
        window counts it from now (``OverallPace``). Call it after every bulk ``acquire``."""
        if self._overall is not None:
            self._overall.answered()

    def take_over(self) -> None:
        """This instance has just become the one that sends (docs/scaling.md): the platform still
        counts the previous owner's last window, so the first bulk send waits one window."""
        if self._overall is not None:
            self._overall.fill()

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

    def answered(self) -> None:
        return None

    def take_over(self) -> None:
        return None

    def hold(self, seconds: float, chat_id: str = "") -> None:
        return None
