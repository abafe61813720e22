"""A fake Telegram Bot API server: python-telegram-bot talks real HTTP to it (``base_url``).

It serves the methods the adapter calls (``_METHODS``) and answers any other 404, so a new call
shows up as a failing test. It is strict where Telegram is strict and the bot could go wrong:
64-byte ``callback_data``, 4,096-character texts, "message is not modified", a callback query
answered twice, a blocked user, a private chat whose user never wrote (``strict_private_chats``),
a ``parse_mode`` (the bot sends plain text), and with ``enforce_limits`` the flood limits
(30 messages/s overall, 1/s per chat, 20/min per group) answered with 429 and ``retry_after``.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import math
import re
import struct
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Literal

from aiohttp import web

from tests.fakes.http import ApiCall, Failure, FakeServer, JsonDict

FailureKind = Literal["retry_after", "forbidden", "server_error", "bad_request"]
ChatKey = int | str

# The Bot API methods the adapter calls (each one a method of FakeTelegram by the same name).
_METHODS = frozenset(
    "getMe getUpdates setWebhook deleteWebhook setMyCommands getMyCommands setMyDescription getMyDescription "
    "setMyShortDescription getMyShortDescription sendMessage sendDocument sendPhoto editMessageText "
    "answerCallbackQuery".split()
)
_RATE_LIMITED = frozenset({"sendMessage", "sendDocument", "sendPhoto"})  # new messages count against flood limits
# PTB posts form data where strings go raw and everything else JSON-encoded, so `text="42"` and
# `chat_id=42` look alike on the wire: these parameters are strings and never JSON-decoded.
_STRING_PARAMS = frozenset(
    {"text", "caption", "parse_mode", "callback_query_id", "url", "secret_token", "description", "short_description"}
)
_MAX_DESCRIPTION, _MAX_SHORT_DESCRIPTION = 512, 120
_COMMAND_RE = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?")
_NOT_MODIFIED = "message is not modified: specified new message content and reply markup are exactly the same"
_MAX_TEXT, _MAX_CAPTION, _MAX_CALLBACK_DATA = 4096, 1024, 64
_LIMITS = (30, 1, 20)  # messages per second overall, per second in one chat, per minute in one group


@dataclass(frozen=True)
class TgUser:
    """A Telegram user driven by a test; their private chat with the bot has the same id."""

    id: int
    first_name: str
    username: str | None = None
    language_code: str | None = "en"

    def to_dict(self) -> JsonDict:
        return {"is_bot": False, **{key: value for key, value in asdict(self).items() if value is not None}}


@dataclass(frozen=True)
class TgChat:
    """A chat: private (id = user id) or a group (negative id)."""

    id: int
    type: Literal["private", "group", "supergroup"]
    title: str | None = None
    first_name: str | None = None
    username: str | None = None

    def to_dict(self) -> JsonDict:  # Telegram leaves out empty fields rather than sending null
        return {key: value for key, value in asdict(self).items() if value is not None}


@dataclass
class UploadedFile:
    """A file the bot uploaded (sendDocument / sendPhoto), kept byte for byte."""

    filename: str
    content: bytes
    mime_type: str
    file_id: str


@dataclass
class SentMessage:
    """A message the bot sent or edited, as the test wants to look at it."""

    method: str
    chat_id: ChatKey
    message_id: int
    text: str | None
    caption: str | None
    reply_markup: JsonDict | None
    params: JsonDict
    file: UploadedFile | None = None

    @property
    def parse_mode(self) -> str | None:
        return self.params.get("parse_mode")

    @property
    def is_edit(self) -> bool:
        return self.method.startswith("edit")

    @property
    def body(self) -> str:
        """The text, or the caption of a document / photo ("" when there is neither)."""
        return self.text if self.text is not None else (self.caption or "")

    @property
    def buttons(self) -> list[JsonDict]:
        return _inline_buttons(self.reply_markup)

    @property
    def button_texts(self) -> list[str]:
        return [str(button.get("text", "")) for button in self.buttons]

    def callback_data(self, button_text: str) -> str:
        for button in self.buttons:
            if button.get("text") == button_text and "callback_data" in button:
                return str(button["callback_data"])
        raise KeyError(f"no callback button {button_text!r}; buttons: {self.button_texts}")


class _ApiError(Exception):
    """A Bot API error answer: raised by the methods, turned into the JSON error body."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.payload: JsonDict = {"ok": False, "error_code": status, "description": description}
        if retry_after is not None:
            self.payload["parameters"] = {"retry_after": retry_after}
        self.status = status


