"""``python -m bot dispatch [--now ISO-8601] [--dry-run]``: one pass of everything due, then exit."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TextIO

from bot.clock import Clock
from bot.config import Settings
from bot.conversation.messages import Reply
from bot.conversation.outbound import Sender
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.service import dispatch_settings, sending_accounts
from domain.delivery import Drop
from storage.db import Database
from storage.leases import SendingLease, sending_lease

# How long ``dispatch`` waits for the sending lease: a process killed a moment ago may still hold
# it until PostgreSQL has closed its session.
LEASE_WAIT_SECONDS = 10.0


def parse_instant(text: str) -> datetime:
    """An ISO-8601 instant; one without an offset is taken as UTC."""
    try:
        instant = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"not an ISO-8601 date and time: {text!r} (e.g. 2026-12-05T18:00:00+01:00)") from None
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)


async def dispatch(
    db: Database,
    clock: Clock,
    senders: Mapping[str, Sender],
    settings: Settings,
    *,
    dry_run: bool = False,
    out: TextIO | None = None,
) -> int:
    out = out or sys.stdout
    now = clock.now().isoformat()
    if dry_run:
        dispatcher = Dispatcher(db, clock, senders, dispatch_settings(settings))
        report = await dispatcher.dry_run()
        out.write(f"dry run as of {now}: {len(report.would_send)} message(s) due; nothing is sent or changed\n")
        for row, where, what in report.would_send:
            out.write(f"\n[{row.key}] to person {row.person_id} at {where}\n{_describe(what)}\n")
        out.flush()
        return 0
    # Like ``run``, a pass sends only while it holds the sending lease (docs/scaling.md).
    lease = sending_lease(db.engine, sending_accounts(senders))
    try:
        if not await _wait_for(lease):
            out.write(f"dispatch as of {now}: another instance is sending; nothing sent\n")
            out.flush()
            return 1
        dispatcher = Dispatcher(db, clock, senders, dispatch_settings(settings), lease=lease)
        report = await dispatcher.run_pass()
    finally:
        await lease.release()
    out.write(f"dispatch as of {now}: {report.summary()}\n")
    out.flush()
    return 0


async def _wait_for(lease: SendingLease) -> bool:
    for _ in range(int(LEASE_WAIT_SECONDS / 0.2)):
        if await lease.acquire():
            return True
        await asyncio.sleep(0.2)
    return await lease.acquire()


def _describe(what: Reply | Drop | str) -> str:
    if isinstance(what, Reply):
        buttons = " ".join(f"[{b.label}]" for row in what.buttons for b in row)
        return what.text + (f"\n{buttons}" if buttons else "")
    if isinstance(what, Drop):
        return f"(not sent: {what.reason})"
    return what
