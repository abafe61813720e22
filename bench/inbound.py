"""Inbound benchmark: RSVP presses through the real Telegram webhook, Circles beside a bare bot.

    .venv/bin/python -m bench.inbound [--presses 1000] [--in-flight 50] [--rounds 1]
                                      [--database-url URL] [--no-postgres] [--with-fanout]
                                      [--profile FILE]

One circle with ``presses`` learners on Telegram; each learner presses "Yes" for meeting 1 once
(a callback query on an RSVP list, as after a reminder). The presses are POSTed, ``in-flight``
at a time, to the project's aiohttp server on ``/telegram/webhook`` with the secret token, as
Telegram does, and reach:

1. *bare*: a python-telegram-bot ``Application`` with PTB's defaults (no rate limiter, one update
   at a time) that answers each press the cheapest sensible way: answerCallbackQuery, then one
   editMessageText of the pressed message; it stores nothing;
2. *circles*: the real ``TelegramAdapter`` around ``Circles`` on a fresh database (SQLite file,
   then PostgreSQL from ``--database-url`` or ``TEST_POSTGRES_URL``).

Both talk to the same stub Bot API: a small aiohttp server in this file (not
``tests/fakes/telegram_api.py``, which validates and stores every message and would be measured
too). A press counts as answered when its callback query is answered *and* its message was
edited; press→answer latency runs from the moment its POST starts. Printed: presses/s for each,
``inbound ratio: X`` (circles / bare), latency p50/p95/p99, the CPU time of this process per
press (the stub and the posting clients run in it too, alike for both bots; on a shared machine a
steadier comparison than presses/s), and whether every press is recorded exactly once in the
database. ``--profile FILE``: cProfile statistics of the Circles side's presses (``python -m pstats
FILE``; the database's thread and server are not in them).

``--with-fanout``: the same presses while the dispatcher sends the circle's reminder to all its
learners (``presses`` messages plus the facilitator's copy) through the adapter's own sender,
with the stub enforcing Telegram's limits (30 messages/s overall, 1/s per chat) and answering
429 beyond them: interactive p95 against the bare bot's, and the fan-out's 429 count.

Loopback only, every wait bounded. Not part of the test run: it prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import json
import math
import os
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web
from sqlalchemy import func, insert, select
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from adapters.telegram.app import TelegramAdapter
from adapters.telegram.webhook import SECRET_HEADER, WEBHOOK_PATH, webhook_handler
from bench.common import arguments, fresh, sqlite_file
from bot.actions import AnswerRsvp
from bot.app import Core
from bot.clock import Clock, FixedClock
from bot.config import Settings, TelegramSettings
from bot.delivery.dispatcher import Dispatcher, DispatchSettings
from bot.server import WebServer
from storage.db import Database
from storage.tables import identities, people, rsvps, signups
from storage.unit import unit_of_work
from tests.delivery import seed

TOKEN = "123456:INBOUND"
SECRET = "bench-secret"
BARE_PATH = "/bare/webhook"
FIRST_USER = 500_000  # learners' Telegram ids (and private chat ids) start here
ANSWER_TIMEOUT = 600.0  # seconds: a run that has not answered every press by then is reported as such
JsonDict = dict[str, Any]


# ---------------------------------------------------------------------------- the stub Bot API


@dataclass
class _Press:
    posted: float = 0.0
    answered: float | None = None  # answerCallbackQuery arrived
    edited: float | None = None  # editMessageText arrived

    @property
    def done(self) -> float | None:
        if self.answered is None or self.edited is None:
            return None
        return max(self.answered, self.edited)


@dataclass
class StubBotApi:
    """Answers the Bot API methods both bots call, and notes when each press was answered.

    Callback query ids are the presser's chat id, so an answer finds its press without a lookup.
    With ``enforce_limits``, new messages beyond Telegram's limits are answered 429.
    """

    enforce_limits: bool = False
    presses: dict[int, _Press] = field(default_factory=dict)
    messages_sent: int = 0
    rate_limited: int = 0
    answered: int = 0  # presses done (answered and edited), counted as they complete
    _windows: dict[object, deque[float]] = field(default_factory=dict)
    _runner: web.AppRunner | None = None
    _port: int = 0
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _ids: int = 1000

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("POST", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    def reset(self) -> None:
        self.presses.clear()
        self._windows.clear()
        self.messages_sent = self.rate_limited = self.answered = 0

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = dict(await request.post())
        now = time.perf_counter()
        if method in ("sendMessage", "sendDocument", "sendPhoto"):
            retry = self._over_limit(str(params.get("chat_id")), now)
            if retry is not None:
                self.rate_limited += 1
                body = {"ok": False, "error_code": 429, "description": "Too Many Requests", "parameters": retry}
                return web.json_response(body, status=429)
            self.messages_sent += 1
        return web.json_response({"ok": True, "result": self._result(method, params, now)})

    def _result(self, method: str, params: dict[str, Any], now: float) -> object:
        if method == "getMe":
            return {"id": 7_000_000_002, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}
        if method == "answerCallbackQuery":
            self._note(int(params["callback_query_id"]), "answered", now)
            return True
        if method == "editMessageText":
            self._note(int(params["chat_id"]), "edited", now)
            return self._message(params, int(params.get("message_id", 1)))
        if method in ("sendMessage", "sendDocument", "sendPhoto"):
            self._ids += 1
            return self._message(params, self._ids)
        if method == "getMyCommands":
            return []  # nothing set yet: the bot sets its menus at start
        if method == "getMyDescription":
            return {"description": ""}
        if method == "getMyShortDescription":
            return {"short_description": ""}
        return True  # setMyCommands, setMyDescription, setWebhook, deleteWebhook

    def _note(self, chat: int, what: str, now: float) -> None:
        press = self.presses.get(chat)
        if press is not None:
            was_done = press.done is not None
            setattr(press, what, now)
            if press.done is not None and not was_done:
                self.answered += 1
                self._changed.set()

    def _message(self, params: dict[str, Any], message_id: int) -> JsonDict:
        chat = str(params["chat_id"])
        number = int(chat) if chat.lstrip("-").isdigit() else abs(hash(chat)) % 10**9  # seeded "fiona" too
        message: JsonDict = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": number, "type": "group" if chat.startswith("-") else "private"},
            "text": str(params.get("text", "")),
        }
        if "reply_markup" in params:
            message["reply_markup"] = json.loads(str(params["reply_markup"]))
        return message

    def _over_limit(self, chat: str, now: float) -> JsonDict | None:
        """Telegram's flood limits over sliding windows (as tests/fakes/telegram_api.py counts)."""
        if not self.enforce_limits:
            return None
        windows: list[tuple[object, int, float]] = [("all", 30, 1.0), (chat, 1, 1.0)]
        if chat.startswith("-"):
            windows.append((("group", chat), 20, 60.0))
        for key, limit, period in windows:
            sends = self._windows.setdefault(key, deque())
            while sends and sends[0] <= now - period:
                sends.popleft()
            if len(sends) >= limit:
                return {"retry_after": max(1, math.ceil(sends[0] + period - now))}
        for key, _, _ in windows:
            self._windows[key].append(now)
        return None

    async def wait_answered(self, count: int, timeout: float) -> int:  # noqa: ASYNC109 - a bound, not a sleep
        """Wait (at most ``timeout`` s) until ``count`` presses are answered; how many were."""
        deadline = time.perf_counter() + timeout
        # A counter, not a scan of every press per completion: the waiting is in the measured
        # process, and a scan costs O(presses) CPU per answer, taken from the bot being measured.
        while self.answered < count:
            left = deadline - time.perf_counter()
            if left <= 0:
                return self.answered
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(left, 1.0))
        return count


