"""A fake Slack for end-to-end tests: the Web API the bot calls, and Slack's side that calls the bot.

The bot under test talks real HTTP to this server through slack-sdk (``AsyncWebClient`` with
``base_url=slack.api_url``), and receives real, correctly signed requests from it (slash commands,
``block_actions`` button presses, Events API messages) on its own ``/slack/events`` — or, in
Socket Mode, over a real WebSocket after ``apps.connections.open``. Nothing in the bot is patched.

The fake is *strict where Slack is strict*, so that a mistake that would fail in production fails
here: the bot token is checked, a channel the bot is not in answers ``not_in_channel``, an unknown
one ``channel_not_found``, Block Kit limits are enforced (50 blocks, 3,000 characters per section,
75 per button label, 25 elements per ``actions`` block, unique ``action_id`` per message) and so is
mrkdwn escaping (a bare ``<``, ``>`` or ``&`` is ``invalid_blocks``). Failures can be injected:
``fail("chat.postMessage", error="not_in_channel")``, ``fail(..., status=429, retry_after=3)``,
``fail(..., status=503)``.

Every API call is recorded (``calls``); messages live in channels (``messages``) with their edits;
``seen_by(user)`` is what one person saw, in order. ``wait_for(predicate)`` waits (with a timeout)
until the records satisfy a condition. Everything runs on the test's own event loop.

Typical use::

    async with FakeSlack() as slack:
        ...  # start the bot with api_base_url=slack.api_url, then slack.app_url = <bot>/slack/events
        fiona = slack.user("U0FIONA", "Fiona")
        sent = await slack.send_command(fiona, "new")
        message = slack.last_message(fiona.dm)
        await slack.send_action(fiona, message, "Publish")
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import re
import secrets
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from aiohttp import ClientSession, WSMsgType, web

JsonDict = dict[str, Any]

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_BUTTON_TEXT = 75
MAX_ELEMENTS = 25
MAX_TEXT = 40_000
BLOCK_TYPES = frozenset({"section", "actions", "divider", "context", "header", "image"})
# <https://…>, <https://…|label>, <mailto:…>, <@U…>, <#C…>, <!here>: what may stand in <…> in mrkdwn.
VALID_LINK = re.compile(r"<(?:https?://|mailto:|@|#|!)[^<>]*>")
BAD_ENTITY = re.compile(r"&(?!amp;|lt;|gt;)")


# --------------------------------------------------------------------------------------------
# The world: people, channels, messages
# --------------------------------------------------------------------------------------------


@dataclass
class SlackUser:
    id: str
    name: str
    locale: str = "en-US"
    deleted: bool = False

    @property
    def dm(self) -> str:
        """The direct-message channel between this person and the bot."""
        return "D" + self.id[1:]

    def to_dict(self, include_locale: bool) -> JsonDict:
        data: JsonDict = {
            "id": self.id,
            "team_id": FakeSlack.team_id,
            "name": self.name.lower(),
            "real_name": self.name,
            "deleted": self.deleted,
            "is_bot": False,
            "profile": {"real_name": self.name, "display_name": self.name},
        }
        if include_locale:
            data["locale"] = self.locale
        return data


@dataclass
class Channel:
    id: str
    name: str
    members: set[str] = field(default_factory=set)
    is_im: bool = False
    archived: bool = False


@dataclass
class UploadedFile:
    id: str
    filename: str
    title: str
    content: bytes


@dataclass
class Posted:
    """A message in Slack, as it is now (after any edits)."""

    channel: str
    ts: str
    text: str
    blocks: list[JsonDict]
    ephemeral_to: str | None = None
    files: list[UploadedFile] = field(default_factory=list)
    edits: int = 0

    def buttons(self) -> list[JsonDict]:
        return [e for b in self.blocks if b.get("type") == "actions" for e in b.get("elements", [])]

    def button(self, label: str) -> JsonDict | None:
        wanted = label.casefold()
        for element in self.buttons():
            shown = element["text"]["text"].casefold().lstrip("✓ ")
            if shown.startswith(wanted):
                return element
        return None

    def plain(self) -> str:
        """The words a person reads: the sections' mrkdwn decoded (or the text, without blocks)."""
        sections = [b["text"]["text"] for b in self.blocks if b.get("type") == "section" and b.get("text")]
        return "\n".join(decode(text) for text in sections) if sections else decode(self.text)

    def shown(self) -> str:
        lines = [self.plain()] if self.plain() else []
        labels = [e["text"]["text"] for e in self.buttons()]
        if labels:
            lines.append("   ".join(f"[{label}]" for label in labels))
        lines.extend(f"(file: {f.filename})" for f in self.files)
        return "\n".join(lines)


