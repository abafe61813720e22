"""Telegram updates to the core's Incoming: who acts, in which chat, saying what."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Update

from adapters.telegram.translate import to_incoming
from bot.conversation.messages import Incoming, Location
from tests.fakes.telegram_api import FakeTelegram

BOT = "circles_test_bot"


@pytest.fixture
def tg() -> FakeTelegram:
    return FakeTelegram(bot_username=BOT)  # only its update builders are used: nothing listens


def incoming(data: dict[str, Any]) -> Incoming | None:
    return to_incoming(Update.de_json(data, None), BOT)


def test_a_command_with_its_arguments(tg: FakeTelegram) -> None:
    ada = tg.user(1001, "Ada", last_name="Lovelace", language_code="pt-br")
    update = tg.build_text_update(ada, "/START  abc123 ")

    event = incoming(update)

    assert event == Incoming(
        platform="telegram",
        user_id="1001",
        chat_id="1001",
        user_name="Ada Lovelace",
        language="pt-br",
        command="start",
        args="abc123",
        update_id=str(update["update_id"]),
    )


def test_commands_addressed_to_this_bot_or_to_none_count_and_others_do_not(tg: FakeTelegram) -> None:
    ada = tg.user(1001, "Ada")
    group = tg.group(-300, "Circle")

    ours = incoming(tg.build_text_update(ada, "/help@Circles_Test_Bot", group))
    anyone = incoming(tg.build_text_update(ada, "/browse Berlin", group))
    theirs = incoming(tg.build_text_update(ada, "/help@other_bot", group))

    assert ours is not None and (ours.command, ours.in_group, ours.chat_id) == ("help", True, "-300")
    assert anyone is not None and (anyone.command, anyone.args) == ("browse", "Berlin")
    assert theirs is None


def test_text_location_and_button(tg: FakeTelegram) -> None:
    ada = tg.user(1001, "Ada", language_code=None)
    typed = incoming(tg.build_text_update(ada, "Python for Everybody"))
    shared = incoming(tg.build_location_update(ada, 52.52, 13.405))
    bots_message = {"message_id": 5, "date": 0, "chat": ada.private_chat.to_dict(), "from": tg.bot_user, "text": "?"}
    query = {"id": "7", "from": ada.to_dict(), "chat_instance": "1", "data": "rsvp:1:y", "message": bots_message}
    pressed = incoming({"update_id": 9, "callback_query": query})

    assert typed is not None and (typed.text, typed.command, typed.language) == ("Python for Everybody", None, None)
    assert shared is not None and shared.location == Location(52.52, 13.405)
    assert pressed is not None and (pressed.action, pressed.user_id, pressed.chat_id) == ("rsvp:1:y", "1001", "1001")


def test_what_is_not_for_the_core_is_dropped(tg: FakeTelegram) -> None:
    ada = tg.user(1001, "Ada")
    group = tg.group(-300, "Circle")
    edited = tg.build_text_update(ada, "/start")
    edited["edited_message"] = edited.pop("message")
    from_a_bot = tg.build_text_update(ada, "/start")
    from_a_bot["message"]["from"] = {"id": 5, "is_bot": True, "first_name": "Other bot"}
    joined = tg.build_text_update(ada, "x", group)
    del joined["message"]["text"]
    joined["message"]["new_chat_members"] = [ada.to_dict()]

    assert incoming(edited) is None
    assert incoming(from_a_bot) is None
    assert incoming(joined) is None
