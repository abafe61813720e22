"""What Telegram shows of the bot before anyone writes: menus per chat kind and language, and the
descriptions, set through the real python-telegram-bot against the fake Bot API at start-up."""

from __future__ import annotations

from bot.app import Core
from bot.commands import COMMANDS, DESCRIPTION, GROUP_COMMANDS, SHORT_DESCRIPTION
from bot.i18n import Translator, available_languages
from tests.e2e.telegram.harness import BOT_USERNAME, TelegramChat, running_telegram
from tests.fakes.telegram_api import FakeTelegram

PRIVATE = {"type": "all_private_chats"}
GROUPS = {"type": "all_group_chats"}
WRITES = ("setMyCommands", "setMyDescription", "setMyShortDescription")


def names(menu: list[dict[str, str]]) -> list[str]:
    return [command["command"] for command in menu]


async def test_private_chats_list_every_command_and_groups_only_those_that_work_there(telegram: TelegramChat) -> None:
    tg = telegram.tg
    assert names(tg.commands(PRIVATE)) == [c.name for c in COMMANDS]
    assert (
        names(tg.commands(GROUPS)) == [c.name for c in GROUP_COMMANDS] == ["start", "help", "browse", "team", "cancel"]
    )
    assert not {"forget", "rsvp", "new", "calendar"} & set(names(tg.commands(GROUPS)))


async def test_each_language_has_its_menus_and_descriptions(telegram: TelegramChat) -> None:
    tg = telegram.tg
    assert set(available_languages()) == {"de", "en", "es"}
    # English is the configured default: it goes without a language code, for everyone else too.
    english = {c["command"]: c["description"] for c in tg.commands(PRIVATE)}
    assert english["forget"] == "Delete all your personal data"
    german = {c["command"]: c["description"] for c in tg.commands(PRIVATE, "de")}
    spanish = {c["command"]: c["description"] for c in tg.commands(PRIVATE, "es")}
    assert german["forget"] == "Alle deine persönlichen Daten löschen"
    assert spanish["forget"] == "Borrar todos tus datos personales"
    assert names(tg.commands(GROUPS, "de")) == names(tg.commands(GROUPS, "es")) == names(tg.commands(GROUPS))
    assert tg.commands(PRIVATE, "en") == []  # the default language is not written twice
    for language in available_languages():
        t, code = Translator(language), "" if language == "en" else language
        for scope, commands in ((PRIVATE, COMMANDS), (GROUPS, GROUP_COMMANDS)):
            expected = [{"command": c.name, "description": t(c.description)} for c in commands]
            assert tg.commands(scope, code) == expected, (scope, language)
        assert tg.description(code) == t(DESCRIPTION) and tg.description(code, short=True) == t(SHORT_DESCRIPTION)

    assert tg.description().startswith("I run learning circles")
    assert tg.description(short=True).startswith("Learning circles")
    for language in ("de", "es"):
        assert tg.description(language) and tg.description(language) != tg.description()
        assert tg.description(language, short=True) and tg.description(language, short=True) != tg.description(
            short=True
        )
        assert len(tg.description(language, short=True)) <= 120


async def test_a_restart_reads_what_telegram_holds_and_writes_nothing(app: Core, tg: FakeTelegram) -> None:
    async with running_telegram(app, tg, "polling"):
        pass
    first = [call.method for call in tg.calls if call.method in WRITES]
    assert len(first) == 3 * 4  # two menus and two descriptions in each of three languages
    tg.calls.clear()

    async with running_telegram(app, tg, "polling"):
        pass
    assert [call.method for call in tg.calls if call.method in WRITES] == []
    assert {call.method for call in tg.calls} >= {"getMyCommands", "getMyDescription", "getMyShortDescription"}


async def test_only_what_changed_is_written_again(app: Core, tg: FakeTelegram) -> None:
    async with running_telegram(app, tg, "polling"):
        pass
    # Someone edited the Spanish group menu and the German short description in @BotFather.
    await tg.setMyCommands(
        {"commands": [{"command": "help", "description": "x"}], "scope": GROUPS, "language_code": "es"}, {}
    )
    await tg.setMyShortDescription({"short_description": "", "language_code": "de"}, {})
    tg.calls.clear()

    async with running_telegram(app, tg, "polling"):
        pass
    written = [(call.method, call.params.get("language_code")) for call in tg.calls if call.method in WRITES]
    assert written == [("setMyShortDescription", "de"), ("setMyCommands", "es")]
    assert names(tg.commands(GROUPS, "es")) == [c.name for c in GROUP_COMMANDS]
    assert tg.description("de", short=True)


async def test_the_group_menu_is_what_the_bot_answers_in_a_group(telegram: TelegramChat) -> None:
    """The menu and the core's rule come from the same list: every command in a group's menu is
    answered there, every other one is sent to the private chat."""
    tg = telegram.tg
    alice = tg.user(102, "Alice")
    group = tg.group(-300, "Python learners")
    in_group = set(names(tg.commands(GROUPS)))
    for command in COMMANDS:
        answered = await telegram.say(alice, f"/{command.name}@{BOT_USERNAME}", chat=group)
        sent_private = any("private chat" in message.body for message in answered)
        assert sent_private == (command.name not in in_group), command.name


async def test_a_refused_change_does_not_stop_the_bot_and_is_tried_at_the_next_start(
    app: Core, tg: FakeTelegram
) -> None:
    tg.fail_next("setMyDescription", "retry_after", retry_after=30)  # Telegram limits such changes
    async with running_telegram(app, tg, "polling") as telegram:
        ada = tg.user(1001, "Ada")
        assert "Circles" in (await telegram.say(ada, "/start"))[0].body
    assert tg.description() == ""  # the first language's (the default's) was refused...
    assert tg.description("de") and tg.description("es") and tg.description(short=True)  # ...the rest was set

    async with running_telegram(app, tg, "polling"):
        pass
    assert tg.description().startswith("I run learning circles")