_Uploads = dict[str, tuple[str, bytes, str]]  # part name -> (filename, content, content type)


class FakeTelegram(FakeServer):
    """An in-process Telegram Bot API server on 127.0.0.1 with a random free port."""

    bot_id = 7_000_000_001

    def __init__(
        self,
        *,
        bot_username: str = "circles_test_bot",
        token: str | None = None,
        enforce_limits: bool = False,
        overall_per_second: int = _LIMITS[0],
        strict_private_chats: bool = False,
    ) -> None:
        """token: if given, requests with another token answer 401, as Telegram does.
        strict_private_chats: a send to a user who never wrote to the bot answers 403; off by
            default because tests often seed people straight into the database.
        overall_per_second: with ``enforce_limits``, the messages a second over all chats
            (Telegram's 30 by default; a test may scale it up, with the sender's limits alike)."""
        super().__init__()
        self.app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        self.token = token
        self.bot_user: JsonDict = {"id": self.bot_id, "is_bot": True, "first_name": "Circles Test"}
        self.bot_user["username"] = bot_username
        self.enforce_limits, self.strict_private_chats = enforce_limits, strict_private_chats
        self.overall_per_second = overall_per_second
        self.files: list[UploadedFile] = []
        self.rate_limited = 0  # how often the flood limits answered 429
        self.callback_answers: dict[str, JsonDict] = {}  # query id -> what the bot answered
        self.webhook_deliveries: list[tuple[int, int]] = []  # (update_id, HTTP status)
        self.webhook_url: str | None = None
        self.webhook_secret_token: str | None = None
        self._sent: list[SentMessage] = []
        self._pending: list[JsonDict] = []
        self._ids = itertools.count(1)  # updates, callback queries and files
        self._message_ids: dict[ChatKey, itertools.count[int]] = {}
        self._messages: dict[tuple[ChatKey, int], JsonDict] = {}  # every message, as edited since
        self._started_users: set[int] = set()
        self._blocked_users: set[int] = set()
        self._open_queries: set[str] = set()
        self._commands: dict[tuple[str, str], list[JsonDict]] = {}
        self._descriptions: dict[tuple[str, str], str] = {}  # ("description" | "short_description", language)
        self._sends: dict[object, deque[float]] = {}  # flood-limit windows: "all", chat id, ("group", id)
        self._poll_generation = 0  # each getUpdates bumps it; an older poll then ends with 409

    @property
    def base_url(self) -> str:
        """For PTB's ``base_url``: it appends ``<token>/<method>``."""
        return f"{super().base_url}/bot"

    # ---------------------------------------------------------------- people and chats

    def user(self, id: int, first_name: str, **details: str | None) -> TgUser:
        """A user; ``details``: username, language_code (default "en")."""
        return TgUser(id, first_name, **details)

    def group(self, id: int, title: str, type: Literal["group", "supergroup"] = "group") -> TgChat:
        assert id < 0, "Telegram group ids are negative"
        return TgChat(id=id, type=type, title=title)

    def block(self, user: TgUser | int) -> None:
        """The user blocks the bot: every later send to them answers 403, as on Telegram."""
        self._blocked_users.add(user if isinstance(user, int) else user.id)

    # ---------------------------------------------------------------- acting as a user

    def build_text_update(self, user: TgUser, text: str, chat: TgChat | None = None) -> JsonDict:
        """A `message` update (not queued), with the `bot_command` entity Telegram adds."""
        content: JsonDict = {"text": text}
        if command := _COMMAND_RE.match(text):
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command.group())}]
        return self._message_update(user, chat, content)

    def build_location_update(self, user: TgUser, latitude: float, longitude: float) -> JsonDict:
        return self._message_update(user, None, {"location": {"latitude": latitude, "longitude": longitude}})

    def build_callback_update(
        self, user: TgUser, message: SentMessage | JsonDict, callback_data: str, *, strict: bool = True
    ) -> JsonDict:
        """A `callback_query` update (not queued) for a button on a message the bot sent, carrying the
        message as it is now. With `strict` nobody can press a button that is not (or no longer) there."""
        if isinstance(message, SentMessage):
            address = (message.chat_id, message.message_id)
        else:
            address = (_chat_key(message["chat"]["id"]), int(message["message_id"]))
        stored = self._messages[address]
        available = [b.get("callback_data") for b in _inline_buttons(stored.get("reply_markup"))]
        if strict and callback_data not in available:
            raise ValueError(f"message {address} has no button {callback_data!r}; it has {available}")
        query_id = str(4_200_000_000_000_000_000 + next(self._ids))
        self._open_queries.add(query_id)
        if stored["chat"]["id"] == user.id:
            self._started_users.add(user.id)
        query = {"id": query_id, "from": user.to_dict(), "message": copy.deepcopy(stored), "data": callback_data}
        query["chat_instance"] = str(abs(hash(address[0])))
        return {"update_id": next(self._ids), "callback_query": query}

    def queue_update(self, update: JsonDict) -> JsonDict:
        """Queue an update for getUpdates."""
        self._pending.append(update)
        self.changed()
        return update

    async def deliver_webhook(self, update: JsonDict, *, headers: Mapping[str, str] | None = None) -> int:
        """POST `update` to the URL given to setWebhook, with its secret token; return the status."""
        assert self.webhook_url is not None and self.session is not None, "no webhook is set"
        sent = {"Content-Type": "application/json"}
        if self.webhook_secret_token:
            sent["X-Telegram-Bot-Api-Secret-Token"] = self.webhook_secret_token
        sent.update(headers or {})
        async with self.session.post(self.webhook_url, data=json.dumps(update), headers=sent) as response:
            await response.read()
        self.webhook_deliveries.append((int(update.get("update_id", 0)), response.status))
        return response.status

    # ---------------------------------------------------------------- inspecting the bot

    def sent_messages(self, chat_id: ChatKey | None = None) -> list[SentMessage]:
        """Successful sends and edits, oldest first (in one chat, if given)."""
        key = None if chat_id is None else _chat_key(chat_id)
        return [sent for sent in self._sent if key is None or sent.chat_id == key]

    def last_message(self, chat_id: ChatKey) -> SentMessage:
        sent = self.sent_messages(chat_id)
        assert sent, f"the bot sent nothing to chat {chat_id}"
        return sent[-1]

    def chat_history(self, chat_id: ChatKey) -> list[JsonDict]:
        """Every message in the chat, both directions, in order, as the user now sees it."""
        key = _chat_key(chat_id)  # stored in the order sent, which is the order of message ids
        return [copy.deepcopy(message) for (chat, _), message in self._messages.items() if chat == key]

    def commands(self, scope: JsonDict | None = None, language_code: str = "") -> list[JsonDict]:
        """The menu the bot registered with setMyCommands for a scope and language."""
        return copy.deepcopy(self._commands.get(_commands_key(scope, language_code), []))

    def description(self, language_code: str = "", *, short: bool = False) -> str:
        """What setMyDescription (or setMyShortDescription) left for a language ("" for everyone else)."""
        return self._descriptions.get(("short_description" if short else "description", language_code), "")

    calls_of = FakeServer.calls_to

    @property
    def unknown_calls(self) -> list[ApiCall]:
        """Calls of methods this fake does not serve (each answered 404)."""
        return [call for call in self.calls if call.method not in _METHODS]

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
        """The next `times` calls of `method` (to `chat_id`, if given), after `skip`, fail:
        "retry_after" with 429, "forbidden" with 403, "server_error" with `status` (500),
        "bad_request" with 400 and `description`."""
        error = {
            "retry_after": _retry_after(retry_after),
            "forbidden": _ApiError(403, description or "Forbidden: bot was blocked by the user"),
            "bad_request": _ApiError(400, description or "Bad Request: injected failure"),
            "server_error": _ApiError(status or 500, description or "Internal Server Error"),
        }[kind]
        self.failures.append(Failure(method, None if chat_id is None else _chat_key(chat_id), times, error, skip))

    # ---------------------------------------------------------------- HTTP plumbing, chats and messages

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if self.token is not None and request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        params, uploads = await _parse_request(request)
        call = ApiCall(method, params)
        self.calls.append(call)
        try:
            if method not in _METHODS:
                raise _ApiError(404, "Not Found: method not found")
            if error := self.injected(method, None if params.get("chat_id") is None else _chat_key(params["chat_id"])):
                raise error
            self._enforce_rate_limit(method, params)
            status, payload = 200, {"ok": True, "result": await getattr(self, method)(params, uploads)}
        except _ApiError as error:
            status, payload = error.status, error.payload
        except asyncio.CancelledError:
            call.status = 499  # PTB dropped the connection (a long poll cancelled on stop)
            raise
        call.status = status
        return web.json_response(payload, status=status)

    def _enforce_rate_limit(self, method: str, params: JsonDict) -> None:
        """Telegram's flood limits, counted over sliding windows of real (monotonic) time."""
        if not self.enforce_limits or method not in _RATE_LIMITED:
            return
        chat_id = _chat_key(params.get("chat_id"))
        _, per_chat, per_group = _LIMITS
        overall = self.overall_per_second
        windows: list[tuple[object, int, float]] = [("all", overall, 1.0), (chat_id, per_chat, 1.0)]
        if isinstance(chat_id, int) and chat_id < 0:
            windows.append((("group", chat_id), per_group, 60.0))
        now = time.monotonic()
        for key, limit, period in windows:
            sends = self._sends.setdefault(key, deque())
            while sends and sends[0] <= now - period:
                sends.popleft()
            if len(sends) >= limit:
                self.rate_limited += 1
                raise _retry_after(max(1, math.ceil(sends[0] + period - now)))
        for key, _, _ in windows:
            self._sends[key].append(now)

    def _message_update(self, user: TgUser, chat: TgChat | None, content: JsonDict) -> JsonDict:
        target = chat or TgChat(user.id, "private", first_name=user.first_name, username=user.username)
        if target.id == user.id:  # only writing privately lets the bot write to the user first
            self._started_users.add(user.id)
        message = self._store(target.to_dict(), user.to_dict(), content)
        return {"update_id": next(self._ids), "message": copy.deepcopy(message)}

    def _store(self, chat: JsonDict, sender: JsonDict, content: JsonDict) -> JsonDict:
        key = _chat_key(chat["id"])
        counter = self._message_ids.setdefault(key, itertools.count(1))
        message = {"message_id": next(counter), "from": sender, "date": int(time.time()), "chat": chat, **content}
        self._messages[(key, message["message_id"])] = message
        return message

    def _target_chat(self, params: JsonDict) -> JsonDict:
        """The `Chat` a send goes to, refused where Telegram would refuse it."""
        key = _chat_key(params.get("chat_id"))
        if isinstance(key, str):  # "@channelname" (seeded tests also use names): a channel
            return {"id": key, "type": "channel", "title": key.lstrip("@")}
        if key == 0:
            raise _ApiError(400, "Bad Request: chat not found")
        if key in self._blocked_users:
            raise _ApiError(403, "Forbidden: bot was blocked by the user")
        if key > 0 and self.strict_private_chats and key not in self._started_users:
            raise _ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        if key > 0:
            return {"id": key, "type": "private", "first_name": f"User {key}"}
        return {"id": key, "type": "supergroup" if str(key).startswith("-100") else "group", "title": f"Group {key}"}

    def _send(self, method: str, params: JsonDict, content: JsonDict, file: UploadedFile | None = None) -> JsonDict:
        """Store a new message from the bot, or record an edit of one (`content` is then the message)."""
        if not method.startswith("edit"):
            content = self._store(self._target_chat(params), self.bot_user, content)
        markup = params.get("reply_markup") if isinstance(params.get("reply_markup"), dict) else None
        chat_id, message_id, text = _chat_key(params["chat_id"]), int(content["message_id"]), content.get("text")
        self._sent.append(SentMessage(method, chat_id, message_id, text, content.get("caption"), markup, params, file))
        return copy.deepcopy(content)

    def _content(self, params: JsonDict, key: str, limit: int) -> JsonDict:
        """The message's text or caption and inline keyboard, validated as Telegram does."""
        if params.get("parse_mode"):
            raise _bad_request("this fake serves plain text only (the bot sends no parse_mode)")
        content: JsonDict = {}
        if text := params.get(key):
            if len(str(text).encode("utf-16-le")) // 2 > limit:  # Telegram counts UTF-16 code units
                raise _bad_request("message is too long" if key == "text" else "message caption is too long")
            content[key] = str(text)
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            for button in _inline_buttons(markup):
                data = button.get("callback_data")
                size = 1 if data is None else len(str(data).encode())  # bytes, not characters
                if not button.get("text") or not 1 <= size <= _MAX_CALLBACK_DATA:
                    raise _bad_request("BUTTON_DATA_INVALID")
            content["reply_markup"] = {"inline_keyboard": copy.deepcopy(markup["inline_keyboard"])}
        return content

    def _upload(self, params: JsonDict, uploads: _Uploads, name: str) -> tuple[UploadedFile, JsonDict]:
        """The uploaded file, and the message's content with its caption (validated before the upload is kept)."""
        part = uploads.get(name) or uploads.get(str(params.get(name, "")).removeprefix("attach://"))
        if part is None:
            raise _bad_request(f"there is no {name} in the request")
        content = self._content(params, "caption", _MAX_CAPTION)
        uploaded = UploadedFile(*part, file_id=f"fake-{name}-{next(self._ids):06d}")
        self.files.append(uploaded)
        return uploaded, content

    # ---------------------------------------------------------------- Bot API methods

    async def getMe(self, params: JsonDict, uploads: _Uploads) -> JsonDict:
        return self.bot_user

    async def getUpdates(self, params: JsonDict, uploads: _Uploads) -> list[JsonDict]:
        if self.webhook_url:
            raise _ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        self._poll_generation += 1
        generation = self._poll_generation
        self.changed()  # a poll still waiting notices it has been superseded
        if (offset := int(params.get("offset") or 0)) > 0:  # an offset confirms every update before it
            self._pending = [u for u in self._pending if u["update_id"] >= offset]

        def superseded() -> bool:  # by a newer poll or a webhook: the older poll ends with 409
            return bool(self.webhook_url) or generation != self._poll_generation

        timeout = float(params.get("timeout") or 0)
        with contextlib.suppress(TimeoutError):
            await self.wait_for(lambda: bool(self._pending) or self.closed or superseded(), timeout)
        if superseded():
            raise _ApiError(409, "Conflict: terminated by other getUpdates request")
        return copy.deepcopy(self._pending[:100])

    async def setWebhook(self, params: JsonDict, uploads: _Uploads) -> bool:
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise _bad_request("secret token contains unallowed characters")
        self.webhook_url = params.get("url") or None
        self.webhook_secret_token = str(secret) if self.webhook_url and secret else None
        self.changed()  # a waiting poll ends with a conflict, as on Telegram
        return True

    async def deleteWebhook(self, params: JsonDict, uploads: _Uploads) -> bool:
        if params.get("drop_pending_updates"):
            self._pending.clear()
        self.webhook_url = self.webhook_secret_token = None
        return True

    async def setMyCommands(self, params: JsonDict, uploads: _Uploads) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad_request('parameter "commands" is required (at most 100)')
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = _commands_key(params.get("scope"), str(params.get("language_code") or ""))
        self._commands[key] = [{"command": c["command"], "description": c["description"]} for c in commands]
        return True

    async def getMyCommands(self, params: JsonDict, uploads: _Uploads) -> list[JsonDict]:
        return self.commands(params.get("scope"), str(params.get("language_code") or ""))

    async def setMyDescription(self, params: JsonDict, uploads: _Uploads) -> bool:
        return self._set_description("description", params, _MAX_DESCRIPTION)

    async def getMyDescription(self, params: JsonDict, uploads: _Uploads) -> JsonDict:
        return {"description": self.description(str(params.get("language_code") or ""))}

    async def setMyShortDescription(self, params: JsonDict, uploads: _Uploads) -> bool:
        return self._set_description("short_description", params, _MAX_SHORT_DESCRIPTION)

    async def getMyShortDescription(self, params: JsonDict, uploads: _Uploads) -> JsonDict:
        return {"short_description": self.description(str(params.get("language_code") or ""), short=True)}

    def _set_description(self, kind: str, params: JsonDict, limit: int) -> bool:
        text = str(params.get(kind) or "")  # empty: removes the one of this language
        if len(text) > limit:
            raise _bad_request(f"{kind} is too long (at most {limit} characters)")
        language = str(params.get("language_code") or "")
        if text:
            self._descriptions[(kind, language)] = text
        else:
            self._descriptions.pop((kind, language), None)
        return True

    async def sendMessage(self, params: JsonDict, uploads: _Uploads) -> JsonDict:
        self._target_chat(params)  # refused before the text is looked at, as on Telegram
        if not str(params.get("text") or "").strip():
            raise _bad_request("message text is empty")
        return self._send("sendMessage", params, self._content(params, "text", _MAX_TEXT))

    async def sendDocument(self, params: JsonDict, uploads: _Uploads) -> JsonDict:
        self._target_chat(params)
        file, content = self._upload(params, uploads, "document")
        document = {"file_id": file.file_id, "file_unique_id": file.file_id, "file_name": file.filename}
        content["document"] = {**document, "mime_type": file.mime_type}
        return self._send("sendDocument", params, content, file)

    async def sendPhoto(self, params: JsonDict, uploads: _Uploads) -> JsonDict:
        self._target_chat(params)
        file, content = self._upload(params, uploads, "photo")
        width, height = struct.unpack(">II", file.content[16:24]) if file.content[:4] == b"\x89PNG" else (0, 0)
        photo = [{"file_id": file.file_id, "file_unique_id": file.file_id, "width": width, "height": height}]
        return self._send("sendPhoto", params, {"photo": photo, **content}, file)

    async def editMessageText(self, params: JsonDict, uploads: _Uploads) -> JsonDict:
        stored = self._messages.get((_chat_key(params.get("chat_id")), int(params.get("message_id") or 0)))
        if stored is None or stored["from"]["id"] != self.bot_id:
            raise _bad_request("message to edit not found")
        if "text" not in stored:
            raise _bad_request("there is no text in the message to edit")
        content = self._content(params, "text", _MAX_TEXT)
        if not content.get("text"):
            raise _bad_request("message text is empty")
        # An edit that does not repeat the inline keyboard removes it, as on Telegram.
        if stored["text"] == content["text"] and stored.get("reply_markup") == content.get("reply_markup"):
            raise _bad_request(_NOT_MODIFIED)
        stored.pop("reply_markup", None)
        stored.update(content, edit_date=int(time.time()))
        return self._send("editMessageText", params, stored)

    async def answerCallbackQuery(self, params: JsonDict, uploads: _Uploads) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if query_id not in self._open_queries:  # unknown, or answered already
            raise _bad_request("query is too old and response timeout expired or query ID is invalid")
        self._open_queries.discard(query_id)
        self.callback_answers[query_id] = {k: params[k] for k in ("text", "show_alert") if k in params}
        return True


