"""Starting the adapter from settings: the API root, the webhook's secret, failures that stop start-up."""

from __future__ import annotations

import logging

import pytest
from aiohttp import ClientSession

from adapters.telegram.app import TelegramAdapter
from adapters.telegram.webhook import WEBHOOK_PATH
from bot.app import Core
from bot.config import ConfigError, TelegramSettings
from bot.conversation.messages import Reply
from bot.server import WebServer
from tests.e2e.telegram.harness import BOT_USERNAME, SECRET, TOKEN, TelegramChat, api_root, running_telegram
from tests.fakes.telegram_api import FakeTelegram


def settings_for(tg: FakeTelegram, **changes: str) -> TelegramSettings:
    values = {"token": TOKEN, "api_base_url": api_root(tg), "webhook_secret": SECRET, **changes}
    return TelegramSettings(**values)


async def test_start_registers_the_share_link_and_the_commands(telegram: TelegramChat, app: Core) -> None:
    assert app.share_link("telegram")("abc123") == f"https://t.me/{BOT_USERNAME}?start=abc123"
    assert [call.method for call in telegram.tg.calls[:3]] == ["getMe", "getMyCommands", "setMyCommands"]
    assert all(command["description"] for command in telegram.tg.commands({"type": "all_private_chats"}))


async def test_a_webhook_secret_telegram_would_refuse_stops_start_up(tg: FakeTelegram, app: Core) -> None:
    adapter = TelegramAdapter(app, settings_for(tg, mode="webhook", webhook_secret="not allowed!"))
    with pytest.raises(ConfigError, match=r"telegram\.webhook_secret"):
        adapter.mount(WebServer("127.0.0.1", 0))


async def test_webhook_mode_needs_the_web_server(tg: FakeTelegram, app: Core) -> None:
    adapter = TelegramAdapter(app, settings_for(tg, mode="webhook", webhook_url=f"https://example.org{WEBHOOK_PATH}"))
    with pytest.raises(RuntimeError, match="mount"):
        await adapter.start()
    assert tg.calls == []


async def test_a_wrong_token_stops_start_up_cleanly(tg: FakeTelegram, app: Core) -> None:
    adapter = TelegramAdapter(app, settings_for(tg, token="999:wrong-Token"))
    with pytest.raises(ConfigError, match=r"^telegram\.token: Telegram rejected the bot token") as refused:
        await adapter.start()
    assert "wrong-Token" not in str(refused.value)
    assert not adapter.application.running
    assert "telegram" not in app.share_links


async def test_neither_the_token_nor_the_webhook_secret_reaches_the_logs(
    tg: FakeTelegram, app: Core, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with running_telegram(app, tg, "webhook") as chat:
        ada = tg.user(1001, "Ada")
        await chat.say(ada, "/start")
        refused = await tg.deliver_webhook(
            tg.build_text_update(ada, "/help"), headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
        )
        tg.fail_next("sendMessage", "server_error")
        await chat.adapter.sender.send("1001", Reply(text="Reminder"))

    assert refused == 403
    # Everything the bot's process logged (the fake Telegram's own debug log aside).
    logged = "\n".join(
        f"{record.getMessage()} {record.exc_text or ''}"
        for record in caplog.records
        if not record.name.startswith("tests.")
    )
    assert "Calling Bot API endpoint" not in logged  # PTB's request log is kept quiet
    assert TOKEN.split(":")[1] not in logged
    assert SECRET not in logged
    assert "refused a webhook request" in logged


async def test_updates_that_arrive_before_the_bot_runs_are_sent_back_for_later(tg: FakeTelegram, app: Core) -> None:
    """Telegram delivers again what was not answered 200, so nothing is lost around a restart."""
    server = WebServer("127.0.0.1", 0)
    adapter = TelegramAdapter(app, settings_for(tg, mode="webhook"))
    adapter.mount(server)
    await server.start()
    try:
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        url = f"{server.base_url}/telegram/webhook"
        async with ClientSession() as http, http.post(url, json={"update_id": 1}, headers=headers) as response:
            assert response.status == 503
    finally:
        await server.stop()
        await adapter.stop()
