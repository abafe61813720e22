"""A core ``Reply`` as Slack messages (Block Kit), and Slack's encoded text back as plain text.

Out: the text goes into ``section`` blocks as ``mrkdwn`` with ``&``, ``<`` and ``>`` escaped, so
nothing a person typed (a circle named ``<!channel> & <b>C++</b>``) can break a message, ping a
channel or smuggle in a link; web addresses are turned into links explicitly, and the text objects
are ``verbatim`` so that Slack does not parse mentions in them either. Buttons become ``actions``
blocks of ``button`` elements whose ``value`` is the core's token and whose ``action_id`` is unique
within the message (``circles:<n>``). The message's ``text`` carries the same words as the
notification fallback. Slack's limits are kept: 3,000 characters per section, 75 per button
label, 25 elements per ``actions`` block, 50 blocks per message (a longer reply becomes several
messages, with the buttons on the last). Long texts are cut by the adapter kit's splitter.

The core names its commands as ``/browse``, ``/help``…; on Slack they follow the one slash command
(``/circles browse``), so ``slack_commands`` rewrites them in every text before it goes out.

In: Slack sends message and command text with ``&``, ``<`` and ``>`` escaped and with links,
mentions and channels as ``<…>`` (``<https://a.org|a.org>``, ``<@U123>``); ``from_slack`` makes it
the plain text the person typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from adapters.kit.split import split_text
from bot.commands import COMMAND_WORDS
from bot.conversation.messages import Button, ChatChoice, HomeSection, HomeView, Reply

ACTION_PREFIX = "circles:"
OPEN_DM_ACTION = "circles:open"  # a link button; Slack still reports the click, which is ignored
PICK_PREFIX = "circles:pick:"  # a chat picker's action_id: the prefix, then the core's token
MAX_HOME_BLOCKS = 100  # Slack's limit for a Home tab view
MAX_HEADER = 150  # characters of a header block's plain text (and of a placeholder)
MAX_SECTION = 3000
MAX_BLOCKS = 50
MAX_ELEMENTS = 25
MAX_BUTTON_TEXT = 75
MAX_FALLBACK = 3000  # the notification text; the blocks carry the whole message
URL = re.compile(r"https?://[^\s<>|\"]+")
TRAILING = ".,;:!?)]}'"

Block = dict[str, Any]

SLASH_COMMAND = "/circles"
# "/help" standing alone (not in a web address, a path or a word): the core's way to name a command.
_COMMAND_MENTION = re.compile(
    r"(?<![\w/.:~-])/(" + "|".join(sorted(COMMAND_WORDS, key=len, reverse=True)) + r")(?![\w/-])"
)


def slack_commands(text: str) -> str:
    """``Send /help`` → ``Send /circles help``: how commands are typed on Slack."""
    return _COMMAND_MENTION.sub(lambda m: f"{SLASH_COMMAND} {m.group(1)}", text)


def escape(text: str) -> str:
    """Slack's three control characters, escaped as Slack asks."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn(text: str) -> str:
    """``text`` escaped, with every web address made a link (``<https://…>``)."""
    out: list[str] = []
    position = 0
    for match in URL.finditer(text):
        url = match.group(0).rstrip(TRAILING)
        if not url.split("://", 1)[1]:
            continue
        out.append(escape(text[position : match.start()]))
        out.append(f"<{escape(url)}>")
        position = match.start() + len(url)
    out.append(escape(text[position:]))
    return "".join(out)


def _split(text: str, limit: int = MAX_SECTION) -> list[str]:
    """``text`` in parts whose ``mrkdwn`` fits ``limit`` (the kit's splitter, measured as Slack shows it)."""
    return split_text(text, limit, lambda part: len(mrkdwn(part)))


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn(text), "verbatim": True}}


def _label(text: str) -> str:
    text = " ".join(text.split()) or "…"
    return text if len(text) <= MAX_BUTTON_TEXT else text[: MAX_BUTTON_TEXT - 1] + "…"


def button(label: str, action_id: str, *, value: str | None = None, url: str | None = None) -> Block:
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": _label(label), "emoji": True},
        "action_id": action_id,
    }
    if value is not None:
        element["value"] = value
    if url is not None:
        element["url"] = url
    return element


def _actions(rows: list[list[Button]], numbers: Iterator[int] | None = None) -> list[Block]:
    numbers = numbers or count(1)
    rows = [row for row in rows if row]
    if len(rows) > MAX_BLOCKS // 2:
        # Many rows (a long list of circles): pack the buttons densely rather than overflow.
        flat = [b for row in rows for b in row]
        rows = [flat[i : i + MAX_ELEMENTS] for i in range(0, len(flat), MAX_ELEMENTS)]
    blocks: list[Block] = []
    for row in rows:
        for start in range(0, len(row), MAX_ELEMENTS):
            elements = [
                button(b.label, f"{ACTION_PREFIX}{next(numbers)}", value=b.token)
                for b in row[start : start + MAX_ELEMENTS]
            ]
            blocks.append({"type": "actions", "elements": elements})
    return blocks