# ---------------------------------------------------------------------------- presses


def press_update(update_id: int, user: int, token: str) -> JsonDict:
    """A learner's press of "Yes" on an RSVP list the bot sent to their private chat."""
    keyboard = {"inline_keyboard": [[{"text": "1: Yes", "callback_data": token}]]}
    message = {
        "message_id": 1,
        "date": int(time.time()),
        "chat": {"id": user, "type": "private", "first_name": f"L{user}"},
        "from": {"id": 7_000_000_002, "is_bot": True, "first_name": "Bench", "username": "bench_bot"},
        "text": "Circle — will you come?\nMeeting 1: no answer yet",
        "reply_markup": keyboard,
    }
    query = {
        "id": str(user),
        "from": {"id": user, "is_bot": False, "first_name": f"L{user}", "language_code": "en"},
        "message": message,
        "chat_instance": str(user),
        "data": token,
    }
    return {"update_id": update_id, "callback_query": query}


@dataclass
class Figures:
    answered: int
    seconds: float
    latencies: list[float]
    cpu_seconds: float = 0.0  # of this whole process (bot, stub and clients) while pressing

    @property
    def cpu_per_press(self) -> float:
        return self.cpu_seconds / self.answered if self.answered else math.nan

    @property
    def rate(self) -> float:
        return self.answered / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return math.nan
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1)]

    def line(self, name: str, total: int) -> str:
        missing = f" ({total - self.answered} NOT answered)" if self.answered < total else ""
        return (
            f"{name:8} {self.answered} presses in {self.seconds:.2f} s -> {self.rate:.0f} presses/s; "
            f"press→answer p50 {self.percentile(50) * 1000:.0f} ms, p95 {self.percentile(95) * 1000:.0f} ms, "
            f"p99 {self.percentile(99) * 1000:.0f} ms; CPU {self.cpu_per_press * 1000:.2f} ms/press{missing}"
        )


