"""A fake Slack: the Web API methods the Slack adapter calls, and Slack's side that calls the bot.

slack-sdk talks real HTTP to it (``base_url=slack.api_url``); it sends the bot real, signed slash
commands, button presses and Events API messages on ``/slack/events``, or over a real WebSocket in
Socket Mode. Any method the adapter does not call answers ``unknown_method``. It is strict where
Slack is strict: tokens, scopes, channel membership, Block Kit limits and mrkdwn escaping.

Membership as Slack has it: with ``chat:write.public`` the bot may post (``chat.postMessage``) in a
public channel it has not joined, but sharing a file there (``files.completeUploadExternal`` with
``channel_id``) answers ``not_in_channel`` until it joins (``conversations.join``, scope
``channels:join``; public channels only). A private channel the bot was not invited to is
invisible to it: ``channel_not_found`` for everything. The bot's scopes are the manifest's.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import secrets
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from aiohttp import WSMsgType, web

from tests.fakes.http import ApiCall, Failure, FakeServer, JsonDict

MAX_BLOCKS, MAX_SECTION_TEXT, MAX_BUTTON_TEXT, MAX_ELEMENTS, MAX_TEXT = 50, 3000, 75, 25, 40_000
MAX_HOME_BLOCKS, MAX_HEADER_TEXT, MAX_ACTION_ID = 100, 150, 255
BLOCK_TYPES = frozenset({"section", "actions", "divider", "context", "header", "image"})
# <https://…>, <https://…|label>, <mailto:…>, <@U…>, <#C…>, <!here>: what may stand in <…> in mrkdwn.
VALID_LINK = re.compile(r"<(?:https?://|mailto:|@|#|!)[^<>]*>")
BAD_ENTITY = re.compile(r"&(?!amp;|lt;|gt;)")
MANIFEST = Path(__file__).resolve().parents[2] / "adapters" / "slack" / "manifest.yaml"


def manifest_scopes() -> frozenset[str]:
    """The bot scopes the app's manifest asks for: what an install grants the bot token."""
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return frozenset(manifest["oauth_config"]["scopes"]["bot"])


@dataclass
class SlackUser:
    id: str
    name: str
    locale: str = "en-US"
    tz: str | None = None  # the profile's IANA time zone, as users.info states it

    @property
    def dm(self) -> str:
        """The direct-message channel between this person and the bot."""
        return "D" + self.id[1:]


@dataclass
class Channel:
    id: str
    name: str
    members: set[str]
    is_im: bool = False
    is_private: bool = False

    @property
    def is_public(self) -> bool:
        return not self.is_im and not self.is_private


@dataclass
class UploadedFile:
    id: str
    filename: str
    declared: int  # the length announced in step one of the upload
    content: bytes = b""


@dataclass
class Posted:
    """A message in Slack, as it is now (after any edits)."""

    channel: str
    ts: str
    text: str
    blocks: list[JsonDict]
    ephemeral_to: str | None = None
    files: list[UploadedFile] = field(default_factory=list)
    thread_ts: str | None = None  # a reply in the thread of this message

    def buttons(self) -> list[JsonDict]:
        return [
            e for b in self.blocks if b.get("type") == "actions" for e in b.get("elements", []) if e["type"] == "button"
        ]

    def picker(self) -> JsonDict | None:
        """The conversation picker on this message, if any."""
        elements = (e for b in self.blocks if b.get("type") == "actions" for e in b.get("elements", []))
        return next((e for e in elements if e["type"] == "conversations_select"), None)

    def button(self, label: str) -> JsonDict | None:
        """The button whose label starts with ``label`` (a ✓ mark and case aside)."""
        wanted = label.casefold()
        return next((e for e in self.buttons() if e["text"]["text"].casefold().lstrip("✓ ").startswith(wanted)), None)

    def plain(self) -> str:
        """The words a person reads: the sections' mrkdwn decoded (or the text, without blocks)."""
        sections = [b["text"]["text"] for b in self.blocks if b.get("type") in ("section", "header") and b.get("text")]
        return "\n".join(decode(text) for text in sections) if sections else decode(self.text)

    def shown(self) -> str:
        lines = [self.plain()] if self.plain() else []
        if labels := [e["text"]["text"] for e in self.buttons()]:
            lines.append("   ".join(f"[{label}]" for label in labels))
        if (picker := self.picker()) is not None:
            lines.append(f"[{picker['placeholder']['text']} ▾]")
        return "\n".join(lines + [f"(file: {f.filename})" for f in self.files])


