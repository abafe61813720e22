"""Every kind of outbox message: how it renders and what it needs loaded first."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from bot.conversation.messages import Reply
from bot.delivery import attendance, circle_end, covers, summaries
from bot.delivery import messages as basics
from bot.delivery.messages import Snapshot
from bot.i18n import Translator
from domain.delivery import Drop
from storage.outbox import OutboxRow
from storage.unit import Unit

log = logging.getLogger(__name__)

Renderer = Callable[[OutboxRow, Snapshot, Translator], Reply | Drop]
Loader = Callable[[Unit, Sequence[OutboxRow], Snapshot], Awaitable[None]]

RENDERERS: dict[str, Renderer] = {
    **basics.RENDERERS,
    **circle_end.RENDERERS,
    **summaries.RENDERERS,
    **attendance.RENDERERS,
    **covers.RENDERERS,
}
LOADERS: dict[str, Loader] = {**circle_end.LOADERS, **summaries.LOADERS, **attendance.LOADERS, **covers.LOADERS}


async def load_snapshot(unit: Unit, rows: Sequence[OutboxRow], now: datetime) -> Snapshot:
    """The common snapshot of a batch, then each kind's loader for its rows.

    A loader that fails is run again for each of its rows alone, so that one row it cannot load
    (``snap.errors``) does not keep the others of its kind from going out. Each run is inside a
    savepoint: on PostgreSQL a failed query would otherwise end the whole transaction.
    """
    snap = await basics.load_snapshot(unit, rows, now)
    for loader in dict.fromkeys(LOADERS.values()):
        kinds = {kind for kind, known in LOADERS.items() if known is loader}
        mine = [row for row in rows if row.kind in kinds]
        if mine and not await _load(unit, loader, mine, snap) and len(mine) > 1:
            log.warning("loading %d outbox rows of %s failed; loading them one by one", len(mine), sorted(kinds))
            for row in mine:
                await _load(unit, loader, [row], snap)
    return snap


async def _load(unit: Unit, loader: Loader, rows: list[OutboxRow], snap: Snapshot) -> bool:
    try:
        async with unit.conn.begin_nested():
            await loader(unit, rows, snap)
    except Exception as error:
        if len(rows) == 1:
            log.exception("loading outbox row %s (%s) failed", rows[0].id, rows[0].key)
            snap.errors[rows[0].id] = f"{type(error).__name__}: {error}"
        return False
    return True


def render(row: OutboxRow, snap: Snapshot, t: Translator) -> Reply | Drop:
    renderer = RENDERERS.get(row.kind)
    if renderer is None:
        return Drop(f"unknown kind {row.kind}")
    return renderer(row, snap, t)
