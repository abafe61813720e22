"""The dispatcher: one pass plans what is due, claims it, sends it, and records the outcome.

A pass is a small pipeline so that claiming, sending and recording overlap:

    claimer ──(prepared messages)──> senders (``concurrency`` of them) ──(outcomes)──> recorder

- the claimer takes due rows in short transactions (a lease of ``lease`` on each), loads what
  rendering needs for the whole batch in a few queries, and renders each row for its recipient;
- each sender waits for the platform's rate limit, checks that its lease still holds, and sends;
- the recorder writes outcomes in small transactions as they arrive, so a crash leaves at most
  the messages in flight unrecorded: they are the only ones that can go out twice.

Nothing in the pipeline raises out of it: a row that cannot be prepared or rendered counts as a
failure of that row (the rest of its batch goes out), and a write of outcomes that keeps failing
(the database went away) stops the pass — its rows stay claimed and come back after their lease.

Outcomes: sent → closed; ``retry_after`` → due again after the platform's delay (not counted as
a failure); a transient failure → due again after an exponential back-off, closed as failed after
``max_failures``; unreachable → the person is marked unreachable and the row closed with the
reason; an expired lease → the row is claimable again by any dispatcher. A row for a platform this
process does not serve waits for a process that does, and is closed as unreachable
(``no_sender``) after ``max_failures`` claims without one.

With several instances on one PostgreSQL, a dispatcher given a ``lease`` sends only while it
holds the sending lease of its platform accounts (``storage/leases.py``, docs/scaling.md), so the
platform's limits hold across instances: a pass without it does nothing, and a pass that loses it
stops claiming and sending at once and hands back what it had claimed but not sent.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from bot import housekeeping
from bot.clock import Clock
from bot.conversation.messages import Reply
from bot.conversation.outbound import Outcome, PlatformLimits, Sender, SendResult
from bot.delivery import planner
from bot.delivery.kinds import load_snapshot, render
from bot.delivery.limits import NoLimit, RateLimiter
from bot.delivery.messages import Snapshot
from bot.delivery.reasons import BLOCKED, FAILED, NO_SENDER
from bot.i18n import Translator
from bot.metrics import Metrics
from bot.usecases.offered import pressable, remember_buttons
from domain.delivery import DEFAULT_COVER_DEADLINE, Drop, unreachable
from domain.model import Identity
from domain.waitlist import DEFAULT_OFFER_HOLD
from storage.db import Database
from storage.leases import SendingLease
from storage.outbox import Closing, OutboxRow, Status
from storage.unit import Unit, unit_of_work

log = logging.getLogger(__name__)
TIDY_EVERY = timedelta(hours=1)


@dataclass(frozen=True)
class DispatchSettings:
    lease: timedelta = timedelta(minutes=5)
    batch_size: int = 100
    concurrency: int = 16
    max_failures: int = 8
    backoff: timedelta = timedelta(seconds=30)  # first retry after a transient failure; doubles
    backoff_cap: timedelta = timedelta(hours=1)
    no_sender_delay: timedelta = timedelta(minutes=5)  # a row nobody here can send waits this long
    # A message is not sent when less than this is left of its lease: another dispatcher may
    # be about to reclaim it.
    lease_margin: timedelta = timedelta(seconds=30)
    # Writing outcomes is tried this many times, waiting ``record_backoff`` (doubling) in between:
    # real time, for a database that restarts, not the business clock.
    record_attempts: int = 4
    record_backoff: timedelta = timedelta(milliseconds=250)
    # While sending, the sending lease's connection is checked this often (real time): a lease
    # lost stops the sends within about this long.
    lease_check: timedelta = timedelta(milliseconds=250)
    # How long a freed place is held for the next on a waitlist when an earlier offer lapsed.
    waitlist_hold: timedelta = DEFAULT_OFFER_HOLD
    # How long before a meeting nobody covers its facilitator is offered to cancel it (issue 14).
    cover_deadline: timedelta = DEFAULT_COVER_DEADLINE


@dataclass
class PassReport:
    planned: int = 0
    sent: int = 0
    retried: int = 0
    delayed: int = 0
    unreachable: int = 0
    failed: int = 0
    dropped: int = 0
    released: int = 0
    # Outcomes that could not be written, and messages not sent because of that: their rows stay
    # claimed and come back after their lease.
    unrecorded: int = 0
    would_send: list[tuple[OutboxRow, str, Reply | Drop | str]] = field(default_factory=list)

    @property
    def processed(self) -> int:
        return self.sent + self.retried + self.delayed + self.unreachable + self.failed + self.dropped + self.released

    def summary(self) -> str:
        text = (
            f"planned {self.planned}, sent {self.sent}, delayed {self.delayed}, retried {self.retried}, "
            f"unreachable {self.unreachable}, failed {self.failed}, dropped {self.dropped}"
        )
        return text + (f", not recorded {self.unrecorded}" if self.unrecorded else "")


class Limiter(Protocol):
    async def acquire(self, chat_id: str, *, interactive: bool = False) -> float: ...

    def answered(self) -> None: ...

    def hold(self, seconds: float, chat_id: str = "") -> None: ...

    def take_over(self) -> None: ...


@dataclass
class _Prepared:
    row: OutboxRow
    sender: Sender | None = None
    chat_id: str | None = None
    reply: Reply | None = None
    closing: Closing | None = None  # decided without sending (drop, unreachable, no sender)
    identity: Identity | None = None  # the person's account it goes to
    fallbacks: int = 0  # the person's other accounts this process could write to instead


@dataclass
class _Done:
    row: OutboxRow
    closing: Closing
    mark_unreachable: bool = False
    drop_chat: Identity | None = None  # an account that refused: write to the person's others
    recorded: asyncio.Future[None] | None = None
    # The buttons a sent message offered its reader: typing one's label then counts as pressing it.
    offered: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Pass:
    """What the claimer, the senders and the recorder of one ``_drain`` share."""

    report: PassReport
    work: asyncio.Queue[_Prepared | None]
    done: asyncio.Queue[_Done | None]
    # Set when outcomes could not be written: nothing more is claimed or sent in this pass.
    halted: asyncio.Event = field(default_factory=asyncio.Event)
    # Set when the sending lease is lost: nothing more is claimed or sent; what was claimed and
    # not sent is handed back (due at once) for the new owner.
    lost: asyncio.Event = field(default_factory=asyncio.Event)


class Dispatcher:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        senders: Mapping[str, Sender],
        settings: DispatchSettings | None = None,
        limits: Mapping[str, PlatformLimits | None] | None = None,
        worker: str | None = None,
        metrics: Metrics | None = None,
        lease: SendingLease | None = None,
    ) -> None:
        self.db = db
        # None: this dispatcher may always send (one process, or a test); else only while it
        # holds the lease of its platform accounts.
        self.lease = lease
        self.metrics = metrics or Metrics()  # the app's, when it serves /metrics; otherwise its own
        self.clock = clock
        self.senders = dict(senders)
        self.settings = settings or DispatchSettings()
        self.worker = worker or f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._tidied_at: datetime | None = None
        self.limiters: dict[str, Limiter] = {
            platform: self._limiter(sender, limits or {}) for platform, sender in self.senders.items()
        }

    def _limiter(self, sender: Sender, overrides: Mapping[str, PlatformLimits | None]) -> Limiter:
        """The limiter this platform's sends wait for.

        ``limits`` overrides what a sender declares (None: unpaced). Otherwise a sender that
        carries its adapter's limiter (``sender.limiter``: the one the adapter's answers to people
        use too) is paced by that one, so that bulk and interactive sends know each other; else
        the sender's declared ``limits`` get a limiter of their own.
        """
        if sender.platform in overrides:
            chosen = overrides[sender.platform]
            return RateLimiter(chosen, self.clock) if chosen else NoLimit()
        shared: Limiter | None = getattr(sender, "limiter", None)
        if shared is not None:
            return shared
        declared: PlatformLimits | None = getattr(sender, "limits", None)
        return RateLimiter(declared, self.clock) if declared else NoLimit()

    # ------------------------------------------------------------------ one pass

    async def run_pass(self) -> PassReport:
        """Plan and send everything due now; returns what happened.

        Planning runs again after sending, because sending can make more due (the delivery
        report of a broadcast whose last copy just went out), until nothing new appears.
        """
        started = time.perf_counter()  # real elapsed time, for the operator; not the business clock
        try:
            return await self._run_pass()
        finally:
            self.metrics.dispatch_pass.observe(time.perf_counter() - started)

    async def _run_pass(self) -> PassReport:
        report = PassReport()
        if not await self.owns_sending():
            return report  # another instance sends (and plans); this one tries again next pass
        await self._tidy(self.clock.now())
        for _ in range(5):
            now = self.clock.now()
            async with unit_of_work(self.db) as unit:
                planned = await planner.plan(unit, now, self.settings.waitlist_hold, self.settings.cover_deadline)
            report.planned += planned.total
            before = report.processed
            if not await self._drain(report):
                break  # the database failed under us: the next pass takes over
            if planned.total == 0 and report.processed == before:
                break
        return report

    async def owns_sending(self) -> bool:
        """Hold the sending lease, taking it if it is free; True when this dispatcher may send.

        On taking it over, the limiters count the platform's current window as full: the
        previous owner may have sent a full second's worth just before it died.
        """
        if self.lease is None:
            return True
        had = self.lease.held
        owns = await self.lease.acquire()
        if owns and not had:
            for limiter in self.limiters.values():
                limiter.take_over()
        return owns

    async def _watch_lease(self, run: _Pass) -> None:
        """While a pass sends, check the lease; once lost, stop the pass's claims and sends."""
        assert self.lease is not None
        while True:
            if not await self.lease.check():
                break
            await asyncio.sleep(self.settings.lease_check.total_seconds())
        log.warning("sending lease lost; handing back the messages claimed and not sent")
        run.lost.set()

    async def _tidy(self, now: datetime) -> None:
        """Bookkeeping no one needs any more goes, at most once an hour (bot/housekeeping.py)."""
        if self._tidied_at is not None and now - self._tidied_at < TIDY_EVERY:
            return
        try:
            async with unit_of_work(self.db) as unit:
                await housekeeping.prune(unit, now)
            self._tidied_at = now
        except Exception:  # tidying must never keep a message from going out
            log.exception("housekeeping failed")

    async def next_wakeup(self) -> datetime | None:
        """When the next pass has something to do: an open row's due time or lease end, or the
        next reminder or meeting end to plan for."""
        now = self.clock.now()
        async with unit_of_work(self.db) as unit:
            found = [t for t in (await unit.outbox.next_due(), await planner.next_planning(unit, now)) if t]
        return min(found) if found else None

    async def dry_run(self) -> PassReport:
        """What a pass would send now, rendered, with nothing changed (the transaction is rolled back)."""
        report = PassReport()
        now = self.clock.now()
        async with self.db.engine.connect() as conn:
            transaction = await conn.begin()
            try:
                unit = Unit(conn)
                report.planned = (
                    await planner.plan(unit, now, self.settings.waitlist_hold, self.settings.cover_deadline)
                ).total
                rows = await unit.outbox.due(now)
                snap = await load_snapshot(unit, rows, now)
                for row in rows:
                    prepared = self._prepare_safely(row, snap, now)
                    where = f"{prepared.sender.platform}:{prepared.chat_id}" if prepared.sender else "-"
                    outcome: Reply | Drop | str = prepared.reply or (
                        Drop(prepared.closing.error or "") if prepared.closing else "?"
                    )
                    report.would_send.append((row, where, outcome))
            finally:
                await transaction.rollback()
        return report

    # ------------------------------------------------------------------ the pipeline

    async def _drain(self, report: PassReport) -> bool:
        """Claim, send and record until nothing is due; False when the pass had to stop because
        outcomes could not be written."""
        run = _Pass(report, asyncio.Queue(maxsize=self.settings.batch_size * 2), asyncio.Queue())
        # Named after the worker, so an operator (or a test playing a crash) can tell whose they are.
        name = f"delivery-{self.worker}"
        workers = [
            asyncio.create_task(self._send_loop(run), name=f"{name}-send") for _ in range(self.settings.concurrency)
        ]
        recorder = asyncio.create_task(self._record_loop(run), name=f"{name}-record")
        watcher = asyncio.create_task(self._watch_lease(run), name=f"{name}-lease") if self.lease is not None else None
        try:
            await self._claim_loop(run)
        except asyncio.CancelledError:
            # The instance stops (or dies, as a test plays it) mid-pass: the whole pipeline stops
            # with it, wherever it is. Handing the senders their end through the work queue could
            # wait for ever (it is full while a big fan-out is claimed ahead), and a sender whose
            # HTTP client swallowed its cancellation would wait for ever for its outcome to be
            # recorded. What was claimed and not recorded comes back after its lease.
            pipeline = [*workers, recorder, *([watcher] if watcher is not None else [])]
            for task in pipeline:
                task.cancel()
            await asyncio.gather(*pipeline, return_exceptions=True)
            raise
        except BaseException:
            await self._finish(run, workers, recorder, watcher)
            raise
        await self._finish(run, workers, recorder, watcher)
        return not run.halted.is_set() and not run.lost.is_set()

    async def _finish(
        self,
        run: _Pass,
        workers: list[asyncio.Task[None]],
        recorder: asyncio.Task[None],
        watcher: asyncio.Task[None] | None,
    ) -> None:
        """The claims are over: the senders finish what is queued, the recorder what they did."""
        for _ in workers:
            await run.work.put(None)
        await asyncio.gather(*workers, return_exceptions=True)
        if watcher is not None:  # watched until the last claimed message was sent or handed back
            watcher.cancel()
        await run.done.put(None)
        await recorder

    async def _claim_loop(self, run: _Pass) -> None:
        while not run.halted.is_set() and not run.lost.is_set():
            now = self.clock.now()
            async with unit_of_work(self.db) as unit:
                rows = await unit.outbox.claim(now, now + self.settings.lease, self.worker, self.settings.batch_size)
            if not rows:
                return
            for prepared in await self._prepare_batch(rows, now):
                await run.work.put(prepared)

    async def _prepare_batch(self, rows: list[OutboxRow], now: datetime) -> list[_Prepared]:
        """Load what the rows need and render each; a row that cannot be prepared is a failure of
        that row alone."""
        try:
            async with unit_of_work(self.db) as unit:
                snap = await load_snapshot(unit, rows, now)
        except Exception as error:
            if len(rows) > 1:
                # Find the row that breaks the batch's queries: each row on its own.
                log.exception("loading a batch of %d outbox rows failed; loading them one by one", len(rows))
                return [prepared for row in rows for prepared in await self._prepare_batch([row], now)]
            log.exception("loading outbox row %s failed", rows[0].id)
            return [_Prepared(rows[0], closing=self._failure(rows[0], _describe(error)).closing)]
        prepared = []
        for row in rows:
            prepared.append(self._prepare_safely(row, snap, now))
            # Some rows take a while to render (a weekly summary draws its chart): let the bot
            # answer the people writing to it between them.
            await asyncio.sleep(0)
        return prepared

    def _prepare_safely(self, row: OutboxRow, snap: Snapshot, now: datetime) -> _Prepared:
        error = snap.errors.get(row.id)  # its kind's loader failed for it
        if error is None:
            try:
                return self._prepare(row, snap, now)
            except Exception as raised:
                log.exception("preparing outbox row %s (%s) failed", row.id, row.key)
                error = _describe(raised)
        # Counted as a failure: retried with back-off, closed as failed after ``max_failures``.
        return _Prepared(row, closing=self._failure(row, error).closing)

    def _prepare(self, row: OutboxRow, snap: Snapshot, now: datetime) -> _Prepared:
        if row.person_id is None:
            return self._prepare_channel(row, snap, now)
        recipient = snap.recipients.get(row.person_id)
        chats = [i for i in recipient.identities if i.chat_id] if recipient else []
        why = unreachable(recipient.person if recipient else None, len(chats))
        if why is not None or recipient is None:
            return _Prepared(row, closing=Closing(row.id, Status.UNREACHABLE, error=why))
        person = recipient.person
        # Rendered first: a message no longer wanted is dropped, whoever could send it.
        rendered = render(row, snap, Translator(person.language, person.zone))
        if isinstance(rendered, Drop):
            return _Prepared(row, closing=Closing(row.id, Status.DROPPED, error=rendered.reason))
        identity = self._choose(chats)
        if identity is None:
            return _Prepared(row, closing=self._no_sender(row, {i.platform for i in chats}, now))
        assert identity.chat_id is not None
        fallbacks = sum(1 for i in chats if i is not identity and i.platform in self.senders)
        return _Prepared(
            row,
            sender=self.senders[identity.platform],
            chat_id=identity.chat_id,
            reply=rendered,
            identity=identity,
            fallbacks=fallbacks,
        )

    def _prepare_channel(self, row: OutboxRow, snap: Snapshot, now: datetime) -> _Prepared:
        """A row for a team's channel: the channel is the one chosen when the row is sent."""
        team = snap.teams.get(row.team_id or 0)
        if team is None or not team.summary_platform or not team.summary_chat_id:
            return _Prepared(row, closing=Closing(row.id, Status.DROPPED, error="no summary channel"))
        rendered = render(row, snap, Translator(snap.team_languages.get(team.id or 0, "en")))
        if isinstance(rendered, Drop):
            return _Prepared(row, closing=Closing(row.id, Status.DROPPED, error=rendered.reason))
        sender = self.senders.get(team.summary_platform)
        if sender is None:
            return _Prepared(row, closing=self._no_sender(row, {team.summary_platform}, now))
        return _Prepared(row, sender=sender, chat_id=team.summary_chat_id, reply=rendered)

    def _no_sender(self, row: OutboxRow, platforms: set[str], now: datetime) -> Closing:
        """No adapter for the recipient's platform runs here. Another process may serve it: the
        row waits ``no_sender_delay`` for one to claim it, and after ``max_failures`` claims
        without a sender it is closed as unreachable (so a broadcast's report is not held up)."""
        error = f"{NO_SENDER}: {', '.join(sorted(platforms))}"
        if row.failures + 1 >= self.settings.max_failures:
            return Closing(row.id, Status.UNREACHABLE, failed=True, error=error)
        return Closing(row.id, Status.PENDING, due_at=now + self.settings.no_sender_delay, failed=True, error=error)

    def _choose(self, chats: list[Identity]) -> Identity | None:
        """The identity to write to: the first one (oldest) on a platform this process serves."""
        return next((i for i in chats if i.platform in self.senders), None)

    async def _send_loop(self, run: _Pass) -> None:
        while (item := await run.work.get()) is not None:
            if run.halted.is_set():
                # Outcomes cannot be written: sending more would only add messages that go out
                # again after the lease. The row stays claimed and comes back after its lease.
                run.report.unrecorded += 1
                continue
            try:
                outcome = await self._send_one(item, run)
            except Exception as error:  # one message's failure never stops the pass
                log.exception("sending outbox row %s failed", item.row.id)
                if item.sender is not None:
                    self.metrics.sent(item.sender.platform, Outcome.FAILED.value)
                outcome = self._failure(item.row, _describe(error))
            # Wait until the outcome is written before sending the next message: at any instant
            # each sender has at most one message sent but not recorded, so a crash repeats at
            # most ``concurrency`` messages. The recorder always resolves this future.
            outcome.recorded = asyncio.get_running_loop().create_future()
            await run.done.put(outcome)
            await outcome.recorded

    async def _send_one(self, item: _Prepared, run: _Pass) -> _Done:
        row = item.row
        if item.closing is not None:
            return _Done(row, item.closing)
        assert item.sender is not None and item.chat_id is not None and item.reply is not None
        limiter = self.limiters[item.sender.platform]
        if not run.lost.is_set():
            await limiter.acquire(item.chat_id)
        try:
            result = await self._send_acquired(item, run)
        finally:
            limiter.answered()  # the platform answered (or nothing was sent): the window counts from now
        return result if isinstance(result, _Done) else self._outcome(item, result, limiter)

    async def _send_acquired(self, item: _Prepared, run: _Pass) -> _Done | SendResult:
        row = item.row
        assert item.sender is not None and item.chat_id is not None and item.reply is not None
        if run.lost.is_set():
            # Another instance owns sending now: it sends this one (due at once, not a failure).
            return _Done(row, Closing(row.id, Status.PENDING, due_at=self.clock.now(), error="sending lease lost"))
        claimed_until = row.claimed_until
        if claimed_until is not None and self.clock.now() >= claimed_until - self.settings.lease_margin:
            # Too late: the lease may be taken over; leave the row to whoever claims it next.
            return _Done(row, Closing(row.id, Status.PENDING, error="lease ran out before sending"))
        result = await item.sender.send(item.chat_id, item.reply)
        self.metrics.sent(item.sender.platform, result.outcome.value)
        return result

    def _outcome(self, item: _Prepared, result: SendResult, limiter: Limiter) -> _Done:
        row, now = item.row, self.clock.now()
        match result.outcome:
            case Outcome.SENT:
                closing = Closing(
                    row.id,
                    Status.SENT,
                    platform=item.sender.platform if item.sender else None,
                    message_id=result.message_id,
                    sent_at=now,
                    error=result.error,  # what did not make it although the message did (a file)
                )
                offered = pressable(item.reply) if item.reply is not None and row.person_id is not None else []
                return _Done(row, closing, offered=offered)
            case Outcome.RETRY_AFTER:
                seconds = max(result.retry_after or 1.0, 1.0)
                limiter.hold(seconds, item.chat_id or "")
                due = now + timedelta(seconds=seconds)
                return _Done(row, Closing(row.id, Status.PENDING, due_at=due, error=f"retry_after {seconds:g}s"))
            case Outcome.UNREACHABLE:
                error = f"{BLOCKED}: {result.error or 'unreachable'}"
                if item.identity is not None and item.fallbacks:
                    # This account refused, but the person has another one (linked with /link):
                    # forget this chat and try the next account at once.
                    retry = Closing(row.id, Status.PENDING, due_at=now, error=f"{error} ({item.identity.platform})")
                    return _Done(row, retry, drop_chat=item.identity)
                closing = Closing(row.id, Status.UNREACHABLE, error=error)
                return _Done(row, closing, mark_unreachable=True, drop_chat=item.identity)
            case _:
                return self._failure(row, result.error or "send failed")

    def _failure(self, row: OutboxRow, error: str) -> _Done:
        failures = row.failures + 1
        if failures >= self.settings.max_failures:
            return _Done(row, Closing(row.id, Status.FAILED, failed=True, error=f"{FAILED}: {error}"))
        delay = min(self.settings.backoff * 2 ** (failures - 1), self.settings.backoff_cap)
        due = self.clock.now() + delay
        return _Done(row, Closing(row.id, Status.PENDING, due_at=due, failed=True, error=error))

    async def _record_loop(self, run: _Pass) -> None:
        finished = False
        while not finished:
            batch: list[_Done] = []
            item = await run.done.get()
            if item is None:
                finished = True
            else:
                batch.append(item)
            while not run.done.empty() and len(batch) < 500:
                more = run.done.get_nowait()
                if more is None:
                    finished = True
                    break
                batch.append(more)
            if batch:
                await self._record(batch, run)

    async def _record(self, batch: list[_Done], run: _Pass) -> None:
        """Write a batch of outcomes; never raises, and always releases the senders waiting on it.

        A failed write (a database restart, a dropped connection) is tried again a few times. If
        it still fails, the outcomes are lost: their rows stay ``sending`` and any dispatcher
        reclaims them once the lease has run out — the messages that were sent then go out once
        more, which is why the pass stops here instead of sending more that would be lost too.
        """
        delay = self.settings.record_backoff
        for attempt in range(1, self.settings.record_attempts + 1):
            try:
                async with unit_of_work(self.db) as unit:
                    await unit.outbox.record(self.worker, [d.closing for d in batch])
                    for d in batch:
                        if d.drop_chat is not None and d.drop_chat.chat_id is not None:
                            await unit.people.drop_chat(d.drop_chat)
                        if d.mark_unreachable and d.row.person_id is not None:
                            await unit.people.mark_unreachable(d.row.person_id, BLOCKED)
                        if d.offered and d.row.person_id is not None:
                            await remember_buttons(unit, d.row.person_id, d.offered, self.clock.now())
            except Exception:
                if attempt < self.settings.record_attempts:
                    log.warning("writing %d outcomes failed (attempt %d); trying again", len(batch), attempt)
                    await asyncio.sleep(delay.total_seconds())
                    delay *= 2
                    continue
                log.exception(
                    "writing %d outcomes failed %d times; stopping this pass, the rows come back after their lease",
                    len(batch),
                    attempt,
                )
                run.halted.set()
                run.report.unrecorded += len(batch)
            else:
                for d in batch:
                    _count(run.report, d.closing)
            break
        for d in batch:
            if d.recorded is not None and not d.recorded.done():
                d.recorded.set_result(None)


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def _count(report: PassReport, closing: Closing) -> None:
    match closing.status:
        case Status.SENT:
            report.sent += 1
        case Status.UNREACHABLE:
            report.unreachable += 1
        case Status.FAILED:
            report.failed += 1
        case Status.DROPPED:
            report.dropped += 1
        case Status.PENDING if closing.error and closing.error.startswith("retry_after"):
            report.delayed += 1
        case Status.PENDING if closing.failed:
            report.retried += 1
        case _:
            report.released += 1
