"""The rate limiter: a platform's "retry after" is kept by the business clock, the spacing of
sends by real time."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from adapters.slack.sender import SlackSender
from adapters.telegram.sender import TelegramSender
from bot.clock import FixedClock
from bot.conversation.outbound import PlatformLimits
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


async def test_an_answer_to_a_person_does_not_queue_behind_bulk_sends(clock: FixedClock) -> None:
    limiter = RateLimiter(PlatformLimits(per_second=2, per_chat_per_second=10), clock)
    await limiter.acquire("1")  # a fan-out's send takes the overall slot…
    bulk = asyncio.create_task(limiter.acquire("2"))  # …so the next one waits half a second
    answered = await asyncio.wait_for(limiter.acquire("3", interactive=True), timeout=5)  # a guard
    assert answered < 0.1
    assert not bulk.done()  # the answer went while the bulk send was still waiting
    bulk.cancel()


async def test_an_answer_and_a_bulk_send_share_their_chats_pace(clock: FixedClock) -> None:
    limiter = RateLimiter(PlatformLimits(per_second=30, per_chat_per_second=1), clock)
    assert await limiter.acquire("42", interactive=True) < 0.1
    with pytest.raises(TimeoutError):  # a reminder to the same chat keeps one second after it
        await asyncio.wait_for(limiter.acquire("42"), timeout=0.3)
    assert await limiter.acquire("43") < 0.1  # other chats are not held up


async def test_a_hold_stops_answers_too_in_real_time(clock: FixedClock) -> None:
    limiter = RateLimiter(TelegramSender.limits, clock)
    limiter.hold(0.2)  # Telegram said 429: every send waits, answers to people included
    assert 0.15 <= await asyncio.wait_for(limiter.acquire("7", interactive=True), timeout=5) < 1.0


async def test_the_overall_window_counts_a_send_from_when_the_platform_answered_it(
    clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A send that is slow to arrive (a stalled loop, a slow network) still counts in the window
    its answer falls in: the one too many waits for the answer of the one ``per_second`` before.
    The pace's seconds are faked here: nothing waits for real time."""
    now = [1000.0]
    yield_to_others = asyncio.sleep

    async def sleep(seconds: float) -> None:
        now[0] += seconds
        await yield_to_others(0)

    monkeypatch.setattr("bot.delivery.limits.time.monotonic", lambda: now[0])
    monkeypatch.setattr("bot.delivery.limits.asyncio.sleep", sleep)
    limiter = RateLimiter(PlatformLimits(per_second=10), clock)

    async def bulk_send(chat: str, answered: asyncio.Event) -> None:
        await limiter.acquire(chat)
        await answered.wait()  # in flight until the platform answers
        limiter.answered()

    async def let_everyone_run() -> None:
        for _ in range(50):
            await yield_to_others(0)

    first = asyncio.Event()
    senders = [asyncio.create_task(bulk_send("0", first))]
    others = asyncio.Event()
    senders += [asyncio.create_task(bulk_send(str(n), others)) for n in range(1, 10)]
    await let_everyone_run()
    eleventh = asyncio.create_task(limiter.acquire("10"))
    await let_everyone_run()
    # A second and a half after the first left is not enough: it has not been answered.
    now[0] += 1.5
    await let_everyone_run()
    assert not eleventh.done()
    answered_at = now[0]
    first.set()
    await asyncio.wait_for(eleventh, timeout=5)  # a guard, not a measure: fake time moves at once
    assert now[0] >= answered_at + 1.0  # it went a window after that answer
    others.set()
    await asyncio.gather(*senders)
