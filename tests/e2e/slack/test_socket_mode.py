"""Socket Mode (``slack.app_token``): the same bot over a real WebSocket, no public address."""

from __future__ import annotations

from aiohttp import ClientSession

from bot.app import Core
from tests.e2e.slack.harness import running_slack
from tests.fakes.slack_api import FakeSlack


async def test_the_bot_works_over_socket_mode(app: Core, fake_slack: FakeSlack) -> None:
    async with running_slack(app, fake_slack, socket_mode=True) as slack:
        opened = fake_slack.calls_to("apps.connections.open")
        assert [c.token for c in opened] == [fake_slack.app_token]

        # A slash command, a direct message and a button press, each an envelope acknowledged.
        assert "Circles runs learning circles" in await slack.command("help", as_="fiona")
        assert "Which language should I speak with you?" in await slack.say("language")
        assert "From now on I will speak English with you." in await slack.press("English")
        assert len(fake_slack.acks) == 3

        async with ClientSession() as http:
            # No HTTP endpoint for Slack in Socket Mode: nothing unverified can come in that way.
            async with http.post(slack.server.base_url + "/slack/events", data=b"{}") as response:
                assert response.status in (404, 405)
            async with http.get(slack.server.base_url + "/healthz") as response:
                health = await response.json()
        assert health["checks"]["slack"] == "ok"
    assert fake_slack.acks  # closed cleanly after
