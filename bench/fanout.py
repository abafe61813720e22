"""Fan-out benchmark: 10,000 due reminders sent through the dispatcher to a local fake Telegram.

    .venv/bin/python -m bench.fanout [--messages 10000] [--limited-messages 10000] [--database-url URL]

Three runs, each on a fresh database with one circle whose reminder is due now for
``messages - 1`` learners plus the facilitator's copy:

1. *overhead*: a sender that answers "sent" at once — the dispatcher's own cost per message
   (planning, claiming, rendering, recording);
2. *unlimited*: the real ``TelegramSender`` (python-telegram-bot over HTTP) against the fake Bot
   API server with no limits — messages per second end to end;
3. *limited*: the fake enforces Telegram's limits (30 messages/s overall, 1/s per chat) and
   answers 429 beyond them; the dispatcher's own limiter is on — the achieved rate as a fraction
   of 30/s, and how many 429s the fake had to answer; the last line is
   ``fraction of limit: X with N x 429`` (issue 12's goal: X ≥ 0.95 with 0 x 429).

Not part of the test run: it prints figures, it asserts nothing.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta

from telegram import Bot
from telegram.request import HTTPXRequest

from adapters.telegram.sender import TelegramSender
from bench.common import arguments, fresh, sqlite_file
from bot.clock import FixedClock
from bot.conversation.messages import Reply
from bot.conversation.outbound import Outcome, Sender, SendResult
from bot.delivery.dispatcher import Dispatcher, DispatchSettings
from storage.db import Database
from storage.unit import unit_of_work
from tests.delivery import seed
from tests.fakes.telegram_api import FakeTelegram

TOKEN = "123456:BENCH"


class RunningClock:
    """Starts at a given instant and runs at real speed (so 429 delays pass as they would)."""

    def __init__(self, start: datetime) -> None:
        self.start, self.began = start, time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.began)


class NullSender:
    platform = "telegram"

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        return SendResult(Outcome.SENT, message_id="1")


async def _fresh(url: str | None, messages: int) -> tuple[Database, FixedClock]:
    db = await fresh(url or sqlite_file("fanout"))
    clock = FixedClock(seed.REMINDER_ANCHOR - timedelta(days=30))
    circle = await seed.circle(db, clock.now(), platform="telegram")
    await seed.many_learners(db, circle, messages - 1, clock.now(), platform="telegram")
    clock.set(circle.meeting(1).start - timedelta(days=2))
    return db, clock


async def _open(db: Database) -> int:
    async with unit_of_work(db) as unit:
        counts = await unit.outbox.counts()
    return counts.get("pending", 0) + counts.get("sending", 0)


async def _send_all(dispatcher: Dispatcher, db: Database) -> tuple[int, float]:
    started = time.perf_counter()
    sent = (await dispatcher.run_pass()).sent
    while await _open(db):  # 429s come back due a moment later
        await asyncio.sleep(0.2)
        sent += (await dispatcher.run_pass()).sent
    return sent, time.perf_counter() - started


def _bot(tg: FakeTelegram) -> Bot:
    request = HTTPXRequest(connection_pool_size=32)
    return Bot(TOKEN, base_url=tg.base_url, request=request)


async def overhead(url: str | None, messages: int) -> None:
    db, clock = await _fresh(url, messages)
    try:
        sender: Sender = NullSender()
        sent, seconds = await _send_all(Dispatcher(db, clock, {"telegram": sender}, limits={"telegram": None}), db)
    finally:
        await db.close()
    print(
        f"overhead:  {sent} messages in {seconds:.2f} s -> {seconds / sent * 1e6:.0f} µs per message of dispatcher work"
    )


async def unlimited(url: str | None, messages: int) -> None:
    db, clock = await _fresh(url, messages)
    try:
        async with FakeTelegram() as tg:
            bot = _bot(tg)
            await bot.initialize()
            dispatcher = Dispatcher(db, clock, {"telegram": TelegramSender(bot)}, limits={"telegram": None})
            sent, seconds = await _send_all(dispatcher, db)
            await bot.shutdown()
            received = len(tg.sent_messages())
    finally:
        await db.close()
    print(
        f"unlimited: {sent} messages in {seconds:.2f} s -> {sent / seconds:.0f} messages/s (fake received {received})"
    )


async def limited(url: str | None, messages: int) -> None:
    db, clock = await _fresh(url, messages)
    try:
        async with FakeTelegram(enforce_limits=True) as tg:
            bot = _bot(tg)
            await bot.initialize()
            settings = DispatchSettings(concurrency=32)
            dispatcher = Dispatcher(db, RunningClock(clock.now()), {"telegram": TelegramSender(bot)}, settings)
            sent, seconds = await _send_all(dispatcher, db)
            await bot.shutdown()
            received = len(tg.sent_messages())
            rate = sent / seconds
            print(
                f"limited:   {sent} messages in {seconds:.1f} s -> {rate:.1f} messages/s = "
                f"{rate / 30:.1%} of Telegram's 30/s; 429s answered: {tg.rate_limited} "
                f"(fake received {received})"
            )
            print(f"fraction of limit: {rate / 30:.3f} with {tg.rate_limited} x 429")
    finally:
        await db.close()


async def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--limited-messages", type=int, default=10_000, help="at 30/s, 10,000 take about 6 min")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file per run")
    parser.add_argument("--skip-limited", action="store_true")
    args = parser.parse_args()
    await overhead(args.database_url, args.messages)
    await unlimited(args.database_url, args.messages)
    if not args.skip_limited:
        await limited(args.database_url, args.limited_messages)


if __name__ == "__main__":
    asyncio.run(main())
