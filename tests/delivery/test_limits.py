"""The rate limiter: a platform's "retry after" is kept by the business clock, the spacing of
sends by real time."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from adapters.slack.sender import SlackSender
from adapters.telegram.sender import TelegramSender
from bot.clock import FixedClock
from bot.delivery.limits import RateLimiter


async def test_a_hold_is_over_when_the_clock_has_passed_it(clock: FixedClock) -> None:
    limiter = RateLimiter(TelegramSender.limits, clock)
    limiter.hold(3600, "42")  # "retry after an hour", for this chat
    limiter.hold(600)  # and ten minutes for every chat
    clock.advance(timedelta(hours=1))
    waited = await asyncio.wait_for(limiter.acquire("42"), timeout=5)  # a guard, not a wait
    assert waited < 0.5


async def test_only_what_is_left_of_a_hold_is_waited_for(clock: FixedClock) -> None:
    limiter = RateLimiter(SlackSender.limits, clock)
    limiter.hold(3600, "C1")
    clock.advance(timedelta(seconds=3600 - 0.02))
    assert 0.015 <= await asyncio.wait_for(limiter.acquire("C1"), timeout=5) < 0.5
    # Another channel was never held.
    assert await limiter.acquire("C2") < 0.5
