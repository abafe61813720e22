"""A whole learning circle — create, browse, sign up, RSVP, manage, leave, forget — played the same
way on the terminal, on Telegram (by long polling and by webhook) and on Slack, through one driver
interface (``tests/e2e/drivers.py``); then what each platform must also show."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from adapters.console.driver import ConsoleDriver
from bot.app import Core
from bot.clock import FixedClock
from bot.commands import COMMANDS
from storage.db import Database
from storage.tables import identities, people, signups
from tests.e2e.drivers import Driver, SlackDriver, TelegramDriver, TerminalDriver
from tests.e2e.slack.harness import SIGNING_SECRET, running_slack
from tests.e2e.telegram.harness import BOT_USERNAME, TOKEN, running_telegram
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram

BERLIN_CIRCLE = [
    "Python for Everybody",
    "https://www.py4e.com",
    "Use the course title",  # a button
    "We learn Python together, one chapter a week. Beginners & <curious> people welcome!",
    "Zentralbibliothek",
    "Breite Straße 30",
    "Room 2, first floor",
    "Berlin",
    "en",
    "Europe/Berlin",
    "2026-12-07",
    "18:00",
    "90",
    "6",
    "No limit",  # a button
    "What would you like to build with Python?",
]
BUTTONS = {"Use the course title", "No limit"}
SHARE_CODE = re.compile(r"start[= ](\w+)")  # /start CODE, t.me/<bot>?start=CODE, /circles start CODE


@pytest.fixture(params=["terminal", "telegram-polling", "telegram-webhook", "slack"])
async def driver(request: pytest.FixtureRequest, app: Core) -> AsyncIterator[Driver]:
    if request.param == "terminal":
        yield TerminalDriver(ConsoleDriver(app))
    elif request.param.startswith("telegram"):
        async with (
            FakeTelegram(bot_username=BOT_USERNAME, token=TOKEN) as tg,
            running_telegram(app, tg, request.param.removeprefix("telegram-")) as telegram,
        ):
            yield TelegramDriver(telegram)
    else:
        async with FakeSlack(signing_secret=SIGNING_SECRET) as fake, running_slack(app, fake) as slack:
            yield SlackDriver(slack)


async def sign_up(driver: Driver, code: str, as_: str, goal: str, help_peers: str, custom: str) -> str:
    assert "Python for Everybody" in await driver.say(f"/start {code}", as_=as_)
    await driver.press("Sign up", as_=as_)
    await driver.press("I agree", as_=as_)
    await driver.say(goal, as_=as_)
    await driver.say(help_peers, as_=as_)
    return await driver.say(custom, as_=as_)


async def test_a_whole_circle(driver: Driver, db: Database, clock: FixedClock) -> None:
    # Fiona creates the circle through the dialog, typing and pressing; publishing gives its code.
    await driver.say("/new", as_="fiona")
    for answer in BERLIN_CIRCLE:
        await (driver.press if answer in BUTTONS else driver.say)(answer, as_="fiona")
    published = await driver.press("Publish", as_="fiona")
    found = SHARE_CODE.search(published)
    assert found, published
    code = found.group(1)
    await driver.say("/mycircles", as_="fiona")
    assert driver.buttons(as_="fiona") == ["Python for Everybody"]
    assert code in await driver.press("Python for Everybody", as_="fiona")  # the share link, again

    # Two learners find it by city, whatever the case or accents they type.
    listed = await driver.say("/browse BERLIN", as_="alice")
    assert "Python for Everybody" in listed
    assert "Mon, 7 Dec 2026, 18:00 CET" in listed
    assert "Python for Everybody" in await driver.say("/browse berlín", as_="bob")

    # Alice signs up from browse; every answer of hers comes back as she wrote it.
    card = await driver.press("Python for Everybody", as_="alice")
    assert "Beginners & <curious> people welcome!" in card
    assert "Do you agree?" in await driver.press("Sign up", as_="alice")
    await driver.press("I agree", as_="alice")
    await driver.say("Automate my spreadsheets", as_="alice")
    await driver.say("I can explain Excel tricks", as_="alice")
    confirmation = await driver.say("A tool for my garden club", as_="alice")
    assert "You are signed up for Python for Everybody!" in confirmation
    assert "Next meeting: Mon, 7 Dec 2026, 18:00 CET" in confirmation
    assert "Zentralbibliothek, Breite Straße 30, Berlin (Room 2, first floor)" in confirmation
    assert re.search(r"\(file: .*\.ics\)", confirmation), confirmation  # the calendar file
    assert driver.buttons(as_="alice") == ["I'll be there", "I can't make it"]

    # Bob arrives by the share code: the circle's card with a Sign up button.
    assert "Python for Everybody" in await driver.say(f"/start {code}", as_="bob")
    assert driver.buttons(as_="bob") == ["Sign up"]
    # He signs up, then a second time: his answers change, still one signup.
    first = await sign_up(driver, code, "bob", "Learn to code", "Bring snacks", "A game")
    assert "You are signed up for Python for Everybody!" in first
    again = await sign_up(driver, code, "bob", "Learn to code well", "Bring better snacks", "A bigger game")
    assert "Your signup for Python for Everybody is updated." in again
    async with db.transaction() as conn:
        goals = (await conn.execute(select(signups.c.goal))).scalars().all()
    assert sorted(goals) == ["Automate my spreadsheets", "Learn to code well"]

    # RSVPs: the list a button was on is updated in place. Alice says yes to meeting 1; pressing
    # it again changes nothing and breaks nothing. Bob says no, then changes his mind.
    listing = await driver.say("/rsvp", as_="alice")
    assert "Meeting 1, Mon, 7 Dec 2026, 18:00 CET: no answer yet" in listing
    answered = await driver.press("1: Yes", as_="alice")
    assert answered.startswith("(updated) ")
    assert "Meeting 1, Mon, 7 Dec 2026, 18:00 CET: yes" in answered
    assert "You said you will come to meeting 1" in answered
    assert driver.buttons(as_="alice")[:2] == ["✓ 1: Yes", "1: No"]
    pressed_again = await driver.press("1: Yes", as_="alice")
    # The list, confirmation included, is shown again; Telegram refuses an edit that changes
    # nothing, so there the list stays as it is, still saying so (answered above).
    assert ("You said you will come to meeting 1" in pressed_again) is not driver.refuses_unchanged_edits
    assert pressed_again.startswith("(updated) ") is not driver.refuses_unchanged_edits
    await driver.say("/rsvp", as_="bob")
    await driver.press("1: No", as_="bob")
    changed = await driver.press("1: Yes", as_="bob")
    assert "Meeting 1, Mon, 7 Dec 2026, 18:00 CET: yes" in changed

    # The facilitator sees both signups with their answers, and the RSVPs per meeting.
    await driver.say("/mycircles", as_="fiona")
    await driver.press("Python for Everybody", as_="fiona")
    listed_signups = await driver.press("Signups", as_="fiona")
    assert "Python for Everybody: 2 signups" in listed_signups
    assert "Goal: Automate my spreadsheets" in listed_signups
    assert "Goal: Learn to code well" in listed_signups
    assert "What would you like to build with Python?: A bigger game" in listed_signups
    schedule = await driver.press("Schedule and RSVPs", as_="fiona")
    assert "Yes (2): Alice, Bob" in schedule.split("Meeting 1:")[1].split("Meeting 2:")[0]
    assert "No answer (2): Alice, Bob" in schedule.split("Meeting 2:")[1]
    async with db.transaction() as conn:
        names = sorted((await conn.execute(select(people.c.name))).scalars())
    assert names == ["Alice", "Bob", "Fiona"]  # on Slack from users.info, on Telegram from the user

    # Alice leaves; Bob asks to be forgotten.
    await driver.say("/leave", as_="alice")
    await driver.press("Python for Everybody", as_="alice")
    assert "You left Python for Everybody" in await driver.press("Yes, leave", as_="alice")
    await driver.say("/forget", as_="bob")
    assert "your personal data is deleted" in await driver.press("Yes, forget me", as_="bob")
    async with db.transaction() as conn:
        names = (await conn.execute(select(people.c.name))).scalars().all()
        bob_answers = (await conn.execute(select(signups.c.goal, signups.c.active))).all()
        platform_ids = (await conn.execute(select(identities.c.external_id))).scalars().all()
    assert "Bob" not in names and "(forgotten)" in names
    assert driver.external_id("bob") not in platform_ids
    assert ("Learn to code well", True) not in bob_answers
    assert all(not active for _, active in bob_answers)

    clock.advance(timedelta(days=1))
    assert "Python for Everybody" in await driver.say("/mycircles", as_="fiona")
    await driver.press("Python for Everybody", as_="fiona")
    assert "Nobody has signed up for Python for Everybody yet." in await driver.press("Signups", as_="fiona")

    await PLATFORM_CHECKS[driver.platform](driver, db)


async def terminal_checks(driver: Driver, db: Database) -> None:
    pass  # the terminal has no platform of its own to check


async def telegram_checks(driver: Driver, db: Database) -> None:
    assert isinstance(driver, TelegramDriver)
    tg, telegram = driver.chat.tg, driver.chat
    # The menu of commands was registered at start; updates came the configured way.
    assert [c["command"] for c in tg.commands({"type": "all_private_chats"})] == [c.name for c in COMMANDS]
    if telegram.mode == "webhook":
        assert tg.webhook_url == f"{telegram.server.base_url}/telegram/webhook"
        assert tg.webhook_secret_token
    else:
        assert tg.webhook_url is None
    # Plain text only (nobody's input can break a message); every press answered (the harness
    # checks each); nothing refused but the repeated edit that changed nothing.
    assert all(m.parse_mode is None for m in tg.sent_messages())
    assert not tg.unknown_calls
    assert all(call.ok for call in tg.calls if call.method not in ("getUpdates", "editMessageText"))
    [document] = [m for m in tg.sent_messages(driver.people["alice"].id) if m.method == "sendDocument"]
    assert document.file is not None and document.file.content.startswith(b"BEGIN:VCALENDAR")


async def slack_checks(driver: Driver, db: Database) -> None:
    assert isinstance(driver, SlackDriver)
    fake = driver.chat.slack
    # Nothing the bot sent was refused by the (strict) fake: Block Kit limits, escaping, tokens.
    assert all(call.ok for call in fake.calls), [c for c in fake.calls if not c.ok]
    # The calendar was uploaded with Slack's v2 flow, into Alice's direct message.
    alice = driver.chat.person("alice")
    uploads = [f for m in fake.messages_in(alice.dm) for f in m.files]
    assert uploads and uploads[0].content.startswith(b"BEGIN:VCALENDAR")
    flows = [c.method for c in fake.calls if c.method.startswith("files.") or c.method == "upload"]
    assert flows and flows == ["files.getUploadURLExternal", "upload", "files.completeUploadExternal"] * (
        len(flows) // 3
    )
    # Answers to pressed buttons in a direct message edit that very message (chat.update).
    for update in fake.calls_to("chat.update"):
        assert fake._find(update.args["channel"], update.args["ts"]) is not None
    # One person per Slack user, with their direct-message channel as the chat to write to.
    async with db.transaction() as conn:
        chats = dict((await conn.execute(select(identities.c.external_id, identities.c.chat_id))).all())
    assert chats == {"U0FIONA": "D0FIONA", "U0ALICE": "D0ALICE"}  # Bob was forgotten


PLATFORM_CHECKS = {"console": terminal_checks, "telegram": telegram_checks, "slack": slack_checks}


async def publish_circle(driver: Driver) -> str:
    await driver.say("/new", as_="fiona")
    for answer in BERLIN_CIRCLE:
        await (driver.press if answer in BUTTONS else driver.say)(answer, as_="fiona")
    found = SHARE_CODE.search(await driver.press("Publish", as_="fiona"))
    assert found
    return found.group(1)


async def test_typing_a_button_label_counts_as_pressing_it(driver: Driver) -> None:
    """Issue 13: people who type rather than tap: any button of the last message they got."""
    code = await publish_circle(driver)
    await driver.say(f"/start {code}", as_="alice")
    assert "Do you agree?" in await driver.say("sign up", as_="alice")  # the card's button
    await driver.say("I AGREE", as_="alice")
    await driver.say("Automate my spreadsheets", as_="alice")
    await driver.say("I can explain Excel tricks", as_="alice")
    await driver.say("A tool for my garden club", as_="alice")
    assert "You said you will come to meeting 1" in await driver.say("i'll be there", as_="alice")
    await driver.say("/language", as_="alice")
    assert "Deutsch" in await driver.say("deutsch", as_="alice")  # the language buttons' label
    # A word that names no button offered is still not understood, in her language now.
    assert "Das habe ich nicht verstanden" in await driver.say("sign up", as_="alice")


async def test_a_spanish_learner_plays_her_part_in_spanish(driver: Driver, clock: FixedClock) -> None:
    """Issue 13: Lucía speaks Spanish: every answer she gets, dates in Spanish order, her typed
    answers understood; the facilitator keeps English."""
    code = await publish_circle(driver)
    await driver.say("/language", as_="lucia")
    assert "español" in await driver.say("español", as_="lucia")
    listed = await driver.say("/browse Berlín", as_="lucia")
    assert "Círculos abiertos a inscripción en Berlín:" in listed
    assert "lun, 7 dic 2026, 18:00 CET" in listed
    card = await driver.say(f"/start {code}", as_="lucia")
    assert "Python for Everybody" in card
    assert "¿Estás de acuerdo?" in await driver.say("inscribirme", as_="lucia")
    assert "¿Qué esperas sacar" in await driver.press("Acepto", as_="lucia")
    await driver.say("Automatizar mis hojas de cálculo", as_="lucia")
    await driver.say("Puedo explicar trucos de Excel", as_="lucia")
    confirmation = await driver.say("Una herramienta para mi club", as_="lucia")
    assert "¡Te inscribiste en Python for Everybody!" in confirmation
    assert "Próximo encuentro: lun, 7 dic 2026, 18:00 CET" in confirmation
    assert driver.buttons(as_="lucia") == ["Allí estaré", "No puedo ir"]
    assert "Dijiste que vendrás al encuentro 1. ¡Gracias!" in await driver.say("allí estaré", as_="lucia")
    rsvps = await driver.say("/rsvp", as_="lucia")
    assert "Encuentro 1, lun, 7 dic 2026, 18:00 CET: sí" in rsvps
    # The facilitator reads her answers in English around them.
    await driver.say("/mycircles", as_="fiona")
    await driver.press("Python for Everybody", as_="fiona")
    assert "Goal: Automatizar mis hojas de cálculo" in await driver.press("Signups", as_="fiona")
    await driver.say("/leave", as_="lucia")
    await driver.press("Python for Everybody", as_="lucia")
    assert "Dejaste Python for Everybody." in await driver.press("Sí, me voy", as_="lucia")
    await driver.say("/forget", as_="lucia")
    assert "tus datos personales están borrados" in await driver.press("Sí, olvídame", as_="lucia")
