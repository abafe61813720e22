"""Attendance on every platform: learners check in (*I'm here* on the reminder, ``/here``) while a
meeting runs, the facilitator confirms or corrects who came in their feedback, the report counts
what was confirmed (RSVPs beside it), and a learner who missed two meetings in a row hears, once,
what the circle did — from the facilitators' message to the learners, never from a reflection."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from adapters.console.driver import ConsoleDriver
from bot.clock import FixedClock
from bot.usecases.attendance import how_many_came
from bot.usecases.report import build
from bot.views.chart import chart_data
from storage.db import Database
from storage.tables import attendance, outbox
from storage.unit import unit_of_work
from tests.e2e import test_whole_circle
from tests.e2e.drivers import Driver
from tests.e2e.flows import BERLIN_CIRCLE as FLOWS_CIRCLE
from tests.e2e.flows import create_circle
from tests.e2e.flows import sign_up as flows_sign_up
from tests.e2e.test_whole_circle import BERLIN_CIRCLE, BUTTONS, SHARE_CODE, sign_up

driver = test_whole_circle.driver  # the fixture: every test with a driver runs on every platform

BERLIN = ZoneInfo("Europe/Berlin")
MEETING_1 = datetime(2026, 12, 7, 18, 0, tzinfo=BERLIN)  # 90 minutes, then weekly
MEETING_2 = MEETING_1 + timedelta(weeks=1)
MEETING_3 = MEETING_2 + timedelta(weeks=1)
RECAP = "Recap: we did chapters 1 and 2, and wrote our first loop. Slides are on the wiki."
REFLECTION = "Private: too many slides, Bob seemed lost"


async def _circle(driver: Driver) -> str:
    await driver.say("/new", as_="fiona")
    for answer in BERLIN_CIRCLE:
        await (driver.press if answer in BUTTONS else driver.say)(answer, as_="fiona")
    found = SHARE_CODE.search(await driver.press("Publish", as_="fiona"))
    assert found
    code = found.group(1)
    for name in ("alice", "bob", "cleo"):
        await sign_up(driver, code, name, "Learn", "Help", "A game")
    return code


async def _rows(db: Database) -> list[tuple[int, int, bool, bool | None]]:
    """(meeting, person, checked in, present as confirmed) of every attendance row."""
    async with db.transaction() as conn:
        rows = await conn.execute(select(attendance).order_by(attendance.c.meeting_id, attendance.c.person_id))
        return [(r.meeting_id, r.person_id, r.checked_in_at is not None, r.present) for r in rows]


async def _notes(db: Database) -> int:
    async with db.transaction() as conn:
        return int((await conn.execute(select(func.count()).where(outbox.c.kind == "missed_you"))).scalar_one())


async def _feedback(driver: Driver, clock: FixedClock, meeting_end: datetime) -> str:
    """The feedback prompt reaches Fiona when the meeting ends; its one button opens the list of who came."""
    clock.set(meeting_end)
    prompt = (await driver.deliver("fiona"))["fiona"]
    assert "has ended. Who came?" in prompt
    return await driver.press("Confirm who came", as_="fiona")


async def test_check_in_confirmed_attendance_the_report_and_we_missed_you(
    driver: Driver, db: Database, clock: FixedClock
) -> None:
    await _circle(driver)
    await driver.say("/rsvp", as_="bob")
    await driver.press("1: Yes", as_="bob")

    # Saturday: the reminder carries I'm here. Pressed two days early, it says when check-in
    # opens and records nothing.
    clock.set(MEETING_1 - timedelta(days=2))
    reminder = (await driver.deliver("alice"))["alice"]
    assert "meeting 1 of 6" in reminder
    assert driver.buttons(as_="alice") == ["I'll be there", "I can't make it", "I'm here"]
    early = await driver.press("I'm here", as_="alice")
    assert "Check-in for meeting 1 of Python for Everybody opens when it starts: Mon, 7 Dec 2026, 18:00 CET" in early
    assert await _rows(db) == []

    # Meeting 1 runs: Alice checks in from the reminder; a second tap is harmless.
    clock.set(MEETING_1 + timedelta(minutes=10))
    assert "Welcome! You are checked in at meeting 1 of Python for Everybody." in await driver.press(
        "I'm here", as_="alice"
    )
    assert "already checked in at meeting 1" in await driver.press("I'm here", as_="alice")
    # Cleo is not there; asking /here before the next meeting tells her when it is.
    clock.set(MEETING_1 + timedelta(hours=4))
    told = await driver.say("/here", as_="cleo")
    assert "None of your circles meets now. Your next meeting: Python for Everybody, meeting 2" in told
    assert len(await _rows(db)) == 1

    # Fiona's feedback: Alice (checked in) and Bob (said yes) are ticked to begin with. Bob did not
    # come: she unticks him, and adds a neighbour who came without being on Circles.
    asked = await _feedback(driver, clock, MEETING_1 + timedelta(minutes=90))
    assert "Who came? Tap a name to correct the list, then press Done." in asked
    assert "Checked in: Alice" in asked and "Said yes: Bob" in asked
    assert "Came: 2 of 3 learners, plus 0 not on Circles." in asked
    assert "Came: 1 of 3 learners, plus 0 not on Circles." in await driver.press("Bob", as_="fiona")
    assert "Came: 1 of 3 learners, plus 1 not on Circles." in await driver.say("1", as_="fiona")
    assert "How did it go, from 1 (poorly) to 5 (very well)?" in await driver.press("Done", as_="fiona")
    await driver.press("4", as_="fiona")
    saved = await driver.say(REFLECTION, as_="fiona")
    assert "Rating 4/5, 2 came" in saved
    # Then she writes to all learners what they did: the recap a missing learner will read.
    await driver.say("/message", as_="fiona")
    await driver.say(RECAP, as_="fiona")
    await driver.press("Send", as_="fiona")

    # Meeting 2: Alice checks in with /here; Bob tries long after check-in closed: nothing changes.
    clock.set(MEETING_2 + timedelta(minutes=5))
    assert "Welcome! You are checked in at meeting 2 of Python for Everybody." in await driver.say("/here", as_="alice")
    before = await _rows(db)
    clock.set(MEETING_2 + timedelta(minutes=90, hours=2, seconds=1))
    closed = await driver.say("/here", as_="bob")
    assert "None of your circles meets now. Your next meeting: Python for Everybody, meeting 3" in closed
    late = await driver.press("I'm here", as_="bob")  # on meeting 1's reminder
    assert "Check-in for meeting 1 of Python for Everybody closed at Mon, 7 Dec 2026, 21:30 CET." in late
    assert await _rows(db) == before

    # Fiona confirms meeting 2 (Alice alone). Bob and Cleo missed two in a row: each gets one note.
    asked = await _feedback(driver, clock, MEETING_2 + timedelta(minutes=90, hours=3))
    assert "Came: 1 of 3 learners, plus 0 not on Circles." in asked
    await driver.press("Done", as_="fiona")
    await driver.press("4", as_="fiona")
    await driver.press("Skip", as_="fiona")
    got = await driver.deliver("alice", "bob", "cleo")
    for name in ("bob", "cleo"):
        assert "We missed you at Python for Everybody! You were not at meetings 1, 2." in got[name]
        assert RECAP in got[name]
        assert "Private" not in got[name]  # a reflection is for facilitators and organizers only
        assert "We would love to see you at the next meeting: Mon, 21 Dec 2026, 18:00 CET" in got[name]
    assert "We missed you" not in got["alice"]
    assert await _notes(db) == 2

    # Meeting 3: they miss again. The same run of absences: no second note.
    clock.set(MEETING_3 + timedelta(minutes=5))
    await driver.say("/here", as_="alice")
    await _feedback(driver, clock, MEETING_3 + timedelta(minutes=90))
    await driver.press("Done", as_="fiona")
    await driver.press("4", as_="fiona")
    await driver.press("Skip", as_="fiona")
    got = await driver.deliver("bob", "cleo")
    assert all("We missed you" not in got[name] for name in ("bob", "cleo"))
    assert await _notes(db) == 2

    # The report counts confirmed attendance, with RSVPs beside it; the chart draws the same figures.
    report = await driver.say("/report", as_="fiona")
    assert "• Meeting 1, Mon, 7 Dec 2026, 18:00 CET: 2 came (confirmed); 1 had said yes" in report
    assert "• Meeting 2, Mon, 14 Dec 2026, 18:00 CET: 1 came (confirmed); 0 had said yes" in report
    assert "• Meeting 3, Mon, 21 Dec 2026, 18:00 CET: 1 came (confirmed); 0 had said yes" in report
    assert "(file: attendance.png)" in report
    async with unit_of_work(db) as unit:
        built = await build(unit, 1, 1, clock.now())
        # The one count other code reads (early warnings) says the same as the report.
        came = await how_many_came(unit, 1, clock.now())
    assert [came[m.meeting.id or 0] for m in built.meetings] == [m.attended for m in built.meetings]
    assert [m.attended for m in built.meetings] == [2, 1, 1, None, None, None]
    data = chart_data(built)
    assert data.came == [2, 1, 1, 0, 0, 0] and data.said_yes == [1, 0, 0, 0, 0, 0] and data.signups == 3


async def test_here_asks_which_circle_when_several_meet_now(
    chat: ConsoleDriver, db: Database, clock: FixedClock
) -> None:
    berlin = await create_circle(chat)
    hamburg = await create_circle(chat, [*FLOWS_CIRCLE[:2], "Python in Hamburg", *FLOWS_CIRCLE[3:]])
    for code in (berlin, hamburg):
        await flows_sign_up(chat, code, "alice", "Learn", "Help", "A game")
    assert "You have not signed up for any circle yet." in await chat.say("/here", as_="sam")

    clock.set(MEETING_1 + timedelta(minutes=5))
    asked = await chat.say("/here", as_="alice")
    assert "Several of your circles meet now. Which one are you at?" in asked
    assert [b.label for b in chat.buttons()] == ["Python for Everybody: 1", "Python in Hamburg: 1"]
    assert "checked in at meeting 1 of Python in Hamburg" in await chat.press("Python in Hamburg: 1")
    assert [(meeting, person) for meeting, person, *_ in await _rows(db)] == [(7, 2)]

    # Someone who is not a learner of the circle cannot check in, by any button.
    assert "circles you signed up for" in await chat.press_token("here:1", as_="sam")
    assert "circles you signed up for" in await chat.press_token("here:1", as_="fiona")
    assert len(await _rows(db)) == 1
