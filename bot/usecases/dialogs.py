"""Where a person stands in a dialog: the state the DialogRunner keeps between their answers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from domain.dialogs import DialogState
from storage.unit import Unit

__all__ = ["DialogState", "cancel_dialog", "dialog_state", "end_dialog", "finish_dialog", "save_dialog"]


async def dialog_state(unit: Unit, person_id: int) -> DialogState | None:
    """The dialog the person is in, if any."""
    return await unit.dialogs.get(person_id)


async def save_dialog(unit: Unit, person_id: int, state: DialogState, now: datetime) -> None:
    await unit.dialogs.save(person_id, state, now)


async def end_dialog(unit: Unit, person_id: int) -> None:
    await unit.dialogs.clear(person_id)


async def cancel_dialog(unit: Unit, person_id: int) -> bool:
    """Leave the person's dialog; False when they were in none."""
    if await unit.dialogs.get(person_id) is None:
        return False
    await unit.dialogs.clear(person_id)
    return True


async def finish_dialog(unit: Unit, person_id: int, finish: Callable[[], Awaitable[None]]) -> None:
    """End the person's dialog and run its last step (``finish``) in a savepoint: when the rules
    refuse it, what it had begun is undone, and only that — the caller decides what happens to
    the dialog then (ask again, or say why it stopped)."""
    await unit.dialogs.clear(person_id)
    async with unit.savepoint():
        await finish()
