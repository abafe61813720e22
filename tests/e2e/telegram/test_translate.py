"""Recorded Telegram updates (``payloads/*.json``) become the core's ``Incoming``: who acts, in which
chat, saying what — or nothing, for what is not addressed to the bot. One row per recorded update."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from telegram import Update

from adapters.telegram.translate import to_incoming
from bot.conversation.messages import Incoming, Location

PAYLOADS = Path(__file__).parent / "payloads"
BOT = "circles_test_bot"
ADA = Incoming(platform="telegram", user_id="1001", chat_id="1001", user_name="Ada Lovelace", language="pt-br")
IN_GROUP = replace(ADA, chat_id="-1001234567890", in_group=True)

EXPECTED: dict[str, Incoming | None] = {
    "private_text": replace(ADA, text="Python for Everybody", update_id="900000001"),
    "command_with_arguments": replace(ADA, command="start", args="abc123", update_id="900000002"),
    "command_for_this_bot_in_group": replace(IN_GROUP, command="help", update_id="900000003"),
    "command_for_another_bot_in_group": None,
    "group_text": replace(IN_GROUP, text="Who is coming on Monday?", update_id="900000005"),
    "location": replace(ADA, location=Location(52.52, 13.405), update_id="900000006"),
    # The acting person is whoever pressed, never anything carried in the button's data.
    "callback_query": replace(ADA, action="rsvp:17:y", update_id="900000007"),
    # A photo in the private chat: the core answers that it did not understand the caption.
    "photo_with_caption": replace(ADA, text="our venue", update_id="900000008"),
    "edited_message": None,
    "message_from_a_bot": None,
    "member_joined_group": None,
    "command_from_a_user_without_language": Incoming(
        platform="telegram", user_id="1002", chat_id="1002", user_name="Bob", command="rsvp", update_id="900000012"
    ),
}


def test_every_recorded_update_has_an_expectation() -> None:
    assert sorted(path.stem for path in PAYLOADS.glob("*.json")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_recorded_update_translates_to_the_expected_incoming(name: str) -> None:
    update = Update.de_json(json.loads((PAYLOADS / f"{name}.json").read_text()), None)

    assert to_incoming(update, BOT) == EXPECTED[name]