@dataclass(frozen=True)
class Sent:
    """What the bot answered to one request from Slack, and the id the adapter handles it by."""

    status: int
    body: str
    update_id: str | None


def decode(text: str) -> str:
    """mrkdwn as a person reads it: links shown as their label or address, entities unescaped."""
    shown = VALID_LINK.sub(lambda m: m.group(0)[1:-1].partition("|")[2] or m.group(0)[1:-1], text)
    return shown.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def encode(text: str) -> str:
    """What Slack sends the bot for what a person typed: escaped, web addresses as links."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"https?://[^\s<>|]+", lambda m: f"<{m.group(0)}>", escaped)


def check_mrkdwn(text: str) -> str | None:
    """Why ``text`` is not well-formed mrkdwn (a raw ``<``, ``>`` or ``&``), or None."""
    rest = VALID_LINK.sub("", text)
    if "<" in rest or ">" in rest:
        return "unescaped < or > in mrkdwn"
    return "unescaped & in mrkdwn" if BAD_ENTITY.search(rest) else None


def check_element(element: JsonDict, action_ids: set[str]) -> str | None:
    """Why Slack would refuse this element of an actions block: a button, or a conversation picker."""
    action_id = str(element.get("action_id") or "")
    if not action_id or action_id in action_ids or len(action_id) > MAX_ACTION_ID:
        return f"element {element.get('type')!r}: action_id missing, repeated or too long"
    action_ids.add(action_id)
    if element.get("type") == "conversations_select":
        placeholder = (element.get("placeholder") or {}).get("text") or ""
        return None if 1 <= len(placeholder) <= MAX_HEADER_TEXT else "picker placeholder missing or too long"
    label = (element.get("text") or {}).get("text") or ""
    if element.get("type") != "button" or not 1 <= len(label) <= MAX_BUTTON_TEXT:
        return f"button {label!r}: only buttons and pickers, labels of 1 to {MAX_BUTTON_TEXT} characters"
    if "value" not in element and "url" not in element:
        return f"button {label!r}: no value or url"
    return None


def check_blocks(blocks: object, limit: int = MAX_BLOCKS) -> str | None:
    """Why Slack would refuse these blocks (``invalid_blocks``), or None."""
    if not isinstance(blocks, list) or not 1 <= len(blocks) <= limit:
        return f"blocks must be a list of 1 to {limit}"
    action_ids: set[str] = set()
    for block in blocks:
        kind = block.get("type") if isinstance(block, dict) else None
        if kind not in BLOCK_TYPES:
            return f"unknown block type {kind!r}"
        if kind == "header":
            text = block.get("text") or {}
            if text.get("type") != "plain_text" or not 1 <= len(text.get("text") or "") <= MAX_HEADER_TEXT:
                return "header text must be plain_text of 1 to 150 characters"
        if kind == "section":
            text = block.get("text") or {}
            length = len(text.get("text") or "")
            if text.get("type") not in ("mrkdwn", "plain_text") or not 1 <= length <= MAX_SECTION_TEXT:
                return "section text missing or too long"
            if text["type"] == "mrkdwn" and (problem := check_mrkdwn(text["text"])):
                return problem
        if kind == "actions" and not 1 <= len(block.get("elements") or []) <= MAX_ELEMENTS:
            return f"1 to {MAX_ELEMENTS} elements in an actions block"
        for element in block.get("elements", []) if kind == "actions" else []:
            if problem := check_element(element, action_ids):
                return problem
    return None


def _error(error: str | None, **details: object) -> JsonDict:
    return {"ok": False, "error": error, **details}


class FakeSlack(FakeServer):
    team_id, app_id, bot_user_id, bot_id = "T0CIRCLES", "A0CIRCLES", "U0CIRCLESBOT", "B0CIRCLES"
    bot_token, app_token = "xoxb-test-token", "xapp-test-token"

    def __init__(self, *, signing_secret: str = "test-signing-secret", scopes: frozenset[str] | None = None) -> None:
        super().__init__()
        self.signing_secret = signing_secret
        # What the bot token may do: the manifest's scopes, or fewer (an app installed from an older one).
        self.scopes = manifest_scopes() if scopes is None else scopes
        self.users: dict[str, SlackUser] = {}
        self.channels: dict[str, Channel] = {}
        self.messages: dict[str, list[Posted]] = {}
        self.timeline: list[tuple[str, frozenset[str]]] = []  # what happened, as shown, and who could see it
        self.uploads: dict[str, UploadedFile] = {}
        self.responses: list[tuple[str, JsonDict]] = []  # (response URL id, body) posted by the bot
        self.acks: dict[str, JsonDict] = {}  # Socket Mode: envelope id -> the bot's acknowledgement
        self.homes: dict[str, Posted] = {}  # user id -> the App Home view published for them (as a message)
        self.app_url: str | None = None  # the bot's /slack/events, for HTTP mode
        self._response_urls: dict[str, JsonDict] = {}
        self._counter = itertools.count(1)
        self._instance = secrets.token_hex(4)  # ids stay unique across fakes, as Slack's across time
        self._socket: web.WebSocketResponse | None = None
        self.app.router.add_route("*", "/api/{method}", self._api)
        self.app.router.add_post("/upload/{file_id}", self._upload)
        self.app.router.add_post("/respond/{rid}", self._respond)
        self.app.router.add_get("/socket", self._websocket)

    async def closing(self) -> None:
        if self._socket is not None:
            await self._socket.close()

    @property
    def api_url(self) -> str:
        """What the bot uses as ``slack.api_base_url``."""
        return f"{self.base_url}/api/"

    # ------------------------------------------------------------------ the world

    def user(self, user_id: str, name: str, *, locale: str = "en-US") -> SlackUser:
        if user_id not in self.users:
            found = self.users[user_id] = SlackUser(user_id, name, locale)
            self.channels[found.dm] = Channel(found.dm, found.dm, {user_id, self.bot_user_id}, is_im=True)
        return self.users[user_id]

    def channel(
        self, channel_id: str, name: str, *members: SlackUser, bot: bool = True, private: bool = False
    ) -> Channel:
        """A channel with these members (and the bot, unless ``bot=False``); public unless ``private``."""
        people = {m.id for m in members} | ({self.bot_user_id} if bot else set())
        found = self.channels[channel_id] = Channel(channel_id, name, people, is_private=private)
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
        error = "ratelimited" if status == 429 and error is None else error
        self.failures.append(Failure(method, channel, times, (status, error, retry_after)))

    # ------------------------------------------------------------------ what happened

    def messages_in(self, channel: str) -> list[Posted]:
        return list(self.messages.get(channel, []))

    def last_message(self, channel: str) -> Posted:
        assert self.messages.get(channel), f"no message in {channel}"
        return self.messages[channel][-1]

    def mark(self) -> int:
        return len(self.timeline)

    def seen_by(self, user: SlackUser, since: int = 0) -> list[str]:
        """What this person saw happen since ``mark()``: "(updated) " marks an edit, "(only you) " an ephemeral."""
        return [seen for seen, who in self.timeline[since:] if user.id in who]

    def visible_to(self, user: SlackUser) -> list[Posted]:
        """Every message this person can see now, oldest first."""
        everything = (m for ms in self.messages.values() for m in ms if user.id in self._audience(m))
        return sorted(everything, key=lambda m: float(m.ts))

    def _next_ts(self) -> str:
        n = next(self._counter)
        return f"{1_800_000_000 + n}.{n:06d}"

    def _audience(self, message: Posted) -> frozenset[str]:
        if message.ephemeral_to is not None:
            return frozenset({message.ephemeral_to})
        channel = self.channels.get(message.channel)
        return frozenset(channel.members if channel else set())

    def _see(self, kind: str, message: Posted) -> None:
        """Everyone who can see ``message`` sees it: "post", "update" (an edit), "ephemeral" or "file"."""
        if kind in ("post", "ephemeral", "file"):
            self.messages.setdefault(message.channel, []).append(message)
        shown = "\n".join(f"(file: {f.filename})" for f in message.files) if kind == "file" else message.shown()
        prefix = {"update": "(updated) ", "ephemeral": "(only you) "}.get(kind, "")
        self.timeline.append((prefix + shown, self._audience(message)))

    # ------------------------------------------------------------------ the Web API and response URLs

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        args: JsonDict = dict(request.query)
        args.update(await request.json() if request.content_type == "application/json" else await request.post())
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ") if header.startswith("Bearer ") else args.pop("token", None)
        status, body, headers = 200, self._answer(method, args, token), {}
        if injected := self.injected(method, args.get("channel"), args.get("channel_id")):
            status, error, retry_after = injected
            body = _error(error or "fatal_error")
            if retry_after is not None:
                headers["Retry-After"] = str(retry_after)
        error = None if body.get("ok") else str(body.get("error"))
        self.calls.append(ApiCall(method, args, status, token, error))
        if injected is None and error is None:
            self._apply(method, args, body)
        self.changed()
        return web.json_response(body, status=status, headers=headers)

    def _answer(self, method: str, args: JsonDict, token: str | None) -> JsonDict:
        """Validate a call and say what Slack would answer; ``_apply`` changes the world after."""
        if method == "apps.connections.open":
            url = f"ws://127.0.0.1:{self.port}/socket?ticket={next(self._counter)}"
            return {"ok": True, "url": url} if token == self.app_token else _error("invalid_auth")
        if token != self.bot_token:
            return _error("not_authed" if not token else "invalid_auth")
        if method == "auth.test":
            return {"ok": True, "team_id": self.team_id, "user_id": self.bot_user_id, "bot_id": self.bot_id}
        user = self.users.get(str(args.get("user" if method == "users.info" else "users")))
        if method in ("users.info", "conversations.open") and user is None:
            return _error("user_not_found")
        if method == "users.info" and user is not None:
            data: JsonDict = {"id": user.id, "name": user.name.lower(), "real_name": user.name}
            data["profile"] = {"display_name": user.name}
            if str(args.get("include_locale")).lower() in ("1", "true"):
                data["locale"] = user.locale
            if user.tz:
                data["tz"] = user.tz
            return {"ok": True, "user": data}
        if method == "conversations.open" and user is not None:
            return {"ok": True, "channel": {"id": user.dm}}
        if method in ("chat.postMessage", "chat.update"):
            return self._check_message(method, args)
        if method == "views.publish":
            return self._check_home(args)
        if method == "files.getUploadURLExternal":
            filename, length = args.get("filename"), str(args.get("length") or "")
            if not filename or not length.isdigit():
                return _error("invalid_arguments")
            file_id = f"F{next(self._counter):08d}"
            self.uploads[file_id] = UploadedFile(file_id, str(filename), int(length))
            return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            return self._check_complete_upload(args)
        if method == "conversations.join":
            return self._check_join(args)
        return _error("unknown_method")

    def _check_message(self, method: str, args: JsonDict) -> JsonDict:
        text, blocks = args.get("text"), args.get("blocks")
        if isinstance(blocks, str):
            blocks = args["blocks"] = json.loads(blocks)
        channel, error = self._channel_for_posting(args.get("channel"), public_ok="chat:write.public" in self.scopes)
        if method == "chat.update":
            message = self._find(str(args.get("channel")), str(args.get("ts")))
            if message is None or message.ephemeral_to is not None:
                return _error("message_not_found")
            channel = self.channels.get(message.channel)
        if channel is None:
            return _error(error)
        if not text and not blocks:
            return _error("no_text")
        if blocks is not None and (problem := check_blocks(blocks)):
            return _error("invalid_blocks", response_metadata={"messages": [problem]})
        if text and (len(text) > MAX_TEXT or check_mrkdwn(text)):
            return _error("invalid_arguments")
        return {"ok": True, "channel": channel.id, "ts": args.get("ts") or self._next_ts()}

    def _check_home(self, args: JsonDict) -> JsonDict:
        """``views.publish``: a Home tab view for one person of the workspace, within Slack's limits."""
        view = args.get("view")
        if isinstance(view, str):
            view = args["view"] = json.loads(view)
        if str(args.get("user_id") or "") not in self.users:
            return _error("user_not_found")
        if not isinstance(view, dict) or view.get("type") != "home":
            return _error("invalid_arguments")
        if problem := check_blocks(view.get("blocks"), MAX_HOME_BLOCKS):
            return _error("invalid_blocks", response_metadata={"messages": [problem]})
        view_id = f"V{next(self._counter):08d}"
        return {"ok": True, "view": {"id": view_id, "type": "home", "blocks": view["blocks"]}}

    def _check_join(self, args: JsonDict) -> JsonDict:
        """``conversations.join``: a public channel only; a private one is invisible until invited."""
        if "channels:join" not in self.scopes:
            return _error("missing_scope", needed="channels:join")
        channel = self.channels.get(str(args.get("channel") or ""))
        if channel is None or (channel.is_private and self.bot_user_id not in channel.members):
            return _error("channel_not_found")
        if channel.is_im:
            return _error("method_not_supported_for_channel_type")
        answer: JsonDict = {"ok": True, "channel": {"id": channel.id, "name": channel.name, "is_member": True}}
        if self.bot_user_id in channel.members:
            answer["warning"] = "already_in_channel"
        return answer

    def _check_complete_upload(self, args: JsonDict) -> JsonDict:
        channel, error = self._channel_for_posting(args.get("channel_id"))
        if channel is None:
            return _error(error)
        files = []
        for item in json.loads(str(args.get("files") or "[]")):
            uploaded = self.uploads.get(item.get("id"))
            if uploaded is None or len(uploaded.content) != uploaded.declared:
                return _error("file_upload_not_complete")
            title = item.get("title") or uploaded.filename
            files.append({"id": uploaded.id, "name": uploaded.filename, "title": title})
        return {"ok": True, "files": files, "channel": channel.id}

    def _apply(self, method: str, args: JsonDict, body: JsonDict) -> None:
        text, blocks = args.get("text") or "", list(args.get("blocks") or [])
        if method == "chat.postMessage":
            self._see("post", Posted(body["channel"], body["ts"], text, blocks, thread_ts=args.get("thread_ts")))
        elif method == "chat.update" and (message := self._find(args["channel"], args["ts"])):
            message.text, message.blocks = text or message.text, blocks
            self._see("update", message)
        elif method == "views.publish":
            user, view = self.users[args["user_id"]], body["view"]
            home = Posted(f"home:{user.id}", view["id"], "", list(view["blocks"]), ephemeral_to=user.id)
            self.homes[user.id] = home
            self.timeline.append(("(home) " + home.shown(), frozenset({user.id})))
        elif method == "conversations.join":
            self.channels[args["channel"]].members.add(self.bot_user_id)
        elif method == "files.completeUploadExternal":
            files = [self.uploads[f["id"]] for f in body["files"]]
            comment = args.get("initial_comment") or ""
            self._see("file", Posted(body["channel"], self._next_ts(), comment, [], files=files))

    def _channel_for_posting(self, target: object, *, public_ok: bool = False) -> tuple[Channel | None, str | None]:
        """Where a message or file goes, or Slack's refusal. ``public_ok``: the call may post in a
        public channel the bot has not joined (``chat.postMessage`` with ``chat:write.public``)."""
        name = str(target or "")
        if name[:1] in ("U", "W"):  # a person: their direct message with the bot
            name = self.users[name].dm if name in self.users else ""
        channel = self.channels.get(name)
        if channel is None:
            return None, "channel_not_found"
        if self.bot_user_id in channel.members or (public_ok and channel.is_public):
            return channel, None
        return None, "not_in_channel" if channel.is_public else "channel_not_found"

    def _find(self, channel: str, ts: str) -> Posted | None:
        return next((m for m in self.messages.get(channel, []) if m.ts == ts), None)

    async def _upload(self, request: web.Request) -> web.StreamResponse:
        """Step two of Slack's upload flow: the bytes, POSTed to the URL step one gave."""
        file_id, content = request.match_info["file_id"], await request.read()
        self.calls.append(ApiCall("upload", {"file_id": file_id, "length": len(content)}, 200))
        self.changed()
        if file_id not in self.uploads:
            return web.Response(status=404, text="not found")
        self.uploads[file_id].content = content
        return web.Response(text=f"OK - {len(content)}")

    def _response_url(self, user: SlackUser, channel: str, message: Posted | None) -> str:
        rid = f"R{next(self._counter):08d}"
        self._response_urls[rid] = {"user": user.id, "channel": channel, "message": message, "uses": 0}
        return f"{self.base_url}/respond/{rid}"

    async def _respond(self, request: web.Request) -> web.StreamResponse:
        """The bot answers through a response URL: ephemeral, in the channel, or replacing the original."""
        rid = request.match_info["rid"]
        target, body = self._response_urls.get(rid), await request.json()
        self.responses.append((rid, body))
        self.changed()
        if target is None or target["uses"] >= 5:  # Slack allows five answers per URL
            return web.Response(status=404, text="used_url" if target else "invalid_url")
        target["uses"] += 1
        blocks, text = body.get("blocks"), body.get("text") or ""
        if problem := (check_blocks(blocks) if blocks is not None else None) or check_mrkdwn(text):
            return web.Response(status=400, text=f"invalid_blocks: {problem}")
        blocks = list(blocks or [])
        original: Posted | None = target["message"]
        if body.get("replace_original") and original is not None:
            original.text, original.blocks = text, blocks
            self._see("update", original)
        else:
            ephemeral = body.get("response_type", "ephemeral") != "in_channel"
            to = target["user"] if ephemeral else None
            posted = Posted(target["channel"], self._next_ts(), text, blocks, to)
            self._see("ephemeral" if ephemeral else "post", posted)
        return web.Response(text="ok")

    # ------------------------------------------------------------------ Slack calls the bot

    def sign(self, body: str, timestamp: int | None = None, secret: str | None = None) -> dict[str, str]:
        """The headers Slack adds: ``X-Slack-Request-Timestamp`` and ``X-Slack-Signature`` (v0)."""
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        digest = hmac.new((secret or self.signing_secret).encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256)
        return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest.hexdigest()}"}

    async def post_to_app(self, body: str, content_type: str, headers: dict[str, str]) -> Sent:
        """A raw request to the bot's ``/slack/events`` (the security tests forge their own)."""
        assert self.app_url is not None and self.session is not None, "set app_url to the bot's /slack/events"
        headers = {"Content-Type": content_type, **headers}
        async with self.session.post(self.app_url, data=body.encode(), headers=headers) as response:
            return Sent(response.status, await response.text(), None)

    async def _deliver(self, kind: str, payload: JsonDict, update_id: str, retry_num: int | None) -> Sent:
        """Over the socket if the bot opened one, else a signed POST (JSON for events, a form otherwise)."""
        if self._socket is not None:
            sent = await self._over_socket(kind, payload, retry_num)
        else:
            form = {"payload": json.dumps(payload)} if kind == "interactive" else payload
            body = json.dumps(payload) if kind == "events_api" else urllib.parse.urlencode(form)
            headers = self.sign(body)
            if retry_num is not None:
                headers |= {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
            content_type = "application/json" if kind == "events_api" else "application/x-www-form-urlencoded"
            sent = await self.post_to_app(body, content_type, headers)
        return Sent(sent.status, sent.body, update_id)

    def command_payload(self, user: SlackUser, text: str, channel: str | None = None) -> JsonDict:
        where = self.channels.get(channel or user.dm)
        payload = {"team_id": self.team_id, "channel_id": channel or user.dm, "user_id": user.id, "command": "/circles"}
        payload["channel_name"] = "directmessage" if where is None or where.is_im else where.name
        payload |= {"user_name": user.name.lower(), "text": encode(text), "api_app_id": self.app_id}
        payload["response_url"] = self._response_url(user, channel or user.dm, None)
        return payload | {"trigger_id": self._trigger_id()}

    async def send_command(
        self,
        user: SlackUser,
        text: str,
        *,
        channel: str | None = None,
        retry_num: int | None = None,
        payload: JsonDict | None = None,
    ) -> Sent:
        """``/circles <text>`` typed by ``user`` in their direct message with the bot, or ``channel``."""
        fields = payload or self.command_payload(user, text, channel)
        return await self._deliver("slash_commands", fields, f"command:{fields['trigger_id']}", retry_num)

    def message_payload(self, user: SlackUser, text: str, event_id: str | None = None) -> JsonDict:
        event = {"type": "message", "channel": user.dm, "user": user.id, "text": encode(text), "ts": self._next_ts()}
        return self._envelope(event | {"channel_type": "im"}, event_id)

    def _envelope(self, event: JsonDict, event_id: str | None) -> JsonDict:
        """An Events API envelope carrying ``event``, as Slack wraps every event."""
        event_id = event_id or f"Ev{self._instance}{next(self._counter):08d}"
        payload = {"team_id": self.team_id, "api_app_id": self.app_id, "event": event}
        return payload | {"type": "event_callback", "event_id": event_id, "event_time": int(time.time())}

    async def send_message(
        self, user: SlackUser, text: str, *, event_id: str | None = None, retry_num: int | None = None
    ) -> Sent:
        """``user`` writes ``text`` in their direct message with the bot (an Events API event)."""
        payload = self.message_payload(user, text, event_id)
        return await self._deliver("events_api", payload, f"event:{payload['event_id']}", retry_num)

    async def send_action(self, user: SlackUser, message: Posted, label: str, *, retry_num: int | None = None) -> Sent:
        """``user`` presses the button labelled ``label`` (or starting so) on ``message``."""
        element = message.button(label)
        assert element is not None, f"no button {label!r} on {message.shown()!r}"
        channel = self.channels.get(message.channel)
        action = {"action_id": element["action_id"], "block_id": "b1", "text": element["text"], "type": "button"}
        where = self._on_message(user, message, channel.name if channel else message.channel)
        if message.ephemeral_to is not None:
            del where["message"]
        return await self._press(user, action | {"value": element.get("value", "")}, where, retry_num)

    def home_of(self, user: SlackUser) -> Posted:
        """The Home tab view published for ``user`` (as a message: its blocks, buttons, words)."""
        assert user.id in self.homes, f"no home published for {user.name}"
        return self.homes[user.id]

    async def send_home_opened(self, user: SlackUser) -> Sent:
        """``user`` opens the bot's App Home tab (``app_home_opened``, with the view shown, if any)."""
        event: JsonDict = {"type": "app_home_opened", "user": user.id, "channel": user.dm, "tab": "home"}
        event["event_ts"] = self._next_ts()
        if (home := self.homes.get(user.id)) is not None:
            event["view"] = {"id": home.ts, "type": "home", "blocks": home.blocks}
        return await self.send_event(event)

    async def send_mention(self, user: SlackUser, channel: str, text: str) -> Sent:
        """``user`` writes ``@Circles <text>`` in ``channel`` (``app_mention``; the message is posted there too)."""
        ts = self._next_ts()
        said = f"<@{self.bot_user_id}> {encode(text)}"
        self._see("post", Posted(channel, ts, said, [{"type": "section", "text": {"type": "mrkdwn", "text": said}}]))
        event = {"type": "app_mention", "user": user.id, "text": said, "ts": ts, "channel": channel, "event_ts": ts}
        return await self.send_event(event)

    async def send_event(self, event: JsonDict, *, event_id: str | None = None) -> Sent:
        """An Events API envelope with ``event``, signed and delivered like Slack's."""
        payload = self._envelope(event, event_id)
        return await self._deliver("events_api", payload, f"event:{payload['event_id']}", None)

    async def send_home_action(self, user: SlackUser, label: str, *, value: str | None = None) -> Sent:
        """``user`` presses the button labelled ``label`` on their Home tab: a ``block_actions`` from a
        view, without channel, message or response URL. ``value`` forges what the button carries."""
        home = self.homes.get(user.id)
        element = home.button(label) if home is not None else None
        if element is None:
            assert value is not None, f"no button {label!r} on {user.name}'s home"
            element = {"action_id": "circles:1", "text": {"type": "plain_text", "text": label}, "value": value}
        action = {"action_id": element["action_id"], "block_id": "b1", "text": element["text"], "type": "button"}
        view_id = home.ts if home is not None else "V00000000"
        where: JsonDict = {
            "container": {"type": "view", "view_id": view_id},
            "view": {"id": view_id, "type": "home", "blocks": home.blocks if home else []},
        }
        action |= {"value": value if value is not None else element.get("value", "")}
        return await self._press(user, action, where)

    async def send_pick(self, user: SlackUser, message: Posted, channel: str) -> Sent:
        """``user`` chooses ``channel`` in the conversation picker on ``message``."""
        picker = message.picker()
        assert picker is not None, f"no picker on {message.shown()!r}"
        action = {"action_id": picker["action_id"], "block_id": "b1", "type": "conversations_select"}
        where = self._on_message(user, message, message.channel)
        return await self._press(user, action | {"selected_conversation": channel}, where)

    def _on_message(self, user: SlackUser, message: Posted, channel_name: str) -> JsonDict:
        """Where a press on ``message`` comes from: its container, channel, response URL, and the message."""
        container = {"type": "message", "message_ts": message.ts, "channel_id": message.channel}
        return {
            "container": container | {"is_ephemeral": message.ephemeral_to is not None},
            "channel": {"id": message.channel, "name": channel_name},
            "response_url": self._response_url(user, message.channel, message),
            "message": {"type": "message", "ts": message.ts, "text": message.text, "blocks": message.blocks},
        }

    async def _press(self, user: SlackUser, action: JsonDict, where: JsonDict, retry_num: int | None = None) -> Sent:
        """A ``block_actions`` request: ``user`` presses ``action`` on ``where`` (a message, a view)."""
        payload: JsonDict = {
            "type": "block_actions",
            "user": {"id": user.id, "username": user.name.lower(), "team_id": self.team_id},
            "api_app_id": self.app_id,
            "trigger_id": self._trigger_id(),
            "team": {"id": self.team_id},
            "actions": [action],
            **where,
        }
        return await self._deliver("interactive", payload, f"action:{payload['trigger_id']}", retry_num)

    def _trigger_id(self) -> str:
        n = next(self._counter)
        return f"{n}.{self.team_id}.{hashlib.sha256(f'{self._instance}{n}'.encode()).hexdigest()[:32]}"

    # ------------------------------------------------------------------ Socket Mode

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self._socket = socket
        self.changed()
        await socket.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": self.app_id}})
        try:
            async for message in socket:
                if message.type == WSMsgType.TEXT:
                    ack = json.loads(message.data)
                    self.acks[str(ack.get("envelope_id") or "")] = ack
                    self.changed()
        finally:
            if self._socket is socket:
                self._socket = None
        return socket

    async def socket_connected(self, within: float = 5.0) -> None:
        await self.wait_for(lambda: self._socket is not None, within)

    async def _over_socket(self, kind: str, payload: JsonDict, retry_num: int | None) -> Sent:
        assert self._socket is not None
        envelope = f"env-{next(self._counter)}"
        message: JsonDict = {"envelope_id": envelope, "type": kind, "payload": payload}
        message["accepts_response_payload"] = kind != "events_api"
        if retry_num is not None:
            message |= {"retry_attempt": retry_num, "retry_reason": "timeout"}
        await self._socket.send_json(message)
        await self.wait_for(lambda: envelope in self.acks)
        return Sent(200, json.dumps(self.acks[envelope]), None)
