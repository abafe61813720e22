"""The DST heads-up: in the week before the clocks change, a learner's reminder says how the meeting
moves on their clock, on every platform (an online Berlin circle, spring 2027: the US changes its
clocks on Sunday 14 March, Europe on Sunday 28 March)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.clock import FixedClock
from tests.e2e import test_whole_circle
from tests.e2e.drivers import Driver
from tests.e2e.test_online_circle import BUTTONS, LINK, ONLINE
from tests.e2e.test_whole_circle import BERLIN_CIRCLE, SHARE_CODE, sign_up

driver = test_whole_circle.driver  # the fixture: every test with a driver runs on every platform
BERLIN = ZoneInfo("Europe/Berlin")
# Online, four weekly meetings at 18:00 in Berlin from Monday 8 March 2027.
SPRING_ONLINE = [*ONLINE[:9], "2027-03-08", "18:00", "90", "4", *ONLINE[13:]]
# ... and the same circle in person, at the library.
SPRING_IN_PERSON = [*BERLIN_CIRCLE[:10], "2027-03-08", "18:00", "90", "4", *BERLIN_CIRCLE[14:]]


async def publish(driver: Driver, answers: list[str]) -> str:
    await driver.say("/new", as_="fiona")
    for answer in answers:
        await (driver.press if answer in BUTTONS else driver.say)(answer, as_="fiona")
    found = SHARE_CODE.search(await driver.press("Publish", as_="fiona"))
    assert found
    return found.group(1)


async def reminders(driver: Driver, clock: FixedClock, day: int) -> dict[str, str]:
    """The reminders sent two days before the meeting of ``day`` March (the default lead)."""
    clock.set(datetime(2027, 3, day - 2, 18, 0, tzinfo=BERLIN))
    got = await driver.deliver("nina", "lena")
    assert all("Will you come?" in text for text in got.values()), got
    return got


async def test_an_online_learner_elsewhere_is_told_how_the_meeting_moves(driver: Driver, clock: FixedClock) -> None:
    assert ONLINE[4:6] == ["Online", LINK]
    code = await publish(driver, SPRING_ONLINE)
    await driver.say("/timezone New York", as_="nina")
    await sign_up(driver, code, "nina", "Learn", "Help", "A game")
    await sign_up(driver, code, "lena", "Learn", "Help", "A game")  # in Berlin, zone unknown

    # Meeting 1: no clock changed in the week before it.
    got = await reminders(driver, clock, 8)
    assert "Clocks change" not in got["nina"] and "Clocks change" not in got["lena"]

    # Meeting 2: New York went to summer time on Sunday; Berlin did not.
    got = await reminders(driver, clock, 15)
    assert (
        "Clocks change on Sun, 14 Mar 2027 in New York: "
        "this meeting is at 13:00 your time, 1 hour later than before the change."
    ) in got["nina"], got["nina"]
    assert "Clocks change" not in got["lena"]

    # Meeting 3: a week with no change.
    got = await reminders(driver, clock, 22)
    assert "Clocks change" not in got["nina"] and "Clocks change" not in got["lena"]

    # Meeting 4: Berlin went to summer time too; for New York the meeting is back to 12:00.
    got = await reminders(driver, clock, 29)
    assert (
        "Clocks change on Sun, 28 Mar 2027 in Berlin: "
        "this meeting is at 12:00 your time, 1 hour earlier than before the change."
    ) in got["nina"], got["nina"]
    stays = "Clocks change on Sun, 28 Mar 2027 in Berlin: this meeting stays at 18:00, Berlin time."
    assert stays in got["lena"], got["lena"]


async def test_an_in_person_meeting_keeps_the_circles_clock(driver: Driver, clock: FixedClock) -> None:
    code = await publish(driver, SPRING_IN_PERSON)
    await driver.say("/timezone New York", as_="nina")  # she will be back in Berlin to attend
    await sign_up(driver, code, "nina", "Learn", "Help", "A game")
    await sign_up(driver, code, "lena", "Learn", "Help", "A game")

    got = await reminders(driver, clock, 15)  # only New York changed: nothing moves in Berlin
    assert "Clocks change" not in got["nina"]
    got = await reminders(driver, clock, 29)
    line = "Clocks change on Sun, 28 Mar 2027 in Berlin: this meeting stays at 18:00, Berlin time."
    assert line in got["nina"] and line in got["lena"]
