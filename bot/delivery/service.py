"""Running the dispatcher beside the adapters: APScheduler is only the clock that wakes it.

Jobs are in memory only (a persistent job store is unsafe with several processes); what must
not be lost is in the outbox. One loop runs the passes, so passes never overlap in a process;
the scheduler wakes it at the next due instant and at least every ``interval``, and the app wakes
it right after a use case enqueued something (a broadcast, a change notice).

With several instances on one PostgreSQL, only the one holding the sending lease of the
platform accounts sends (docs/scaling.md); the others try to take it over every
``takeover_seconds``, so one of them carries on soon after the owner dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.config import Settings
from bot.conversation.outbound import Sender
from bot.delivery.dispatcher import Dispatcher, DispatchSettings
from storage.leases import sending_lease

if TYPE_CHECKING:
    from bot.app import Core

log = logging.getLogger(__name__)

NEXT_JOB = "delivery-next"
TICK_JOB = "delivery-tick"
# How often an instance that does not send tries to take the sending lease over (real time).
TAKEOVER_SECONDS = 5.0


class DeliveryService:
    def __init__(
        self,
        dispatcher: Dispatcher,
        interval: timedelta = timedelta(seconds=30),
        takeover_seconds: float = TAKEOVER_SECONDS,
    ) -> None:
        self.dispatcher = dispatcher
        self.interval = interval
        self.takeover_seconds = takeover_seconds
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.passes = 0

    async def start(self) -> None:
        self.scheduler.add_job(
            self._tick, "interval", seconds=self.interval.total_seconds(), id=TICK_JOB, coalesce=True, max_instances=1
        )
        self.scheduler.start()
        self._task = asyncio.create_task(self._loop(), name=f"delivery-{self.dispatcher.worker}")
        self.wake()

    def wake(self) -> None:
        """Run a pass soon (from the event loop's thread)."""
        self._wake.set()

    async def _tick(self) -> None:
        # A coroutine job: AsyncIOScheduler runs it on the event loop, where setting the event is safe.
        self.wake()

    async def _loop(self) -> None:
        while True:
            await self._next_turn()
            self._wake.clear()
            try:
                report = await self.dispatcher.run_pass()
                self.passes += 1
                if report.processed or report.planned:
                    log.info("delivery pass: %s", report.summary())
                lease = self.dispatcher.lease
                if lease is None or lease.held:
                    # Only the instance that sends follows the due times; the others would wake
                    # for rows that are not theirs to send (``_next_turn``).
                    self._schedule(await self.dispatcher.next_wakeup())
            except Exception:
                log.exception("delivery pass failed; the next one retries")

    async def _next_turn(self) -> None:
        """Wait to be woken; an instance that does not hold the sending lease also wakes every
        ``takeover_seconds`` to try to take it over."""
        lease = self.dispatcher.lease
        if lease is None or lease.held:
            await self._wake.wait()
            return
        # ``asyncio.timeout``, not ``wait_for``, which on Python 3.11 can lose a cancellation
        # (``stop``) that arrives as the event is set: the loop would go on and ``stop`` hang.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.takeover_seconds):
                await self._wake.wait()

    def _schedule(self, at: datetime | None) -> None:
        if at is None:
            return
        now = self.dispatcher.clock.now()
        if at <= now:
            self.wake()
            return
        if at - now < self.interval:
            self.scheduler.add_job(self._tick, "date", run_date=at, id=NEXT_JOB, replace_existing=True)

    async def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.dispatcher.lease is not None:
            await self.dispatcher.lease.release()  # another instance may take over at once


def sending_accounts(senders: Mapping[str, Sender]) -> list[str]:
    """The platform accounts these senders send for, e.g. ``telegram:123456`` (the lease's names)."""
    return [f"{platform}:{getattr(sender, 'account', '')}" for platform, sender in senders.items()]


def dispatch_settings(settings: Settings) -> DispatchSettings:
    chosen = settings.delivery
    return DispatchSettings(
        lease=timedelta(seconds=chosen.lease_seconds),
        batch_size=chosen.batch_size,
        concurrency=chosen.concurrency,
        max_failures=chosen.max_failures,
        waitlist_hold=settings.circles.waitlist_hold,
        cover_deadline=timedelta(hours=chosen.cover_deadline_hours),
    )


async def start(app: Core, senders: Mapping[str, Sender]) -> DeliveryService:
    """Run the dispatcher beside the adapters of ``app``; stop it with ``await service.stop()``."""
    lease = sending_lease(app.db.engine, sending_accounts(senders))
    dispatcher = Dispatcher(
        app.db, app.clock, senders, dispatch_settings(app.settings), metrics=app.metrics, lease=lease
    )
    service = DeliveryService(dispatcher, timedelta(seconds=app.settings.delivery.wake_seconds))
    app.wake_delivery = service.wake
    await service.start()
    return service
