"""One way for a story to act as people, on every platform: the terminal, Telegram and Slack.

A story says what a person types (``say``) and which button they press (``press``), and reads
what that person saw in answer, as text (buttons shown as labels): an edit of the message a button was on starts with
``(updated) ``, a file shows as ``(file: name)``. ``buttons`` lists the labels of the latest
message with buttons a person got. Each driver runs the real adapter of its platform (Telegram
and Slack against their fake servers, over HTTP), so a story proves the same behaviour on all.
"""

from __future__ import annotations

from typing import Protocol

from adapters.console.driver import ConsoleDriver
from adapters.console.sender import ConsoleSender
from bot.app import Core
from bot.conversation.outbound import Sender
from bot.delivery.dispatcher import Dispatcher
from tests.e2e.slack.harness import SlackChat
from tests.e2e.telegram.harness import TelegramChat
from tests.fakes.telegram_api import SentMessage, TgUser


class Driver(Protocol):
    platform: str
    # Whether pressing a button whose answer changes nothing shows no edit (Telegram refuses an
    # edit that changes nothing; the terminal and Slack show the same message again).
    refuses_unchanged_edits: bool

    async def say(self, text: str, *, as_: str) -> str: ...

    async def press(self, label: str, *, as_: str) -> str: ...

    def buttons(self, *, as_: str) -> list[str]: ...

    def external_id(self, name: str) -> str:
        """The person's id on the platform (what the core stores as their identity)."""
        ...

    async def deliver(self, *names: str) -> dict[str, str]:
        """One dispatcher pass through the platform's own sender, as the running bot makes it at
        the app clock's instant; what each of ``names`` received in it."""
        ...


async def _pass(app: Core, platform: str, sender: Sender) -> None:
    await Dispatcher(app.db, app.clock, {platform: sender}).run_pass()


class TerminalDriver:
    platform = "console"
    refuses_unchanged_edits = False

    def __init__(self, chat: ConsoleDriver) -> None:
        self.chat = chat

    async def say(self, text: str, *, as_: str) -> str:
        return await self.chat.say(text, as_=as_)

    async def press(self, label: str, *, as_: str) -> str:
        return await self.chat.press(label, as_=as_)

    def buttons(self, *, as_: str) -> list[str]:
        self.chat.as_(as_)
        return [button.label for button in self.chat.buttons()]

    def external_id(self, name: str) -> str:
        return name

    async def deliver(self, *names: str) -> dict[str, str]:
        marks = {name: len(self.chat.shown.get(name, [])) for name in names}
        await _pass(self.chat.app, self.platform, ConsoleSender(driver=self.chat))
        return {name: "\n\n".join(s.text for s in self.chat.shown.get(name, [])[marks[name] :]) for name in names}


class TelegramDriver:
    """Updates handed to the real adapter (by long polling or webhook) through the fake Bot API."""

    platform = "telegram"
    refuses_unchanged_edits = True

    def __init__(self, chat: TelegramChat) -> None:
        self.chat = chat
        self.people: dict[str, TgUser] = {}

    def person(self, name: str) -> TgUser:
        if name not in self.people:
            self.people[name] = self.chat.tg.user(201 + len(self.people), name.capitalize())
        return self.people[name]

    async def say(self, text: str, *, as_: str) -> str:
        return _shown(await self.chat.say(self.person(as_), text))

    async def press(self, label: str, *, as_: str) -> str:
        user = self.person(as_)
        message, data = self.chat.find_button(user, label)
        answered = await self.chat.press_on(user, message, data)
        # An edit only ever replaces the message the button was on.
        assert all(m.message_id == message["message_id"] for m in answered if m.is_edit), answered
        return _shown(answered)

    def buttons(self, *, as_: str) -> list[str]:
        message = self.chat.latest_with_buttons(self.person(as_).id)
        return [str(b["text"]) for row in message["reply_markup"]["inline_keyboard"] for b in row]

    def external_id(self, name: str) -> str:
        return str(self.person(name).id)

    async def deliver(self, *names: str) -> dict[str, str]:
        tg = self.chat.tg
        marks = {name: len(tg.sent_messages(self.person(name).id)) for name in names}
        await _pass(self.chat.adapter.circles, self.platform, self.chat.adapter.sender)
        return {name: _shown(tg.sent_messages(self.person(name).id)[marks[name] :]) for name in names}


def _shown(messages: list[SentMessage]) -> str:
    shown = []
    for message in messages:
        lines = [("(updated) " if message.is_edit else "") + message.body]
        if message.button_texts:
            lines.append("   ".join(f"[{label}]" for label in message.button_texts))
        if message.file is not None:
            lines.append(f"(file: {message.file.filename})")
        shown.append("\n".join(lines))
    return "\n\n".join(shown)


class SlackDriver:
    """Signed requests from the fake Slack to the real adapter; answers through the fake Web API."""

    platform = "slack"
    refuses_unchanged_edits = False

    def __init__(self, chat: SlackChat) -> None:
        self.chat = chat

    async def say(self, text: str, *, as_: str) -> str:
        """A command is ``/circles <word>``; anything else is a message in the direct message."""
        if text.startswith("/"):
            return await self.chat.command(text[1:], as_=as_)
        return await self.chat.say(text, as_=as_)

    async def press(self, label: str, *, as_: str) -> str:
        return await self.chat.press(label, as_=as_)

    def buttons(self, *, as_: str) -> list[str]:
        person = self.chat.person(as_)
        latest = [m for m in self.chat.slack.visible_to(person) if m.buttons()][-1]
        return [element["text"]["text"] for element in latest.buttons()]

    def external_id(self, name: str) -> str:
        return self.chat.person(name).id

    async def deliver(self, *names: str) -> dict[str, str]:
        mark = self.chat.slack.mark()
        await _pass(self.chat.adapter.circles, self.platform, self.chat.adapter.sender)
        return {name: "\n\n".join(self.chat.slack.seen_by(self.chat.person(name), mark)) for name in names}
