"""Whole flows typed and tapped in Telegram, as people do them."""

from __future__ import annotations

import re

from bot.i18n import Translator, supported_language
from tests.e2e.flows import BERLIN_CIRCLE
from tests.e2e.telegram.harness import BOT_USERNAME, TelegramChat, text_of
from tests.fakes.telegram_api import SentMessage, TgUser

SHARE_LINK = re.compile(rf"https://t\.me/{BOT_USERNAME}\?start=(\w+)")


async def create_circle(chat: TelegramChat, facilitator: TgUser, answers: list[str] | None = None) -> str:
    """``/new`` through the dialog, answering by typing or tapping; publish; returns the share code."""
    await chat.say(facilitator, "/new")
    for answer in answers or BERLIN_CIRCLE:
        if answer.startswith("#"):
            await chat.press_nth(facilitator, int(answer[1:]) - 1)
        else:
            await chat.say(facilitator, answer)
    published = text_of(await chat.press(facilitator, "Publish"))
    link = SHARE_LINK.search(published)
    assert link, published
    return link.group(1)


async def sign_up(
    chat: TelegramChat, learner: TgUser, code: str, goal: str, help_peers: str, custom: str
) -> list[SentMessage]:
    """Arrive by the deep link, tap Sign up and I agree (in the learner's language), answer."""
    t = Translator(supported_language(learner.language_code))
    card = await chat.say(learner, f"/start {code}")
    assert t("Sign up") in card[-1].button_texts, card[-1].button_texts
    await chat.press(learner, t("Sign up"))
    await chat.press(learner, t("I agree"))
    await chat.say(learner, goal)
    await chat.say(learner, help_peers)
    return await chat.say(learner, custom)
