"""Every kind of outbox message: how it renders and what it needs loaded first."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from bot.conversation.messages import Reply
from bot.delivery import circle_end, summaries
from bot.delivery import render as basics
from bot.delivery.render import Drop, Snapshot
from bot.i18n import Translator
from storage.outbox import OutboxRow
from storage.unit import Unit

Renderer = Callable[[OutboxRow, Snapshot, Translator], Reply | Drop]
Loader = Callable[[Unit, Sequence[OutboxRow], Snapshot], Awaitable[None]]

RENDERERS: dict[str, Renderer] = {**basics.RENDERERS, **circle_end.RENDERERS, **summaries.RENDERERS}
LOADERS: dict[str, Loader] = {**circle_end.LOADERS, **summaries.LOADERS}


async def load_snapshot(unit: Unit, rows: Sequence[OutboxRow], now: datetime) -> Snapshot:
    snap = await basics.load_snapshot(unit, rows, now)
    for loader in dict.fromkeys(LOADERS.values()):
        kinds = {kind for kind, known in LOADERS.items() if known is loader}
        mine = [row for row in rows if row.kind in kinds]
        if mine:
            await loader(unit, mine, snap)
    return snap


def render(row: OutboxRow, snap: Snapshot, t: Translator) -> Reply | Drop:
    renderer = RENDERERS.get(row.kind)
    if renderer is None:
        return Drop(f"unknown kind {row.kind}")
    return renderer(row, snap, t)
