"""L8: a learner in New York sees a Berlin circle's times in both zones, on every platform, across
the weeks when only one of the two has changed its clocks (the US on 14 March 2027, Europe on
28 March 2027: 6 hours apart, then 5, then 6 again)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from adapters.console.driver import ConsoleDriver
from bot.clock import FixedClock
from tests.e2e import test_whole_circle
from tests.e2e.drivers import Driver, SlackDriver
from tests.e2e.test_whole_circle import BERLIN_CIRCLE, BUTTONS, SHARE_CODE, sign_up

driver = test_whole_circle.driver  # the fixture: every test with a driver runs on every platform
BERLIN = ZoneInfo("Europe/Berlin")
# Four weekly meetings at 18:00 in Berlin, from Monday 8 March 2027.
SPRING = [*BERLIN_CIRCLE[:10], "2027-03-08", "18:00", "90", "4", *BERLIN_CIRCLE[14:]]
IN_NEW_YORK = [
    "Meeting 1: Mon, 8 Mar 2027, 18:00 CET (12:00 your time)",  # EST, 6 hours behind
    "Meeting 2: Mon, 15 Mar 2027, 18:00 CET (13:00 your time)",  # EDT since 14 March: 5 hours
    "Meeting 3: Mon, 22 Mar 2027, 18:00 CET (13:00 your time)",
    "Meeting 4: Mon, 29 Mar 2027, 18:00 CEST (12:00 your time)",  # CEST since 28 March: 6 again
]


async def publish(driver: Driver) -> str:
    await driver.say("/new", as_="fiona")
    for answer in SPRING:
        await (driver.press if answer in BUTTONS else driver.say)(answer, as_="fiona")
    found = SHARE_CODE.search(await driver.press("Publish", as_="fiona"))
    assert found
    return found.group(1)


async def test_a_learner_in_new_york_sees_both_zones(driver: Driver, clock: FixedClock) -> None:
    code = await publish(driver)
    saved = await driver.say("/timezone New York", as_="nina")
    assert "America/New_York" in saved

    card = await driver.say(f"/start {code}", as_="nina")
    assert "Next meeting: Mon, 8 Mar 2027, 18:00 CET (12:00 your time)" in card
    confirmation = await sign_up(driver, code, "nina", "Learn", "Help", "A game")
    assert "18:00 CET (12:00 your time)" in confirmation

    rsvps = await driver.say("/rsvp", as_="nina")
    for line in IN_NEW_YORK:
        assert line.removeprefix("Meeting ").split(": ", 1)[1] in rsvps, (line, rsvps)

    # The facilitator, in the circle's zone, reads the schedule as before: one time, no "your time".
    await driver.say("/mycircles", as_="fiona")
    await driver.press("Python for Everybody", as_="fiona")
    schedule = await driver.press("Schedule and RSVPs", as_="fiona")
    assert "Meeting 2: Mon, 15 Mar 2027, 18:00 CET" in schedule and "your time" not in schedule

    # The reminder of meeting 2, sent after the US changed its clocks: 5 hours apart now.
    clock.set(datetime(2027, 3, 13, 18, 0, tzinfo=BERLIN))
    got = await driver.deliver("nina", "fiona")
    assert "Mon, 15 Mar 2027, 18:00 CET (13:00 your time)" in got["nina"], got["nina"]
    assert "your time" not in got["fiona"]
    # And of meeting 4, after Europe changed too: 6 hours again.
    clock.set(datetime(2027, 3, 27, 18, 0, tzinfo=BERLIN))
    got = await driver.deliver("nina")
    assert "Mon, 29 Mar 2027, 18:00 CEST (12:00 your time)" in got["nina"], got["nina"]


async def test_timezone_asks_when_not_told(driver: Driver) -> None:
    code = await publish(driver)
    asked = await driver.say("/timezone", as_="nina")
    assert "Which time zone are you in?" in asked
    assert "I do not know that time zone" in await driver.say("Atlantis/Nowhere", as_="nina")
    assert "America/New_York" in await driver.say("America/New_York", as_="nina")
    assert "(12:00 your time)" in await driver.say(f"/start {code}", as_="nina")

    await driver.say("/timezone", as_="nina")
    assert "Your time zone: America/New_York." in await driver.say("/timezone", as_="nina")
    forgotten = await driver.press("Forget my time zone", as_="nina")
    assert "each circle's own zone" in forgotten
    card = await driver.say(f"/start {code}", as_="nina")
    assert "Next meeting: Mon, 8 Mar 2027, 18:00 CET" in card and "your time" not in card


async def test_slack_profile_zone_is_used_until_one_is_chosen(driver: Driver) -> None:
    if not isinstance(driver, SlackDriver):
        return  # only Slack tells a person's zone
    code = await publish(driver)
    driver.chat.person("nina").tz = "America/Los_Angeles"
    assert "(09:00 your time)" in await driver.say(f"/start {code}", as_="nina")
    assert "from your profile" in await driver.say("/timezone", as_="nina")
    await driver.say("/timezone Asia/Tokyo", as_="nina")
    # Tokyo is 8 hours ahead of Berlin in winter: 02:00 the next day there.
    assert "(Tue, 9 Mar 2027, 02:00 your time)" in await driver.say(f"/start {code}", as_="nina")


async def test_forget_clears_the_zone(chat: ConsoleDriver) -> None:
    await chat.say("/timezone Europe/Lisbon", as_="nina")
    await chat.say("/forget")
    await chat.press("Yes, forget me")
    answer = await chat.say("/timezone")
    assert "I do not know your time zone yet" in answer
