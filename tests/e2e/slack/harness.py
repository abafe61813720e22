"""The real Slack adapter against the fake Slack, driven as people would use it.

``running_slack`` starts the adapter on the project's web server (``/slack/events`` on 127.0.0.1)
or in Socket Mode. ``SlackChat`` acts as people: it has the fake Slack send a correctly signed
slash command, direct message or button press to the bot, waits until the adapter has handled that
request (``SlackAdapter.handled``, keyed by the request's own id), then returns what that person saw
meanwhile, as text. No test waits by sleeping.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from adapters.slack.app import EVENTS_PATH, SlackAdapter
from bot.app import Core
from bot.config import SlackSettings
from bot.server import WebServer
from tests.fakes.slack_api import FakeSlack, Posted, Sent, SlackUser

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
HANDLED_WITHIN = 10.0  # seconds; far more than any request takes


def settings_for(slack: FakeSlack, *, socket_mode: bool = False) -> SlackSettings:
    return SlackSettings(
        bot_token=slack.bot_token,
        signing_secret="" if socket_mode else SIGNING_SECRET,
        app_token=slack.app_token if socket_mode else "",
        api_base_url=slack.api_url,
    )


@dataclass
class SlackChat:
    slack: FakeSlack
    adapter: SlackAdapter
    server: WebServer
    speaker: str = "you"

    def person(self, name: str | None = None) -> SlackUser:
        name = (name or self.speaker).strip().lower()
        return self.slack.user(f"U0{name.upper()}", name.capitalize())

    def as_(self, name: str | None) -> SlackUser:
        if name is not None:
            self.speaker = name
        return self.person()

    async def command(self, text: str, *, as_: str | None = None, channel: str | None = None) -> str:
        """``/circles <text>``, in the person's direct message with the bot or in ``channel``."""
        user = self.as_(as_)
        mark = self.slack.mark()
        return await self._settled(user, mark, await self.slack.send_command(user, text, channel=channel))

    async def say(self, text: str, *, as_: str | None = None) -> str:
        """A message in the direct message with the bot."""
        user = self.as_(as_)
        mark = self.slack.mark()
        return await self._settled(user, mark, await self.slack.send_message(user, text))

    async def press(self, label: str, *, as_: str | None = None) -> str:
        """Press the button with this label (or its start) on the latest message that has it."""
        user = self.as_(as_)
        message = self.message_with(label, user)
        mark = self.slack.mark()
        return await self._settled(user, mark, await self.slack.send_action(user, message, label))

    async def open_home(self, *, as_: str | None = None) -> str:
        """The person opens the bot's App Home tab."""
        user = self.as_(as_)
        mark = self.slack.mark()
        return await self._settled(user, mark, await self.slack.send_home_opened(user))

    async def press_home(self, label: str, *, as_: str | None = None, value: str | None = None) -> str:
        """Press a button on the person's App Home tab (``value``: forge what it carries)."""
        user = self.as_(as_)
        mark = self.slack.mark()
        return await self._settled(user, mark, await self.slack.send_home_action(user, label, value=value))

    async def mention(self, text: str, *, channel: str, as_: str | None = None) -> str:
        """``@Circles <text>`` in ``channel``."""
        user = self.as_(as_)
        mark = self.slack.mark()
        return await self._settled(user, mark, await self.slack.send_mention(user, channel, text))

    async def pick(self, channel: str, *, as_: str | None = None) -> str:
        """Choose ``channel`` in the latest conversation picker the person sees."""
        user = self.as_(as_)
        message = next(m for m in reversed(self.slack.visible_to(user)) if m.picker() is not None)
        mark = self.slack.mark()
        return await self._settled(user, mark, await self.slack.send_pick(user, message, channel))

    def message_with(self, label: str, user: SlackUser | None = None) -> Posted:
        user = user or self.person()
        for message in reversed(self.slack.visible_to(user)):
            if message.button(label) is not None:
                return message
        raise LookupError(f"{user.name} sees no button {label!r}")

    async def _settled(self, user: SlackUser, mark: int, sent: Sent) -> str:
        assert sent.status == 200, (sent.status, sent.body)
        assert sent.update_id is not None
        async with asyncio.timeout(HANDLED_WITHIN):
            await self.adapter.handled(sent.update_id)
        return "\n\n".join(self.slack.seen_by(user, mark))


@asynccontextmanager
async def running_slack(app: Core, slack: FakeSlack, *, socket_mode: bool = False) -> AsyncIterator[SlackChat]:
    adapter = SlackAdapter(app, settings_for(slack, socket_mode=socket_mode))
    adapter.homes.settle_seconds = 0  # homes marked by someone's action: drawn at once (see settled())
    server = WebServer("127.0.0.1", 0)
    adapter.mount(server)
    await server.start()
    try:
        slack.app_url = server.base_url + EVENTS_PATH
        await adapter.start()
        try:
            if socket_mode:
                await slack.socket_connected()
            yield SlackChat(slack, adapter, server)
        finally:
            await adapter.stop()
    finally:
        await server.stop()
