"""An online circle: its meeting link (a validated https address) in its learners' card,
confirmation, reminder and calendar file — never on the public card — on every platform."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar

from adapters.console.driver import ConsoleDriver
from bot.clock import FixedClock
from tests.e2e import test_whole_circle
from tests.e2e.drivers import Driver
from tests.e2e.test_whole_circle import BERLIN_CIRCLE, SHARE_CODE, sign_up

driver = test_whole_circle.driver  # the fixture: every test with a driver runs on every platform
LINK = "https://meet.jit.si/py4e-berlin"
BUTTONS = {"Use the course title", "No limit", "Online", "Skip"}
ONLINE = [*BERLIN_CIRCLE[:4], "Online", LINK, "Skip", *BERLIN_CIRCLE[8:]]


async def test_the_meeting_link_reaches_learners_only(driver: Driver, clock: FixedClock) -> None:
    await driver.say("/new", as_="fiona")
    for answer in ONLINE[:5]:
        await (driver.press if answer in BUTTONS else driver.say)(answer, as_="fiona")
    assert "secure link" in await driver.say("http://meet.jit.si/py4e-berlin", as_="fiona")
    for answer in ONLINE[5:]:
        await (driver.press if answer in BUTTONS else driver.say)(answer, as_="fiona")
    found = SHARE_CODE.search(await driver.press("Publish", as_="fiona"))
    assert found
    code = found.group(1)

    public = await driver.say(f"/start {code}", as_="alice")
    assert "Where: Online" in public and LINK not in public
    confirmation = await sign_up(driver, code, "alice", "Learn", "Help", "A game")
    assert f"Where: Online: {LINK}" in confirmation
    assert f"Where: Online: {LINK}" in await driver.say(f"/start {code}", as_="alice")

    clock.set(datetime(2026, 12, 5, 18, 0, tzinfo=ZoneInfo("Europe/Berlin")))  # meeting 1's reminder
    got = await driver.deliver("alice")
    assert "meeting 1 of 6" in got["alice"] and f"Where: Online: {LINK}" in got["alice"]


async def test_the_calendar_file_carries_the_link(chat: ConsoleDriver) -> None:
    await chat.say("/new", as_="fiona")
    for answer in ONLINE:
        await (chat.press if answer in BUTTONS else chat.say)(answer)
    found = SHARE_CODE.search(await chat.press("Publish"))
    assert found
    await sign_up_terminal(chat, found.group(1))
    await chat.press("Calendar file")
    attachment = chat.shown["alice"][-1].reply.attachment
    assert attachment is not None
    event = next(c for c in Calendar.from_ical(attachment.content).walk() if c.name == "VEVENT")
    assert str(event["URL"]) == LINK
    assert str(event["LOCATION"]) == f"Online: {LINK}"


async def sign_up_terminal(chat: ConsoleDriver, code: str) -> None:
    await chat.say(f"/start {code}", as_="alice")
    await chat.press("Sign up")
    await chat.press("I agree")
    for answer in ("Learn", "Help", "A game"):
        await chat.say(answer)
    await chat.say(f"/start {code}")
