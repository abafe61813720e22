"""Surveys, the report offer and the report itself go out once, at their time, to their people."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.console.driver import ConsoleDriver
from adapters.console.sender import ConsoleSender
from bot.clock import FixedClock
from bot.delivery.dispatcher import Dispatcher
from tests.e2e.flows import BERLIN_CIRCLE, create_circle, sign_up

# Two meetings: Mon 7 and Mon 14 December 2026, 18:00-19:30 CET.
LAST_START = datetime(2026, 12, 14, 17, 0, tzinfo=UTC)
LAST_END = LAST_START + timedelta(minutes=90)


async def two_meeting_circle(chat: ConsoleDriver) -> None:
    answers = list(BERLIN_CIRCLE)
    answers[13] = "2"
    code = await create_circle(chat, answers)
    await sign_up(chat, code, "alice", "Learn", "Help", "Build")
    await sign_up(chat, code, "bob", "Learn", "Help", "Build")


def texts(sender: ConsoleSender, chat: str) -> list[str]:
    return [reply.text for reply in sender.to(chat)]


async def test_the_learner_survey_from_one_hour_before_the_last_meeting_once(
    chat: ConsoleDriver, clock: FixedClock, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    await two_meeting_circle(chat)
    clock.set(LAST_START - timedelta(hours=1, seconds=1))
    await dispatcher.run_pass()
    assert not any("four short questions" in t for t in texts(sender, "alice"))
    clock.set(LAST_START - timedelta(hours=1))
    await dispatcher.run_pass()
    assert sum("four short questions" in t for t in texts(sender, "alice")) == 1
    assert sum("four short questions" in t for t in texts(sender, "bob")) == 1
    clock.advance(timedelta(days=3))
    await dispatcher.run_pass()
    await dispatcher.run_pass()
    assert sum("four short questions" in t for t in texts(sender, "alice")) == 1
    # The invitation's button opens the survey.
    assert "Did you reach the goal you had?" in await chat.press("Answer the survey", as_="alice")


async def test_the_facilitator_survey_two_days_after_and_the_report_offer_at_the_end(
    chat: ConsoleDriver, clock: FixedClock, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    await two_meeting_circle(chat)
    clock.set(LAST_END - timedelta(seconds=1))
    await dispatcher.run_pass()
    assert not any("Its report is ready" in t for t in texts(sender, "fiona"))
    clock.set(LAST_END)
    await dispatcher.run_pass()
    assert sum("Its report is ready" in t for t in texts(sender, "fiona")) == 1
    clock.set(LAST_END + timedelta(days=2) - timedelta(seconds=1))
    await dispatcher.run_pass()
    assert not any("How did it go? A few questions" in t for t in texts(sender, "fiona"))
    clock.set(LAST_END + timedelta(days=2))
    await dispatcher.run_pass()
    await dispatcher.run_pass()
    assert sum("How did it go? A few questions" in t for t in texts(sender, "fiona")) == 1
    assert "did the circle take place?" in await chat.press("Answer the survey", as_="fiona")


async def test_a_cancelled_circle_gets_no_surveys_and_its_learners_are_told(
    chat: ConsoleDriver, clock: FixedClock, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    await two_meeting_circle(chat)
    await chat.say("/mycircles", as_="fiona")
    await chat.press("Python for Everybody")
    await chat.press("Cancel the circle")
    await chat.press("Yes, cancel the circle")
    await dispatcher.run_pass()
    assert texts(sender, "alice") == ["Python for Everybody is cancelled: there will be no more meetings. Sorry!"]
    for moment in (LAST_START - timedelta(hours=1), LAST_END, LAST_END + timedelta(days=2)):
        clock.set(moment)
        await dispatcher.run_pass()
    assert len(texts(sender, "alice")) == 1
    assert not any("survey" in t or "report" in t for t in texts(sender, "fiona"))


async def test_an_answered_survey_is_not_sent(
    chat: ConsoleDriver, clock: FixedClock, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    await two_meeting_circle(chat)
    clock.set(LAST_START - timedelta(hours=2))
    await chat.press_token("survey:l:1", as_="alice")
    for answer in ("5", "5", "5"):
        await chat.say(answer)
    await chat.press("Skip")
    clock.set(LAST_START - timedelta(hours=1))
    await dispatcher.run_pass()
    assert not any("four short questions" in t for t in texts(sender, "alice"))
    assert any("four short questions" in t for t in texts(sender, "bob"))


async def test_the_report_goes_to_learners_with_its_chart_once(
    chat: ConsoleDriver, clock: FixedClock, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    await two_meeting_circle(chat)
    clock.set(LAST_END + timedelta(hours=1))
    await chat.say("/report", as_="fiona")
    assert "on its way to 2 people" in await chat.press("Send it to the learners and organizers")
    assert "Everyone has the report already." in await chat.press("Send it to the learners and organizers")
    await dispatcher.run_pass()
    for learner in ("alice", "bob"):
        (report,) = [r for r in sender.to(learner) if "share the circle's report" in r.text]
        assert "Signups: 2" in report.text
        assert report.attachment is not None and report.attachment.filename == "attendance.png"
    assert "Only the circle's facilitators" in await chat.press_token("report-send:1", as_="alice")
