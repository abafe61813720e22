"""A whole learning circle played in the terminal chat: create, browse, sign up, RSVP, manage, leave, forget."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from adapters.console.driver import ConsoleDriver
from bot.clock import FixedClock
from storage.db import Database
from storage.tables import identities, people, signups
from tests.e2e.flows import create_circle, sign_up


async def test_a_whole_circle(chat: ConsoleDriver, db: Database, clock: FixedClock) -> None:
    code = await create_circle(chat)

    # Two learners find it by city, whatever the case or accents they type.
    found = await chat.say("/browse BERLIN", as_="alice")
    assert "Python for Everybody" in found
    assert "Mon, 7 Dec 2026, 18:00 CET" in found
    assert "Python for Everybody" in await chat.say("/browse berlín", as_="bob")

    # Alice signs up from browse; Bob from the share link.
    await chat.say("/browse Berlin", as_="alice")
    await chat.press("Python for Everybody")
    card = await chat.press("Sign up")
    assert "Do you agree?" in card
    await chat.press("I agree")
    await chat.say("Automate my spreadsheets")
    await chat.say("I can explain Excel tricks")
    confirmation = await chat.say("A tool for my garden club")
    assert "You are signed up for Python for Everybody!" in confirmation
    assert "Next meeting: Mon, 7 Dec 2026, 18:00 CET" in confirmation
    assert "Zentralbibliothek, Breite Straße 30, Berlin (Room 2, first floor)" in confirmation

    await sign_up(chat, code, "bob", "Learn to code", "Bring snacks", "A game")
    # Bob signs up a second time: his answers change, there is still one signup.
    again = await sign_up(chat, code, "bob", "Learn to code well", "Bring better snacks", "A bigger game")
    assert "Your signup for Python for Everybody is updated." in again
    async with db.transaction() as conn:
        rows = (await conn.execute(select(signups.c.goal))).scalars().all()
    assert sorted(rows) == ["Automate my spreadsheets", "Learn to code well"]

    # RSVPs: Alice says yes to meeting 1; Bob says no, then changes his mind.
    await chat.say("/rsvp", as_="alice")
    assert "You said you will come to meeting 1" in await chat.press("1: Yes")
    await chat.say("/rsvp", as_="bob")
    await chat.press("1: No")
    changed = await chat.press("1: Yes")
    assert "Meeting 1, Mon, 7 Dec 2026, 18:00 CET: yes" in changed

    # The facilitator sees both signups with their answers, and the RSVPs per meeting.
    await chat.say("/mycircles", as_="fiona")
    await chat.press("Python for Everybody")
    listing = await chat.press("Signups")
    assert "Python for Everybody: 2 signups" in listing
    assert "Goal: Learn to code well" in listing
    assert "What would you like to build with Python?: A bigger game" in listing
    schedule = await chat.press("Schedule and RSVPs")
    meeting_1 = schedule.split("Meeting 1:")[1].split("Meeting 2:")[0]
    assert "Yes (2): Alice, Bob" in meeting_1
    assert "No answer (2): Alice, Bob" in schedule.split("Meeting 2:")[1]

    # Alice leaves; Bob asks to be forgotten.
    await chat.say("/leave", as_="alice")
    await chat.press("Python for Everybody")
    assert "You left Python for Everybody" in await chat.press("Yes, leave")
    await chat.say("/forget", as_="bob")
    assert "your personal data is deleted" in await chat.press("Yes, forget me")

    async with db.transaction() as conn:
        names = (await conn.execute(select(people.c.name).order_by(people.c.id))).scalars().all()
        bob_answers = (await conn.execute(select(signups.c.goal, signups.c.active))).all()
        platform_ids = (await conn.execute(select(identities.c.external_id))).scalars().all()
    assert "Bob" not in names and "(forgotten)" in names
    assert "bob" not in platform_ids
    assert ("Learn to code well", True) not in bob_answers
    assert all(not active for _, active in bob_answers)

    clock.advance(timedelta(days=1))
    after = await chat.say("/mycircles", as_="fiona")
    assert "Python for Everybody" in after
    await chat.press("Python for Everybody")
    assert "Nobody has signed up for Python for Everybody yet." in await chat.press("Signups")
