"""Issue 14, cover for a missed meeting, on every platform (terminal, Telegram by polling and by
webhook, Slack): the facilitator presses *I can't make it* on their copy of the reminder, a
co-facilitator covers, the learners are told who leads (and see it in /rsvp, on the circle's card
and on Slack's Home tab); a second acceptor is refused; and when nobody covers by
``delivery.cover_deadline_hours`` before a meeting, the facilitator cancels it in one tap from the
offer, and the learners are told. The clock is injected."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.clock import FixedClock
from tests.e2e import test_whole_circle
from tests.e2e.drivers import Driver, SlackDriver
from tests.e2e.test_whole_circle import BERLIN_CIRCLE, BUTTONS, SHARE_CODE, sign_up

driver = test_whole_circle.driver  # the fixture: every test with a driver runs on every platform
BERLIN = ZoneInfo("Europe/Berlin")


async def circle_with_two_co_facilitators(driver: Driver) -> str:
    """Fiona's Berlin circle (weekly from Mon 7 Dec 2026, 18:00), Carl and Dana co-facilitate it,
    Alice is signed up."""
    await driver.say("/new", as_="fiona")
    for answer in BERLIN_CIRCLE:
        await (driver.press if answer in BUTTONS else driver.say)(answer, as_="fiona")
    found = SHARE_CODE.search(await driver.press("Publish", as_="fiona"))
    assert found
    for co in ("carl", "dana"):
        await driver.say("/mycircles", as_="fiona")
        await driver.press("Python for Everybody", as_="fiona")
        invite = SHARE_CODE.search(await driver.press("Add a co-facilitator", as_="fiona"))
        assert invite
        assert "co-facilitator" in await driver.say(f"/start {invite.group(1)}", as_=co)
    await sign_up(driver, found.group(1), "alice", "Learn", "Help", "A game")
    return found.group(1)


async def test_a_co_facilitator_covers_and_the_learners_are_told(driver: Driver, clock: FixedClock) -> None:
    await circle_with_two_co_facilitators(driver)
    # The reminder of meeting 1 goes out two days before: Fiona's copy offers "I can't make it".
    clock.set(datetime(2026, 12, 5, 18, 0, tzinfo=BERLIN))
    got = await driver.deliver("fiona", "alice")
    assert "A copy of the reminder" in got["fiona"] and "I can't make it" in got["fiona"], got["fiona"]
    assert "I'll be there" in got["alice"]

    asked = await driver.press("I can't make it", as_="fiona")
    assert "I asked Carl, Dana to cover meeting 1 of Python for Everybody" in asked, asked
    got = await driver.deliver("carl", "dana", "alice")
    for helper in ("carl", "dana"):
        assert "Fiona cannot lead meeting 1 of Python for Everybody (Mon, 7 Dec 2026, 18:00 CET)" in got[helper]
        assert "I'll cover it" in got[helper]
    assert got["alice"] == ""  # learners hear only who leads, once someone does

    accepted = await driver.press("I'll cover it", as_="carl")
    assert "Thank you! You lead meeting 1 of Python for Everybody" in accepted, accepted
    # Dana accepts too, a moment later: the first to accept leads it.
    refused = await driver.press("I'll cover it", as_="dana")
    assert "Someone already covers that meeting" in refused, refused

    got = await driver.deliver("fiona", "carl", "dana", "alice")
    assert "Good news: Carl covers meeting 1 of Python for Everybody" in got["fiona"], got["fiona"]
    assert "Carl covers meeting 1 of Python for Everybody (Mon, 7 Dec 2026, 18:00 CET): no need" in got["dana"]
    assert "meeting 1 (Mon, 7 Dec 2026, 18:00 CET) is led by Carl this time" in got["alice"], got["alice"]
    assert got["carl"] == ""
    # Nothing more goes out about it: every message was sent exactly once.
    assert await driver.deliver("fiona", "carl", "dana", "alice") == {n: "" for n in ("fiona", "carl", "dana", "alice")}

    # Alice's RSVP list says who leads meeting 1 (and only meeting 1), also once she answered.
    answers = await driver.say("/rsvp", as_="alice")
    assert re.search(r"Meeting 1, [^\n]*: no answer yet\n\s*Led by Carl this time\.", answers), answers
    assert answers.count("Led by") == 1, answers
    answered = await driver.press("1: Yes", as_="alice")
    assert re.search(r"Meeting 1, [^\n]*: yes\n\s*Led by Carl this time\.", answered), answered
    # So do the circle's card and, on Slack, her Home tab.
    await driver.say("/mycircles", as_="alice")
    shown = await driver.press("Python for Everybody", as_="alice")
    assert "Next meeting: Mon, 7 Dec 2026, 18:00 CET\nLed by Carl this time." in shown, shown
    if isinstance(driver, SlackDriver):
        await driver.chat.open_home(as_="alice")
        home = driver.chat.slack.home_of(driver.chat.person("alice")).plain()
        assert "Next meeting: Mon, 7 Dec 2026, 18:00 CET\nLed by Carl this time." in home, home

    # The schedule shows who leads meeting 1; the offer to cancel never comes (someone covers it).
    await driver.say("/mycircles", as_="fiona")
    await driver.press("Python for Everybody", as_="fiona")
    schedule = await driver.press("Schedule and RSVPs", as_="fiona")
    assert "Led by Carl this time." in schedule
    clock.set(datetime(2026, 12, 6, 19, 0, tzinfo=BERLIN))
    assert "Cancel it?" not in (await driver.deliver("fiona"))["fiona"]


async def test_nobody_covers_and_the_facilitator_cancels_in_one_tap(driver: Driver, clock: FixedClock) -> None:
    await circle_with_two_co_facilitators(driver)
    # From the circle's menu, for meeting 2 (Mon 14 Dec).
    await driver.say("/mycircles", as_="fiona")
    await driver.press("Python for Everybody", as_="fiona")
    await driver.press("I can't make it: ask for cover", as_="fiona")
    asked = await driver.press("Meeting 2", as_="fiona")
    assert "I asked Carl, Dana to cover meeting 2" in asked, asked
    got = await driver.deliver("carl", "dana")
    assert "Could you cover it?" in got["carl"] and "Could you cover it?" in got["dana"]
    assert "I told Fiona that you cannot cover it" in await driver.press("I can't", as_="dana")
    got = await driver.deliver("fiona")
    assert "Dana cannot cover meeting 2 of Python for Everybody" in got["fiona"], got["fiona"]

    # Just before the deadline (24 hours before the meeting), nothing is offered yet.
    clock.set(datetime(2026, 12, 13, 17, 59, tzinfo=BERLIN))
    assert "Cancel it?" not in (await driver.deliver("fiona"))["fiona"]
    clock.set(datetime(2026, 12, 13, 18, 0, tzinfo=BERLIN))
    got = await driver.deliver("fiona", "alice")
    assert "Nobody has offered to cover meeting 2 of Python for Everybody" in got["fiona"], got["fiona"]
    cancelled = await driver.press("Cancel the meeting", as_="fiona")
    assert "Meeting 2 on Mon, 14 Dec 2026, 18:00 CET is cancelled." in cancelled, cancelled
    got = await driver.deliver("alice", "carl")
    assert "Python for Everybody: meeting 2 on Mon, 14 Dec 2026, 18:00 CET is cancelled." in got["alice"], got
    # Carl's request to cover is stale now: answering it changes nothing.
    assert "That meeting was cancelled." in await driver.press("I'll cover it", as_="carl")
    assert "Cancel it?" not in (await driver.deliver("fiona"))["fiona"]
