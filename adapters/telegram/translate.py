"""A Telegram update in, the core's ``Incoming`` out: nothing is decided here.

The acting person is always the update's ``from`` user (for a button, the user who pressed it),
never anything carried in callback data. The update id goes along so that the core can ignore a
second delivery of the same update (webhook retries).
"""

from __future__ import annotations

from dataclasses import replace

from telegram import Message, MessageEntity, Update, User
from telegram.constants import ChatType

from bot.conversation.messages import Incoming, Location

PLATFORM = "telegram"


def to_incoming(update: Update, bot_username: str | None) -> Incoming | None:
    """The neutral event for ``update``, or None when the update is nothing for the core.

    Ignored: edits, channel posts, messages from bots, service messages in groups, and commands
    addressed to another bot (``/help@other_bot``).
    """
    user = update.effective_user
    chat = update.effective_chat
    if user is None or user.is_bot or chat is None:
        return None
    in_group = chat.type != ChatType.PRIVATE
    base = Incoming(
        platform=PLATFORM,
        user_id=str(user.id),
        chat_id=str(chat.id),
        user_name=_name(user),
        language=user.language_code or None,
        update_id=str(update.update_id),
        in_group=in_group,
    )
    query = update.callback_query
    if query is not None:
        # Games and forged queries may come without data: the core explains an unknown token.
        return replace(base, action=query.data or "")
    message = update.message
    if message is None:
        return None
    if message.location is not None:
        where = Location(message.location.latitude, message.location.longitude)
        return replace(base, location=where)
    if message.text is None:
        if in_group:
            return None  # someone joined, a photo was posted…: nothing addressed to the bot
        # A sticker or a photo in the private chat: the core says it did not understand.
        return replace(base, text=message.caption or "")
    command = _command(message, bot_username)
    if command is None:
        return replace(base, text=message.text)
    name, args = command
    if not name:
        return None  # addressed to another bot
    return replace(base, command=name, args=args)


def _command(message: Message, bot_username: str | None) -> tuple[str, str] | None:
    """``(command, arguments)`` when the message starts with a command; ``("", "")`` for another bot's."""
    entities = message.entities
    first = entities[0] if entities else None
    if first is None or first.type != MessageEntity.BOT_COMMAND or first.offset != 0 or message.text is None:
        return None
    word = message.parse_entity(first)  # "/start" or "/start@circles_bot"
    name, _, addressee = word.lstrip("/").partition("@")
    if addressee and bot_username and addressee.casefold() != bot_username.casefold():
        return "", ""
    return name.lower(), message.text[len(word) :].strip()


def _name(user: User) -> str:
    return user.full_name.strip() or (user.username or "") or str(user.id)
