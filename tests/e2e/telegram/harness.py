"""The real Telegram adapter against the fake Bot API server, driven as people would use it.

``running_telegram`` starts the adapter (polling or webhook) and the project's web server on
127.0.0.1. ``TelegramChat`` acts as users: it hands the fake an update (queued for getUpdates,
or POSTed to the webhook with the secret, as Telegram does) and waits until the application has
handled it, then returns what the bot sent or edited meanwhile. Nothing in the bot is patched;
the only test-side addition is an observer in a later handler group that notes each update
once the adapter is done with it, so no test waits by sleeping.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field, replace
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes, TypeHandler

from adapters.telegram.app import TelegramAdapter
from adapters.telegram.sender import LIMITS
from adapters.telegram.webhook import WEBHOOK_PATH
from bot.app import Core
from bot.config import TelegramSettings
from bot.conversation.outbound import PlatformLimits
from bot.server import WebServer
from tests.fakes.telegram_api import FakeTelegram, SentMessage, TgChat, TgUser

TOKEN = "123456:TEST-token_for-the-fake"
SECRET = "s3cret-Token_for_the-tests"
BOT_USERNAME = "circles_test_bot"
JsonDict = dict[str, Any]
# Telegram's limits without the per-chat pacing (see running_telegram).
UNPACED_CHATS = replace(LIMITS, per_chat_per_second=None, per_group_per_minute=None)


def api_root(tg: FakeTelegram) -> str:
    """The fake's root URL: what ``TELEGRAM_API_BASE_URL`` would be set to."""
    return f"http://127.0.0.1:{tg.port}"


def text_of(messages: list[SentMessage]) -> str:
    return "\n\n".join(message.body for message in messages)


@dataclass
class TelegramChat:
    tg: FakeTelegram
    adapter: TelegramAdapter
    server: WebServer
    mode: str
    processed: Counter[int] = field(default_factory=Counter)
    errors: list[BaseException] = field(default_factory=list)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    # ------------------------------------------------------------ plumbing

    async def observe(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        self.processed[update.update_id] += 1
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def note_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if context.error is not None:
            self.errors.append(context.error)

    async def wait_processed(self, update_id: int, count: int = 1, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.processed[update_id] < count:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"update {update_id} was not handled within {timeout}s")
            changed = self._changed
            with suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    async def deliver(self, update: JsonDict, *, times: int = 1) -> None:
        """Hand ``update`` to the bot ``times`` times, as Telegram would, and wait until handled."""
        for _ in range(times):
            if self.mode == "webhook":
                status = await self.tg.deliver_webhook(update)
                assert status == 200, status
            else:
                self.tg.queue_update(update)
        await self.wait_processed(update["update_id"], count=self.processed[update["update_id"]] + times)

    async def _act(self, update: JsonDict) -> list[SentMessage]:
        mark = len(self.tg.sent_messages())
        await self.deliver(update)
        return self.tg.sent_messages()[mark:]

    # ------------------------------------------------------------ acting as people

    async def say(self, user: TgUser, text: str, chat: TgChat | None = None) -> list[SentMessage]:
        """``user`` writes ``text``; returns the bot's messages and edits in answer."""
        return await self._act(self.tg.build_text_update(user, text, chat))

    async def share_location(self, user: TgUser, latitude: float, longitude: float) -> list[SentMessage]:
        return await self._act(self.tg.build_location_update(user, latitude, longitude))

    async def press(self, user: TgUser, label: str, chat: TgChat | None = None) -> list[SentMessage]:
        """Press the button whose label starts with ``label`` on the latest message that has one."""
        message, data = self.find_button(user, label, chat)
        return await self.press_on(user, message, data)

    async def press_nth(self, user: TgUser, index: int) -> list[SentMessage]:
        """Press the ``index``-th button (from 0) of the latest message with buttons."""
        message = self.latest_with_buttons(user.id)
        buttons = [b for row in message["reply_markup"]["inline_keyboard"] for b in row]
        return await self.press_on(user, message, buttons[index]["callback_data"])

    async def press_forged(self, user: TgUser, data: str) -> list[SentMessage]:
        """A modified client sends ``data`` for a button of the latest message, which never had it."""
        message = self.latest_with_buttons(user.id)
        update = self.tg.build_callback_update(user, message, data, strict=False)
        answered = await self._act(update)
        self.assert_answered(update)
        return answered

    async def press_on(self, user: TgUser, message: JsonDict | SentMessage, data: str) -> list[SentMessage]:
        """``user`` presses the button with ``data`` on ``message``."""
        update = self.tg.build_callback_update(user, message, data)
        answered = await self._act(update)
        self.assert_answered(update)
        return answered

    def assert_answered(self, update: JsonDict) -> None:
        query_id = update["callback_query"]["id"]
        assert query_id in self.tg.callback_answers, "the button's callback query was not answered"

    def latest_with_buttons(self, chat_id: int) -> JsonDict:
        for message in reversed(self.tg.chat_history(chat_id)):
            if message["from"]["id"] == self.tg.bot_id and message.get("reply_markup", {}).get("inline_keyboard"):
                return message
        raise AssertionError(f"no message with buttons in chat {chat_id}")

    def find_button(self, user: TgUser, label: str, chat: TgChat | None = None) -> tuple[JsonDict, str]:
        chat_id = chat.id if chat is not None else user.id
        wanted = label.casefold()
        for message in reversed(self.tg.chat_history(chat_id)):
            if message["from"]["id"] != self.tg.bot_id:
                continue
            for row in message.get("reply_markup", {}).get("inline_keyboard", []):
                for button in row:
                    shown = str(button["text"]).removeprefix("✓ ").casefold()
                    if shown.startswith(wanted) and "callback_data" in button:
                        return message, str(button["callback_data"])
        raise AssertionError(f"{user.first_name} sees no button {label!r} in chat {chat_id}")


@asynccontextmanager
async def running_telegram(
    circles: Core, tg: FakeTelegram, mode: str, limits: PlatformLimits = UNPACED_CHATS
) -> AsyncIterator[TelegramChat]:
    """The adapter and the web server, started as ``python -m bot run`` starts them.

    People in these stories answer at machine speed, far above one message a second in a chat,
    and the fake enforces no flood limits unless asked: so the chats' own pacing is left out here
    (``limits``) and tested on its own (tests/e2e/telegram/test_interactive.py, with Telegram's
    limits on both sides)."""
    settings = TelegramSettings(token=TOKEN, api_base_url=api_root(tg), mode=mode, webhook_secret=SECRET)
    server = WebServer("127.0.0.1", 0)
    adapter = TelegramAdapter(circles, settings, limits=limits)
    adapter.mount(server)
    chat = TelegramChat(tg, adapter, server, mode)
    adapter.application.add_handler(TypeHandler(Update, chat.observe), group=1)
    adapter.application.add_error_handler(chat.note_error)
    await server.start()
    try:
        settings.webhook_url = f"{server.base_url}{WEBHOOK_PATH}"
        await adapter.start()
        yield chat
    finally:
        await server.stop()  # in the order `python -m bot run` stops
        await adapter.stop()
    assert not chat.errors, f"the adapter raised: {chat.errors!r}"
