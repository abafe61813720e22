"""The Slack adapter, assembled: a slack-bolt ``AsyncApp`` in front of the core.

Slack reaches the bot in one of two ways:

- **HTTP** (``slack.signing_secret``): Slack POSTs slash commands, button presses and events to
  ``/slack/events`` on the project's web server (``bot/server.py``). Bolt verifies each request's
  signature and timestamp; a bad or missing signature, or a timestamp more than five minutes off,
  is answered 401 and has no effect.
- **Socket Mode** (``slack.app_token``): the bot opens a WebSocket to Slack; no public address.

Every request goes the same way: ``ack()`` at once (Slack wants an answer within three seconds),
then translate it (``translate.py``), let the core decide (``Circles.handle``) and render the
replies (``render.py``). A person's requests are handled one at a time, in order, so quickly typed
answers reach their dialog in the order typed. Slack's retries of a slash command or a button press
(``X-Slack-Retry-Num``) are acknowledged and ignored; a retried event is handed over again and the
core recognises its ``event_id``.

Besides the direct message and ``/circles``: the **App Home tab** (``app_home_opened``, and the
buttons on it, which come without a channel: answered by republishing the home, or in the direct
message — ``home.py``), ``@Circles`` mentions (answered in their thread), and the conversation
picker that shares a circle's card in a channel (``Reply.to_chat``). Every one of them arrives at
``/slack/events`` (or the socket) and is signature-checked like the rest.

::

    adapter = SlackAdapter(circles, settings.slack)
    adapter.mount(server)          # HTTP mode: adds /slack/events; and the "slack" health check
    await server.start()
    await adapter.start()          # auth.test, then Socket Mode if an app token is set
    ...
    await adapter.stop()
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any
from weakref import WeakValueDictionary

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.kit.send import Pressed, answer_parts
from adapters.slack.blocks import (
    ACTION_PREFIX,
    OPEN_DM_ACTION,
    PICK_PREFIX,
    SLASH_COMMAND,
    Block,
    Message,
    button,
    messages,
)
from adapters.slack.client import PLATFORM, build_client, quiet_sdk_logs
from adapters.slack.errors import SLACK_ERRORS, classify, explain
from adapters.slack.home import Homes
from adapters.slack.sender import SlackSender, is_person, post_message, upload_file
from adapters.slack.translate import Origin, Payload, Profile, profile_from, translate, well_formed
from bot.app import Core
from bot.config import ConfigError, SlackSettings
from bot.conversation.messages import Incoming, Reply, labels_language
from bot.i18n import Translator
from bot.server import WebServer

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
BUTTON = re.compile(rf"^{re.escape(ACTION_PREFIX)}\d+$")
PICKER = re.compile(rf"^{re.escape(PICK_PREFIX)}.+$")
# chat.update refusals after which the new state is posted as a new message instead.
EDIT_FALLBACK = frozenset({"message_not_found", "cant_update_message", "edit_window_closed"})
REMEMBERED_PEOPLE = 5000  # names, languages and direct-message channels kept in memory
REMEMBERED_REQUESTS = 1000  # handled request ids kept for ``handled``
STOP_TIMEOUT = 10.0


class ResponseUrlError(Exception):
    """Slack refused an answer through a ``response_url`` (expired, used up, gone)."""


FAILURES: tuple[type[BaseException], ...] = (*SLACK_ERRORS, ResponseUrlError)


class SlackAdapter:
    """Slack in front of the core: receive requests, translate, render the replies."""

    def __init__(self, circles: Core, settings: SlackSettings) -> None:
        quiet_sdk_logs()
        self.circles = circles
        self.settings = settings
        self.client = build_client(settings, interactive=True)
        self.sender = SlackSender(build_client(settings, interactive=False))
        self.bolt = AsyncApp(
            client=self.client,
            signing_secret=settings.signing_secret,
            name="circles",
            logger=logging.getLogger("slack_bolt.circles"),
        )
        # Checked before the body is parsed, so that only Slack's requests are ever read.
        self._verifier = SignatureVerifier(settings.signing_secret or "-")
        self.bolt.middleware(self._ignore_retries)
        self.bolt.command(re.compile(r"^/"))(self._on_command)
        self.bolt.event("message")(self._on_message)
        self.bolt.event("app_home_opened")(self._on_message)
        self.bolt.event("app_mention")(self._on_message)
        self.bolt.action(OPEN_DM_ACTION)(self._on_link)
        self.bolt.action(BUTTON)(self._on_button)
        self.bolt.action(PICKER)(self._on_button)
        circles.share_links[PLATFORM] = self.share_link
        self.bot_user_id: str | None = None
        self.team_id: str | None = None
        self._session: aiohttp.ClientSession | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self._started = False
        self._profiles: OrderedDict[str, Profile] = OrderedDict()
        self._dms: OrderedDict[str, str] = OrderedDict()
        self._locks: WeakValueDictionary[str, asyncio.Lock] = WeakValueDictionary()
        self._handled: OrderedDict[str, asyncio.Event] = OrderedDict()
        self._in_flight: set[asyncio.Task[Any]] = set()
        self.homes = Homes(self.client, circles, settings.home_refresh_seconds)

    @staticmethod
    def share_link(code: str) -> str:
        """How a circle's code (or an invitation) is opened on Slack."""
        return f"{SLASH_COMMAND} start {code}"

    @property
    def socket_mode(self) -> bool:
        return bool(self.settings.app_token)

    # ------------------------------------------------------------------ life cycle

    def mount(self, server: WebServer) -> None:
        """Serve ``/slack/events`` (HTTP mode) and report on ``/healthz``."""
        if self.settings.signing_secret:
            server.add_route("POST", EVENTS_PATH, self.http_handler)
        server.add_check("slack", self._check)

    async def start(self) -> None:
        """Check the token (``auth.test``), then connect Socket Mode when an app token is set."""
        if not self.settings.signing_secret and not self.settings.app_token:
            raise ConfigError("slack.signing_secret: needed to verify Slack's requests (or set slack.app_token)")
        self._session = aiohttp.ClientSession()
        self.client.session = self._session
        self.sender.client.session = self._session
        try:
            try:
                identity = await self.client.auth_test()
            except SlackApiError as error:
                code = classify(error).code
                raise ConfigError(f"slack.bot_token: Slack refused the bot token ({code})") from None
            self.bot_user_id = identity.get("user_id")
            self.team_id = identity.get("team_id")
            if self.socket_mode:
                self._socket = AsyncSocketModeHandler(self.bolt, self.settings.app_token, web_client=self.client)
                await self._socket.connect_async()  # type: ignore[no-untyped-call]
                log.info("Slack: connected in Socket Mode")
            else:
                log.info("Slack: receiving requests at %s", EVENTS_PATH)
            self.homes.start()
            self._started = True
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        """Stop receiving, let the requests in hand finish, close the connections."""
        self._started = False
        await self.homes.stop()
        socket, self._socket = self._socket, None
        if socket is not None:
            await socket.close_async()  # type: ignore[no-untyped-call]
        if self._in_flight:
            await asyncio.wait(set(self._in_flight), timeout=STOP_TIMEOUT)
        session, self._session = self._session, None
        self.client.session = None
        self.sender.client.session = None
        if session is not None:
            await session.close()

    async def _check(self) -> None:
        if not self._started:
            raise RuntimeError("the Slack adapter is not running")
        if self._socket is not None and not await self._socket.client.is_connected():
            raise RuntimeError("the Socket Mode connection is down")

    async def handled(self, update_id: str) -> None:
        """Wait until the request with this id (``event:<event_id>``, ``command:<trigger_id>``,
        ``action:<trigger_id>``) has been handled and answered — for tests and rehearsals."""
        await self._handled_event(update_id).wait()

    # ------------------------------------------------------------------ HTTP

    async def http_handler(self, request: web.Request) -> web.StreamResponse:
        """``POST /slack/events``: Bolt verifies the signature, then dispatches."""
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        if not timestamp.isdigit() or not request.headers.get("X-Slack-Signature"):
            # Not even shaped like Slack's request: refuse before parsing anything.
            return web.json_response({"error": "invalid request"}, status=401)
        raw = await request.read()
        if not self._verifier.is_valid(raw, timestamp, request.headers.get("X-Slack-Signature", "")):
            return web.json_response({"error": "invalid request"}, status=401)
        try:
            # Bolt parses the body here and reads ids from it: a payload that is not JSON, JSON
            # nested deeper than Python recurses, bytes that are not UTF-8, or a list where an
            # object belongs are the sender's mistake.
            bolt_request = await to_bolt_request(request)
        except (ValueError, RecursionError, AttributeError, TypeError, KeyError, IndexError):
            return web.json_response({"error": "invalid request"}, status=400)
        if not well_formed(bolt_request.body):
            log.warning("refused a signed Slack request of an unexpected shape")
            return web.json_response({"error": "invalid request"}, status=400)
        return await to_aiohttp_response(await self.bolt.async_dispatch(bolt_request))

    async def _ignore_retries(
        self, req: AsyncBoltRequest, body: Payload, next: Callable[[], Awaitable[BoltResponse]]
    ) -> BoltResponse:
        """Slack retries a request it thinks went unanswered. The first delivery is being handled
        already (it was acknowledged at once), so a retried command or button press is only
        acknowledged; a retried event goes on, and the core recognises its ``event_id``."""
        if req.headers.get("x-slack-retry-num") and body.get("type") != "event_callback":
            log.info("Slack retried a request (%s); acknowledged, not handled again", body.get("type", "command"))
            return BoltResponse(status=200, body="")
        return await next()

    # ------------------------------------------------------------------ requests

    async def _on_command(self, ack: Callable[[], Awaitable[None]], body: Payload) -> None:
        await ack()
        await self._on_request(body)

    async def _on_message(self, body: Payload) -> None:
        await self._on_request(body)

    async def _on_button(self, ack: Callable[[], Awaitable[None]], body: Payload) -> None:
        await ack()
        await self._on_request(body)

    async def _on_request(self, body: Payload) -> None:
        translated = await translate(body, self._profile, self._dm_channel)
        if translated is None:
            return
        incoming, origin = translated
        if origin.private and origin.channel_id:  # the person's direct message with the bot
            self._remember(self._dms, incoming.user_id, origin.channel_id)
        await self._run(incoming, origin)

    async def _on_link(self, ack: Callable[[], Awaitable[None]]) -> None:
        await ack()  # a link button: Slack opened the link; nothing to do

    async def _run(self, incoming: Incoming, origin: Origin) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._in_flight.add(task)
        try:
            lock = self._locks.get(incoming.user_id)
            if lock is None:
                lock = self._locks[incoming.user_id] = asyncio.Lock()
            async with lock:
                if origin.opened_home:
                    # Nothing for the core to handle: draw the home, unless Slack shows it as it is.
                    await self._publish_home(incoming, force=not origin.had_home)
                    return
                replies = await self.circles.handle(incoming)
                await self._deliver(incoming, origin, replies)
                before = self.homes.shown(incoming.user_id)
                if origin.home or self.homes.knows(incoming.user_id):
                    # The person's own action may have changed what their home shows: after the
                    # answer, redrawn if it differs (a press on the home: its only visible answer).
                    await self._publish_home(incoming, force=False)
                self.homes.acted(incoming, before)  # homes sharing a circle with them: drawn again soon
        except Exception:
            log.exception("handling a Slack request failed")
        finally:
            if task is not None:
                self._in_flight.discard(task)
            if incoming.update_id is not None:
                self._handled_event(incoming.update_id).set()

    async def _publish_home(self, incoming: Incoming, *, force: bool) -> None:
        try:
            await self.homes.publish(incoming, force=force)
        except SLACK_ERRORS as error:  # e.g. not_enabled: the app's Home tab is switched off
            log.warning("publishing a Slack home failed: %s", classify(error).code)

    # ------------------------------------------------------------------ replies

    async def _deliver(self, incoming: Incoming, origin: Origin, replies: list[Reply]) -> None:
        # An ephemeral message is replaced through the response URL; one in the direct message by
        # chat.update; a message in a channel that everyone sees is never replaced for one person.
        replaceable = origin.message_ts if origin.ephemeral or (origin.private and origin.channel_id) else None
        pressed = Pressed(replaceable)
        for reply in replies:
            t = Translator(labels_language(reply, incoming, self.circles.settings.circles.default_language))
            if origin.home and reply.edit:
                continue  # the core redraws what was pressed: the home, republished after this
            try:
                await self._answer(reply, origin, t, pressed)
            except FAILURES as error:
                if reply.to_chat is not None:
                    # Posting in the chosen channel failed: say why, and nothing after it is true.
                    await self._answer_failed(Reply(text=""), origin, t, error)
                    return
                await self._answer_failed(reply, origin, t, error)

    async def _answer(self, reply: Reply, origin: Origin, t: Translator, pressed: Pressed[str]) -> None:
        """Answer where the request came from; ``t`` speaks the reader's language."""
        if reply.to_chat is not None:  # a post in a channel the person chose (a shared card)
            for part in messages(reply):
                await post_message(self.client, reply.to_chat, part)
            return
        if reply.private or (origin.home and not origin.channel_id):
            await self._post(origin.user_id, reply)  # their direct message with the bot
            return
        if origin.thread_ts is not None and origin.channel_id:  # a mention: answered in its thread
            extra = self._open_dm_button(origin, t) if reply.offer_private_chat else []
            for part in messages(reply, extra):
                await post_message(self.client, origin.channel_id, part, thread_ts=origin.thread_ts)
            return
        if origin.private and origin.channel_id:
            await self._answer_privately(reply, origin.channel_id, pressed)
            return
        if origin.response_url is None:
            # Nothing to answer through (should not happen): the person's direct message instead.
            await self._post(origin.user_id, reply)
            return
        extra = self._open_dm_button(origin, t) if reply.offer_private_chat else []
        url = origin.response_url

        async def respond(part: Message) -> None:
            await self._respond(url, part, replace=False)

        async def replace(part: Message) -> bool:
            await self._respond(url, part, replace=True)
            return True

        replaced = pressed.take(reply) is not None
        await answer_parts(messages(reply, extra), respond, replace if replaced else None)
        if reply.attachment is not None:
            # Files are personal (a calendar, a list of signups): they go to the direct message.
            await upload_file(self.client, await self._open(origin.user_id), reply.attachment)

    async def _answer_privately(self, reply: Reply, channel: str, pressed: Pressed[str]) -> None:
        async def post(part: Message) -> None:
            await post_message(self.client, channel, part)

        ts = pressed.take(reply)
        await answer_parts(messages(reply), post, None if ts is None else self._updater(channel, ts))
        if reply.attachment is not None:
            await upload_file(self.client, channel, reply.attachment)

    def _updater(self, channel: str, ts: str) -> Callable[[Message], Awaitable[bool]]:
        """Replaces the message ``ts`` (chat.update); False when Slack no longer lets it be edited."""

        async def update(part: Message) -> bool:
            try:
                await self.client.chat_update(channel=channel, ts=ts, **part.as_args())
                return True
            except SlackApiError as error:
                if classify(error).code not in EDIT_FALLBACK:
                    raise
                log.info("could not update message %s (%s); posting a new one", ts, error)
                return False

        return update

    async def _answer_failed(self, reply: Reply, origin: Origin, t: Translator, error: BaseException) -> None:
        """The answer could not be posted (direct messages turned off, a channel gone…): say so
        through the request's ``response_url``, which works wherever the request came from."""
        failure = classify(error)
        log.warning("answering on Slack failed: %s", failure.code)
        note = Reply(text=explain(t, failure.code) + ("\n\n" + reply.text if reply.text else ""), buttons=reply.buttons)
        try:
            if origin.response_url is None:
                if origin.home:  # a press on the home: the direct message is the way to tell them
                    await self._post(origin.user_id, note)
                return
            for part in messages(note):
                await self._respond(origin.response_url, part, replace=False)
        except FAILURES as again:
            log.warning("could not answer through the response URL either: %s", classify(again).code)

    async def _post(self, chat_id: str, reply: Reply) -> None:
        """Post ``reply`` in a channel, or in a person's direct message (``chat_id`` a user id)."""
        channel = await self._open(chat_id)
        for part in messages(reply):
            await post_message(self.client, channel, part)
        if reply.attachment is not None:
            await upload_file(self.client, channel, reply.attachment)

    async def _respond(self, url: str, part: Message, *, replace: bool) -> None:
        body: dict[str, Any] = {**part.as_args(), "replace_original": replace}
        if not replace:
            body["response_type"] = "ephemeral"
        webhook = AsyncWebhookClient(url, session=self._session, timeout=15)
        response = await webhook.send_dict(body)
        if response.status_code != 200:
            raise ResponseUrlError(f"{response.status_code} {response.body[:100]}")

    def _open_dm_button(self, origin: Origin, t: Translator) -> list[Block]:
        """Under an answer given outside the direct message: one click opens it (like Telegram's
        "open a private chat" button), where personal flows continue."""
        team, app = origin.team_id or self.team_id, origin.app_id
        if not team or not app:
            return []
        url = f"https://slack.com/app_redirect?app={app}&team={team}"
        return [{"type": "actions", "elements": [button(t("Open a direct message with me"), OPEN_DM_ACTION, url=url)]}]

    # ------------------------------------------------------------------ people

    async def _open(self, chat_id: str) -> str:
        """A person's direct-message channel for a user id; a channel id as it is."""
        if not is_person(chat_id):
            return chat_id
        return await self._dm_channel(chat_id) or chat_id  # posting to a user id works too

    async def _dm_channel(self, user: str) -> str | None:
        """The person's direct-message channel with the bot (``conversations.open``, remembered)."""
        known = self._dms.get(user)
        if known is not None:
            return known
        try:
            response = await self.client.conversations_open(users=user)
        except SlackApiError as error:
            log.info("no direct message with a Slack user: %s", classify(error).code)
            return None
        channel = str(response["channel"]["id"])
        self._remember(self._dms, user, channel)
        return channel

    async def _profile(self, user: str, fallback: str) -> Profile:
        """Name and language (``users.info``, remembered); the fallback name if Slack says no."""
        known = self._profiles.get(user)
        if known is not None:
            return known
        try:
            response = await self.client.users_info(user=user, include_locale=True)
            found = response.get("user")
            profile = profile_from(found, fallback) if isinstance(found, dict) else Profile(fallback)
        except SlackApiError as error:
            log.info("users.info failed: %s", classify(error).code)
            return Profile(fallback)
        self._remember(self._profiles, user, profile)
        return profile

    @staticmethod
    def _remember(cache: OrderedDict[str, Any], key: str, value: Any) -> None:
        cache[key] = value
        cache.move_to_end(key)
        while len(cache) > REMEMBERED_PEOPLE:
            cache.popitem(last=False)

    def _handled_event(self, update_id: str) -> asyncio.Event:
        event = self._handled.get(update_id)
        if event is None:
            event = self._handled[update_id] = asyncio.Event()
            while len(self._handled) > REMEMBERED_REQUESTS:
                self._handled.popitem(last=False)
        return event
