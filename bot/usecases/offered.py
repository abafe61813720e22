"""Typing instead of tapping: the buttons a person was last offered, and which one a typed answer names."""

from __future__ import annotations

from datetime import datetime

from bot import actions as act
from bot.conversation.messages import Reply
from bot.geo import normalise_place
from storage.unit import Unit


def same_label(typed: str, label: str) -> bool:
    """A typed answer names a button when it reads the same with case, accents, punctuation and
    emoji ignored: "sign up" = "Sign up", "deutsch" = "Deutsch", "no limit" = "No limit"."""
    key = normalise_place(typed)
    return bool(key) and key == normalise_place(label)


def pressable(reply: Reply) -> list[tuple[str, str]]:
    """The (label, token) pairs of a reply's buttons that a typed label may press later: not a
    dialog's own (a dialog matches its buttons while it runs), nor anything this core cannot decode."""
    pairs = []
    for row in reply.buttons:
        for button in row:
            try:
                action = act.decode(button.token)
            except act.BadToken:
                continue
            if not isinstance(action, act.DialogChoice):
                pairs.append((button.label, button.token))
    return pairs


async def remember_buttons(unit: Unit, person_id: int, buttons: list[tuple[str, str]], now: datetime) -> None:
    """Keep the (label, token) pairs of the last message the person got, replacing earlier ones.
    One statement, as every press pays for it (tests/e2e/test_press_cost.py); a person's last
    answer after /forget or a merge has no buttons, so nothing is kept for someone gone."""
    await unit.offered_buttons.remember(person_id, buttons, now)


async def typed_button(unit: Unit, person_id: int, typed: str) -> str | None:
    """The token of the offered button whose label the person typed, if any (the first of equals)."""
    for label, token in await unit.offered_buttons.get(person_id):
        if same_label(typed, label):
            return token
    return None
