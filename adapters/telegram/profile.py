"""What Telegram shows of the bot before anyone writes: the command menus and the descriptions.

The core says which commands exist and which work in a group (``bot.commands``); this module only
translates them. Private chats get every command, groups only those that work there (Telegram
picks the menu by chat: ``all_private_chats`` or ``all_group_chats``, before ``default``). Each
catalogue language gets its own menu and descriptions; the configured default language goes
without a ``language_code``, so it is what people whose language we do not speak see.

Start-up reads back what Telegram holds and writes only what differs: a restart costs a few reads
and no writes (Telegram limits how often a bot may change these, and each change reaches every
client).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Bot, BotCommand, BotCommandScope, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats

from bot.commands import COMMANDS, DESCRIPTION, GROUP_COMMANDS, SHORT_DESCRIPTION, Command
from bot.i18n import Translator, available_languages

log = logging.getLogger(__name__)

# Telegram's limits on what the bot may say about itself.
MAX_COMMAND_DESCRIPTION, MAX_DESCRIPTION, MAX_SHORT_DESCRIPTION = 256, 512, 120
# Each chat's menu: which scope, which commands.
MENUS: tuple[tuple[BotCommandScope, Sequence[Command]], ...] = (
    (BotCommandScopeAllPrivateChats(), COMMANDS),
    (BotCommandScopeAllGroupChats(), GROUP_COMMANDS),
)


def menu(t: Translator, commands: Sequence[Command]) -> list[BotCommand]:
    return [BotCommand(c.name, t(c.description)[:MAX_COMMAND_DESCRIPTION]) for c in commands]


async def publish_profile(bot: Bot, default_language: str) -> int:
    """Make the menus and descriptions in every language what they should be; return how many
    of them had to be written (0 when Telegram already held them all)."""
    written = 0
    for language in available_languages():
        t = Translator(language)
        code = None if language == default_language else language  # None: everyone else's
        for scope, commands in MENUS:
            wanted = menu(t, commands)
            held = await bot.get_my_commands(scope=scope, language_code=code)
            if _pairs(held) != _pairs(wanted):
                await bot.set_my_commands(wanted, scope=scope, language_code=code)
                written += 1
        description = t(DESCRIPTION)[:MAX_DESCRIPTION]
        if (await bot.get_my_description(language_code=code)).description != description:
            await bot.set_my_description(description, language_code=code)
            written += 1
        short = t(SHORT_DESCRIPTION)[:MAX_SHORT_DESCRIPTION]
        if (await bot.get_my_short_description(language_code=code)).short_description != short:
            await bot.set_my_short_description(short, language_code=code)
            written += 1
    log.info("Telegram: menus and descriptions checked, %d changed", written)
    return written


def _pairs(commands: Sequence[BotCommand]) -> list[tuple[str, str]]:
    return [(c.command, c.description) for c in commands]