async def press_all(
    stub: StubBotApi, url: str, updates: list[JsonDict], in_flight: int, profile: cProfile.Profile | None = None
) -> Figures:
    """POST every update, ``in_flight`` at a time, and wait until each press is answered."""
    stub.reset()
    for update in updates:
        stub.presses[update["callback_query"]["from"]["id"]] = _Press()
    queue: deque[JsonDict] = deque(updates)
    headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}

    async def worker(session: ClientSession) -> None:
        while queue:
            update = queue.popleft()
            stub.presses[update["callback_query"]["from"]["id"]].posted = time.perf_counter()
            async with session.post(url, data=json.dumps(update), headers=headers) as response:
                await response.read()
                if response.status != 200:
                    print(f"webhook answered {response.status}")

    started, cpu = time.perf_counter(), time.process_time()
    if profile is not None:
        profile.enable()
    async with ClientSession(timeout=ClientTimeout(total=60)) as session:
        await asyncio.gather(*(worker(session) for _ in range(in_flight)))
    answered = await stub.wait_answered(len(updates), ANSWER_TIMEOUT)
    if profile is not None:
        profile.disable()
    cpu = time.process_time() - cpu
    done = [p.done for p in stub.presses.values() if p.done is not None]
    seconds = (max(done) - started) if done else 0.0
    latencies = [p.done - p.posted for p in stub.presses.values() if p.done is not None]
    return Figures(answered, seconds, latencies, cpu)


# ---------------------------------------------------------------------------- the bare bot


async def _bare_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("✓ 1: Yes", callback_data=query.data)]])
    await query.edit_message_text("Circle — will you come?\nMeeting 1: yes", reply_markup=keyboard)


async def bare(stub: StubBotApi, updates: list[JsonDict], in_flight: int) -> Figures:
    application = Application.builder().token(TOKEN).base_url(f"{stub.root}/bot").updater(None).build()
    application.add_handler(CallbackQueryHandler(_bare_answer))
    server = WebServer("127.0.0.1", 0)
    server.add_route("POST", BARE_PATH, webhook_handler(application, SECRET))
    await server.start()
    try:
        async with application:
            await application.start()
            figures = await press_all(stub, f"{server.base_url}{BARE_PATH}", updates, in_flight)
            await application.stop()
    finally:
        await server.stop()
    return figures


