"""Starting Slack from settings: the share link, a refused token, Socket Mode without a public
address, secrets kept out of the logs, and ``python -m bot run`` serving Slack."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket

import pytest

from adapters.slack.app import SlackAdapter
from bot import __main__ as cli
from bot.app import Core
from bot.config import ConfigError, ServerSettings, Settings
from bot.conversation.messages import Reply
from bot.server import WebServer
from storage.db import Database
from tests.e2e.slack.harness import SIGNING_SECRET, SlackChat, running_slack, settings_for
from tests.fakes.slack_api import FakeSlack


async def test_start_checks_the_token_and_registers_the_share_link(slack: SlackChat, app: Core) -> None:
    assert slack.slack.calls[0].method == "auth.test"
    assert app.share_link("slack")("abc123") == "/circles start abc123"
    assert slack.adapter.bot_user_id == FakeSlack.bot_user_id


async def test_a_refused_token_stops_start_up_cleanly(fake_slack: FakeSlack, app: Core) -> None:
    settings = settings_for(fake_slack)
    settings.bot_token = "xoxb-wrong-token"
    adapter = SlackAdapter(app, settings)
    with pytest.raises(
        ConfigError, match=r"^slack\.bot_token: Slack refused the bot token \(invalid_auth\)"
    ) as refused:
        await adapter.start()
    assert "wrong-token" not in str(refused.value)
    assert adapter._session is None  # closed again


async def test_without_a_signing_secret_or_an_app_token_nothing_starts(fake_slack: FakeSlack, app: Core) -> None:
    settings = settings_for(fake_slack)
    settings.signing_secret = ""
    server = WebServer("127.0.0.1", 0)
    adapter = SlackAdapter(app, settings)
    adapter.mount(server)  # no route: nothing could verify Slack's requests
    assert not any(r.resource and r.resource.canonical == "/slack/events" for r in server.app.router.routes())
    with pytest.raises(ConfigError, match=r"slack\.signing_secret"):
        await adapter.start()
    assert fake_slack.calls == []


async def test_no_secret_reaches_the_logs(fake_slack: FakeSlack, app: Core, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with running_slack(app, fake_slack) as slack:
        await slack.command("help", as_="ada")
        ada = slack.person("ada")
        await fake_slack.post_to_app("text=help", "application/x-www-form-urlencoded", fake_slack.sign("x"))
        fake_slack.fail("chat.postMessage", status=503)
        await slack.adapter.sender.send(ada.dm, Reply(text="Reminder"))
    logged = "\n".join(
        f"{record.getMessage()} {record.exc_text or ''}"
        for record in caplog.records
        if not record.name.startswith("tests.")
    )
    for secret in (fake_slack.bot_token, SIGNING_SECRET, fake_slack.app_token):
        assert secret not in logged


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_run_serves_slack_next_to_the_other_platforms(
    fake_slack: FakeSlack, db: Database, database_url: str
) -> None:
    """``python -m bot run`` with only Slack configured: /slack/events on the configured port."""
    settings = Settings(server=ServerSettings("127.0.0.1", free_port()), slack=settings_for(fake_slack))
    settings.database.url = database_url  # ``db`` emptied it first
    running = asyncio.create_task(cli._serve_platforms(settings))
    try:
        await fake_slack.wait_for(lambda: bool(fake_slack.calls_to("auth.test")), within=20)
        fake_slack.app_url = f"http://127.0.0.1:{settings.server.port}/slack/events"
        ada = fake_slack.user("U0ADA", "Ada")
        sent = await fake_slack.send_command(ada, "help")
        assert sent.status == 200
        await fake_slack.wait_for(lambda: bool(fake_slack.messages_in(ada.dm)))
        assert "Circles runs learning circles" in fake_slack.last_message(ada.dm).plain()
    finally:
        os.kill(os.getpid(), signal.SIGTERM)  # what a process manager does; run() stops in order
        async with asyncio.timeout(20):
            await running
