"""Fixtures for the Telegram end-to-end tests: the fake Bot API server and the running adapter."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import Core
from tests.e2e.telegram.harness import BOT_USERNAME, TOKEN, TelegramChat, running_telegram
from tests.fakes.telegram_api import FakeTelegram


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    # With a token set, the fake answers 401 to any other: every request must reach
    # <root>/bot<token>/<method> with the configured token.
    async with FakeTelegram(bot_username=BOT_USERNAME, token=TOKEN) as fake:
        yield fake


@pytest.fixture
def mode() -> str:
    """How updates reach the bot; a test parametrizes ``mode`` to run in webhook mode too."""
    return "polling"


@pytest.fixture
async def telegram(app: Core, tg: FakeTelegram, mode: str) -> AsyncIterator[TelegramChat]:
    async with running_telegram(app, tg, mode) as chat:
        yield chat
