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
from collections.abc import Awaitable, Callable, Sequence

from telegram import Bot, BotCommand, BotCommandScope, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats
from telegram.error import TelegramError

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
    of them had to be written (0 when Telegram already held them all).

    A refusal (Telegram limits how often these may change) is logged and the rest still checked:
    the bot runs with what Telegram holds, and the next start tries again."""
    written = 0
    for language in available_languages():
        t = Translator(language)
        code = None if language == default_language else language  # None: everyone else's
        items = [_menu_item(bot, scope, menu(t, commands), code) for scope, commands in MENUS]
        items.append(_description_item(bot, t(DESCRIPTION)[:MAX_DESCRIPTION], code))
        items.append(_short_description_item(bot, t(SHORT_DESCRIPTION)[:MAX_SHORT_DESCRIPTION], code))
        for name, held, write in items:
            try:
                if not await held():
                    await write()
                    written += 1
            except TelegramError as error:
                log.warning("Telegram: %s (%s) not updated: %s", name, language, error.message)
    log.info("Telegram: menus and descriptions checked, %d changed", written)
    return written


# One item of the profile: its name for the log, "does Telegram hold what we want?", and the write.
Item = tuple[str, Callable[[], Awaitable[bool]], Callable[[], Awaitable[bool]]]


def _menu_item(bot: Bot, scope: BotCommandScope, wanted: list[BotCommand], code: str | None) -> Item:
    async def held() -> bool:
        return _pairs(await bot.get_my_commands(scope=scope, language_code=code)) == _pairs(wanted)

    async def write() -> bool:
        return await bot.set_my_commands(wanted, scope=scope, language_code=code)

    return f"the {scope.type} menu", held, write


def _description_item(bot: Bot, wanted: str, code: str | None) -> Item:
    async def held() -> bool:
        return (await bot.get_my_description(language_code=code)).description == wanted

    async def write() -> bool:
        return await bot.set_my_description(wanted, language_code=code)

    return "the description", held, write


def _short_description_item(bot: Bot, wanted: str, code: str | None) -> Item:
    async def held() -> bool:
        return (await bot.get_my_short_description(language_code=code)).short_description == wanted

    async def write() -> bool:
        return await bot.set_my_short_description(wanted, language_code=code)

    return "the short description", held, write


def _pairs(commands: Sequence[BotCommand]) -> list[tuple[str, str]]:
    return [(c.command, c.description) for c in commands]
