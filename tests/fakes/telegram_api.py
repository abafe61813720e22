"""A fake Telegram Bot API server for end-to-end tests.

The bot under test talks real HTTP to this server through python-telegram-bot (PTB), configured
with ``base_url=tg.base_url`` and ``base_file_url=tg.base_file_url``. Nothing in the bot is
patched, so the tests exercise the same request encoding, error mapping, polling and webhook code
that production uses.

The fake is deliberately *strict where Telegram is strict* (HTML / MarkdownV2 parsing, the 64-byte
``callback_data`` limit, "message is not modified", answering an unknown callback query, unknown
methods answer 404): those are the mistakes a bot makes in production, so an end-to-end test should
fail on them rather than pass against a forgiving double.

Typical use::

    async with FakeTelegram() as tg:
        app = Application.builder().token(TOKEN).base_url(tg.base_url).build()
        ...
        ada = tg.user(1001, "Ada")
        tg.send_text(ada, "/start")
        await tg.wait_for_calls("sendMessage", 1)
        reply = tg.last_message(ada.id)
        tg.press_button(ada, reply, reply.callback_data("Sign up"))

Everything runs on the test's own event loop; no threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import html
import itertools
import json
import logging
import math
import mimetypes
import re
import struct
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal, Self

from aiohttp import ClientSession, ClientTimeout, web

__all__ = [
    "ApiCall",
    "CallTimeoutError",
    "FailureKind",
    "FakeTelegram",
    "SentMessage",
    "Stats",
    "TgChat",
    "TgUser",
    "UploadedFile",
]

JsonDict = dict[str, Any]
FailureKind = Literal["retry_after", "forbidden", "server_error", "bad_request"]
ChatKey = int | str

_LOG = logging.getLogger(__name__)

# Methods whose successful result is a message the bot "sent" or changed; `sent_messages` lists
# exactly these.
_MESSAGE_METHODS = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
    }
)
# Methods that create a new message and therefore count against Telegram's flood limits.
_RATE_LIMITED_METHODS = frozenset({"sendMessage", "sendDocument", "sendPhoto"})

# PTB posts form data where string parameters are sent raw and everything else JSON-encoded, so
# `text="42"` and `chat_id=42` look identical on the wire. These parameters are always strings and
# must never be JSON-decoded; any other value is decoded when it parses as JSON.
_STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "url",
        "secret_token",
        "ip_address",
        "action",
        "language_code",
        "file_id",
        "emoji",
        "business_connection_id",
        "message_effect_id",
        "description",
        "short_description",
        "name",
        "title",
        "query",
    }
)
# An update type is allowed by default unless it is one of these (Bot API: getUpdates).
_OPT_IN_UPDATE_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_INLINE_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_COMMAND_RE = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?")
_BOT_COMMAND_NAME_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
_MAX_TEXT_LENGTH = 4096
_MAX_CAPTION_LENGTH = 1024
_MAX_CALLBACK_DATA_BYTES = 64


# --------------------------------------------------------------------------------------------
# Value objects handed to tests
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TgUser:
    """A Telegram user driven by a test."""

    id: int
    first_name: str
    username: str | None = None
    language_code: str | None = "en"
    last_name: str | None = None

    def to_dict(self) -> JsonDict:
        """The Bot API `User` object."""
        data: JsonDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data

    @property
    def private_chat(self) -> TgChat:
        """The one-to-one chat between this user and the bot (its id is the user's id)."""
        return TgChat(
            id=self.id,
            type="private",
            first_name=self.first_name,
            last_name=self.last_name,
            username=self.username,
        )


@dataclass(frozen=True)
class TgChat:
    """A chat: private (id = user id) or a group (negative id)."""

    id: int
    type: Literal["private", "group", "supergroup", "channel"]
    title: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    username: str | None = None

    def to_dict(self) -> JsonDict:
        """The Bot API `Chat` object."""
        data: JsonDict = {"id": self.id, "type": self.type}
        for key in ("title", "first_name", "last_name", "username"):
            value = getattr(self, key)
            if value:
                data[key] = value
        return data


@dataclass
class UploadedFile:
    """A file the bot uploaded (sendDocument / sendPhoto), kept byte for byte."""

    filename: str
    content: bytes
    mime_type: str
    file_id: str
    file_unique_id: str
    file_path: str

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass
class ApiCall:
    """One HTTP request the bot made. `status` is None while the request is still running."""

    method: str
    params: JsonDict
    time: float
    files: dict[str, UploadedFile] = field(default_factory=dict)
    status: int | None = None
    response: JsonDict | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def chat_id(self) -> ChatKey | None:
        value = self.params.get("chat_id")
        return None if value is None else _chat_key(value)


@dataclass
class SentMessage:
    """A message the bot sent or edited, as a test wants to look at it.

    `text` / `caption` are what the user sees *after* Telegram parsed the formatting (tags and
    MarkdownV2 escapes removed); the raw string the bot sent is in `raw_text`. For an
    editMessageReplyMarkup they are the unchanged text of the edited message. `reply_markup` is the
    markup the bot sent in this call (None: no markup, which on an edit removes the keyboard).
    """

    method: str
    chat_id: ChatKey | None
    message_id: int | None
    text: str | None
    caption: str | None
    reply_markup: JsonDict | None
    parse_mode: str | None
    raw_text: str | None
    params: JsonDict
    message: JsonDict | None
    file: UploadedFile | None = None

    @property
    def is_edit(self) -> bool:
        return self.method.startswith("edit")

    @property
    def body(self) -> str:
        """The text, or the caption of a document / photo ("" when there is neither)."""
        return self.text if self.text is not None else (self.caption or "")

    @property
    def buttons(self) -> list[JsonDict]:
        """The inline keyboard buttons, row by row, flattened."""
        return _inline_buttons(self.reply_markup)

    @property
    def button_texts(self) -> list[str]:
        return [str(button.get("text", "")) for button in self.buttons]

    def callback_data(self, button_text: str) -> str:
        """The callback_data of the button labelled exactly `button_text`."""
        for button in self.buttons:
            if button.get("text") == button_text and "callback_data" in button:
                return str(button["callback_data"])
        raise KeyError(f"no callback button {button_text!r}; buttons: {self.button_texts}")


@dataclass
class Stats:
    """Counters of the failures the fake produced, for asserting on throttling behaviour."""

    rate_limited: int = 0
    rate_limited_by_chat: dict[ChatKey, int] = field(default_factory=dict)
    injected_failures: int = 0
    get_updates_conflicts: int = 0


@dataclass
class _FailureRule:
    method: str
    kind: FailureKind
    chat_id: ChatKey | None
    remaining: int
    retry_after: int
    status: int | None
    description: str | None
    skip: int = 0


class CallTimeoutError(AssertionError):
    """`wait_for_calls` gave up: an AssertionError so pytest shows it as a plain test failure."""


class _ApiError(Exception):
    """A Bot API error answer: raised by handlers, turned into the JSON error body."""

    def __init__(self, status: int, description: str, parameters: JsonDict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> JsonDict:
        data: JsonDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            data["parameters"] = self.parameters
        return data


def _bad_request(description: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {description}")


@dataclass
class _Upload:
    """A multipart file part before the fake assigns it a file_id."""

    filename: str
    content: bytes
    content_type: str


_Handler = Callable[[JsonDict, dict[str, _Upload]], Awaitable[Any]]


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------


class FakeTelegram:
    """An in-process Telegram Bot API server on 127.0.0.1 with a random free port."""

    def __init__(
        self,
        *,
        bot_username: str = "circles_test_bot",
        bot_id: int = 7_000_000_001,
        bot_first_name: str = "Circles Test",
        token: str | None = None,
        enforce_limits: bool = False,
        per_chat_per_second: int = 1,
        overall_per_second: int = 30,
        per_group_per_minute: int = 20,
        strict_private_chats: bool = False,
        validate_formatting: bool = True,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Configure the fake; nothing listens until `start()`.

        token: if given, requests with another token answer 401 (as Telegram does).
        strict_private_chats: sending to a private chat whose user never wrote to the bot answers
            403 "bot can't initiate conversation with a user", as Telegram does. Off by default
            because tests often seed people straight into the database.
        validate_formatting: reject malformed HTML / MarkdownV2 like Telegram does.
        clock: wall clock for message `date` fields (rate limits always use real monotonic time,
            because PTB's own throttling does).
        """
        self.bot_username = bot_username
        self.bot_id = bot_id
        self.bot_first_name = bot_first_name
        self.token = token
        self.enforce_limits = enforce_limits
        self.per_chat_per_second = per_chat_per_second
        self.overall_per_second = overall_per_second
        self.per_group_per_minute = per_group_per_minute
        self.strict_private_chats = strict_private_chats
        self.validate_formatting = validate_formatting
        self._clock = clock

        self.calls: list[ApiCall] = []
        self.files: list[UploadedFile] = []
        self.stats = Stats()
        # Answers to callback queries by query id: what the bot showed as toast / alert.
        self.callback_answers: dict[str, JsonDict] = {}
        # (update_id, HTTP status) of every webhook delivery.
        self.webhook_deliveries: list[tuple[int, int]] = []
        self.webhook_url: str | None = None
        self.webhook_secret_token: str | None = None

        self._sent: list[SentMessage] = []
        self._pending_updates: list[JsonDict] = []
        self._allowed_updates: list[str] | None = None
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(4_200_000_000_000_000_001)
        self._file_counter = itertools.count(1)
        self._message_counters: dict[ChatKey, itertools.count[int]] = {}
        # Every message in every chat, by (chat key, message_id), in its current (edited) state.
        self._messages: dict[tuple[ChatKey, int], JsonDict] = {}
        self._users: dict[int, TgUser] = {}
        self._chats: dict[int, TgChat] = {}
        self._started_users: set[int] = set()
        self._blocked_users: set[int] = set()
        self._open_callback_queries: set[str] = set()
        self._commands: dict[tuple[str, str], list[JsonDict]] = {}
        self._files_by_id: dict[str, UploadedFile] = {}
        self._files_by_path: dict[str, UploadedFile] = {}
        self._failures: list[_FailureRule] = []
        self._overall_sends: deque[float] = deque()
        self._chat_sends: dict[ChatKey, deque[float]] = {}
        self._group_sends: dict[ChatKey, deque[float]] = {}

        # "Something changed" events are replaced each time they fire, so every waiter holds the
        # event current when it started waiting and is woken exactly by the next change; nobody
        # polls.
        self._updates_changed = asyncio.Event()
        self._calls_changed = asyncio.Event()
        # Each getUpdates bumps this; an older long poll that sees it changed ends with 409, as
        # Telegram ends a poll superseded by another instance's poll.
        self._poll_generation = 0
        self._closing = False

        self._handlers: dict[str, _Handler] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "answerCallbackQuery": self._answer_callback_query,
            "sendChatAction": self._send_chat_action,
            "deleteMessage": self._delete_message,
            "getFile": self._get_file,
            "close": self._always_true,
            "logOut": self._always_true,
        }
        # Bot API method names are case-insensitive.
        self._canonical_names = {name.lower(): name for name in self._handlers}

        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._client: ClientSession | None = None

    # ---------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Listen on 127.0.0.1 on a free port."""
        if self._runner is not None:
            raise RuntimeError("FakeTelegram is already running")
        self._closing = False
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._handle_file)
        runner = web.AppRunner(
            app,
            handle_signals=False,
            access_log=None,
            # stop() already wakes every long poll, so anything still running after that is a
            # leaked request we must not wait aiohttp's default minute for.
            shutdown_timeout=2.0,
            # PTB cancels its long poll on Updater.stop() by dropping the connection; cancel our
            # handler too, or it would linger and later answer a 409 into the void.
            handler_cancellation=True,
        )
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        self._port = int(runner.addresses[0][1])
        self._runner = runner
        self._client = ClientSession(timeout=ClientTimeout(total=30))

    async def stop(self) -> None:
        """End every pending long poll promptly, then shut the server down."""
        self._closing = True
        self._fire_updates_changed()
        self._fire_calls_changed()
        if self._client is not None:
            await self._client.close()
            self._client = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeTelegram is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """For `Application.builder().base_url(...)`: PTB appends `<token>/<method>`."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """For `Application.builder().base_file_url(...)`: PTB appends `<token>/<file_path>`."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    @property
    def bot_user(self) -> JsonDict:
        """The bot's own `User` object (as in getMe and every message's `from`)."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    # ---------------------------------------------------------------- people and chats

    def user(
        self,
        id: int,
        first_name: str,
        username: str | None = None,
        language_code: str | None = "en",
        last_name: str | None = None,
    ) -> TgUser:
        """A user tests can act as; their private chat with the bot has the same id."""
        if id <= 0:
            raise ValueError("Telegram user ids are positive")
        user = TgUser(id, first_name, username, language_code, last_name)
        self._users[id] = user
        self._chats[id] = user.private_chat
        return user

    def group(
        self,
        id: int,
        title: str,
        type: Literal["group", "supergroup"] = "group",
    ) -> TgChat:
        """A group chat the bot is a member of (ids are negative, -100… for supergroups)."""
        if id >= 0:
            raise ValueError("Telegram group ids are negative")
        chat = TgChat(id=id, type=type, title=title)
        self._chats[id] = chat
        return chat

    def block(self, user: TgUser | int) -> None:
        """The user blocks the bot: every later send to them answers 403, as on Telegram."""
        self._blocked_users.add(user if isinstance(user, int) else user.id)

    def unblock(self, user: TgUser | int) -> None:
        self._blocked_users.discard(user if isinstance(user, int) else user.id)

    # ---------------------------------------------------------------- acting as a user

    def build_text_update(self, user: TgUser, text: str, chat: TgChat | None = None) -> JsonDict:
        """A `message` update (not queued), with a `bot_command` entity as Telegram adds one."""
        content: JsonDict = {"text": text}
        command = _COMMAND_RE.match(text)
        if command:
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": _utf16_len(command.group())}]
        return self._build_message_update(user, chat, content)

    def build_location_update(
        self, user: TgUser, latitude: float, longitude: float, chat: TgChat | None = None
    ) -> JsonDict:
        """A `message` update carrying a shared location (not queued)."""
        location = {"latitude": latitude, "longitude": longitude}
        return self._build_message_update(user, chat, {"location": location})

    def build_callback_update(
        self,
        user: TgUser,
        message: SentMessage | JsonDict,
        callback_data: str,
        *,
        strict: bool = True,
    ) -> JsonDict:
        """A `callback_query` update for a button on a message the bot sent (not queued).

        The query carries the message in its *current* state, as Telegram does. With `strict`, the
        data must be on that message's current inline keyboard: a user cannot press a button that
        is not there (or no longer there after an edit).
        """
        chat_id, message_id = _message_address(message)
        stored = self._messages.get((chat_id, message_id))
        if stored is None:
            raise LookupError(f"message {message_id} in chat {chat_id} does not exist (deleted?)")
        if strict:
            available = [b.get("callback_data") for b in _inline_buttons(stored.get("reply_markup"))]
            if callback_data not in available:
                raise ValueError(
                    f"message {message_id} has no button with callback_data {callback_data!r}; it has {available}"
                )
        query_id = str(next(self._callback_ids))
        self._open_callback_queries.add(query_id)
        self._note_user_wrote(user, stored["chat"]["id"])
        query = {
            "id": query_id,
            "from": user.to_dict(),
            "message": copy.deepcopy(stored),
            # Telegram gives an opaque per-chat value; stable per chat is all that matters.
            "chat_instance": str(abs(hash(("chat_instance", chat_id)))),
            "data": callback_data,
        }
        return {"update_id": next(self._update_ids), "callback_query": query}

    def queue_update(self, update: JsonDict) -> JsonDict:
        """Queue any update for getUpdates (an `update_id` is assigned when missing)."""
        if "update_id" not in update:
            update = {"update_id": next(self._update_ids), **update}
        self._pending_updates.append(update)
        self._fire_updates_changed()
        return update

    def send_text(self, user: TgUser, text: str, chat: TgChat | None = None) -> JsonDict:
        """The user writes `text` (in their private chat, or in `chat`)."""
        return self.queue_update(self.build_text_update(user, text, chat))

    def send_location(self, user: TgUser, latitude: float, longitude: float, chat: TgChat | None = None) -> JsonDict:
        """The user shares a location."""
        return self.queue_update(self.build_location_update(user, latitude, longitude, chat))

    def press_button(
        self,
        user: TgUser,
        message: SentMessage | JsonDict,
        callback_data: str,
        *,
        strict: bool = True,
    ) -> JsonDict:
        """The user presses the inline button with `callback_data` on `message`."""
        return self.queue_update(self.build_callback_update(user, message, callback_data, strict=strict))

    def press_button_labelled(self, user: TgUser, message: SentMessage, button_text: str) -> JsonDict:
        """The user presses the inline button whose label is `button_text`."""
        return self.press_button(user, message, message.callback_data(button_text))

    async def deliver_webhook(self, update: JsonDict, *, headers: Mapping[str, str] | None = None) -> int:
        """POST `update` to the URL given to setWebhook, as Telegram does; return the status.

        The secret token given to setWebhook is sent in `X-Telegram-Bot-Api-Secret-Token`;
        `headers` adds to or overrides the headers (e.g. a wrong secret, to test rejection).
        """
        if self.webhook_url is None:
            raise RuntimeError("no webhook is set: the bot has not called setWebhook with a url")
        if self._client is None:
            raise RuntimeError("FakeTelegram is not started")
        request_headers = {"Content-Type": "application/json"}
        if self.webhook_secret_token:
            request_headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook_secret_token
        request_headers.update(headers or {})
        async with self._client.post(self.webhook_url, data=json.dumps(update), headers=request_headers) as response:
            await response.read()
            status = response.status
        self.webhook_deliveries.append((int(update.get("update_id", 0)), status))
        return status

    # ---------------------------------------------------------------- inspecting the bot

    def sent_messages(self, chat_id: ChatKey | None = None) -> list[SentMessage]:
        """Successful sendMessage / sendDocument / sendPhoto / edit* calls, oldest first."""
        if chat_id is None:
            return list(self._sent)
        key = _chat_key(chat_id)
        return [sent for sent in self._sent if sent.chat_id == key]

    def last_message(self, chat_id: ChatKey) -> SentMessage:
        """The bot's latest message (or edit) in the chat; fails the test if there is none."""
        sent = self.sent_messages(chat_id)
        if not sent:
            raise AssertionError(f"the bot sent nothing to chat {chat_id}")
        return sent[-1]

    def message(self, chat_id: ChatKey, message_id: int) -> JsonDict | None:
        """The current state of a message (after edits), or None if deleted / unknown."""
        stored = self._messages.get((_chat_key(chat_id), message_id))
        return copy.deepcopy(stored) if stored is not None else None

    def chat_history(self, chat_id: ChatKey) -> list[JsonDict]:
        """Every message still in the chat, both directions, in order, as the user now sees it."""
        key = _chat_key(chat_id)
        found = [copy.deepcopy(message) for (chat, _), message in self._messages.items() if chat == key]
        return sorted(found, key=lambda message: int(message["message_id"]))

    def commands(self, scope: JsonDict | None = None, language_code: str = "") -> list[JsonDict]:
        """The command list the bot registered for a scope / language with setMyCommands."""
        return copy.deepcopy(self._commands.get(_commands_key(scope, language_code), []))

    def calls_of(self, method: str) -> list[ApiCall]:
        return [call for call in self.calls if call.method == method]

    @property
    def unknown_calls(self) -> list[ApiCall]:
        """Calls of methods this fake does not implement (each answered 404)."""
        return [call for call in self.calls if call.method not in self._handlers]

    @property
    def pending_updates(self) -> list[JsonDict]:
        """Updates queued and not yet confirmed by a later getUpdates offset."""
        return list(self._pending_updates)

    def clear_calls(self) -> None:
        """Forget recorded calls and sent messages (chat state and queued updates remain)."""
        self.calls.clear()
        self._sent.clear()

    async def wait_for_calls(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline for the test, as the brief asks
        *,
        chat_id: ChatKey | None = None,
        since: int = 0,
        successful: bool = False,
        finished: bool = True,
    ) -> list[ApiCall]:
        """Wait until the bot has made `count` finished calls of `method` and return them.

        Counts calls in `self.calls[since:]` (pass `len(tg.calls)` taken before acting to wait
        for *new* calls), optionally only those to `chat_id` and / or those that succeeded.
        With `finished=False` calls still in flight count too (e.g. "the bot is long polling").
        Raises CallTimeoutError (an AssertionError) after `timeout` seconds.
        """
        key = None if chat_id is None else _chat_key(chat_id)

        def matching() -> list[ApiCall]:
            return [
                call
                for call in self.calls[since:]
                if call.method == method
                and (call.status is not None or not finished)
                and (key is None or call.chat_id == key)
                and (call.ok or not successful)
            ]

        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = matching()
            if len(found) >= count:
                return found
            remaining = deadline - loop.time()
            if remaining <= 0 or self._closing:
                made = [f"{call.method}:{call.status}" for call in self.calls[since:]]
                raise CallTimeoutError(
                    f"waited {timeout}s for {count} {method} call(s)"
                    f"{f' to chat {chat_id}' if key is not None else ''}, saw {len(found)}; "
                    f"calls since #{since}: {made}"
                )
            changed = self._calls_changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    # ---------------------------------------------------------------- failure injection

    def fail_next(
        self,
        method: str,
        kind: FailureKind,
        chat_id: ChatKey | None = None,
        times: int = 1,
        *,
        retry_after: int = 1,
        status: int | None = None,
        description: str | None = None,
        skip: int = 0,
    ) -> None:
        """Make the next `times` calls of `method` (to `chat_id`, if given) fail.

        skip: let this many matching calls through first (e.g. `skip=1` fails the second part
        of a message sent in two parts).

        kind: "retry_after" → 429 with parameters.retry_after = `retry_after`;
              "forbidden" → 403 "Forbidden: bot was blocked by the user";
              "server_error" → HTTP `status` (500 by default; 502 for a bad gateway);
              "bad_request" → 400 with `description`.
        """
        if kind not in ("retry_after", "forbidden", "server_error", "bad_request"):
            raise ValueError(f"unknown failure kind {kind!r}")
        self._failures.append(
            _FailureRule(
                method=method.lower(),
                kind=kind,
                chat_id=None if chat_id is None else _chat_key(chat_id),
                remaining=times,
                retry_after=retry_after,
                status=status,
                description=description,
                skip=skip,
            )
        )

    # ---------------------------------------------------------------- HTTP plumbing

    async def _handle_api(self, request: web.Request) -> web.Response:
        requested = request.match_info["method"]
        method = self._canonical_names.get(requested.lower(), requested)
        if self.token is not None and request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        try:
            params, uploads = await _parse_request(request)
        except ValueError as exc:
            error = _bad_request(f"can't parse request: {exc}")
            return web.json_response(error.payload(), status=error.status)

        call = ApiCall(method=method, params=params, time=time.monotonic())
        self.calls.append(call)
        self._fire_calls_changed()  # for wait_for_calls(..., finished=False)
        _LOG.debug("bot called %s %s", method, params)
        try:
            handler = self._handlers.get(method)
            if handler is None:
                raise _ApiError(404, "Not Found: method not found")
            self._raise_injected_failure(method, params)
            self._enforce_rate_limit(method, params)
            result = await handler(params, uploads)
            status, payload = 200, {"ok": True, "result": result}
        except _ApiError as error:
            status, payload = error.status, error.payload()
            _LOG.debug("answering %s with %s %s", method, status, error.description)
        except asyncio.CancelledError:
            # The client went away mid-request (PTB cancelling a long poll): 499 as nginx says.
            call.status = 499
            self._fire_calls_changed()
            raise
        call.status = status
        call.response = payload
        call.files = {name: value for name, value in params.items() if isinstance(value, UploadedFile)}
        self._fire_calls_changed()
        # Response bodies hold UploadedFile objects only inside `params`, never in `payload`.
        return web.json_response(payload, status=status)

    async def _handle_file(self, request: web.Request) -> web.Response:
        uploaded = self._files_by_path.get(request.match_info["file_path"])
        if uploaded is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        return web.Response(body=uploaded.content, content_type=uploaded.mime_type)

    def _fire_updates_changed(self) -> None:
        fired, self._updates_changed = self._updates_changed, asyncio.Event()
        fired.set()

    def _fire_calls_changed(self) -> None:
        fired, self._calls_changed = self._calls_changed, asyncio.Event()
        fired.set()

    def _raise_injected_failure(self, method: str, params: JsonDict) -> None:
        chat = params.get("chat_id")
        chat_id = None if chat is None else _chat_key(chat)
        for rule in self._failures:
            if rule.remaining <= 0 or rule.method != method.lower():
                continue
            if rule.chat_id is not None and rule.chat_id != chat_id:
                continue
            if rule.skip > 0:
                rule.skip -= 1
                continue
            rule.remaining -= 1
            self.stats.injected_failures += 1
            raise _injected_error(rule)
        self._failures = [rule for rule in self._failures if rule.remaining > 0]

    def _enforce_rate_limit(self, method: str, params: JsonDict) -> None:
        if not self.enforce_limits or method not in _RATE_LIMITED_METHODS:
            return
        chat = params.get("chat_id")
        if chat is None:
            return
        chat_id = _chat_key(chat)
        now = time.monotonic()
        windows: list[tuple[deque[float], int, float]] = [
            (self._overall_sends, self.overall_per_second, 1.0),
            (self._chat_sends.setdefault(chat_id, deque()), self.per_chat_per_second, 1.0),
        ]
        if _is_group_key(chat_id):
            group_sends = self._group_sends.setdefault(chat_id, deque())
            windows.append((group_sends, self.per_group_per_minute, 60.0))
        for sends, limit, period in windows:
            while sends and sends[0] <= now - period:
                sends.popleft()
            if len(sends) >= limit:
                retry_after = max(1, math.ceil(sends[0] + period - now))
                self.stats.rate_limited += 1
                by_chat = self.stats.rate_limited_by_chat
                by_chat[chat_id] = by_chat.get(chat_id, 0) + 1
                raise _retry_after_error(retry_after)
        for sends, _, _ in windows:
            sends.append(now)

    # ---------------------------------------------------------------- chats and messages

    def _build_message_update(self, user: TgUser, chat: TgChat | None, content: JsonDict) -> JsonDict:
        self._users.setdefault(user.id, user)
        target = chat or user.private_chat
        self._chats.setdefault(target.id, target)
        self._note_user_wrote(user, target.id)
        message = self._store_message(target.to_dict(), user.to_dict(), content)
        return {"update_id": next(self._update_ids), "message": copy.deepcopy(message)}

    def _note_user_wrote(self, user: TgUser, chat_id: int) -> None:
        # Only writing in the private chat lets the bot write to the user first later on.
        if chat_id == user.id:
            self._started_users.add(user.id)

    def _store_message(self, chat: JsonDict, sender: JsonDict, content: JsonDict) -> JsonDict:
        key = _chat_key(chat["id"])
        counter = self._message_counters.setdefault(key, itertools.count(1))
        message: JsonDict = {
            "message_id": next(counter),
            "from": sender,
            "date": int(self._clock()),
            "chat": chat,
            **content,
        }
        self._messages[(key, message["message_id"])] = message
        return message

    def _target_chat(self, params: JsonDict) -> JsonDict:
        """The `Chat` object for a send, refusing it where Telegram would."""
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise _bad_request("chat_id is empty")
        key = _chat_key(raw)
        if isinstance(key, str):
            # "@channelusername": the tests never need real channels; treat it as one.
            return {"id": key, "type": "channel", "title": key.lstrip("@")}
        if key in self._blocked_users:
            raise _ApiError(403, "Forbidden: bot was blocked by the user")
        known = self._chats.get(key)
        if known is not None:
            if known.type == "private" and self.strict_private_chats:
                self._require_started(key)
            return known.to_dict()
        if key > 0:
            if self.strict_private_chats:
                self._require_started(key)
            return {"id": key, "type": "private", "first_name": f"User {key}"}
        if key == 0:
            raise _bad_request("chat not found")
        return {
            "id": key,
            "type": "supergroup" if str(key).startswith("-100") else "group",
            "title": f"Group {key}",
        }

    def _require_started(self, user_id: int) -> None:
        if user_id not in self._started_users:
            raise _ApiError(403, "Forbidden: bot can't initiate conversation with a user")

    def _message_to_edit(self, params: JsonDict) -> JsonDict:
        raw_chat, raw_id = params.get("chat_id"), params.get("message_id")
        if raw_chat is None or raw_id is None:
            raise _bad_request("message identifier is not specified")
        stored = self._messages.get((_chat_key(raw_chat), _as_int(raw_id)))
        if stored is None:
            raise _bad_request("message to edit not found")
        if stored["from"].get("id") != self.bot_id:
            raise _bad_request("message can't be edited")
        return stored

    def _render(self, text: str, parse_mode: str | None) -> str:
        if not self.validate_formatting or not parse_mode:
            return text
        mode = parse_mode.lower()
        if mode == "html":
            return _render_html(text)
        if mode == "markdownv2":
            return _render_markdown_v2(text)
        if mode == "markdown":
            return text
        raise _bad_request(f"unsupported parse_mode {parse_mode}")

    def _record_sent(
        self,
        method: str,
        params: JsonDict,
        message: JsonDict | None,
        uploaded: UploadedFile | None = None,
    ) -> None:
        chat = params.get("chat_id")
        self._sent.append(
            SentMessage(
                method=method,
                chat_id=None if chat is None else _chat_key(chat),
                message_id=None if message is None else int(message["message_id"]),
                text=None if message is None else message.get("text"),
                caption=None if message is None else message.get("caption"),
                reply_markup=_markup_param(params),
                parse_mode=params.get("parse_mode"),
                raw_text=params.get("text", params.get("caption")),
                params=params,
                message=copy.deepcopy(message),
                file=uploaded,
            )
        )

    def _file_input(self, params: JsonDict, uploads: dict[str, _Upload], name: str) -> UploadedFile:
        """The file sent as parameter `name`: a multipart upload, a known file_id, or a URL."""
        upload = uploads.get(name)
        value = params.get(name)
        if upload is None and isinstance(value, str) and value.startswith("attach://"):
            upload = uploads.get(value.removeprefix("attach://"))
        if upload is not None:
            uploaded = self._register_file(name, upload)
            params[name] = uploaded
            return uploaded
        if isinstance(value, str) and value in self._files_by_id:
            return self._files_by_id[value]
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            guess = value.rsplit("/", 1)[-1] or "file"
            return self._register_file(name, _Upload(guess, b"", _guess_mime(guess)))
        if value is None:
            raise _bad_request(f"there is no {name} in the request")
        raise _bad_request("wrong file identifier/HTTP URL specified")

    def _register_file(self, kind: str, upload: _Upload) -> UploadedFile:
        number = next(self._file_counter)
        suffix = "." + upload.filename.rsplit(".", 1)[-1] if "." in upload.filename else ""
        uploaded = UploadedFile(
            filename=upload.filename,
            content=upload.content,
            mime_type=upload.content_type or _guess_mime(upload.filename),
            file_id=f"fake-{kind}-{number:06d}",
            file_unique_id=f"u{number:06d}",
            file_path=f"{kind}s/file_{number}{suffix}",
        )
        self.files.append(uploaded)
        self._files_by_id[uploaded.file_id] = uploaded
        self._files_by_path[uploaded.file_path] = uploaded
        return uploaded

    def _caption_content(self, params: JsonDict) -> JsonDict:
        content: JsonDict = {}
        caption = params.get("caption")
        if caption:
            rendered = self._render(str(caption), params.get("parse_mode"))
            if _utf16_len(rendered) > _MAX_CAPTION_LENGTH:
                raise _bad_request("message caption is too long")
            content["caption"] = rendered
        markup = _echoed_markup(params)
        if markup is not None:
            content["reply_markup"] = markup
        return content

    # ---------------------------------------------------------------- Bot API methods

    async def _always_true(self, params: JsonDict, uploads: dict[str, _Upload]) -> bool:
        return True

    async def _get_me(self, params: JsonDict, uploads: dict[str, _Upload]) -> JsonDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: JsonDict, uploads: dict[str, _Upload]) -> list[JsonDict]:
        if self.webhook_url:
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        self._poll_generation += 1
        generation = self._poll_generation
        # Wake a poll still waiting so that it notices it has been superseded.
        self._fire_updates_changed()
        if "allowed_updates" in params:
            self._allowed_updates = list(params["allowed_updates"] or []) or None
        offset = _as_int(params.get("offset") or 0)
        limit = min(max(_as_int(params.get("limit") or 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        if offset > 0:
            # An offset confirms every update before it: Telegram forgets them.
            self._pending_updates = [u for u in self._pending_updates if u["update_id"] >= offset]
        elif offset < 0:
            self._pending_updates = self._pending_updates[offset:]

        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if self.webhook_url:
                raise _ApiError(409, "Conflict: terminated by setWebhook request")
            if generation != self._poll_generation:
                self.stats.get_updates_conflicts += 1
                raise _ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
                )
            ready = [u for u in self._pending_updates if self._update_allowed(u)]
            remaining = deadline - loop.time()
            if ready or self._closing or remaining <= 0:
                return copy.deepcopy(ready[:limit])
            changed = self._updates_changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    def _update_allowed(self, update: JsonDict) -> bool:
        kind = next((key for key in update if key != "update_id"), "")
        if self._allowed_updates is None:
            return kind not in _OPT_IN_UPDATE_TYPES
        return kind in self._allowed_updates

    async def _set_webhook(self, params: JsonDict, uploads: dict[str, _Upload]) -> bool:
        url = params.get("url") or None
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_TOKEN_RE.match(str(secret)):
            raise _bad_request("secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self._pending_updates.clear()
        if "allowed_updates" in params:
            self._allowed_updates = list(params["allowed_updates"] or []) or None
        self.webhook_url = url
        self.webhook_secret_token = str(secret) if (url and secret) else None
        # A poll still waiting ends the way Telegram ends it: with a conflict.
        self._fire_updates_changed()
        return True

    async def _delete_webhook(self, params: JsonDict, uploads: dict[str, _Upload]) -> bool:
        if params.get("drop_pending_updates"):
            self._pending_updates.clear()
        self.webhook_url = None
        self.webhook_secret_token = None
        return True

    async def _get_webhook_info(self, params: JsonDict, uploads: dict[str, _Upload]) -> JsonDict:
        info: JsonDict = {
            "url": self.webhook_url or "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending_updates),
        }
        if self.webhook_url:
            info["max_connections"] = 40
            if self._allowed_updates is not None:
                info["allowed_updates"] = list(self._allowed_updates)
        return info

    async def _set_my_commands(self, params: JsonDict, uploads: dict[str, _Upload]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad_request('parameter "commands" is required')
        if len(commands) > 100:
            raise _bad_request("too many commands")
        for command in commands:
            if not isinstance(command, dict):
                raise _bad_request("can't parse BotCommand")
            if not _BOT_COMMAND_NAME_RE.match(str(command.get("command", ""))):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = _commands_key(params.get("scope"), params.get("language_code") or "")
        self._commands[key] = [{"command": c["command"], "description": c["description"]} for c in commands]
        return True

    async def _get_my_commands(self, params: JsonDict, uploads: dict[str, _Upload]) -> list[JsonDict]:
        return self.commands(params.get("scope"), params.get("language_code") or "")

    async def _delete_my_commands(self, params: JsonDict, uploads: dict[str, _Upload]) -> bool:
        key = _commands_key(params.get("scope"), params.get("language_code") or "")
        self._commands.pop(key, None)
        return True

    async def _send_message(self, params: JsonDict, uploads: dict[str, _Upload]) -> JsonDict:
        chat = self._target_chat(params)
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _bad_request("message text is empty")
        rendered = self._render(text, params.get("parse_mode"))
        if not rendered.strip():
            raise _bad_request("message text is empty")
        if _utf16_len(rendered) > _MAX_TEXT_LENGTH:
            raise _bad_request("message is too long")
        content: JsonDict = {"text": rendered}
        markup = _echoed_markup(params)
        if markup is not None:
            content["reply_markup"] = markup
        message = self._store_message(chat, self.bot_user, content)
        self._record_sent("sendMessage", params, message)
        return copy.deepcopy(message)

    async def _send_document(self, params: JsonDict, uploads: dict[str, _Upload]) -> JsonDict:
        chat = self._target_chat(params)
        uploaded = self._file_input(params, uploads, "document")
        document: JsonDict = {
            "file_id": uploaded.file_id,
            "file_unique_id": uploaded.file_unique_id,
            "file_name": uploaded.filename,
            "mime_type": uploaded.mime_type,
            "file_size": uploaded.size,
        }
        content = {"document": document, **self._caption_content(params)}
        message = self._store_message(chat, self.bot_user, content)
        self._record_sent("sendDocument", params, message, uploaded)
        return copy.deepcopy(message)

    async def _send_photo(self, params: JsonDict, uploads: dict[str, _Upload]) -> JsonDict:
        chat = self._target_chat(params)
        uploaded = self._file_input(params, uploads, "photo")
        width, height = _image_size(uploaded.content)
        photo = [
            {
                "file_id": uploaded.file_id,
                "file_unique_id": uploaded.file_unique_id,
                "width": width,
                "height": height,
                "file_size": uploaded.size,
            }
        ]
        content = {"photo": photo, **self._caption_content(params)}
        message = self._store_message(chat, self.bot_user, content)
        self._record_sent("sendPhoto", params, message, uploaded)
        return copy.deepcopy(message)

    async def _edit_message_text(self, params: JsonDict, uploads: dict[str, _Upload]) -> JsonDict | bool:
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _bad_request("message text is empty")
        rendered = self._render(text, params.get("parse_mode"))
        if _utf16_len(rendered) > _MAX_TEXT_LENGTH:
            raise _bad_request("message is too long")
        if params.get("inline_message_id"):
            self._record_sent("editMessageText", params, None)
            return True
        stored = self._message_to_edit(params)
        if "text" not in stored:
            raise _bad_request("there is no text in the message to edit")
        # Telegram drops the inline keyboard when an edit does not repeat it.
        markup = _echoed_markup(params)
        if stored["text"] == rendered and stored.get("reply_markup") == markup:
            raise _bad_request(_NOT_MODIFIED.removeprefix("Bad Request: "))
        stored["text"] = rendered
        _set_markup(stored, markup)
        stored["edit_date"] = int(self._clock())
        self._record_sent("editMessageText", params, stored)
        return copy.deepcopy(stored)

    async def _edit_message_caption(self, params: JsonDict, uploads: dict[str, _Upload]) -> JsonDict | bool:
        if params.get("inline_message_id"):
            self._record_sent("editMessageCaption", params, None)
            return True
        stored = self._message_to_edit(params)
        if "text" in stored:
            raise _bad_request("there is no caption in the message to edit")
        content = self._caption_content(params)
        markup = content.get("reply_markup")
        caption = content.get("caption")
        if stored.get("caption") == caption and stored.get("reply_markup") == markup:
            raise _bad_request(_NOT_MODIFIED.removeprefix("Bad Request: "))
        if caption is None:
            stored.pop("caption", None)
        else:
            stored["caption"] = caption
        _set_markup(stored, markup)
        stored["edit_date"] = int(self._clock())
        self._record_sent("editMessageCaption", params, stored)
        return copy.deepcopy(stored)

    async def _edit_message_reply_markup(self, params: JsonDict, uploads: dict[str, _Upload]) -> JsonDict | bool:
        if params.get("inline_message_id"):
            self._record_sent("editMessageReplyMarkup", params, None)
            return True
        stored = self._message_to_edit(params)
        markup = _echoed_markup(params)
        if stored.get("reply_markup") == markup:
            raise _bad_request(_NOT_MODIFIED.removeprefix("Bad Request: "))
        _set_markup(stored, markup)
        stored["edit_date"] = int(self._clock())
        self._record_sent("editMessageReplyMarkup", params, stored)
        return copy.deepcopy(stored)

    async def _answer_callback_query(self, params: JsonDict, uploads: dict[str, _Upload]) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if query_id not in self._open_callback_queries:
            raise _bad_request("query is too old and response timeout expired or query ID is invalid")
        # A query can be answered once; a second answer is an error on Telegram too.
        self._open_callback_queries.discard(query_id)
        self.callback_answers[query_id] = {
            key: params[key] for key in ("text", "show_alert", "url", "cache_time") if key in params
        }
        return True

    async def _send_chat_action(self, params: JsonDict, uploads: dict[str, _Upload]) -> bool:
        self._target_chat(params)
        if not params.get("action"):
            raise _bad_request("action is empty")
        return True

    async def _delete_message(self, params: JsonDict, uploads: dict[str, _Upload]) -> bool:
        raw_chat, raw_id = params.get("chat_id"), params.get("message_id")
        if raw_chat is None or raw_id is None:
            raise _bad_request("message identifier is not specified")
        if self._messages.pop((_chat_key(raw_chat), _as_int(raw_id)), None) is None:
            raise _bad_request("message to delete not found")
        return True

    async def _get_file(self, params: JsonDict, uploads: dict[str, _Upload]) -> JsonDict:
        uploaded = self._files_by_id.get(str(params.get("file_id", "")))
        if uploaded is None:
            raise _bad_request("invalid file_id")
        return {
            "file_id": uploaded.file_id,
            "file_unique_id": uploaded.file_unique_id,
            "file_size": uploaded.size,
            "file_path": uploaded.file_path,
        }


# --------------------------------------------------------------------------------------------
# Request parsing
# --------------------------------------------------------------------------------------------


async def _parse_request(request: web.Request) -> tuple[JsonDict, dict[str, _Upload]]:
    """Parameters from the query string plus a JSON, urlencoded or multipart body."""
    params: JsonDict = {key: _decode_form_value(key, value) for key, value in request.query.items()}
    uploads: dict[str, _Upload] = {}
    if not request.can_read_body:
        return params, uploads
    if request.content_type == "application/json":
        raw = await request.read()
        if raw.strip():
            body = json.loads(raw)
            if not isinstance(body, dict):
                raise ValueError("JSON body must be an object")
            params.update(body)
        return params, uploads
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                uploads[key] = _Upload(
                    filename=value.filename or key,
                    content=value.file.read(),
                    content_type=value.content_type or "",
                )
            else:
                params[key] = _decode_form_value(key, str(value))
        return params, uploads
    raise ValueError(f"unsupported content type {request.content_type!r}")


def _decode_form_value(key: str, value: str) -> object:
    if key in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _chat_key(value: object) -> ChatKey:
    """Chat ids arrive as int (JSON) or str (form data); "@name" stays a string."""
    if isinstance(value, bool):
        raise _bad_request("chat not found")
    if isinstance(value, int):
        return value
    text = str(value).strip()
    try:
        return int(text)
    except ValueError:
        return text


def _is_group_key(key: ChatKey) -> bool:
    return isinstance(key, int) and key < 0


def _as_int(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return int(str(value).strip())
    except ValueError as exc:
        raise _bad_request(f"wrong integer value {value!r}") from exc


def _utf16_len(text: str) -> int:
    # Telegram measures lengths and entity offsets in UTF-16 code units.
    return len(text.encode("utf-16-le")) // 2


def _commands_key(scope: object, language_code: str) -> tuple[str, str]:
    scope_dict = scope if isinstance(scope, dict) and scope else {"type": "default"}
    return json.dumps(scope_dict, sort_keys=True), language_code


def _message_address(message: SentMessage | JsonDict) -> tuple[ChatKey, int]:
    if isinstance(message, SentMessage):
        if message.chat_id is None or message.message_id is None:
            raise LookupError("this SentMessage has no chat message (inline message edit?)")
        return message.chat_id, message.message_id
    return _chat_key(message["chat"]["id"]), int(message["message_id"])


def _inline_buttons(markup: JsonDict | None) -> list[JsonDict]:
    if not isinstance(markup, dict):
        return []
    rows = markup.get("inline_keyboard") or []
    return [button for row in rows for button in row if isinstance(button, dict)]


def _markup_param(params: JsonDict) -> JsonDict | None:
    markup = params.get("reply_markup")
    return markup if isinstance(markup, dict) else None


def _echoed_markup(params: JsonDict) -> JsonDict | None:
    """The reply_markup a returned Message carries: only inline keyboards, validated.

    Telegram never echoes reply keyboards / ForceReply / ReplyKeyboardRemove in the Message, and
    PTB's `Message.de_json` expects an InlineKeyboardMarkup there.
    """
    markup = params.get("reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise _bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        return None
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise _bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
    for button in (button for row in rows for button in row):
        _validate_inline_button(button)
    return {"inline_keyboard": copy.deepcopy(rows)}


def _validate_inline_button(button: object) -> None:
    if not isinstance(button, dict) or not button.get("text"):
        raise _bad_request("can't parse inline keyboard button: Text must be non-empty")
    actions = [name for name in _INLINE_BUTTON_ACTIONS if name in button]
    if not actions:
        raise _bad_request("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
    if "callback_data" in button:
        data = button["callback_data"]
        size = len(str(data).encode("utf-8"))
        if not isinstance(data, str) or not 1 <= size <= _MAX_CALLBACK_DATA_BYTES:
            raise _bad_request("BUTTON_DATA_INVALID")
    if "url" in button and not str(button["url"]).startswith(("http://", "https://", "tg://")):
        raise _bad_request("BUTTON_URL_INVALID")


def _set_markup(message: JsonDict, markup: JsonDict | None) -> None:
    if markup is None:
        message.pop("reply_markup", None)
    else:
        message["reply_markup"] = markup


def _injected_error(rule: _FailureRule) -> _ApiError:
    if rule.kind == "retry_after":
        return _retry_after_error(rule.retry_after)
    if rule.kind == "forbidden":
        return _ApiError(403, rule.description or "Forbidden: bot was blocked by the user")
    if rule.kind == "bad_request":
        return _ApiError(400, rule.description or "Bad Request: injected failure")
    status = rule.status or 500
    default = "Bad Gateway" if status == 502 else "Internal Server Error"
    return _ApiError(status, rule.description or default)


def _retry_after_error(seconds: int) -> _ApiError:
    return _ApiError(429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds})


def _guess_mime(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def _image_size(content: bytes) -> tuple[int, int]:
    """Width and height of a PNG (what the bot's charts are); 0 x 0 for anything else."""
    if content[:8] == b"\x89PNG\r\n\x1a\n" and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return int(width), int(height)
    return 0, 0


# --------------------------------------------------------------------------------------------
# Formatting: the subset of Telegram's parsers that catches the usual bot bugs
# --------------------------------------------------------------------------------------------

_HTML_TAGS = frozenset(
    {
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
        "a", "code", "pre", "blockquote", "tg-emoji",
    }
)  # fmt: skip
_HTML_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*)>")
_HTML_ENTITY_RE = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9A-Fa-f]+);")
_ENTITY_ERROR = "can't parse entities: "


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _render_html(text: str) -> str:
    """Plain text of a parse_mode=HTML message; 400 where Telegram rejects it.

    Catches the classic bugs: an unescaped `<` from user input, unsupported tags such as `<br>`,
    and unclosed or crossed tags.
    """
    out: list[str] = []
    open_tags: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "<":
            tag = _HTML_TAG_RE.match(text, index)
            name = tag.group(2).lower() if tag else ""
            if tag is None or name not in _HTML_TAGS:
                raise _bad_request(
                    f'{_ENTITY_ERROR}Unsupported start tag "{name}" at byte offset {_byte_offset(text, index)}'
                )
            if tag.group(1):
                if not open_tags or open_tags[-1] != name:
                    expected = f'"</{open_tags[-1]}>"' if open_tags else "no end tag"
                    raise _bad_request(
                        f"{_ENTITY_ERROR}Unmatched end tag at byte offset "
                        f'{_byte_offset(text, index)}, expected {expected}, found "</{name}>"'
                    )
                open_tags.pop()
            else:
                open_tags.append(name)
            index = tag.end()
            continue
        if char == "&":
            entity = _HTML_ENTITY_RE.match(text, index)
            if entity:
                out.append(html.unescape(entity.group()))
                index = entity.end()
                continue
        out.append(char)
        index += 1
    if open_tags:
        raise _bad_request(f'{_ENTITY_ERROR}Can\'t find end tag corresponding to start tag "{open_tags[-1]}"')
    return "".join(out)


_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MDV2_ENTITY_NAMES = {
    "*": "Bold",
    "_": "Italic",
    "__": "Underline",
    "~": "Strikethrough",
    "||": "Spoiler",
    "[": "TextUrl",
}


def _render_markdown_v2(text: str) -> str:
    """Plain text of a parse_mode=MarkdownV2 message; 400 where Telegram rejects it.

    Catches the classic bug of an unescaped reserved character (`.`, `-`, `!`, `(`…) and
    unbalanced `*` / `_` / `~` / `||` / `[`.
    """
    return _MarkdownV2(text).parse()


class _MarkdownV2:
    """A one-pass scanner over MarkdownV2: emphasis marks toggle, code and URLs are skipped."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.index = 0
        self.out: list[str] = []
        self.open_marks: list[tuple[str, int]] = []

    def parse(self) -> str:
        text = self.text
        while self.index < len(text):
            self._step(text[self.index])
        if self.open_marks:
            mark, position = self.open_marks[-1]
            raise self._unclosed(_MDV2_ENTITY_NAMES[mark], position)
        return "".join(self.out)

    def _step(self, char: str) -> None:
        text, index = self.text, self.index
        if char == "\\" and index + 1 < len(text) and 0 < ord(text[index + 1]) < 127:
            self.out.append(text[index + 1])
            self.index += 2
        elif text.startswith("```", index):
            self._code("```", "PreCode", pre=True)
        elif char == "`":
            self._code("`", "Code", pre=False)
        elif text.startswith(("__", "||"), index):
            self._toggle(text[index : index + 2])
        elif char in "*_~":
            self._toggle(char)
        elif char == "[":
            self.open_marks.append(("[", index))
            self.index += 1
        elif char == "]" and any(mark == "[" for mark, _ in self.open_marks):
            self._link_end()
        elif char == ">" and (index == 0 or text[index - 1] == "\n"):
            self.index += 1  # a block quote line
        elif char in _MDV2_RESERVED:
            raise _bad_request(
                f"{_ENTITY_ERROR}Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        else:
            self.out.append(char)
            self.index += 1

    def _toggle(self, mark: str) -> None:
        for position in range(len(self.open_marks) - 1, -1, -1):
            if self.open_marks[position][0] == mark:
                del self.open_marks[position]
                break
        else:
            self.open_marks.append((mark, self.index))
        self.index += len(mark)

    def _code(self, delimiter: str, name: str, *, pre: bool) -> None:
        start = self.index + len(delimiter)
        end = self._closing(start, delimiter, name)
        body = self.text[start:end]
        first_line, newline, rest = body.partition("\n")
        if pre and newline and first_line and " " not in first_line:
            body = rest  # the first line of a pre block names the language
        self.out.append(re.sub(r"\\(.)", r"\1", body))
        self.index = end + len(delimiter)

    def _link_end(self) -> None:
        # "[label](url)": the label was emitted as text; the URL is not shown.
        if not self.text.startswith("(", self.index + 1):
            raise self._unclosed("TextUrl", self.index)
        end = self._closing(self.index + 2, ")", "TextUrl")
        while self.open_marks and self.open_marks[-1][0] != "[":
            self.open_marks.pop()
        self.open_marks.pop()
        self.index = end + 1

    def _closing(self, start: int, delimiter: str, name: str) -> int:
        """Index of the unescaped `delimiter` that ends a span starting at `start`."""
        position = start
        while position < len(self.text):
            if self.text[position] == "\\":
                position += 2
            elif self.text.startswith(delimiter, position):
                return position
            else:
                position += 1
        raise self._unclosed(name, self.index)

    def _unclosed(self, name: str, position: int) -> _ApiError:
        offset = _byte_offset(self.text, position)
        return _bad_request(f"{_ENTITY_ERROR}Can't find end of {name} entity at byte offset {offset}")
