"""Running the dispatcher beside the adapters: APScheduler is only the clock that wakes it.

Jobs are in memory only (a persistent job store is unsafe with several processes); what must
not be lost is in the outbox. One loop runs the passes, so passes never overlap in a process;
the scheduler wakes it at the next due instant and at least every ``interval``, and the app wakes
it right after a use case enqueued something (a broadcast, a change notice).
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

if TYPE_CHECKING:
    from bot.app import Core

log = logging.getLogger(__name__)

NEXT_JOB = "delivery-next"
TICK_JOB = "delivery-tick"


class DeliveryService:
    def __init__(self, dispatcher: Dispatcher, interval: timedelta = timedelta(seconds=30)) -> None:
        self.dispatcher = dispatcher
        self.interval = interval
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.passes = 0

    async def start(self) -> None:
        self.scheduler.add_job(
            self._tick, "interval", seconds=self.interval.total_seconds(), id=TICK_JOB, coalesce=True, max_instances=1
        )
        self.scheduler.start()
        self._task = asyncio.create_task(self._loop(), name="delivery")
        self.wake()

    def wake(self) -> None:
        """Run a pass soon (from the event loop's thread)."""
        self._wake.set()

    async def _tick(self) -> None:
        # A coroutine job: AsyncIOScheduler runs it on the event loop, where setting the event is safe.
        self.wake()

    async def _loop(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            try:
                report = await self.dispatcher.run_pass()
                self.passes += 1
                if report.processed or report.planned:
                    log.info("delivery pass: %s", report.summary())
                self._schedule(await self.dispatcher.next_wakeup())
            except Exception:
                log.exception("delivery pass failed; the next one retries")

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


def dispatch_settings(settings: Settings) -> DispatchSettings:
    chosen = settings.delivery
    return DispatchSettings(
        lease=timedelta(seconds=chosen.lease_seconds),
        batch_size=chosen.batch_size,
        concurrency=chosen.concurrency,
        max_failures=chosen.max_failures,
        waitlist_hold=settings.circles.waitlist_hold,
    )


async def start(app: Core, senders: Mapping[str, Sender]) -> DeliveryService:
    """Run the dispatcher beside the adapters of ``app``; stop it with ``await service.stop()``."""
    dispatcher = Dispatcher(app.db, app.clock, senders, dispatch_settings(app.settings), metrics=app.metrics)
    service = DeliveryService(dispatcher, timedelta(seconds=app.settings.delivery.wake_seconds))
    app.wake_delivery = service.wake
    await service.start()
    return service
