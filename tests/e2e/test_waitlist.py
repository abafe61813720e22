"""L7: a full circle's waitlist, played on the terminal, Telegram (polling and webhook) and Slack.

Learners join the line of a full circle; a freed place is offered to the first in line through
the outbox, with a deadline (the app's FixedClock is moved past it, nobody sleeps); the next in
line is offered a place only once the deadline passed unclaimed. Two learners leaving at the same
moment free two places: exactly two offers, also on PostgreSQL with its row locks.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from adapters.console.driver import ConsoleDriver
from bot.app import Core
from bot.clock import FixedClock
from bot.delivery.dispatcher import Dispatcher
from bot.usecases import learner_views
from storage.tables import outbox, waitlist
from storage.unit import unit_of_work
from tests.e2e import test_whole_circle
from tests.e2e.drivers import Driver, TerminalDriver
from tests.e2e.flows import BERLIN_CIRCLE, create_circle
from tests.e2e.flows import sign_up as terminal_sign_up
from tests.e2e.test_whole_circle import BUTTONS, SHARE_CODE, sign_up

driver = test_whole_circle.driver  # the fixture: every test with a driver runs on every platform
HOLD = timedelta(hours=24)  # config.yaml: circles.waitlist_offer_hours
LIMITED_TO_TWO = [*BERLIN_CIRCLE[:-2], "2", BERLIN_CIRCLE[-1]]  # the limit step: two places


async def _create(driver: Driver) -> str:
    await driver.say("/new", as_="fiona")
    for answer in [
        "Python for Everybody",
        "https://www.py4e.com",
        "Use the course title",
        *LIMITED_TO_TWO[3:],
    ]:
        await (driver.press if answer in BUTTONS else driver.say)(answer, as_="fiona")
    found = SHARE_CODE.search(await driver.press("Publish", as_="fiona"))
    assert found
    return found.group(1)


async def _join_line(driver: Driver, code: str, name: str) -> str:
    card = await driver.say(f"/start {code}", as_=name)
    assert "This circle is full" in card
    assert driver.buttons(as_=name) == ["Join the waitlist"]
    await driver.press("Join the waitlist", as_=name)
    await driver.press("I agree", as_=name)
    await driver.say(f"{name}'s goal", as_=name)
    await driver.say("Bring snacks", as_=name)
    return await driver.say("A game", as_=name)


async def _leave(driver: Driver, name: str) -> None:
    await driver.say("/leave", as_=name)
    await driver.press("Python for Everybody", as_=name)
    assert "You left Python for Everybody" in await driver.press("Yes, leave", as_=name)


async def test_a_freed_place_goes_down_the_line(driver: Driver, clock: FixedClock) -> None:
    code = await _create(driver)
    for name in ("alice", "bob"):
        assert "You are signed up" in await sign_up(driver, code, name, "Learn", "Help", "A game")

    # The circle is full: three learners join its line, each told their place.
    assert "You are number 1 on the waitlist for Python for Everybody" in await _join_line(driver, code, "carol")
    assert "you then have 24 hours to claim it" in await _join_line(driver, code, "dave")
    assert "You are number 3 on the waitlist" in await _join_line(driver, code, "erin")
    assert "You are number 2 on the waitlist." in await driver.say(f"/start {code}", as_="dave")

    # The facilitator sees the line beside the signups.
    await driver.say("/mycircles", as_="fiona")
    await driver.press("Python for Everybody", as_="fiona")
    listed = await driver.press("Signups", as_="fiona")
    assert "Python for Everybody: 2 signups" in listed
    assert "Waitlist: 3 people\n1. Carol\n2. Dave\n3. Erin" in listed

    # Alice leaves: Carol, first in line, is offered her place; nobody else hears of it.
    await _leave(driver, "alice")
    got = await driver.deliver("carol", "dave", "erin")
    assert "a place in Python for Everybody is free" in got["carol"]
    assert "Claim it by Sun, 29 Nov 2026, 13:00 CET" in got["carol"]  # 24 h after Sat 28 Nov 12:00 UTC
    assert got["dave"] == got["erin"] == ""
    assert "You are signed up for Python for Everybody!" in await driver.press("Claim my place", as_="carol")

    # Bob leaves: Dave is offered the place; Erin waits while Dave's offer stands.
    await _leave(driver, "bob")
    got = await driver.deliver("dave", "erin")
    assert "a place in Python for Everybody is free" in got["dave"]
    assert got["erin"] == ""
    clock.advance(HOLD - timedelta(minutes=1))
    assert (await driver.deliver("dave", "erin")) == {"dave": "", "erin": ""}

    # The deadline passes unclaimed: the place goes to Erin, and Dave is told.
    clock.advance(timedelta(minutes=1))
    got = await driver.deliver("dave", "erin")
    assert "was not claimed in time" in got["dave"]
    assert "a place in Python for Everybody is free" in got["erin"]
    assert "No place in Python for Everybody is held for you" in await driver.press("Claim my place", as_="dave")
    assert "You are signed up for Python for Everybody!" in await driver.press("Claim my place", as_="erin")
    listed = await driver.say(f"/start {code}", as_="dave")
    assert "This circle is full" in listed  # Carol and Erin have the two places


async def test_two_learners_leaving_at_once_make_exactly_two_offers(chat: ConsoleDriver, app: Core) -> None:
    code = await create_circle(chat, LIMITED_TO_TWO)
    for name in ("alice", "bob"):
        await terminal_sign_up(chat, code, name, "Learn", "Help", "A game")
    for name in ("carol", "dave", "erin"):
        await chat.say(f"/start {code}", as_=name)
        await chat.press("Join the waitlist")
        await chat.press("I agree")
        for answer in ("Learn", "Help", "A game"):
            await chat.say(answer)
    async with unit_of_work(app.db) as unit:
        circle = await unit.circles.by_code(code)
        assert circle is not None and circle.id is not None
        people = [await unit.people.by_identity("console", n) for n in ("alice", "bob")]
    circle_id = circle.id

    async def leave(person_id: int | None) -> None:
        assert person_id is not None
        async with unit_of_work(app.db) as unit:
            await learner_views.leave_circle(unit, circle_id, person_id, app.clock.now(), HOLD)

    await asyncio.gather(*(leave(p.id if p else None) for p in people))
    await Dispatcher(app.db, app.clock, {}).run_pass()  # a second look changes nothing
    async with app.db.transaction() as conn:
        offers = (await conn.execute(select(outbox.c.key).where(outbox.c.key.like("waitlist:%")))).scalars().all()
        offered = (await conn.execute(select(waitlist.c.offer_expires_at))).scalars().all()
    assert len(offers) == 2
    assert sum(1 for at in offered if at is not None) == 2


async def test_raising_the_limit_offers_the_new_places_in_order(chat: ConsoleDriver, app: Core) -> None:
    code = await create_circle(chat, LIMITED_TO_TWO)
    for name in ("alice", "bob"):
        await terminal_sign_up(chat, code, name, "Learn", "Help", "A game")
    for name in ("carol", "dave", "erin"):
        await chat.say(f"/start {code}", as_=name)
        await chat.press("Join the waitlist")
        await chat.press("I agree")
        for answer in ("Learn", "Help", "A game"):
            await chat.say(answer)
    # A newcomer cannot jump the line: the card offers the waitlist, not a signup.
    await chat.say(f"/start {code}", as_="frank")
    assert [b.label for b in chat.buttons()] == ["Join the waitlist"]

    await chat.say("/mycircles", as_="fiona")
    await chat.press("Python for Everybody")
    assert "How many people may sign up?" in await chat.press("Change the signup limit")
    assert "Please send a whole number" in await chat.say("lots")
    assert "up to 4 people may sign up" in await chat.say("4")
    got = await TerminalDriver(chat).deliver("carol", "dave", "erin")
    assert "is free" in got["carol"] and "is free" in got["dave"] and got["erin"] == ""
    assert "You are number 3 on the waitlist." in await chat.say(f"/start {code}", as_="erin")
    # Erin changes her mind: /leave takes her off the line.
    await chat.say("/leave", as_="erin")
    assert "You are off the waitlist" in await chat.press("Waitlist: Python for Everybody")
    async with app.db.transaction() as conn:
        waiting = (await conn.execute(select(waitlist.c.person_id))).scalars().all()
    assert len(waiting) == 2


def test_the_line_in_the_domain() -> None:
    from datetime import UTC, datetime

    from domain.waitlist import WaitlistEntry, place_in_line, promote

    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    line = [WaitlistEntry(i, 1, 10 + i, "g", "h", None, now) for i in range(3)]
    first = promote(line, limit=5, taken=4, now=now, hold=HOLD)
    assert [e.person_id for e in first.offered] == [10] and not first.lapsed
    assert promote(line, limit=5, taken=4, now=now + HOLD / 2, hold=HOLD).offered == []  # the place is held
    later = promote(line, limit=5, taken=4, now=now + HOLD, hold=HOLD)
    assert [e.person_id for e in later.lapsed] == [10] and [e.person_id for e in later.offered] == [11]
    assert promote(line, limit=None, taken=4, now=now + HOLD, hold=HOLD).offered[-1].person_id == 12
    assert place_in_line(line, 12) == 3 and place_in_line(line, 99) is None