@dataclass(frozen=True)
class Seen:
    """One thing a person saw happen: a new message, an edit, an ephemeral answer, a file."""

    kind: str  # "post" | "update" | "ephemeral" | "replace" | "file"
    message: Posted
    text: str

    def render(self) -> str:
        prefix = {"update": "(updated) ", "replace": "(updated) ", "ephemeral": "(only you) "}.get(self.kind, "")
        return prefix + self.text


@dataclass(frozen=True)
class ApiCall:
    method: str
    args: JsonDict
    token: str | None
    status: int
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None


@dataclass
class Injected:
    method: str
    times: int
    error: str | None
    status: int
    retry_after: int | None
    channel: str | None


@dataclass(frozen=True)
class Sent:
    """What the bot answered to one request from Slack."""

    status: int
    body: str
    update_id: str | None


def decode(text: str) -> str:
    """mrkdwn as a person reads it: links shown as their label or address, entities unescaped."""

    def link(match: re.Match[str]) -> str:
        target, _, label = match.group(0)[1:-1].partition("|")
        return label or target

    return VALID_LINK.sub(link, text).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def encode(text: str) -> str:
    """What Slack sends the bot for what a person typed: escaped, web addresses as links."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"https?://[^\s<>|]+", lambda m: f"<{m.group(0)}>", escaped)


def check_mrkdwn(text: str) -> str | None:
    """Why ``text`` is not well-formed mrkdwn (a raw ``<``, ``>`` or ``&``), or None."""
    rest = VALID_LINK.sub("", text)
    if "<" in rest or ">" in rest:
        return "unescaped < or > in mrkdwn"
    if BAD_ENTITY.search(rest):
        return "unescaped & in mrkdwn"
    return None


def check_blocks(blocks: object) -> str | None:
    """Why Slack would refuse these blocks (``invalid_blocks``), or None."""
    if not isinstance(blocks, list) or not blocks:
        return "blocks must be a non-empty list"
    if len(blocks) > MAX_BLOCKS:
        return f"{len(blocks)} blocks (at most {MAX_BLOCKS})"
    action_ids: set[str] = set()
    for block in blocks:
        kind = block.get("type") if isinstance(block, dict) else None
        if kind not in BLOCK_TYPES:
            return f"unknown block type {kind!r}"
        if kind == "section":
            text = block.get("text") or {}
            if text.get("type") not in ("mrkdwn", "plain_text") or not text.get("text"):
                return "section without text"
            if len(text["text"]) > MAX_SECTION_TEXT:
                return f"section text of {len(text['text'])} characters"
            if text["type"] == "mrkdwn" and (problem := check_mrkdwn(text["text"])):
                return problem
        if kind == "actions":
            elements = block.get("elements") or []
            if not 1 <= len(elements) <= MAX_ELEMENTS:
                return f"{len(elements)} elements in an actions block"
            for element in elements:
                if element.get("type") != "button":
                    return "only buttons are expected"
                label = (element.get("text") or {}).get("text") or ""
                if (element.get("text") or {}).get("type") != "plain_text" or not 1 <= len(label) <= MAX_BUTTON_TEXT:
                    return f"button text {label!r}"
                action_id = element.get("action_id") or ""
                if not action_id or len(action_id) > 255 or action_id in action_ids:
                    return f"action_id {action_id!r} missing, too long or repeated"
                action_ids.add(action_id)
                if len(element.get("value") or "") > 2000 or len(element.get("url") or "") > 3000:
                    return "button value or url too long"
                if "value" not in element and "url" not in element:
                    return "button without value or url"
    return None


# --------------------------------------------------------------------------------------------
# The fake
# --------------------------------------------------------------------------------------------


class FakeSlack:
    team_id = "T0CIRCLES"
    app_id = "A0CIRCLES"
    bot_user_id = "U0CIRCLESBOT"
    bot_id = "B0CIRCLES"

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-test-token",
        app_token: str = "xapp-test-token",
        signing_secret: str = "test-signing-secret",
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.signing_secret = signing_secret
        self.users: dict[str, SlackUser] = {}
        self.channels: dict[str, Channel] = {}
        self.messages: dict[str, list[Posted]] = {}
        self.timeline: list[tuple[Seen, frozenset[str]]] = []  # what happened, and who could see it
        self.calls: list[ApiCall] = []
        self.uploads: dict[str, UploadedFile] = {}
        self._declared: dict[str, int] = {}  # file id -> the length announced in step one
        self.responses: list[tuple[str, JsonDict]] = []  # (response URL id, body) posted by the bot
        self.views: list[JsonDict] = []
        self.acks: dict[str, JsonDict] = {}  # Socket Mode: envelope id -> the bot's acknowledgement
        self.app_url: str | None = None  # the bot's /slack/events, for HTTP mode
        self._failures: list[Injected] = []
        self._response_urls: dict[str, JsonDict] = {}
        self._counter = itertools.count(1)
        # Trigger and event ids are unique across fakes too, as Slack's are across time.
        self._instance = secrets.token_hex(4)
        self._tick = asyncio.Event()
        self._socket: web.WebSocketResponse | None = None
        self._socket_ready = asyncio.Event()
        self._ack_waiters: dict[str, asyncio.Future[JsonDict]] = {}
        self._runner: web.AppRunner | None = None
        self._session: ClientSession | None = None
        self.port = 0
        self.app = web.Application(client_max_size=10 * 1024 * 1024)
        self.app.router.add_route("*", "/api/{method}", self._api)
        self.app.router.add_post("/upload/{file_id}", self._upload)
        self.app.router.add_post("/respond/{rid}", self._respond)
        self.app.router.add_get("/socket", self._websocket)

    # ------------------------------------------------------------------ life cycle

    async def __aenter__(self) -> Self:
        self._runner = web.AppRunner(self.app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self._session = ClientSession()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """What the bot uses as ``slack.api_base_url``."""
        return f"{self.base_url}/api/"

    # ------------------------------------------------------------------ the world

    def user(self, user_id: str, name: str, *, locale: str = "en-US") -> SlackUser:
        found = self.users.get(user_id)
        if found is None:
            found = self.users[user_id] = SlackUser(user_id, name, locale)
            self.channels[found.dm] = Channel(found.dm, found.dm, {user_id, self.bot_user_id}, is_im=True)
        return found

    def channel(self, channel_id: str, name: str, *members: SlackUser, bot: bool = True) -> Channel:
        people = {m.id for m in members} | ({self.bot_user_id} if bot else set())
        found = self.channels[channel_id] = Channel(channel_id, name, people)
        return found

    def fail(
        self,
        method: str,
        *,
        error: str | None = None,
        status: int = 200,
        retry_after: int | None = None,
        times: int = 1,
        channel: str | None = None,
    ) -> None:
        """The next ``times`` calls of ``method`` (to ``channel``, if given) fail like this."""
        if status == 429 and error is None:
            error = "ratelimited"
        self._failures.append(Injected(method, times, error, status, retry_after, channel))

    # ------------------------------------------------------------------ what happened

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]

    def messages_in(self, channel: str) -> list[Posted]:
        return list(self.messages.get(channel, []))

    def last_message(self, channel: str) -> Posted:
        found = self.messages.get(channel)
        assert found, f"no message in {channel}"
        return found[-1]

    def mark(self) -> int:
        return len(self.timeline)

    def seen_by(self, user: SlackUser, since: int = 0) -> list[Seen]:
        return [seen for seen, who in self.timeline[since:] if user.id in who]

    def visible_to(self, user: SlackUser) -> list[Posted]:
        """Every message this person can see now, oldest first."""
        out: list[Posted] = []
        for channel_id, posted in self.messages.items():
            channel = self.channels.get(channel_id)
            for message in posted:
                if message.ephemeral_to == user.id or (
                    message.ephemeral_to is None and channel is not None and user.id in channel.members
                ):
                    out.append(message)
        return sorted(out, key=lambda m: float(m.ts))

    async def wait_for(self, predicate: Callable[[], bool], within: float = 5.0) -> None:
        """Until ``predicate()`` holds, re-checked after every API call; a timeout fails the test."""
        async with asyncio.timeout(within):
            while not predicate():
                await self._tick.wait()

    def _changed(self) -> None:
        self._tick.set()
        self._tick = asyncio.Event()

    def _next_ts(self) -> str:
        n = next(self._counter)
        return f"{1_800_000_000 + n}.{n:06d}"

    def _see(self, kind: str, message: Posted) -> None:
        if message.ephemeral_to is not None:
            who = frozenset({message.ephemeral_to})
        else:
            channel = self.channels.get(message.channel)
            who = frozenset(channel.members if channel else set())
        text = message.shown() if kind != "file" else "\n".join(f"(file: {f.filename})" for f in message.files)
        self.timeline.append((Seen(kind, message, text), who))

    # ------------------------------------------------------------------ the Web API

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        args: JsonDict = dict(request.query)
        if request.content_type == "application/json":
            args.update(await request.json())
        elif request.can_read_body:
            args.update(await request.post())
        header = request.headers.get("Authorization", "")
        token = header[len("Bearer ") :] if header.startswith("Bearer ") else args.pop("token", None)
        status, body, headers = 200, self._answer(method, args, token), {}
        injected = self._injected(method, args)
        if injected is not None:
            status = injected.status
            body = {"ok": False, "error": injected.error or "fatal_error"}
            if injected.retry_after is not None:
                headers["Retry-After"] = str(injected.retry_after)
        error = None if body.get("ok") else str(body.get("error"))
        self.calls.append(ApiCall(method, args, token, status, error))
        if injected is None and error is None:
            self._apply(method, args, body)
        self._changed()
        return web.json_response(body, status=status, headers=headers)

    def _injected(self, method: str, args: JsonDict) -> Injected | None:
        for failure in self._failures:
            wanted_channel = failure.channel is None or failure.channel in (args.get("channel"), args.get("channel_id"))
            if failure.method == method and failure.times > 0 and wanted_channel:
                failure.times -= 1
                return failure
        return None

    def _answer(self, method: str, args: JsonDict, token: str | None) -> JsonDict:
        """Validate a call and say what Slack would answer; ``_apply`` changes the world after."""
        if method == "apps.connections.open":
            if token != self.app_token:
                return {"ok": False, "error": "invalid_auth"}
            return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket?ticket={next(self._counter)}"}
        if token != self.bot_token:
            return {"ok": False, "error": "not_authed" if not token else "invalid_auth"}
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        result: JsonDict = handler(args)
        return result

    def _apply(self, method: str, args: JsonDict, body: JsonDict) -> None:
        if method == "chat.postMessage":
            channel = body["channel"]
            message = Posted(channel, body["ts"], args.get("text") or "", list(args.get("blocks") or []))
            self.messages.setdefault(channel, []).append(message)
            self._see("post", message)
        elif method == "chat.postEphemeral":
            message = Posted(
                body["channel"], self._next_ts(), args.get("text") or "", list(args.get("blocks") or []), args["user"]
            )
            self.messages.setdefault(message.channel, []).append(message)
            self._see("ephemeral", message)
        elif method == "chat.update":
            message = self._find(args["channel"], args["ts"])
            assert message is not None
            message.text = args.get("text") or message.text
            message.blocks = list(args.get("blocks") or [])
            message.edits += 1
            self._see("update", message)
        elif method == "files.completeUploadExternal":
            channel = body["channel"]
            files = [self.uploads[f["id"]] for f in body["files"]]
            message = Posted(channel, self._next_ts(), args.get("initial_comment") or "", [], files=files)
            self.messages.setdefault(channel, []).append(message)
            self._see("file", message)
        elif method.startswith("views."):
            self.views.append({"method": method, **args})

    def _channel_for_posting(self, target: object) -> tuple[Channel | None, str | None]:
        name = str(target or "")
        if name[:1] in ("U", "W"):
            user = self.users.get(name)
            if user is None:
                return None, "channel_not_found"
            if user.deleted:
                return None, "account_inactive"
            name = user.dm
        channel = self.channels.get(name)
        if channel is None:
            return None, "channel_not_found"
        if channel.archived:
            return None, "is_archived"
        if self.bot_user_id not in channel.members:
            return None, "not_in_channel"
        return channel, None

    def _check_message(self, args: JsonDict) -> str | None:
        text, blocks = args.get("text"), args.get("blocks")
        if not text and not blocks:
            return "no_text"
        if isinstance(blocks, str):
            blocks = args["blocks"] = json.loads(blocks)
        if blocks is not None and (problem := check_blocks(blocks)):
            args["_problem"] = problem
            return "invalid_blocks"
        if text and (len(text) > MAX_TEXT or check_mrkdwn(text)):
            args["_problem"] = check_mrkdwn(text) or "text too long"
            return "invalid_arguments"
        return None

    def _find(self, channel: str, ts: str) -> Posted | None:
        return next((m for m in self.messages.get(channel, []) if m.ts == ts), None)

    # Methods. Each returns Slack's answer; the world changes in ``_apply`` if it succeeded.

    def _m_auth_test(self, args: JsonDict) -> JsonDict:
        return {
            "ok": True,
            "url": "https://circles-test.slack.com/",
            "team": "Circles test",
            "user": "circles",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _m_users_info(self, args: JsonDict) -> JsonDict:
        user = self.users.get(str(args.get("user")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        include_locale = str(args.get("include_locale")).lower() in ("1", "true")
        return {"ok": True, "user": user.to_dict(include_locale)}

    def _m_conversations_open(self, args: JsonDict) -> JsonDict:
        ids = [u for u in str(args.get("users") or "").split(",") if u]
        if len(ids) != 1:
            return {"ok": False, "error": "not_implemented" if ids else "users_list_not_supplied"}
        if ids[0] == self.bot_user_id:
            return {"ok": False, "error": "cannot_dm_bot"}
        user = self.users.get(ids[0])
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        if user.deleted:
            return {"ok": False, "error": "user_disabled"}
        return {"ok": True, "channel": {"id": user.dm}}

    def _m_chat_postMessage(self, args: JsonDict) -> JsonDict:
        channel, error = self._channel_for_posting(args.get("channel"))
        if channel is None:
            return {"ok": False, "error": error}
        if problem := self._check_message(args):
            return {"ok": False, "error": problem, "response_metadata": {"messages": [args.get("_problem", "")]}}
        ts = self._next_ts()
        return {"ok": True, "channel": channel.id, "ts": ts, "message": {"text": args.get("text"), "ts": ts}}

    def _m_chat_postEphemeral(self, args: JsonDict) -> JsonDict:
        channel, error = self._channel_for_posting(args.get("channel"))
        if channel is None:
            return {"ok": False, "error": error}
        if str(args.get("user")) not in channel.members:
            return {"ok": False, "error": "user_not_in_channel"}
        if problem := self._check_message(args):
            return {"ok": False, "error": problem}
        return {"ok": True, "channel": channel.id, "message_ts": self._next_ts()}

    def _m_chat_update(self, args: JsonDict) -> JsonDict:
        channel = str(args.get("channel"))
        message = self._find(channel, str(args.get("ts")))
        if message is None or message.ephemeral_to is not None:
            return {"ok": False, "error": "message_not_found"}
        if problem := self._check_message(args):
            return {"ok": False, "error": problem}
        return {"ok": True, "channel": channel, "ts": message.ts, "text": args.get("text")}

    def _m_files_getUploadURLExternal(self, args: JsonDict) -> JsonDict:
        filename, length = args.get("filename"), str(args.get("length") or "")
        if not filename or not length.isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._counter):08d}"
        self.uploads[file_id] = UploadedFile(file_id, str(filename), str(filename), b"")
        self._declared[file_id] = int(length)
        return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    def _m_files_completeUploadExternal(self, args: JsonDict) -> JsonDict:
        try:
            files = json.loads(str(args.get("files") or "[]"))
        except json.JSONDecodeError:
            return {"ok": False, "error": "invalid_arguments"}
        channel, error = self._channel_for_posting(args.get("channel_id"))
        if channel is None:
            return {"ok": False, "error": error}
        out = []
        for item in files:
            uploaded = self.uploads.get(item.get("id"))
            if uploaded is None or len(uploaded.content) != self._declared.get(uploaded.id):
                return {"ok": False, "error": "file_upload_not_complete"}
            uploaded.title = item.get("title") or uploaded.title
            out.append({"id": uploaded.id, "name": uploaded.filename, "title": uploaded.title})
        return {"ok": True, "files": out, "channel": channel.id}

    def _view(self, args: JsonDict, *, needs_trigger: bool) -> JsonDict:
        if needs_trigger and not args.get("trigger_id"):
            return {"ok": False, "error": "invalid_arguments"}
        view = args.get("view")
        if isinstance(view, str):
            view = json.loads(view)
        return {"ok": True, "view": {"id": f"V{next(self._counter):08d}", **(view or {})}}

    def _m_views_open(self, args: JsonDict) -> JsonDict:
        return self._view(args, needs_trigger=True)

    def _m_views_push(self, args: JsonDict) -> JsonDict:
        return self._view(args, needs_trigger=True)

    def _m_views_update(self, args: JsonDict) -> JsonDict:
        return self._view(args, needs_trigger=False)

    def _m_views_publish(self, args: JsonDict) -> JsonDict:
        if not args.get("user_id"):
            return {"ok": False, "error": "invalid_arguments"}
        return self._view(args, needs_trigger=False)

    async def _upload(self, request: web.Request) -> web.StreamResponse:
        """Step two of Slack's upload flow: the bytes, POSTed to the URL step one gave."""
        file_id = request.match_info["file_id"]
        uploaded = self.uploads.get(file_id)
        content = await request.read()
        self.calls.append(ApiCall("upload", {"file_id": file_id, "length": len(content)}, None, 200, None))
        self._changed()
        if uploaded is None:
            return web.Response(status=404, text="not found", content_type="text/plain")
        uploaded.content = content
        return web.Response(text=f"OK - {len(content)}", content_type="text/plain")

    # ------------------------------------------------------------------ response URLs

    def _response_url(self, user: SlackUser, channel: str, message: Posted | None) -> str:
        rid = f"R{next(self._counter):08d}"
        self._response_urls[rid] = {"user": user.id, "channel": channel, "message": message, "uses": 0}
        return f"{self.base_url}/respond/{rid}"

    async def _respond(self, request: web.Request) -> web.StreamResponse:
        rid = request.match_info["rid"]
        target = self._response_urls.get(rid)
        body = await request.json()
        self.responses.append((rid, body))
        self._changed()
        if target is None:
            return web.Response(status=404, text="invalid_url", content_type="text/plain")
        target["uses"] += 1
        if target["uses"] > 5:
            return web.Response(status=404, text="used_url", content_type="text/plain")
        blocks, text = body.get("blocks"), body.get("text") or ""
        problem = (check_blocks(blocks) if blocks is not None else None) or check_mrkdwn(text)
        if problem:
            return web.Response(status=400, text=f"invalid_blocks: {problem}", content_type="text/plain")
        original: Posted | None = target["message"]
        if body.get("replace_original") and original is not None:
            original.text, original.blocks = text, list(blocks or [])
            original.edits += 1
            self._see("replace", original)
        else:
            ephemeral = body.get("response_type", "ephemeral") != "in_channel"
            message = Posted(target["channel"], self._next_ts(), text, list(blocks or []))
            message.ephemeral_to = target["user"] if ephemeral else None
            self.messages.setdefault(message.channel, []).append(message)
            self._see("ephemeral" if ephemeral else "post", message)
        return web.Response(text="ok", content_type="text/plain")

    # ------------------------------------------------------------------ Slack calls the bot

    def sign(self, body: str, timestamp: int | None = None, secret: str | None = None) -> dict[str, str]:
        """The headers Slack adds: ``X-Slack-Request-Timestamp`` and ``X-Slack-Signature`` (v0)."""
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        key = (secret or self.signing_secret).encode()
        digest = hmac.new(key, f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
        return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}

    async def post_to_app(self, body: str, content_type: str, headers: dict[str, str]) -> Sent:
        """A raw request to the bot's ``/slack/events`` (the security tests forge their own)."""
        assert self.app_url is not None and self._session is not None, "set app_url to the bot's /slack/events"
        async with self._session.post(
            self.app_url, data=body.encode(), headers={"Content-Type": content_type, **headers}
        ) as response:
            return Sent(response.status, await response.text(), None)

    async def _deliver(
        self, envelope_type: str, payload: JsonDict, body: str, content_type: str, *, retry_num: int | None
    ) -> Sent:
        if self._socket is not None:
            return await self._over_socket(envelope_type, payload, retry_num)
        headers = self.sign(body)
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        return await self.post_to_app(body, content_type, headers)

    def command_payload(
        self, user: SlackUser, text: str, channel: str | None = None, command: str = "/circles"
    ) -> JsonDict:
        where = self.channels.get(channel or user.dm)
        return {
            "token": "deprecated-verification-token",
            "team_id": self.team_id,
            "team_domain": "circles-test",
            "channel_id": channel or user.dm,
            "channel_name": "directmessage" if where is None or where.is_im else where.name,
            "user_id": user.id,
            "user_name": user.name.lower(),
            "command": command,
            "text": encode(text),
            "api_app_id": self.app_id,
            "is_enterprise_install": "false",
            "response_url": self._response_url(user, channel or user.dm, None),
            "trigger_id": self._trigger_id(),
        }

    async def send_command(
        self,
        user: SlackUser,
        text: str,
        *,
        channel: str | None = None,
        command: str = "/circles",
        retry_num: int | None = None,
        payload: JsonDict | None = None,
    ) -> Sent:
        """``/circles <text>`` typed by ``user`` in their direct message with the bot, or ``channel``."""
        fields = payload or self.command_payload(user, text, channel, command)
        sent = await self._deliver(
            "slash_commands",
            fields,
            urllib.parse.urlencode(fields),
            "application/x-www-form-urlencoded",
            retry_num=retry_num,
        )
        return Sent(sent.status, sent.body, f"command:{fields['trigger_id']}")

    def message_payload(self, user: SlackUser, text: str, event_id: str | None = None) -> JsonDict:
        ts = self._next_ts()
        return {
            "token": "deprecated-verification-token",
            "team_id": self.team_id,
            "api_app_id": self.app_id,
            "event": {
                "type": "message",
                "channel": user.dm,
                "user": user.id,
                "text": encode(text),
                "ts": ts,
                "event_ts": ts,
                "channel_type": "im",
            },
            "type": "event_callback",
            "event_id": event_id or f"Ev{self._instance}{next(self._counter):08d}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": self.team_id, "user_id": self.bot_user_id, "is_bot": True}],
        }

    async def send_message(
        self, user: SlackUser, text: str, *, event_id: str | None = None, retry_num: int | None = None
    ) -> Sent:
        """``user`` writes ``text`` in their direct message with the bot (an Events API event)."""
        body = self.message_payload(user, text, event_id)
        sent = await self._deliver("events_api", body, json.dumps(body), "application/json", retry_num=retry_num)
        return Sent(sent.status, sent.body, f"event:{body['event_id']}")

    def action_payload(self, user: SlackUser, message: Posted, element: JsonDict) -> JsonDict:
        channel = self.channels.get(message.channel)
        payload: JsonDict = {
            "type": "block_actions",
            "user": {"id": user.id, "username": user.name.lower(), "name": user.name.lower(), "team_id": self.team_id},
            "api_app_id": self.app_id,
            "token": "deprecated-verification-token",
            "container": {
                "type": "message",
                "message_ts": message.ts,
                "channel_id": message.channel,
                "is_ephemeral": message.ephemeral_to is not None,
            },
            "trigger_id": self._trigger_id(),
            "team": {"id": self.team_id, "domain": "circles-test"},
            "channel": {"id": message.channel, "name": channel.name if channel else message.channel},
            "response_url": self._response_url(user, message.channel, message),
            "actions": [
                {
                    "action_id": element["action_id"],
                    "block_id": "b1",
                    "text": element["text"],
                    "value": element.get("value", ""),
                    "type": "button",
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        if message.ephemeral_to is None:
            payload["message"] = {"type": "message", "ts": message.ts, "text": message.text, "blocks": message.blocks}
        return payload

    async def send_action(self, user: SlackUser, message: Posted, label: str, *, retry_num: int | None = None) -> Sent:
        """``user`` presses the button labelled ``label`` (or starting so) on ``message``."""
        element = message.button(label)
        assert element is not None, f"no button {label!r} on {message.shown()!r}"
        payload = self.action_payload(user, message, element)
        body = urllib.parse.urlencode({"payload": json.dumps(payload)})
        sent = await self._deliver(
            "interactive", payload, body, "application/x-www-form-urlencoded", retry_num=retry_num
        )
        return Sent(sent.status, sent.body, f"action:{payload['trigger_id']}")

    def _trigger_id(self) -> str:
        n = next(self._counter)
        return f"{n}.{self.team_id}.{hashlib.sha256(f'{self._instance}{n}'.encode()).hexdigest()[:32]}"

    # ------------------------------------------------------------------ Socket Mode

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self._socket = socket
        self._socket_ready.set()
        await socket.send_json(
            {"type": "hello", "num_connections": 1, "connection_info": {"app_id": self.app_id}, "debug_info": {}}
        )
        try:
            async for message in socket:
                if message.type != WSMsgType.TEXT:
                    continue
                data = json.loads(message.data)
                envelope = str(data.get("envelope_id") or "")
                self.acks[envelope] = data
                waiter = self._ack_waiters.pop(envelope, None)
                if waiter is not None and not waiter.done():
                    waiter.set_result(data)
                self._changed()
        finally:
            if self._socket is socket:
                self._socket = None
                self._socket_ready.clear()
        return socket

    async def socket_connected(self, within: float = 5.0) -> None:
        async with asyncio.timeout(within):
            await self._socket_ready.wait()

    async def _over_socket(self, envelope_type: str, payload: JsonDict, retry_num: int | None) -> Sent:
        assert self._socket is not None
        envelope = f"env-{next(self._counter)}"
        waiter: asyncio.Future[JsonDict] = asyncio.get_running_loop().create_future()
        self._ack_waiters[envelope] = waiter
        message: JsonDict = {
            "envelope_id": envelope,
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": envelope_type != "events_api",
        }
        if retry_num is not None:
            message["retry_attempt"] = retry_num
            message["retry_reason"] = "timeout"
        await self._socket.send_json(message)
        async with asyncio.timeout(5.0):
            ack = await waiter
        return Sent(200, json.dumps(ack), None)
