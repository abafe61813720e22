"""F7, L4, F6: the end-of-circle report with its chart, and the surveys that feed it."""

from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image

from adapters.console.driver import ConsoleDriver
from bot.clock import FixedClock
from domain.model import MeetingFeedback
from storage.db import Database
from storage.unit import unit_of_work
from tests.e2e.flows import BERLIN_CIRCLE, create_circle, sign_up


def png_size(content: bytes) -> tuple[int, int]:
    """The size of the PNG picture ``content``, which must decode whole."""
    picture = Image.open(io.BytesIO(content))
    assert picture.format == "PNG"
    picture.load()  # every pixel, not only the header
    return picture.size


async def seed_feedback(db: Database, clock: FixedClock, meeting_id: int, rating: int, came: int, text: str) -> None:
    async with unit_of_work(db) as unit:
        await unit.feedback.save(MeetingFeedback(meeting_id, 1, rating, came, text), clock.now())


async def test_the_report_adds_up_from_a_seeded_circle(chat: ConsoleDriver, db: Database, clock: FixedClock) -> None:
    answers = list(BERLIN_CIRCLE)
    answers[13] = "3"  # three meetings: 7, 14 and 21 December
    code = await create_circle(chat, answers)
    await sign_up(chat, code, "alice", "Learn", "Help", "Build")
    await sign_up(chat, code, "bob", "Learn", "Help", "Build")
    await sign_up(chat, code, "cleo", "Learn", "Help", "Build")
    await chat.say("/rsvp", as_="alice")
    await chat.press("1: Yes")
    await chat.press("2: Yes")
    await chat.say("/rsvp", as_="bob")
    await chat.press("1: Yes")
    await chat.press("2: No")
    await chat.say("/mycircles", as_="fiona")
    await chat.press("Python for Everybody")
    await chat.press("Cancel a meeting")
    await chat.press("Meeting 3")
    await chat.press("Yes, cancel it")

    clock.set(clock.now() + timedelta(days=17))  # 15 December: meetings 1 and 2 are over
    await seed_feedback(db, clock, 1, 5, 3, "Great start, everyone came")
    await chat.press_token("survey:l:1", as_="alice")
    for answer in ("4", "3", "5"):
        await chat.say(answer)
    assert "Thank you!" in await chat.say("Loved it, thanks")
    await chat.press_token("survey:l:1", as_="bob")
    for answer in ("2", "#2", "#4"):
        await chat.say(answer)
    await chat.press("Skip")
    await chat.press_token("survey:f:1", as_="fiona")
    await chat.press("Yes, it took place")
    await chat.press("4")
    await chat.press("5")
    await chat.say("Clear videos, good exercises")

    shown = await chat.say("/report", as_="fiona")
    assert "Signups: 3" in shown
    assert "Meetings held: 2 of 3 (1 cancelled)" in shown
    assert "• Meeting 1, Mon, 7 Dec 2026, 18:00 CET: 3 came (confirmed); 2 had said yes" in shown
    assert "• Meeting 2, Mon, 14 Dec 2026, 18:00 CET: 1 said yes (attendance not confirmed)" in shown
    assert "• Meeting 3, Mon, 21 Dec 2026, 18:00 CET: cancelled" in shown
    # 6 possible answers (3 learners × 2 meetings not cancelled), 4 given.
    assert "Learners answered 67% of the RSVP questions." in shown
    assert "Average rating: 5.0/5" in shown
    assert "• Meeting 1: 5/5 — Great start, everyone came" in shown
    assert "2 answers" in shown
    assert "goal met 3.0/5, confidence in the material 2.5/5, would recommend 4.5/5" in shown
    assert "“Loved it, thanks”" in shown
    assert "Goal met 4/5; course rated 5/5: Clear videos, good exercises" in shown
    assert "(file: attendance.png)" in shown
    chart = chat.shown["fiona"][-1].reply.attachment
    assert chart is not None and chart.is_image
    assert png_size(chart.content) == (800, 400)


async def test_an_empty_report_says_so(chat: ConsoleDriver) -> None:
    await create_circle(chat)
    shown = await chat.say("/report", as_="fiona")
    assert "Nobody signed up for this circle." in shown
    assert "No feedback was given." in shown
    assert "No learner has answered the survey yet." in shown
    assert "Not answered yet." in shown
    chart = chat.shown["fiona"][-1].reply.attachment
    assert chart is not None and png_size(chart.content) == (800, 400)


async def test_a_circle_that_did_not_happen(chat: ConsoleDriver) -> None:
    await create_circle(chat)
    await chat.press_token("survey:f:1", as_="fiona")
    await chat.press("It did not happen")
    assert "The circle did not happen." in await chat.say("/report")


async def test_surveys_and_reports_are_for_their_people(chat: ConsoleDriver) -> None:
    code = await create_circle(chat)
    await sign_up(chat, code, "alice", "Learn", "Help", "Build")
    assert "Only the circle's facilitators" in await chat.press_token("survey:f:1", as_="alice")
    assert "Only the circle's facilitators" in await chat.press_token("report:1", as_="alice")
    assert "Only the circle's facilitators" in await chat.press_token("survey:l:1", as_="mallory")
    assert "Reports are for facilitators" in await chat.say("/report", as_="alice")


async def test_survey_answers_are_checked(chat: ConsoleDriver, clock: FixedClock) -> None:
    code = await create_circle(chat)
    await sign_up(chat, code, "alice", "Learn", "Help", "Build")
    assert "The survey opens once the circle has met." in await chat.press_token("survey:l:1", as_="alice")
    clock.set(clock.now() + timedelta(days=10))  # after the first meeting
    await chat.press_token("survey:l:1", as_="alice")
    assert "Please send a whole number from 1 to 5." in await chat.say("7")
    assert "Please send a whole number from 1 to 5." in await chat.say("great")
    assert "How confident" in await chat.say("5")
