"""Browsing by shared location, groups, languages and awkward input, in Telegram."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.i18n import Translator
from storage.db import Database
from storage.tables import people
from tests.e2e.flows import BERLIN_CIRCLE
from tests.e2e.telegram.flows import create_circle
from tests.e2e.telegram.harness import BOT_USERNAME, TelegramChat, text_of


async def test_browse_by_shared_location_lists_the_nearest_circles_first(telegram: TelegramChat) -> None:
    tg = telegram.tg
    await create_circle(telegram, tg.user(101, "Fiona"))
    hamburg = list(BERLIN_CIRCLE)
    hamburg[0], hamburg[7] = "Statistics", "Hamburg"
    await create_circle(telegram, tg.user(104, "Gina"), hamburg)
    carol = tg.user(105, "Carol")

    [question] = await telegram.say(carol, "/browse")
    keyboard = question.params["reply_markup"]
    assert keyboard["keyboard"] == [[{"text": "📍 Share my location", "request_location": True}]]
    assert keyboard["one_time_keyboard"] is True

    # Carol is in Potsdam: Berlin (about 27 km) comes before Hamburg (about 250 km).
    [results] = await telegram.share_location(carol, 52.3906, 13.0645)
    assert results.button_texts == ["Python for Everybody", "Statistics"]
    assert "km away" in results.body
    assert results.body.index("Python for Everybody") < results.body.index("Statistics")

    # The location keyboard goes away with the next plain answer.
    [help_text] = await telegram.say(carol, "/help")
    assert help_text.params["reply_markup"] == {"remove_keyboard": True}


async def test_in_a_group_the_bot_answers_commands_to_it_and_sends_personal_flows_to_a_private_chat(
    telegram: TelegramChat, db: Database
) -> None:
    tg = telegram.tg
    alice = tg.user(102, "Alice")
    group = tg.group(-300, "Python learners")

    help_text = text_of(await telegram.say(alice, f"/help@{BOT_USERNAME}", chat=group))
    assert "/browse" in help_text

    [refused] = await telegram.say(alice, f"/rsvp@{BOT_USERNAME}", chat=group)
    assert "private chat" in refused.body
    assert refused.chat_id == group.id
    assert refused.buttons == [{"text": "Open a private chat with me", "url": f"https://t.me/{BOT_USERNAME}"}]

    # Commands for other bots, and chatter, are not answered.
    assert await telegram.say(alice, "/help@some_other_bot", chat=group) == []
    assert await telegram.say(alice, "Has anyone done chapter 3?", chat=group) == []
    assert [m.chat_id for m in tg.sent_messages()] == [group.id, group.id]

    # The group's id is not taken as Alice's chat: the bot can still reach her privately.
    await telegram.say(alice, "/start")
    async with db.transaction() as conn:
        names = list((await conn.execute(select(people.c.name))).scalars())
    assert names == ["Alice"]


@pytest.mark.parametrize(
    ("code", "stored", "greeting"),
    [
        ("en", "en", "Hello Dana! I am Circles."),
        ("de", "de", "Hallo Dana!"),
        ("de-AT", "de", "Hallo Dana!"),
        ("pt-br", "en", "Hello Dana! I am Circles."),  # no Portuguese catalogue yet: English
        (None, "en", "Hello Dana! I am Circles."),
    ],
)
async def test_a_persons_language_comes_from_telegram_at_first_contact(
    telegram: TelegramChat, db: Database, code: str | None, stored: str, greeting: str
) -> None:
    tg = telegram.tg
    person = tg.user(110, "Dana", language_code=code)

    [hello] = await telegram.say(person, "/start")

    assert hello.body.startswith(greeting)
    async with db.transaction() as conn:
        language = (await conn.execute(select(people.c.language))).scalar_one()
    assert language == stored


async def test_text_that_looks_like_markup_arrives_as_typed(telegram: TelegramChat) -> None:
    tg = telegram.tg
    fiona = tg.user(101, "Fiona")
    name = "<b>C++ & *Rust*</b> [x](y) _under_ `code`"
    answers = list(BERLIN_CIRCLE)
    answers[2] = name  # the circle's name, instead of the course title
    code = await create_circle(telegram, fiona, answers)

    [card] = await telegram.say(tg.user(102, "Alice"), f"/start {code}")

    assert name in card.body
    assert card.parse_mode is None


async def test_stickers_and_photos_get_a_polite_answer(telegram: TelegramChat) -> None:
    tg = telegram.tg
    alice = tg.user(102, "Alice")
    update = tg.build_text_update(alice, "placeholder")
    message = update["message"]
    del message["text"]
    message["sticker"] = {
        "file_id": "sticker-1",
        "file_unique_id": "s1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    mark = len(tg.sent_messages())

    await telegram.deliver(update)

    assert "I did not understand that." in tg.sent_messages()[mark].body


async def test_labels_the_adapter_adds_follow_the_language_chosen_with_language(telegram: TelegramChat) -> None:
    tg = telegram.tg
    alice = tg.user(102, "Alice", language_code="en")
    group = tg.group(-300, "Python learners")
    await telegram.say(alice, "/language")
    await telegram.press(alice, "Deutsch")
    [refused] = await telegram.say(alice, f"/rsvp@{BOT_USERNAME}", chat=group)
    de = Translator("de")
    assert refused.body.startswith(de("Let's do that in a private chat with me, so that your answers stay yours."))
    assert refused.buttons == [{"text": de("Open a private chat with me"), "url": f"https://t.me/{BOT_USERNAME}"}]
    assert de("Open a private chat with me") != "Open a private chat with me"