async def _parse_request(request: web.Request) -> tuple[JsonDict, _Uploads]:
    """Parameters from the query string plus a JSON, urlencoded or multipart body."""
    params: JsonDict = {key: _decode(key, value) for key, value in request.query.items()}
    uploads: _Uploads = {}
    if request.content_type == "application/json":
        params.update(await request.json() if request.can_read_body else {})
    elif request.can_read_body:
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                uploads[key] = (value.filename or key, value.file.read(), value.content_type or "")
            else:
                params[key] = _decode(key, str(value))
    return params, uploads


def _decode(key: str, value: str) -> object:
    if key in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _chat_key(value: object) -> ChatKey:
    """Chat ids arrive as int (JSON) or str (form data)."""
    try:
        return int(str(value).strip())
    except ValueError:
        return str(value)


def _commands_key(scope: object, language_code: str) -> tuple[str, str]:
    scope = scope if isinstance(scope, dict) and scope else {"type": "default"}
    return json.dumps(scope, sort_keys=True), language_code


def _inline_buttons(markup: object) -> list[JsonDict]:
    rows = markup.get("inline_keyboard") or [] if isinstance(markup, dict) else []
    return [button for row in rows for button in row if isinstance(button, dict)]


def _bad_request(description: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {description}")


def _retry_after(seconds: int) -> _ApiError:
    return _ApiError(429, f"Too Many Requests: retry after {seconds}", retry_after=seconds)