# ---------------------------------------------------------------------------- Circles


class RunningClock:
    """Starts at a given instant and runs at real speed (429 holds pass as they would)."""

    def __init__(self, start: datetime) -> None:
        self.start, self.began = start, time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.began)


async def _learners(db: Database, circle: seed.Seeded, count: int, now: datetime) -> list[int]:
    """``count`` learners on Telegram (ids from FIRST_USER, each in their private chat), signed up."""
    users = [FIRST_USER + n for n in range(count)]
    async with unit_of_work(db) as unit:
        names = [f"L{u}" for u in users]
        await unit.conn.execute(
            insert(people), [{"name": n, "language": "en", "forgotten": False, "created_at": now} for n in names]
        )
        rows = await unit.conn.execute(select(people.c.id, people.c.name).where(people.c.name.in_(names)))
        ids = {r.name: r.id for r in rows}
        await unit.conn.execute(
            insert(identities),
            [
                {"person_id": ids[f"L{u}"], "platform": "telegram", "external_id": str(u), "chat_id": str(u)}
                for u in users
            ],
        )
        await unit.conn.execute(
            insert(signups),
            [
                {
                    "circle_id": circle.circle_id,
                    "person_id": ids[f"L{u}"],
                    "goal": "learn",
                    "help_peers": "help",
                    "active": True,
                    "created_at": now,
                    "updated_at": now,
                }
                for u in users
            ],
        )
    return users


async def _recorded(db: Database, meeting_id: int) -> tuple[int, int]:
    """(RSVP rows for the meeting, of which distinct learners saying yes)."""
    async with db.transaction() as conn:
        rows = (await conn.execute(select(func.count()).where(rsvps.c.meeting_id == meeting_id))).scalar_one()
        yes = (
            await conn.execute(
                select(func.count(func.distinct(rsvps.c.person_id))).where(
                    rsvps.c.meeting_id == meeting_id, rsvps.c.attending.is_(True)
                )
            )
        ).scalar_one()
    return int(rows), int(yes)


@dataclass
class CirclesRun:
    figures: Figures
    recorded: tuple[int, int]
    fanout_sent: int = 0
    fanout_seconds: float = 0.0


async def circles_run(
    stub: StubBotApi,
    url: str | None,
    presses: int,
    in_flight: int,
    fanout: bool,
    profile: cProfile.Profile | None = None,
) -> CirclesRun:
    db = await fresh(url or sqlite_file("inbound"))
    start = seed.REMINDER_ANCHOR - timedelta(days=30)
    circle = await seed.circle(db, start, platform="telegram")
    users = await _learners(db, circle, presses, start)
    meeting = circle.meeting(1)
    assert meeting.id is not None
    # With the fan-out, the reminder of meeting 1 is due as the presses arrive; without, nothing is.
    now = meeting.start - timedelta(days=2) if fanout else start
    clock: Clock = RunningClock(now) if fanout else FixedClock(now)
    app = Core(db=db, clock=clock, settings=Settings())
    server = WebServer("127.0.0.1", 0)
    settings = TelegramSettings(token=TOKEN, api_base_url=stub.root, mode="webhook", webhook_secret=SECRET)
    adapter = TelegramAdapter(app, settings)
    adapter.mount(server)
    token = AnswerRsvp(meeting.id, True).token
    updates = [press_update(n + 1, user, token) for n, user in enumerate(users)]
    fanout_task: asyncio.Task[tuple[int, float]] | None = None
    try:
        await server.start()
        settings.webhook_url = f"{server.base_url}{WEBHOOK_PATH}"
        await adapter.start()
        if fanout:
            dispatcher = Dispatcher(db, clock, {"telegram": adapter.sender}, DispatchSettings(concurrency=32))
            fanout_task = asyncio.create_task(_fan_out(dispatcher, db))
            await asyncio.sleep(0.5)  # the first pass has claimed its batch and is sending
        figures = await press_all(stub, f"{server.base_url}{WEBHOOK_PATH}", updates, in_flight, profile)
        sent, seconds = await fanout_task if fanout_task is not None else (0, 0.0)
    finally:
        if fanout_task is not None and not fanout_task.done():
            fanout_task.cancel()
        await server.stop()
        await adapter.stop()
    recorded = await _recorded(db, meeting.id)
    await db.close()
    return CirclesRun(figures, recorded, sent, seconds)


