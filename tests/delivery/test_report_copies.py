"""What learners receive (issue 9, finding 3): the learners' copy of the report leaves out words
written for facilitators and organizers unless their author chose to share them; every free-text
question says who reads the answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.console.driver import ConsoleDriver
from adapters.console.sender import ConsoleSender
from bot.clock import FixedClock
from bot.delivery.dispatcher import Dispatcher
from tests.e2e.flows import BERLIN_CIRCLE, create_circle, sign_up
from tests.e2e.test_team import invite_link, join, make_team

# Two meetings: Mon 7 and Mon 14 December 2026, 18:00-19:30 CET.
LAST_END = datetime(2026, 12, 14, 18, 30, tzinfo=UTC)
REFLECTION = "Bob talked over everyone, I should step in"
COURSE_REASON = "Chapter 4 was badly explained"
LEARNER_COMMENT = "Fiona rushed the last part"


async def finished_circle(chat: ConsoleDriver, clock: FixedClock) -> dict[str, str]:
    """A team's circle whose two meetings are over, with a reflection, a learner comment and a
    facilitator survey comment; returns the questions as they were asked."""
    await make_team(chat)
    await join(chat, await invite_link(chat), as_="fiona")
    answers = list(BERLIN_CIRCLE)
    answers[13] = "2"
    code = await create_circle(chat, answers, as_="fiona")
    asked = {"goal": await chat.say(f"/start {code}", as_="alice")}
    await chat.press("Sign up")
    asked["goal"] = await chat.press("I agree")
    asked["help"] = await chat.say("Learn")
    asked["custom"] = await chat.say("Help")
    await chat.say("Build")
    await sign_up(chat, code, "bob", "Learn", "Help", "Build")
    clock.set(LAST_END + timedelta(hours=1))
    await chat.press_token("feedback:1", as_="fiona")
    await chat.say("3")  # three came who are not on Circles; nobody of the list is ticked
    await chat.press("Done")
    asked["reflection"] = await chat.press("4")
    await chat.say(REFLECTION)
    await chat.press_token("survey:l:1", as_="alice")
    for answer in ("4", "3"):
        await chat.say(answer)
    asked["comment"] = await chat.say("5")
    await chat.say(LEARNER_COMMENT)
    await chat.press_token("survey:f:1", as_="fiona")
    await chat.press("Yes, it took place")
    await chat.press("4")
    asked["why"] = await chat.press("5")
    await chat.say(COURSE_REASON)
    return asked


async def report_of(sender: ConsoleSender, person: str) -> str:
    (report,) = [r.text for r in sender.to(person) if "share the circle's report" in r.text]
    return report


async def test_learners_get_the_report_without_private_words_and_organizers_get_all(
    chat: ConsoleDriver, clock: FixedClock, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    await finished_circle(chat, clock)
    preview = await chat.say("/report", as_="fiona")
    for words in (REFLECTION, COURSE_REASON, LEARNER_COMMENT):
        assert words in preview  # facilitators read everything
    assert "Learners get this report without the facilitators' reflections" in preview
    assert "on its way to 3 people" in await chat.press("Send it to the learners and organizers")
    await dispatcher.run_pass()
    for learner in ("alice", "bob"):
        copy = await report_of(sender, learner)
        assert "• Meeting 1: 4/5" in copy and "Goal met 4/5; course rated 5/5" in copy
        for words in (REFLECTION, COURSE_REASON, LEARNER_COMMENT):
            assert words not in copy, learner
    organizers = await report_of(sender, "olga")
    for words in (REFLECTION, COURSE_REASON, LEARNER_COMMENT):
        assert words in organizers


async def test_a_facilitator_may_include_their_reflections_and_the_choice_holds_at_send_time(
    chat: ConsoleDriver, clock: FixedClock, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    await finished_circle(chat, clock)
    await chat.say("/report", as_="fiona")
    await chat.press("Send it to the learners and organizers")
    # Chosen after pressing Send but before the copies went out: the copies follow the choice.
    assert "Learners get this report with your reflections" in await chat.press("Include my reflections for learners")
    await dispatcher.run_pass()
    copy = await report_of(sender, "alice")
    assert f"• Meeting 1: 4/5 — {REFLECTION}" in copy
    assert f"course rated 5/5: {COURSE_REASON}" in copy
    assert LEARNER_COMMENT not in copy  # learners' words never go to the other learners
    # Only the circle's facilitators choose for their own words.
    assert "Only the circle's facilitators" in await chat.press_token("report-share:1:y", as_="alice")
    assert "That button no longer works" in await chat.press_token("report-share:1:yes", as_="fiona")


async def test_every_free_text_question_says_who_reads_the_answer(chat: ConsoleDriver, clock: FixedClock) -> None:
    asked = await finished_circle(chat, clock)
    assert "facilitators and its team's organizers read this; it also appears in the team's weekly" in asked["goal"]
    for question in ("help", "custom", "comment"):
        assert "Only your circle's facilitators and its team's organizers read this." in asked[question], question
    for question in ("reflection", "why"):
        assert "Learners see it only if you include your reflections" in asked[question], question
