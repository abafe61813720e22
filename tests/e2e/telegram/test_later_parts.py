"""The Telegram sender's later-part wait goes through the adapter kit's injectable sleep: a long
wait asked by flood control is asserted, not waited for."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from adapters.telegram.sender import TelegramSender
from bot.conversation.messages import Reply
from bot.conversation.outbound import Outcome
from tests.e2e.telegram.harness import TOKEN
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*")

LONG = Reply(text="A" * 4000 + "\n\n" + "B" * 100)  # two messages


class Sleeps(list[float]):
    """An injected ``sleep`` that only records what it was asked to wait."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    bot = Bot(TOKEN, base_url=tg.base_url)
    await bot.initialize()
    yield bot
    await bot.shutdown()


async def test_a_long_wait_on_a_later_part_is_slept_through_the_injected_sleep(tg: FakeTelegram, bot: Bot) -> None:
    slept = Sleeps()
    tg.fail_next("sendMessage", "retry_after", chat_id=102, retry_after=45, skip=1)
    result = await TelegramSender(bot, sleep=slept).send("102", LONG)

    assert result.outcome is Outcome.SENT
    assert slept == [45.0]
    assert [m.body for m in tg.sent_messages(102)] == ["A" * 4000, "B" * 100]


async def test_a_wait_past_the_cap_is_reported_with_how_far_the_parts_got(tg: FakeTelegram, bot: Bot) -> None:
    slept = Sleeps()
    tg.fail_next("sendMessage", "retry_after", chat_id=102, retry_after=61, skip=1)
    result = await TelegramSender(bot, sleep=slept).send("102", LONG)

    assert slept == []
    assert result.outcome is Outcome.RETRY_AFTER and result.retry_after == 61.0
    assert result.error is not None and result.error.endswith("(after 1 of 2 parts went out)")
    assert [m.body for m in tg.sent_messages(102)] == ["A" * 4000]
