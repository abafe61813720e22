"""A core ``Reply`` out as Telegram messages: text parts, keyboards, files, edits in place.

The core writes plain text, so messages go out *without* ``parse_mode``: nothing a person typed
(a circle named ``<b>C++ & *Rust*</b>``) can break a message or smuggle in formatting. Telegram
counts a message's length in UTF-16 code units (4,096 for text, 1,024 for a caption); longer
texts are split by the adapter kit's splitter (``adapters.kit.split``) at the last paragraph
break, else line break, else sentence end, else space that fits, and a reply's buttons go on
its last part.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import MessageLimit
from telegram.error import BadRequest

from adapters.kit.split import split_text as kit_split_text
from adapters.kit.split import utf16_len
from bot.conversation.messages import Attachment, Button, Reply

log = logging.getLogger(__name__)

MAX_TEXT = int(MessageLimit.MAX_TEXT_LENGTH)  # 4096
MAX_CAPTION = int(MessageLimit.CAPTION_LENGTH)  # 1024

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """``text`` in parts of at most ``limit`` UTF-16 code units (the kit's splitter, Telegram's measure)."""
    return kit_split_text(text, limit, utf16_len)


def inline_keyboard(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup:
    """The core's buttons as an inline keyboard; each token is the button's callback data."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(button.label, callback_data=button.token) for button in row] for row in rows if row]
    )


def location_keyboard(label: str) -> ReplyKeyboardMarkup:
    """One big "share my location" button under the text field; it hides once used."""
    return ReplyKeyboardMarkup(
        [[KeyboardButton(label, request_location=True)]], resize_keyboard=True, one_time_keyboard=True
    )


def link_keyboard(label: str, url: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, url=url)]])


@dataclass(frozen=True)
class Part:
    """One Telegram message of a reply: a text, or a file with ``text`` as its caption."""

    text: str
    markup: Markup | None = None
    attachment: Attachment | None = None


def plan(reply: Reply, markup: Markup | None) -> list[Part]:
    """The messages that carry ``reply``, in order, with ``markup`` on the last one."""
    attachment = reply.attachment
    if attachment is not None:
        caption = reply.text.strip()
        if utf16_len(caption) <= MAX_CAPTION:
            return [Part(caption, markup, attachment)]
        return [Part(text) for text in split_text(caption)] + [Part("", markup, attachment)]
    texts = split_text(reply.text)
    if not texts:
        return []
    return [Part(text) for text in texts[:-1]] + [Part(texts[-1], markup)]


def editable(parts: list[Part]) -> bool:
    """Whether the reply fits an in-place edit: one text with an inline keyboard or none."""
    if len(parts) != 1 or parts[0].attachment is not None:
        return False
    return parts[0].markup is None or isinstance(parts[0].markup, InlineKeyboardMarkup)


async def send_part(bot: Bot, chat_id: int | str, part: Part, **extra: Any) -> Message:
    """Send one part. ``extra`` carries request options such as ``rate_limit_args``."""
    attachment = part.attachment
    if attachment is None:
        return await bot.send_message(chat_id, part.text, reply_markup=part.markup, **extra)
    caption = part.text or None
    if attachment.is_image:
        return await bot.send_photo(
            chat_id,
            attachment.content,
            caption=caption,
            filename=attachment.filename,
            reply_markup=part.markup,
            **extra,
        )
    return await bot.send_document(
        chat_id,
        attachment.content,
        caption=caption,
        filename=attachment.filename,
        reply_markup=part.markup,
        **extra,
    )


async def edit_in_place(bot: Bot, chat_id: int | str, message_id: int, part: Part, **extra: Any) -> bool:
    """Replace the text and buttons of the message a button was on; False if it cannot be edited.

    Pressing the same button twice asks for an edit that changes nothing, which Telegram refuses
    ("message is not modified"): the message already shows the answer, so that counts as done.
    """
    markup = part.markup if isinstance(part.markup, InlineKeyboardMarkup) else None
    try:
        await bot.edit_message_text(part.text, chat_id=chat_id, message_id=message_id, reply_markup=markup, **extra)
    except BadRequest as error:
        if "not modified" in error.message.lower():
            return True
        # Too old, deleted, or a file rather than a text: send the new state as a new message.
        log.info("could not edit message %s in place (%s); sending a new one", message_id, error.message)
        return False
    return True
