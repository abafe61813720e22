"""What the dispatcher does with each answer of a platform: a real ``TelegramSender`` talking
HTTP to the fake Bot API server, which answers ``retry_after``, 5xx and forbidden on demand."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from telegram import Bot

from adapters.telegram.sender import TelegramSender
from bot.clock import FixedClock
from bot.config import Settings
from bot.delivery import cli
from bot.delivery.dispatcher import Dispatcher, DispatchSettings
from storage.db import Database
from storage.outbox import Status
from storage.tables import people
from storage.unit import unit_of_work
from tests.delivery import seed
from tests.delivery.test_timing import REMINDER_1
from tests.fakes.telegram_api import FakeTelegram

TOKEN = "123456:TEST"


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def telegram(tg: FakeTelegram) -> AsyncIterator[TelegramSender]:
    bot = Bot(TOKEN, base_url=tg.base_url)
    await bot.initialize()
    yield TelegramSender(bot)
    await bot.shutdown()


async def _setup(db: Database, clock: FixedClock, count: int = 3) -> seed.Seeded:
    circle = await seed.circle(db, clock.now(), platform="telegram")
    await seed.many_learners(db, circle, count, clock.now(), platform="telegram")
    clock.set(REMINDER_1)
    return circle


async def _chat(db: Database, person_id: int) -> str:
    async with unit_of_work(db) as unit:
        [identity] = await unit.people.identities_of(person_id)
    assert identity.chat_id is not None
    return identity.chat_id


async def _status(db: Database, person_id: int) -> tuple[Status, str | None, int]:
    async with unit_of_work(db) as unit:
        [row] = [r for r in await unit.outbox.of_kind("reminder") if r.person_id == person_id]
    return row.status, row.last_error, row.failures


async def test_retry_after_delays_the_message_and_does_not_drop_it(
    db: Database, clock: FixedClock, tg: FakeTelegram, telegram: TelegramSender
) -> None:
    circle = await _setup(db, clock)
    learner = circle.learner_ids[0]
    tg.fail_next("sendMessage", "retry_after", chat_id=await _chat(db, learner), retry_after=7)
    dispatcher = Dispatcher(db, clock, {"telegram": telegram})

    report = await dispatcher.run_pass()
    assert (report.sent, report.delayed) == (3, 1)
    status, error, failures = await _status(db, learner)
    assert (status, failures) == (Status.PENDING, 0)
    assert error is not None and error.startswith("retry_after 7")

    clock.advance(timedelta(seconds=6))
    assert (await dispatcher.run_pass()).sent == 0  # not before the platform's delay
    clock.advance(timedelta(seconds=1))
    assert (await dispatcher.run_pass()).sent == 1
    assert (await _status(db, learner))[0] is Status.SENT
    assert len(tg.sent_messages(await _chat(db, learner))) == 1


async def test_server_errors_are_retried_with_back_off_then_given_up(
    db: Database, clock: FixedClock, tg: FakeTelegram, telegram: TelegramSender
) -> None:
    circle = await _setup(db, clock)
    flaky, broken = circle.learner_ids[0], circle.learner_ids[1]
    tg.fail_next("sendMessage", "server_error", chat_id=await _chat(db, flaky), times=2, status=502)
    tg.fail_next("sendMessage", "server_error", chat_id=await _chat(db, broken), times=100)
    settings = DispatchSettings(max_failures=3, backoff=timedelta(seconds=30))
    dispatcher = Dispatcher(db, clock, {"telegram": telegram}, settings)

    first = await dispatcher.run_pass()
    assert (first.sent, first.retried) == (2, 2)
    clock.advance(timedelta(seconds=29))
    assert (await dispatcher.run_pass()).processed == 0  # back-off: 30 s after the first failure
    clock.advance(timedelta(seconds=1))
    second = await dispatcher.run_pass()
    assert second.retried == 2
    clock.advance(timedelta(seconds=60))  # then 60 s
    third = await dispatcher.run_pass()
    assert (third.sent, third.failed) == (1, 1)
    assert (await _status(db, flaky))[0] is Status.SENT
    status, error, failures = await _status(db, broken)
    assert (status, failures) == (Status.FAILED, 3)
    assert error is not None and error.startswith("failed:")
    clock.advance(timedelta(days=1))
    assert (await dispatcher.run_pass()).processed == 0


async def test_a_person_who_blocked_the_bot_is_marked_unreachable_and_skipped(
    db: Database, clock: FixedClock, tg: FakeTelegram, telegram: TelegramSender
) -> None:
    circle = await _setup(db, clock)
    blocker = circle.learner_ids[0]
    tg.block(int(await _chat(db, blocker)))
    dispatcher = Dispatcher(db, clock, {"telegram": telegram})

    report = await dispatcher.run_pass()
    assert (report.sent, report.unreachable) == (3, 1)
    status, error, _ = await _status(db, blocker)
    assert status is Status.UNREACHABLE
    assert error is not None and error.startswith("blocked: Forbidden")
    async with db.transaction() as conn:
        reason = (await conn.execute(select(people.c.unreachable_reason).where(people.c.id == blocker))).scalar()
    assert reason == "blocked"

    # The next reminder is not even tried: the row is closed with the reason at once.
    calls = len(tg.calls_of("sendMessage"))
    clock.set(REMINDER_1 + timedelta(weeks=1))
    report = await dispatcher.run_pass()
    assert (report.sent, report.unreachable) == (3, 1)
    assert len(tg.calls_of("sendMessage")) == calls + 3


async def test_an_expired_lease_is_reclaimed(
    db: Database, clock: FixedClock, tg: FakeTelegram, telegram: TelegramSender
) -> None:
    await _setup(db, clock)
    dispatcher = Dispatcher(db, clock, {"telegram": telegram})
    # A dispatcher that died after claiming: its rows stay "sending" until the lease ends.
    async with unit_of_work(db) as unit:
        from bot.delivery.planner import plan

        await plan(unit, clock.now())
        claimed = await unit.outbox.claim(clock.now(), clock.now() + timedelta(minutes=5), "dead", 100)
    assert len(claimed) == 4
    assert (await dispatcher.run_pass()).sent == 0
    clock.advance(timedelta(minutes=5))
    assert (await dispatcher.run_pass()).sent == 4
    assert len(tg.sent_messages()) == 4


async def test_dispatch_command_and_its_dry_run(
    db: Database, clock: FixedClock, tg: FakeTelegram, telegram: TelegramSender
) -> None:
    await _setup(db, clock)
    out = io.StringIO()
    await cli.dispatch(db, clock, {"telegram": telegram}, Settings(), dry_run=True, out=out)
    printed = out.getvalue()
    assert "4 message(s) due; nothing is sent or changed" in printed
    assert "meeting 1 of 6, Mon, 7 Dec 2026, 18:00 CET" in printed
    assert tg.sent_messages() == []
    async with unit_of_work(db) as unit:
        assert await unit.outbox.counts() == {}

    out = io.StringIO()
    await cli.dispatch(db, clock, {"telegram": telegram}, Settings(), out=out)
    assert "sent 4" in out.getvalue()
    out = io.StringIO()
    await cli.dispatch(db, clock, {"telegram": telegram}, Settings(), out=out)
    assert "planned 0, sent 0" in out.getvalue()
    assert len(tg.sent_messages()) == 4
    assert cli.parse_instant("2026-12-05T18:00:00+01:00") == REMINDER_1
