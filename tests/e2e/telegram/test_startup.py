"""Starting the adapter from settings: the API root, the webhook's secret, failures that stop start-up."""

from __future__ import annotations

import pytest
from telegram.error import InvalidToken

from adapters.telegram.app import TelegramAdapter
from adapters.telegram.webhook import WEBHOOK_PATH
from bot.app import Circles
from bot.config import ConfigError, TelegramSettings
from bot.server import WebServer
from tests.e2e.telegram.harness import BOT_USERNAME, SECRET, TOKEN, TelegramChat, api_root
from tests.fakes.telegram_api import FakeTelegram


def settings_for(tg: FakeTelegram, **changes: str) -> TelegramSettings:
    values = {"token": TOKEN, "api_base_url": api_root(tg), "webhook_secret": SECRET, **changes}
    return TelegramSettings(**values)


async def test_start_registers_the_share_link_and_the_commands(telegram: TelegramChat, app: Circles) -> None:
    assert app.share_link("telegram")("abc123") == f"https://t.me/{BOT_USERNAME}?start=abc123"
    assert [call.method for call in telegram.tg.calls[:2]] == ["getMe", "setMyCommands"]
    assert all(command["description"] for command in telegram.tg.commands())


async def test_a_webhook_secret_telegram_would_refuse_stops_start_up(tg: FakeTelegram, app: Circles) -> None:
    adapter = TelegramAdapter(app, settings_for(tg, mode="webhook", webhook_secret="not allowed!"))
    with pytest.raises(ConfigError, match="telegram.webhook_secret"):
        adapter.mount(WebServer("127.0.0.1", 0))


async def test_webhook_mode_needs_the_web_server(tg: FakeTelegram, app: Circles) -> None:
    adapter = TelegramAdapter(app, settings_for(tg, mode="webhook", webhook_url=f"https://example.org{WEBHOOK_PATH}"))
    with pytest.raises(RuntimeError, match="mount"):
        await adapter.start()
    assert tg.calls == []


async def test_a_wrong_token_stops_start_up_cleanly(tg: FakeTelegram, app: Circles) -> None:
    adapter = TelegramAdapter(app, settings_for(tg, token="999:wrong"))
    with pytest.raises(InvalidToken):
        await adapter.start()
    assert not adapter.application.running
    assert "telegram" not in app.share_links
