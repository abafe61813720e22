"""The small vocabulary every adapter speaks with the core (DESIGN.md, "The neutral conversation")."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_TOKEN_BYTES = 64  # Telegram's limit for callback data; every token must fit.


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Incoming:
    """One thing a person did: a command, some text, a pressed button or a shared location.

    ``user_id`` and ``chat_id`` are the platform's own ids; the acting person is always taken
    from here, never from a button's token.
    """

    platform: str
    user_id: str
    chat_id: str
    user_name: str
    language: str | None = None
    command: str | None = None
    args: str = ""
    text: str | None = None
    action: str | None = None
    location: Location | None = None
    update_id: str | None = None
    in_group: bool = False
    # Where the bot can write to this person privately, when the platform knows it even for
    # an event from a group (Slack opens a direct message from a user id).
    private_chat_id: str | None = None
    # Whether this platform lets people share a location (Slack does not): the core then does
    # not ask for one.
    can_share_location: bool = True
    # The IANA time zone the platform's profile states (Slack's ``tz``), when it tells one.
    timezone: str | None = None
    # Whether the platform lets a person pick a channel for the bot to post in (Slack's
    # conversation picker): then a circle's card can be shared in a channel.
    can_pick_chat: bool = False
    # The chat a person picked with a ``Reply.pick_chat`` picker (its platform id).
    picked_chat: str | None = None
    # The person named the bot in a group (``@Circles``): answered with a short help there.
    mentioned: bool = False

    @property
    def raw_text(self) -> str:
        """What the person wrote, as they wrote it (kept if handling fails)."""
        if self.command is not None:
            return f"/{self.command} {self.args}".strip()
        return self.text or ""


@dataclass(frozen=True)
class Button:
    label: str
    token: str

    def __post_init__(self) -> None:
        if len(self.token.encode()) > MAX_TOKEN_BYTES:
            raise ValueError(f"button token over {MAX_TOKEN_BYTES} bytes: {self.token!r}")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str
    is_image: bool = False


@dataclass(frozen=True)
class ChatChoice:
    """A picker of chats (Slack's conversation picker) under a reply: choosing one presses
    ``token`` with ``Incoming.picked_chat`` set to the chat chosen."""

    token: str
    placeholder: str

    def __post_init__(self) -> None:
        if len(self.token.encode()) > MAX_TOKEN_BYTES:
            raise ValueError(f"picker token over {MAX_TOKEN_BYTES} bytes: {self.token!r}")


@dataclass
class Reply:
    """A message from the bot, answering in the chat the incoming event came from. (Messages to
    other people and channels go through the delivery outbox, never as replies.)

    ``edit`` asks the adapter to replace the message whose button was pressed, where the
    platform can. ``expects_text`` tells the adapter that free text is the answer, so a typed
    number is not to be taken as a button choice (the terminal picks buttons by number).
    """

    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    attachment: Attachment | None = None
    edit: bool = False
    expects_text: bool = False
    ask_location: bool = False
    # The reader's language, for the few labels an adapter adds itself (e.g. "share location").
    language: str | None = None
    # Said in a group: the adapter adds its way into a private chat, where personal flows continue.
    offer_private_chat: bool = False
    # Goes to the person's private chat (``Incoming.private_chat_id``) although the event came
    # from a group: a signup started from a card shared in a channel continues there.
    private: bool = False
    # Posted in this other chat (a channel the person picked), not where the event came from.
    to_chat: str | None = None
    # A chat picker under the text (see ``ChatChoice``).
    pick_chat: ChatChoice | None = None


@dataclass(frozen=True)
class HomeSection:
    """One part of a person's home (Slack's App Home tab): a title, some text, its buttons."""

    title: str
    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    heading: bool = False  # a part's heading (e.g. "Your circles"), above the sections under it


@dataclass(frozen=True)
class HomeView:
    """What a person's home shows, decided by the core (bot/views/home.py), drawn by an adapter."""

    sections: list[HomeSection]
    language: str
    # The circles it shows (as learner, facilitator, in the team's week): whose changes concern it.
    circle_ids: frozenset[int] = frozenset()


def labels_language(reply: Reply, incoming: Incoming, default: str) -> str:
    """The language of the words an adapter adds to ``reply`` itself (a "share location" or
    "open a private chat" button, a note that a message could not be posted): the one the person
    chose (``reply.language``), else their platform's, else the bot's default."""
    return reply.language or incoming.language or default