async def _fan_out(dispatcher: Dispatcher, db: Database) -> tuple[int, float]:
    """Dispatcher passes until the reminders are all out (bounded: 429s come back due later)."""
    started = time.perf_counter()
    sent = 0
    for _ in range(2000):
        sent += (await dispatcher.run_pass()).sent
        async with unit_of_work(db) as unit:
            counts = await unit.outbox.counts()
        if not counts.get("pending", 0) + counts.get("sending", 0):
            break
        await asyncio.sleep(0.2)
    return sent, time.perf_counter() - started


# ---------------------------------------------------------------------------- main


async def one_database(name: str, url: str | None, args: argparse.Namespace) -> None:
    print(f"--- {name}: {args.presses} presses, {args.in_flight} in flight" + (", during a fan-out" * args.with_fanout))
    stub = StubBotApi(enforce_limits=args.with_fanout)
    await stub.start()
    try:
        users = [FIRST_USER + n for n in range(args.presses)]
        bare_updates = [press_update(n + 1, user, "rsvp:1:y") for n, user in enumerate(users)]
        for _ in range(args.rounds):
            stub.enforce_limits = False
            bare_figures = await bare(stub, bare_updates, args.in_flight)
            stub.enforce_limits = args.with_fanout
            profile = cProfile.Profile() if args.profile else None
            run = await circles_run(stub, url, args.presses, args.in_flight, args.with_fanout, profile)
            if profile is not None:
                profile.dump_stats(f"{args.profile}.{name.lower()}")
                print(f"profile of the Circles side: {args.profile}.{name.lower()}")
            rate_limited = stub.rate_limited
            print(bare_figures.line("bare:", args.presses))
            print(run.figures.line("circles:", args.presses))
            rows, yes = run.recorded
            verdict = "yes" if rows == yes == args.presses else "NO"
            print(f"recorded: {rows} RSVPs, {yes} learners said yes; every press exactly once: {verdict}")
            if args.with_fanout:
                p95, bare_p95 = run.figures.percentile(95), bare_figures.percentile(95)
                print(
                    f"fan-out: {run.fanout_sent} messages in {run.fanout_seconds:.1f} s; 429s answered: "
                    f"{rate_limited}; interactive p95 {p95 * 1000:.0f} ms = {p95 / bare_p95:.2f} × the bare bot's"
                )
            ratio = run.figures.rate / bare_figures.rate if bare_figures.rate else 0.0
            print(f"inbound ratio: {ratio:.3f}")
    finally:
        await stub.stop()


async def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--presses", type=int, default=1000)
    parser.add_argument("--in-flight", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=1, help="bare then circles, this many times per database")
    parser.add_argument("--database-url", default=os.environ.get("TEST_POSTGRES_URL"), help="PostgreSQL")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--with-fanout", action="store_true", help="while the reminder fans out to every learner")
    parser.add_argument("--profile", metavar="FILE", help="cProfile the Circles side into FILE.sqlite/.postgresql")
    args = parser.parse_args()
    if not args.no_sqlite:
        await one_database("SQLite", None, args)
    if args.database_url and not args.no_postgres:
        await one_database("PostgreSQL", args.database_url, args)


if __name__ == "__main__":
    asyncio.run(main())
