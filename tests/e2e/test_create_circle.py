"""F1: the creation dialog — every step refuses bad input with a specific message and stays put."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from adapters.console.driver import ConsoleDriver
from bot.app import Core
from bot.clock import FixedClock
from bot.config import Settings
from storage.db import Database
from storage.tables import circles, meetings
from tests.e2e.flows import BERLIN_CIRCLE, create_circle

# Index of each step's answer in BERLIN_CIRCLE.
STEPS = (
    "title link name description venue address details city language timezone date time duration weeks limit question"
).split()
STEP = {name: n for n, name in enumerate(STEPS)}


async def answer_until(chat: ConsoleDriver, step: str) -> str:
    """Start /new and answer every question before ``step``; returns the question of ``step``."""
    last = await chat.say("/new", as_="fiona")
    for answer in BERLIN_CIRCLE[: STEP[step]]:
        last = await chat.say(answer)
    return last


async def count_circles(db: Database) -> int:
    async with db.transaction() as conn:
        return int((await conn.execute(select(func.count()).select_from(circles))).scalar_one())


@pytest.mark.parametrize(
    ("step", "bad", "says"),
    [
        ("title", "", "Please send some text."),
        ("title", "   ", "Please send some text."),
        ("title", "x" * 5000, "That is 5000 characters long; the limit here is 200."),
        ("link", "not a link", "does not look like a web address"),
        ("description", "y" * 5000, "That is 5000 characters long; the limit here is 2000."),
        ("language", "klingonish", "I do not know that language."),
        ("timezone", "Mars/Olympus_Mons", "I do not know that time zone."),
        ("date", "2026-02-30", "That date does not exist."),
        ("date", "31/04/2027", "That date does not exist."),
        ("date", "2026-11-01", "That date has already passed."),
        ("date", "someday", "I could not read that as a date."),
        ("time", "25:00", "I could not read that as a time."),
        ("duration", "5", "between 15 minutes and 8 hours"),
        ("weeks", "0", "Please send a whole number from 1 to 52."),
        ("weeks", "100", "Please send a whole number from 1 to 52."),
        ("weeks", "six", "Please send a whole number from 1 to 52."),
        ("limit", "-3", "Please send a whole number from 1 to 1000."),
    ],
)
async def test_bad_answers_are_explained_and_the_step_is_kept(
    chat: ConsoleDriver, db: Database, step: str, bad: str, says: str
) -> None:
    question = await answer_until(chat, step)
    refused = await chat.say(bad)
    assert says in refused
    assert question.split("\n")[0] in refused  # the same question is asked again
    # The good answer is still accepted: the dialog did not move or break.
    await chat.say(BERLIN_CIRCLE[STEP[step]])
    for answer in BERLIN_CIRCLE[STEP[step] + 1 :]:
        await chat.say(answer)
    assert "is published" in await chat.press("Publish")
    assert await count_circles(db) == 1


async def test_a_past_time_today_is_refused(chat: ConsoleDriver, clock: FixedClock) -> None:
    await answer_until(chat, "date")
    await chat.say("today")  # 28 Nov 2026, now 13:00 in Berlin
    assert "That time has already passed today." in await chat.say("9:00")
    assert "How long is each meeting" in await chat.say("20:00")


async def test_a_button_from_an_earlier_question_changes_nothing(chat: ConsoleDriver) -> None:
    await chat.say("/new", as_="fiona")
    await chat.say("Python for Everybody")
    await chat.say("https://www.py4e.com")
    stale = chat.buttons()[0]  # "Use the course title", answering the name question
    await chat.press("Use the course title")
    answer = await chat.press_token(stale.token)
    assert "That button is from an earlier question." in answer
    assert "Write a short welcome" in answer


async def test_forged_dialog_buttons_are_refused(chat: ConsoleDriver) -> None:
    await chat.say("/new", as_="fiona")
    assert "earlier question" in await chat.press_token("d:review:publish")
    assert "earlier question" in await chat.press_token("d:course_title:" + "z" * 40)
    assert "no longer works" in await chat.press_token("d")
    assert "no longer works" in await chat.press_token("\x00\xff" * 20)


async def test_back_returns_to_the_previous_question_and_keeps_going(chat: ConsoleDriver, db: Database) -> None:
    await chat.say("/new", as_="fiona")
    await chat.say("Python for Everybody")
    assert "Send the course title" in await chat.say("back")
    await chat.say("Python for Everybody, 2nd edition")
    await chat.say("https://www.py4e.com")
    for answer in BERLIN_CIRCLE[2:]:
        await chat.say(answer)
    review = await chat.press("Back")
    assert "ask people one question of your own" in review
    await chat.press("Skip")
    review = chat.shown["fiona"][-1].text
    assert "Name: Python for Everybody, 2nd edition" in review
    assert "First meeting: Mon, 7 Dec 2026, 18:00 CET" in review
    assert "6 weekly meetings of 90 minutes" in review
    await chat.press("Save as draft")
    assert await count_circles(db) == 1


async def test_cancel_at_any_step_saves_nothing(chat: ConsoleDriver, db: Database) -> None:
    await answer_until(chat, "weeks")
    assert "Stopped. Nothing was saved." in await chat.say("/cancel")
    assert "I did not understand that." in await chat.say("6")
    await answer_until(chat, "date")
    assert "Stopped" in await chat.say("cancel")
    assert await count_circles(db) == 0


async def test_the_dialog_survives_a_restart(db: Database, clock: FixedClock) -> None:
    before = ConsoleDriver(Core(db=db, clock=clock, settings=Settings()))
    await before.say("/new", as_="fiona")
    for answer in BERLIN_CIRCLE[:9]:
        await before.say(answer)
    # A new process: a new application object on the same database, a new terminal.
    after = ConsoleDriver(Core(db=db, clock=clock, settings=Settings()), speaker="fiona")
    for answer in BERLIN_CIRCLE[9:]:
        await after.say(answer)
    assert "is published" in await after.press("Publish")
    assert await count_circles(db) == 1


async def test_publishing_generates_the_weekly_meetings(chat: ConsoleDriver, db: Database) -> None:
    await create_circle(chat)
    async with db.transaction() as conn:
        count = (await conn.execute(select(func.count()).select_from(meetings))).scalar_one()
    assert count == 6
    listing = await chat.say("/browse Berlin", as_="alice")
    assert "Python for Everybody" in listing


async def test_time_zone_from_the_city_and_city_names_instead_of_zones(chat: ConsoleDriver) -> None:
    question = await answer_until(chat, "timezone")
    assert "[#1] Europe/Berlin" in question
    assert "On which date" in await chat.say("#1")
    assert "Which time zone" in await chat.say("back")
    assert "On which date" in await chat.say("Munich")


async def test_drafts_are_not_listed_until_published(chat: ConsoleDriver) -> None:
    await create_circle(chat, publish=False)
    assert "No circles are open" in await chat.say("/browse Berlin", as_="alice")
    await chat.say("/mycircles", as_="fiona")
    await chat.press("Python for Everybody")
    published = await chat.press("Publish")
    assert "is published" in published
    assert "Python for Everybody" in await chat.say("/browse Berlin", as_="alice")
