"""Typed button actions: every one round-trips through its token and fits Telegram's 64 bytes."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, Literal, get_args, get_origin, get_type_hints

import pytest

from bot.actions import ACTIONS, MAX_ID, MAX_TOKEN_BYTES, Action, AnswerRsvp, BadToken, DialogChoice, decode


def largest(cls: type[Action]) -> Action:
    """The longest token an action can carry in practice: the largest ids, the longest choices."""
    hints = get_type_hints(cls)
    values: dict[str, Any] = {}
    for f in fields(cls):
        kind = hints[f.name]
        if kind is int:
            values[f.name] = MAX_ID
        elif kind is bool:
            values[f.name] = True
        elif get_origin(kind) is Literal:
            values[f.name] = max(get_args(kind), key=lambda choice: len(str(choice)))
        else:
            values[f.name] = "x" * 12  # codes, languages and dialog steps are short words
    return cls(**values)


@pytest.mark.parametrize("verb", sorted(ACTIONS))
def test_every_action_round_trips_and_fits(verb: str) -> None:
    sample = largest(ACTIONS[verb])
    assert decode(sample.token) == sample
    assert len(sample.token.encode()) <= MAX_TOKEN_BYTES


def test_a_dialog_choice_keeps_colons_and_long_zone_names() -> None:
    choice = DialogChoice("zone", "America/Argentina/ComodRivadavia")
    assert decode(choice.token) == choice
    assert len(choice.token.encode()) <= MAX_TOKEN_BYTES
    assert decode("d:time:18:00") == DialogChoice("time", "18:00")


@pytest.mark.parametrize(
    "forged",
    ["", "nosuchverb:1", "rsvp:12", "rsvp:12:maybe", "rsvp:x:y", "rsvp:99999999999:y", "rsvp::y", "team:1", "rate:3:9"],
)
def test_forged_tokens_are_refused(forged: str) -> None:
    with pytest.raises(BadToken):
        decode(forged)


def test_readable_tokens() -> None:
    assert AnswerRsvp(12, attending=True).token == "rsvp:12:y"
