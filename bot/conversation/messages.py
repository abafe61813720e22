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


def labels_language(reply: Reply, incoming: Incoming, default: str) -> str:
    """The language of the words an adapter adds to ``reply`` itself (a "share location" or
    "open a private chat" button, a note that a message could not be posted): the one the person
    chose (``reply.language``), else their platform's, else the bot's default."""
    return reply.language or incoming.language or default