@dataclass
class Message:
    """One Slack message: the notification ``text`` and the ``blocks`` shown."""

    text: str
    blocks: list[Block] = field(default_factory=list)

    def as_args(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


def messages(reply: Reply, extra: list[Block] | None = None) -> list[Message]:
    """The messages that carry ``reply``'s text and buttons (and ``extra`` blocks), in order."""
    texts = _split(slack_commands(reply.text))
    sections = [section(text) for text in texts]
    actions = _actions(reply.buttons) + ([chat_picker(reply.pick_chat)] if reply.pick_chat else []) + (extra or [])
    blocks = sections + actions
    if not blocks:
        return []
    out: list[Message] = []
    for chunk in _chunks(blocks):
        words = [b["text"]["text"] for b in chunk if b["type"] == "section"]
        fallback = "\n\n".join(words) or (escape(texts[-1]) if texts else "…")
        out.append(Message(_shorten(fallback), chunk))
    return out


def chat_picker(choice: ChatChoice) -> Block:
    """Slack's conversation picker: the channels (public or private) the person is in; choosing
    one presses the core's token with that channel (``action_id`` carries the token)."""
    element: Block = {
        "type": "conversations_select",
        "action_id": PICK_PREFIX + choice.token,
        "placeholder": {"type": "plain_text", "text": _label(choice.placeholder)[:MAX_HEADER], "emoji": True},
        "filter": {
            "include": ["public", "private"],
            "exclude_bot_users": True,
            "exclude_external_shared_channels": True,
        },
    }
    return {"type": "actions", "elements": [element]}


def home_blocks(view: HomeView) -> list[Block]:
    """A person's home as the blocks of an App Home view: a header per part, a section per
    circle (its name in bold) with its buttons, dividers between parts; at most 100 blocks."""
    numbers = count(1)  # action_ids are unique within the whole view
    blocks: list[Block] = []
    for part in view.sections:
        drawn = _home_section(part, numbers)
        if not blocks and drawn and drawn[0]["type"] == "divider":
            drawn = drawn[1:]  # dividers go between parts, not above the first
        if len(blocks) + len(drawn) > MAX_HOME_BLOCKS:
            break  # the core keeps homes far smaller; never let Slack refuse one
        blocks += drawn
    return blocks


def _home_section(part: HomeSection, numbers: Iterator[int]) -> list[Block]:
    blocks: list[Block] = []
    text = slack_commands(part.text)
    if part.heading:
        blocks.append({"type": "divider"})
        blocks.append({"type": "header", "text": {"type": "plain_text", "text": _header(part.title), "emoji": True}})
        blocks += [section(piece) for piece in _split(text)] if text.strip() else []
    else:
        title = f"*{escape(' '.join(part.title.split()))}*" if part.title.strip() else ""
        pieces = _split(text, MAX_SECTION - len(title) - 1) if text.strip() else []
        first = "\n".join(x for x in [title, mrkdwn(pieces[0]) if pieces else ""] if x)
        if first:
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": first, "verbatim": True}})
        blocks += [section(piece) for piece in pieces[1:]]
    return blocks + _actions(part.buttons, numbers)


def _header(text: str) -> str:
    text = " ".join(text.split()) or "…"
    return text if len(text) <= MAX_HEADER else text[: MAX_HEADER - 1] + "…"


def _chunks(blocks: list[Block]) -> Iterator[list[Block]]:
    for start in range(0, len(blocks), MAX_BLOCKS):
        yield blocks[start : start + MAX_BLOCKS]


def _shorten(text: str) -> str:
    if len(text) <= MAX_FALLBACK:
        return text
    cut = text.rfind(" ", 0, MAX_FALLBACK - 1)
    cut = cut if cut > MAX_FALLBACK // 2 else MAX_FALLBACK - 1
    head = text[:cut]
    # Never end inside an escape (&amp;) or a link (<https://…>).
    amp, lt = head.rfind("&"), head.rfind("<")
    if amp > head.rfind(";"):
        head = head[:amp]
    if lt > head.rfind(">"):
        head = head[:lt]
    return head.rstrip() + "…"


# ---------------------------------------------------------------------------------- inbound

_ENCODED = re.compile(r"<([^<>]*)>")


def _decode(match: re.Match[str]) -> str:
    target, _, label = match.group(1).partition("|")
    if target.startswith("@") or target.startswith("#"):
        return f"{target[0]}{label}" if label else target
    if target.startswith("!"):
        if label:
            return label
        return "@" + target[1:].split("^", 1)[0]
    if target.startswith("mailto:"):
        return label or target[len("mailto:") :]
    # A link: the address itself, so that "py4e.com" typed becomes "http://py4e.com" as Slack saw it.
    return target


def from_slack(text: str) -> str:
    """Slack's encoded message text as the person typed it."""
    decoded = _ENCODED.sub(_decode, text)
    return decoded.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
