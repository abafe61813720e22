"""The app manifest matches what the adapter does: one slash command, one endpoint, the events it
handles and a scope for every Web API method it calls."""

from __future__ import annotations

from pathlib import Path

import yaml

import adapters.slack
from adapters.slack.app import EVENTS_PATH
from adapters.slack.blocks import SLASH_COMMAND
from tests.e2e.slack.harness import SlackChat

MANIFEST = Path(adapters.slack.__file__).parent / "manifest.yaml"
SCOPES = {  # Web API method -> the bot scope Slack asks for
    "chat.postMessage": "chat:write",
    "chat.update": "chat:write",
    "conversations.open": "im:write",
    "conversations.join": "channels:join",  # a public channel, to share the summary's chart there
    "users.info": "users:read",
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
    "views.publish": None,  # needs no scope: the app publishes its own Home tab
    "auth.test": None,
    "upload": None,
}


def manifest() -> dict:  # type: ignore[type-arg]
    loaded = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_one_slash_command_and_one_endpoint_for_everything() -> None:
    app = manifest()
    [command] = app["features"]["slash_commands"]
    assert command["command"] == SLASH_COMMAND and command["should_escape"] is False
    urls = [
        command["url"],
        app["settings"]["event_subscriptions"]["request_url"],
        app["settings"]["interactivity"]["request_url"],
    ]
    assert all(url.startswith("https://") and url.endswith(EVENTS_PATH) for url in urls)
    assert app["settings"]["interactivity"]["is_enabled"] is True
    assert app["settings"]["event_subscriptions"]["bot_events"] == ["message.im", "app_home_opened", "app_mention"]
    home = app["features"]["app_home"]
    assert home["messages_tab_enabled"] is True and home["messages_tab_read_only_enabled"] is False
    assert home["home_tab_enabled"] is True
    assert len(app["display_information"]["description"]) <= 140


async def test_every_method_the_bot_called_has_its_scope(slack: SlackChat) -> None:
    """A whole sign-up (with the calendar upload) calls every kind of method the adapter uses."""
    scopes = set(manifest()["oauth_config"]["scopes"]["bot"])
    assert "commands" in scopes and "im:history" in scopes  # for /circles and message.im
    assert "app_mentions:read" in scopes  # for app_mention
    await slack.command("language", as_="ada")
    await slack.press("English")
    await slack.command("rsvp")
    await slack.open_home()
    methods = {call.method for call in slack.slack.calls}
    assert methods <= set(SCOPES), methods - set(SCOPES)
    assert {scope for method, scope in SCOPES.items() if scope} <= scopes
