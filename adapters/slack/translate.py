"""A Slack request in, the core's ``Incoming`` out (plus where to answer): nothing is decided here.

The acting person is always the request's user (for a button, whoever pressed it), never anything
carried in a button's value. Each request carries a stable id for the core's duplicate check: the
Events API's ``event_id``, or the ``trigger_id`` of a slash command or a button press.

``translate`` is the one entry point: any request the adapter receives, in; what the core should
see and the way back, out — or nothing, for what is not a person talking to the bot. The two
facts it needs from Slack (a person's profile, their direct-message channel) are looked up by the
caller's functions, so recorded requests can be translated without a network.

Where it happened decides the answer's way back (``Origin``): in the person's direct-message
channel with the bot everything is an ordinary message (``chat.postMessage``, and ``chat.update``
for the message whose button was pressed); anywhere else — a channel, a direct message between two
people — the answer is ephemeral through the request's ``response_url``, seen by that person only,
and the core is told ``in_group`` so that personal flows move to the direct message.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from adapters.slack.blocks import PICK_PREFIX, from_slack
from adapters.slack.client import PLATFORM
from bot.commands import COMMAND_WORDS
from bot.conversation.messages import Incoming

Payload = dict[str, Any]


@dataclass(frozen=True)
class Profile:
    """What the bot knows of a Slack user beyond their id (from ``users.info``)."""

    name: str
    language: str | None = None
    timezone: str | None = None  # the IANA zone of the person's Slack profile (``tz``)


ProfileLookup = Callable[[str, str], Awaitable[Profile]]  # (user id, fallback name) -> profile
DirectMessageLookup = Callable[[str], Awaitable[str | None]]  # user id -> their DM channel with the bot


@dataclass(frozen=True)
class Origin:
    """Where a request came from, so that its answers go back the same way."""

    user_id: str
    channel_id: str | None
    private: bool  # the person's own direct-message channel with the bot
    response_url: str | None = None
    message_ts: str | None = None  # the message whose button was pressed
    ephemeral: bool = False  # that message was ephemeral (only the presser sees it)
    team_id: str | None = None
    app_id: str | None = None
    home: bool = False  # the person's App Home tab: opened, or a button pressed on it
    opened_home: bool = False  # ``app_home_opened``: publish the home, nothing for the core to handle
    had_home: bool = False  # Slack still shows a home published earlier (the event carries its view)
    thread_ts: str | None = None  # answer in this thread of ``channel_id`` (an ``@Circles`` mention)


async def translate(
    body: Payload, profile: ProfileLookup, dm_channel: DirectMessageLookup
) -> tuple[Incoming, Origin] | None:
    """A slash command, a button press or an Events API envelope, as Bolt hands it over, in;
    the core's ``Incoming`` and the way back out — None for what is not a person talking to the
    bot (another kind of event, a bot's or an edited message, an action that is no button)."""
    if "command" in body:  # a slash command's form fields
        user, channel = str(body["user_id"]), str(body.get("channel_id") or "")
        # Private only in the person's own direct message with the bot, not one between two people.
        private = channel.startswith("D") and channel == await dm_channel(user)
        return from_command(body, await profile(user, str(body.get("user_name") or user)), private=private)
    if body.get("type") == "block_actions":
        user = str((body.get("user") or {}).get("id") or "")
        if not user or pressed(body) is None:
            return None
        found = await profile(user, str((body.get("user") or {}).get("username") or user))
        if (body.get("container") or {}).get("type") == "view":
            # A button on a view: only the App Home is ours (the bot opens no modals).
            if (body.get("view") or {}).get("type") != "home":
                return None
            return from_home_action(body, found, await dm_channel(user))
        return from_action(body, found)
    event = body.get("event")
    if not isinstance(event, dict) or not event.get("user") or event.get("bot_id"):
        return None
    if event.get("type") == "app_home_opened":
        if event.get("tab") != "home":
            return None  # the Messages tab: nothing to show
        return from_home_opened(body, event, await profile(str(event["user"]), str(event["user"])))
    if event.get("type") == "app_mention":
        return from_mention(body, event, await profile(str(event["user"]), str(event["user"])))
    if not is_personal_message(event):
        return None
    return from_message(body, event, await profile(str(event["user"]), str(event["user"])))


def command_word(text: str) -> tuple[str, str]:
    """``/circles browse Berlin`` → ``("browse", "Berlin")``; the bare command means help."""
    word, _, rest = text.strip().partition(" ")
    return word.lstrip("/").lower(), rest.strip()


def from_command(body: Payload, profile: Profile, *, private: bool) -> tuple[Incoming, Origin]:
    """A slash command: ``/circles <word> [arguments]``, typed anywhere in Slack."""
    text = from_slack(str(body.get("text") or ""))
    word, args = command_word(text)
    channel = str(body.get("channel_id") or "") or None
    base = _incoming(
        profile,
        str(body["user_id"]),
        channel or str(body["user_id"]),
        update_id=_update_id("command", body.get("trigger_id")),
        in_group=not private,
        # Slack opens a direct message from a user id, so the person stays reachable even if
        # they only ever used /circles in channels.
        private_chat_id=None if private else str(body["user_id"]),
    )
    if not word:
        incoming = _with(base, command="help")
    elif word in COMMAND_WORDS or not private:
        incoming = _with(base, command=word, args=args)
    else:
        # In the direct message, anything after /circles is what the person would have typed there
        # (an answer to the question they are at), just as a plain message would be.
        incoming = _with(base, text=text.strip())
    origin = _origin(body, base, channel, private=private, response_url=body.get("response_url"))
    return incoming, origin


def is_personal_message(event: Payload) -> bool:
    """A person's own message in their direct-message channel with the bot (not an edit, not a bot)."""
    return (
        event.get("type") == "message"
        and event.get("channel_type") == "im"
        and event.get("subtype") is None
        and not event.get("bot_id")
        and bool(event.get("user"))
    )


def from_message(body: Payload, event: Payload, profile: Profile) -> tuple[Incoming, Origin]:
    """A message in the direct-message channel with the bot: plain words, answers to questions."""
    incoming = _incoming(
        profile,
        str(event["user"]),
        str(event["channel"]),
        text=from_slack(str(event.get("text") or "")),
        update_id=_update_id("event", body.get("event_id")),
    )
    origin = _origin(body, incoming, incoming.chat_id, private=True)
    return incoming, origin


def pressed(body: Payload) -> Payload | None:
    """The button (or chat picker) of a ``block_actions`` request (one per request)."""
    actions = body.get("actions") or []
    return actions[0] if actions and isinstance(actions[0], dict) else None


def token_and_choice(action: Payload) -> tuple[str, str | None]:
    """The core's token a button or a chat picker carries, and the chat picked (if a picker):
    a button's ``value``; a picker's ``action_id`` after ``circles:pick:``, with its choice."""
    if action.get("type") == "conversations_select":
        action_id, chosen = str(action.get("action_id") or ""), action.get("selected_conversation")
        token = action_id.removeprefix(PICK_PREFIX) if action_id.startswith(PICK_PREFIX) else ""
        return token, str(chosen) if isinstance(chosen, str) and chosen else None
    return str(action.get("value") or ""), None


def from_home_action(body: Payload, profile: Profile, dm: str | None) -> tuple[Incoming, Origin]:
    """A button pressed on the person's App Home tab. Slack sends no channel and no response URL
    for it: the core sees it as a press in the person's direct message with the bot (where any
    answer goes), and the adapter republishes the home to show what changed."""
    action = pressed(body) or {}
    user = body.get("user") or {}
    token, chosen = token_and_choice(action)
    incoming = _incoming(
        profile,
        str(user["id"]),
        dm or str(user["id"]),
        action=token,
        picked_chat=chosen,
        update_id=_update_id("action", body.get("trigger_id")),
    )
    origin = _origin(body, incoming, dm, private=dm is not None, home=True)
    return incoming, origin


def from_home_opened(body: Payload, event: Payload, profile: Profile) -> tuple[Incoming, Origin]:
    """The person opened the bot's App Home tab: who they are, so that the home can be drawn."""
    channel = event.get("channel")
    dm = str(channel) if isinstance(channel, str) and channel.startswith("D") else None
    incoming = _incoming(
        profile, str(event["user"]), dm or str(event["user"]), update_id=_update_id("event", body.get("event_id"))
    )
    origin = _origin(
        body,
        incoming,
        dm,
        private=dm is not None,
        home=True,
        opened_home=True,
        had_home=isinstance(event.get("view"), dict),
    )
    return incoming, origin


def from_mention(body: Payload, event: Payload, profile: Profile) -> tuple[Incoming, Origin]:
    """``@Circles`` in a channel: answered there, in the thread of the mention."""
    channel = str(event.get("channel") or "")
    incoming = _incoming(
        profile,
        str(event["user"]),
        channel or str(event["user"]),
        text=from_slack(str(event.get("text") or "")),
        update_id=_update_id("event", body.get("event_id")),
        in_group=True,
        private_chat_id=str(event["user"]),
        mentioned=True,
    )
    origin = _origin(
        body,
        incoming,
        channel or None,
        private=False,
        thread_ts=str(event.get("thread_ts") or event.get("ts") or "") or None,
    )
    return incoming, origin


def from_action(body: Payload, profile: Profile) -> tuple[Incoming, Origin]:
    """A pressed button: its ``value`` is the core's token (a chat picker's: see ``token_and_choice``)."""
    action = pressed(body) or {}
    token, chosen = token_and_choice(action)
    container = body.get("container") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
    ephemeral = bool(container.get("is_ephemeral"))
    # The bot posts ordinary messages only in its own direct messages; its messages anywhere else
    # (a channel, two people's direct message) are ephemeral answers or channel posts.
    private = bool(channel) and str(channel).startswith("D") and not ephemeral
    user = body.get("user") or {}
    incoming = _incoming(
        profile,
        str(user["id"]),
        str(channel or user["id"]),
        action=token,
        picked_chat=chosen,
        update_id=_update_id("action", body.get("trigger_id")),
        in_group=not private,
        private_chat_id=None if private else str(user["id"]),
    )
    message = body.get("message") or {}
    origin = _origin(
        body,
        incoming,
        str(channel) if channel else None,
        private=private,
        response_url=body.get("response_url"),
        message_ts=container.get("message_ts") or message.get("ts"),
        ephemeral=ephemeral,
    )
    return incoming, origin


def profile_from(user: Payload, fallback: str) -> Profile:
    """A person's name and language from a ``users.info`` user object."""
    details = user.get("profile") or {}
    name = (
        str(details.get("display_name") or "").strip()
        or str(details.get("real_name") or "").strip()
        or str(user.get("real_name") or "").strip()
        or str(user.get("name") or "").strip()
        or fallback
    )
    locale = user.get("locale")
    zone = user.get("tz")
    return Profile(name=name[:200], language=str(locale) if locale else None, timezone=str(zone) if zone else None)


def _incoming(profile: Profile, user_id: str, chat_id: str, **fields: Any) -> Incoming:
    """What the core is told of every Slack request: the person (their profile) and what Slack
    can do, with ``fields`` for what this request is (words, a command, a press)."""
    return Incoming(
        platform=PLATFORM,
        can_share_location=False,  # Slack has no way to share a location
        can_pick_chat=True,  # the conversation picker: a circle's card can be shared in a channel
        user_id=user_id,
        chat_id=chat_id,
        user_name=profile.name,
        language=profile.language,
        timezone=profile.timezone,
        **fields,
    )


def _origin(body: Payload, incoming: Incoming, channel_id: str | None, *, private: bool, **fields: Any) -> Origin:
    """The way back to where ``incoming`` came from, in the workspace and app the request names:
    an event or a command at its top (``team_id``), a button press in its ``team`` or ``user``."""
    team = body.get("team_id") or (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id")
    return Origin(
        user_id=incoming.user_id,
        channel_id=channel_id,
        private=private,
        team_id=team,
        app_id=body.get("api_app_id"),
        **fields,
    )


def _update_id(kind: str, value: object) -> str | None:
    return f"{kind}:{value}"[:100] if value else None


def _with(base: Incoming, **changes: Any) -> Incoming:
    return Incoming(**{**base.__dict__, **changes})


# Parts of a request that Slack always sends as objects (or lists of objects), and that Bolt and
# this adapter read with ``.get``: a signed request with anything else there is malformed.
_OBJECTS = ("user", "team", "enterprise", "channel", "container", "message", "view", "event", "state")
_LISTS_OF_OBJECTS = ("actions", "authorizations")


def well_formed(body: object) -> bool:
    """Whether a parsed request body has the shape every Slack request has, so that reading it
    cannot fail: an object whose known parts are objects / lists of objects, with string ids."""
    if not isinstance(body, dict):
        return False
    for key in _OBJECTS:
        if key in body and body[key] is not None and not isinstance(body[key], dict):
            return False
    for key in _LISTS_OF_OBJECTS:
        value = body.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
            return False
    event = body.get("event")
    if body.get("type") == "event_callback" and not isinstance(event, dict):
        return False
    if isinstance(event, dict) and any(
        not isinstance(event.get(k), str | None)
        for k in ("type", "user", "channel", "text", "channel_type", "ts", "thread_ts", "tab", "bot_id")
    ):
        return False
    user = body.get("user")
    return not isinstance(user, dict) or isinstance(user.get("id"), str | None)
