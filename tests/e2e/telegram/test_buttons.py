"""Forged button presses: a modified client can send any callback data for a message.

Whatever comes, the person gets a clear answer, the callback query is answered, and nothing
changes: the acting user is the one in the update, and every action is authorised again.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.i18n import Translator
from storage.db import Database
from storage.tables import meetings, rsvps, signups
from tests.e2e.flows import BERLIN_CIRCLE
from tests.e2e.telegram.flows import create_circle, sign_up
from tests.e2e.telegram.harness import TelegramChat, text_of

NO_LONGER_WORKS = "That button no longer works. Send /help to start again."


async def state(db: Database) -> tuple[int, int, int, int]:
    """Everything a forged press could try to change."""
    async with db.transaction() as conn:
        counted = [
            (await conn.execute(select(func.count()).select_from(rsvps))).scalar_one(),
            (await conn.execute(select(func.count()).select_from(signups).where(signups.c.active))).scalar_one(),
            (await conn.execute(select(func.count()).select_from(meetings).where(meetings.c.cancelled))).scalar_one(),
            (await conn.execute(select(func.count()).select_from(meetings))).scalar_one(),
        ]
    return (counted[0], counted[1], counted[2], counted[3])


async def meeting_ids(db: Database, circle_name: str) -> list[int]:
    from storage.tables import circles

    async with db.transaction() as conn:
        rows = await conn.execute(
            select(meetings.c.id)
            .join(circles, circles.c.id == meetings.c.circle_id)
            .where(circles.c.name == circle_name)
        )
        return list(rows.scalars())


async def circle_id(db: Database, circle_name: str) -> int:
    from storage.tables import circles

    async with db.transaction() as conn:
        return int((await conn.execute(select(circles.c.id).where(circles.c.name == circle_name))).scalar_one())


@pytest.fixture
async def two_circles(telegram: TelegramChat) -> None:
    """Fiona's Berlin circle, which Alice joined, and Gina's Hamburg circle, which she did not."""
    tg = telegram.tg
    code = await create_circle(telegram, tg.user(101, "Fiona"))
    hamburg = list(BERLIN_CIRCLE)
    hamburg[0], hamburg[7], hamburg[2] = "Statistics", "Hamburg", "#1"
    await create_circle(telegram, tg.user(104, "Gina"), hamburg)
    await sign_up(telegram, tg.user(102, "Alice"), code, "Learn", "Help", "Build")


@pytest.mark.usefixtures("two_circles")
async def test_forged_callback_data_gets_a_clear_answer_and_changes_nothing(
    telegram: TelegramChat, db: Database
) -> None:
    tg = telegram.tg
    alice = tg.user(102, "Alice")
    before = await state(db)
    other_meeting = (await meeting_ids(db, "Statistics"))[0]
    own_meeting = (await meeting_ids(db, "Python for Everybody"))[0]
    berlin = await circle_id(db, "Python for Everybody")

    expectations = {
        # Another circle's meeting: Alice is not signed up there.
        f"rsvp:{other_meeting}:y": "You can only answer for meetings of circles you signed up for.",
        # Her own circle, but a facilitator's action.
        f"cancel-meeting-yes:{own_meeting}": "Only the circle's facilitators can do that.",
        f"manage:{berlin}": "Only the circle's facilitators can do that.",
        f"publish:{berlin}": "Only the circle's facilitators can do that.",
        # Garbage of every shape.
        "garbage": NO_LONGER_WORKS,
        "rsvp:1": NO_LONGER_WORKS,
        f"rsvp:{own_meeting}:maybe": NO_LONGER_WORKS,
        "rsvp:-1:y": NO_LONGER_WORKS,
        "d:consent:yes": "That button belongs to a conversation that has ended.",
        secrets.token_urlsafe(48): NO_LONGER_WORKS,  # 64 bytes of noise
        "rsvp:" + "9" * 59: NO_LONGER_WORKS,
        "rsvp:999999999999:y": NO_LONGER_WORKS,  # beyond any id the database can hold
        "rsvp:2147483647:y": "I could not find that. It may have been removed.",
        "": NO_LONGER_WORKS,
    }
    for data, answer in expectations.items():
        reply = text_of(await telegram.press_forged(alice, data))
        assert answer in reply, (data, reply)

    assert await state(db) == before


@pytest.mark.usefixtures("two_circles")
async def test_a_button_acts_for_whoever_pressed_it(telegram: TelegramChat, db: Database) -> None:
    """In a group, anyone can press a button someone else asked for: it acts for the presser."""
    tg = telegram.tg
    alice, bob = tg.user(102, "Alice"), tg.user(103, "Bob")
    group = tg.group(-500, "Python learners")
    await telegram.say(alice, "/browse@circles_test_bot Berlin", chat=group)
    message, data = telegram.find_button(alice, "Python for Everybody", chat=group)

    alices_card = await telegram.press_on(alice, message, data)
    bobs_card = await telegram.press_on(bob, message, data)

    assert "You are signed up." in text_of(alices_card)
    assert "You are signed up." not in text_of(bobs_card)
    assert bobs_card[-1].chat_id == group.id
    assert "Sign up" in bobs_card[-1].button_texts


async def test_a_german_telegram_gets_german_buttons_and_answers(telegram: TelegramChat) -> None:
    """Bob's Telegram speaks German, and so does the bot with him: he can't make it (from his
    confirmation's button), then changes his mind in the /rsvp list, which is edited in place."""
    tg = telegram.tg
    code = await create_circle(telegram, tg.user(101, "Fiona"))
    bob = tg.user(103, "Bob", language_code="de")
    await sign_up(telegram, bob, code, "Learn to code", "Bring snacks", "A game")
    de = Translator("de")
    assert de("I can't make it") != "I can't make it"  # there is a German catalogue

    answered = await telegram.press(bob, de("I can't make it"))
    said = de("You said you cannot come to meeting {number}. Thank you for letting us know!", number=1)
    assert said in text_of(answered)
    [listing] = await telegram.say(bob, "/rsvp")
    first = de.moment(datetime(2026, 12, 7, 18, 0, tzinfo=ZoneInfo("Europe/Berlin")))
    assert de("Meeting {number}, {when}: {answer}", number=1, when=first, answer=de("no")) in listing.body
    [changed] = await telegram.press(bob, f"1: {de('Yes')}")  # one edit says it all
    assert changed.message_id == listing.message_id
    assert de("You said you will come to meeting {number}. Thank you!", number=1) in changed.body
    assert de("Meeting {number}, {when}: {answer}", number=1, when=first, answer=de("yes")) in changed.body
