"""F3 /message, F4 /reminder, F5 /feedback and the reminder's RSVP buttons, played in the terminal."""

from __future__ import annotations

from datetime import timedelta

from adapters.console.driver import ConsoleDriver
from adapters.console.sender import ConsoleSender
from bot.actions import DialogChoice, RateMeeting
from bot.app import Core
from bot.clock import FixedClock
from bot.config import Settings
from bot.delivery.dispatcher import Dispatcher
from storage.db import Database
from storage.dialogs import DialogState
from storage.unit import unit_of_work
from tests.conftest import NOW
from tests.delivery.test_timing import MEETING_1, REMINDER_1
from tests.e2e.flows import create_circle, sign_up


async def _circle(chat: ConsoleDriver) -> None:
    code = await create_circle(chat)
    await sign_up(chat, code, "alice", "Automate things", "Explain Excel", "A garden app")
    await sign_up(chat, code, "bob", "Learn", "Snacks", "A game")


async def test_reminder_buttons_answer_the_rsvp(
    chat: ConsoleDriver, clock: FixedClock, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    await _circle(chat)
    clock.set(REMINDER_1)
    await dispatcher.run_pass()
    answer = await chat.press("I'll be there", as_="alice")
    assert "You said you will come to meeting 1" in answer
    await chat.say("/mycircles", as_="fiona")
    await chat.press("Python for Everybody")
    schedule = await chat.press("Schedule and RSVPs")
    assert "Yes (1): Alice" in schedule.split("Meeting 2:")[0]


async def test_the_facilitator_sees_and_edits_the_next_reminder(
    chat: ConsoleDriver, clock: FixedClock, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    await _circle(chat)
    shown = await chat.say("/reminder", as_="fiona")
    assert "The next reminder of Python for Everybody is for meeting 1 (Mon, 7 Dec 2026, 18:00 CET)." in shown
    assert "It goes out on Sat, 5 Dec 2026, 18:00 CET to 2 learners, and a copy to you." in shown
    assert "Python for Everybody meets again soon." in shown

    await chat.press("Edit this reminder")
    edited = await chat.say("Chapter 1 and 2 this week, bring a laptop!")
    assert "Saved: this reminder will go out with your text." in edited
    assert "(You wrote the text of this reminder.)" in edited

    await chat.press("Edit the default text")
    await chat.say("See you at the library!")
    await chat.press("Change when")
    changed = await chat.press("1 day")
    assert "Saved: reminders go out 1 day before each meeting." in changed
    assert "It goes out on Sun, 6 Dec 2026, 18:00 CET" in changed

    clock.set(MEETING_1 - timedelta(days=1))
    await dispatcher.run_pass()
    assert sender.to("alice")[-1].text.startswith("Chapter 1 and 2 this week, bring a laptop!")
    assert sender.to("fiona")[-1].text.startswith("A copy of the reminder your learners get now:")
    after = await chat.say("/reminder", as_="fiona")
    assert "for meeting 2 (Mon, 14 Dec 2026, 18:00 CET)" in after
    assert "See you at the library!" in after


async def test_feedback_prompt_after_the_meeting_and_the_feedback_given(
    chat: ConsoleDriver, db: Database, clock: FixedClock, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    await _circle(chat)
    clock.set(MEETING_1 + timedelta(minutes=89))
    await dispatcher.run_pass()
    assert not any("has ended" in r.text for r in sender.to("fiona"))
    clock.set(MEETING_1 + timedelta(minutes=90))
    await dispatcher.run_pass()
    prompt = sender.to("fiona")[-1]
    assert "Meeting 1 of Python for Everybody (Mon, 7 Dec 2026, 18:00 CET) has ended. Who came?" in prompt.text
    assert [b.label for b in prompt.buttons[0]] == ["Confirm who came"]

    # The feedback begins with who came: nobody checked in or said yes, so nobody is ticked;
    # Fiona ticks both learners, then rates the meeting and writes her reflection.
    asked = await chat.press("Confirm who came", as_="fiona")
    assert "Python for Everybody, meeting 1 (Mon, 7 Dec 2026, 18:00 CET)" in asked
    assert "Who came? Tap a name" in asked
    assert "Came: 1 of 2 learners, plus 0 not on Circles." in await chat.press("Alice")
    await chat.press("Bob")
    assert "How did it go, from 1 (poorly) to 5 (very well)?" in await chat.press("Done")
    assert "A short reflection" in await chat.press("4")
    # Back goes step by step and keeps what she answered: her rating ticked, both learners ticked.
    await chat.say("back")
    assert "✓ 4" in [b.label for b in chat.buttons()]
    assert "Came: 2 of 2 learners, plus 0 not on Circles." in await chat.say("back")
    await chat.press("Done")
    await chat.press("4")
    saved = await chat.say("Good start; next time fewer slides.")
    assert "Thank you! Your feedback is saved." in saved
    assert "Rating 4/5, 2 came — Good start; next time fewer slides." in saved

    listed = await chat.say("/feedback")
    assert "Feedback you gave:" in listed and "Rating 4/5, 2 came" in listed
    clock.advance(timedelta(days=2))
    assert (await dispatcher.run_pass()).sent == 0  # no second prompt, and none past the window

    # /feedback offers a meeting that ended without feedback: who came first, then the rating,
    # which the dialog validates.
    clock.set(MEETING_1 + timedelta(weeks=1, hours=2))
    offered = await chat.say("/feedback")
    assert "Which meeting do you want to give feedback on?" in offered
    asked = await chat.press("Python for Everybody, meeting 2")
    assert "Python for Everybody, meeting 2" in asked and "Who came? Tap a name" in asked
    assert "Came: 0 of 2 learners, plus 1 not on Circles." in await chat.say("1")  # a guest not on Circles
    await chat.press("Done")
    assert "Please send a whole number from 1 to 5." in await chat.say("7")
    await chat.press("5")
    await chat.press("Skip")
    async with unit_of_work(db) as unit:
        assert len(await unit.feedback.of_circle(1)) == 2


async def test_a_circle_without_learners_on_circles_types_how_many_came(
    chat: ConsoleDriver, db: Database, clock: FixedClock, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    await create_circle(chat)  # nobody signed up on Circles: there is no list to confirm
    clock.set(MEETING_1 + timedelta(minutes=90))
    await dispatcher.run_pass()
    prompt = sender.to("fiona")[-1]
    assert "(Mon, 7 Dec 2026, 18:00 CET) has ended. How many came, and how did it go?" in prompt.text
    assert [b.label for b in prompt.buttons[0]] == ["Say how many came"]
    asked = await chat.press("Say how many came", as_="fiona")
    assert "Python for Everybody, meeting 1 (Mon, 7 Dec 2026, 18:00 CET)\nHow many learners came?" in asked

    # A restart between two answers: the dialog goes on where she was, back included.
    after = ConsoleDriver(Core(db=db, clock=clock, settings=Settings()), speaker="fiona")
    assert "How did it go, from 1 (poorly) to 5 (very well)?" in await after.say("7")
    assert "How many learners came?" in await after.say("back")
    await after.say("6")
    await after.press("5")
    assert "Rating 5/5, 6 came" in await after.press("Skip")

    # A prompt sent when the dialog still began with the rating: its rating button opens the
    # dialog at who came, and the rating it chose is ticked when the rating is asked.
    clock.set(MEETING_1 + timedelta(weeks=1, minutes=90))
    assert "How many learners came?" in await after.press_token(RateMeeting(2, 3).token)
    await after.say("4")
    assert "✓ 3" in [b.label for b in after.buttons()]
    await after.press("3")
    assert "Rating 3/5, 4 came" in await after.press("Skip")


async def test_a_feedback_begun_before_the_order_changed_still_asks_who_came(
    chat: ConsoleDriver, db: Database, clock: FixedClock
) -> None:
    """A dialog stored when feedback still began with the rating, waiting there (an upgrade in
    between): after the rating it asks who came, so the head count is never left out."""
    await _circle(chat)
    clock.set(MEETING_1 + timedelta(hours=2))
    async with unit_of_work(db) as unit:
        fiona = await unit.people.by_identity("console", "fiona")
        assert fiona is not None and fiona.id is not None
        await unit.dialogs.save(fiona.id, DialogState("feedback", "rating", {"meeting_id": 1, "_history": []}), NOW)
    assert "Who came? Tap a name" in await chat.press_token(DialogChoice("rating", "4").token, as_="fiona")
    await chat.press("Alice")
    assert "How did it go" in await chat.press("Done")
    assert "✓ 4" in [b.label for b in chat.buttons()]  # her rating is kept: one tap confirms it
    await chat.press("4")
    assert "Rating 4/5, 1 came" in await chat.press("Skip")


async def test_message_to_all_learners_with_a_delivery_report(
    chat: ConsoleDriver, db: Database, clock: FixedClock, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    await _circle(chat)
    await chat.say("/forget", as_="bob")
    await chat.press("Yes, forget me")
    await sign_up(chat, await _code(db), "carol", "a goal", "some help", "an answer")
    async with unit_of_work(db) as unit:
        carol = await unit.people.by_identity("console", "carol")
        assert carol is not None and carol.id is not None
        await unit.people.mark_unreachable(carol.id, "blocked")

    asked = await chat.say("/message", as_="fiona")
    assert "What do you want to tell the 2 learners of Python for Everybody?" in asked
    confirm = await chat.say("The library is closed on Monday, we meet at the café next door.")
    assert "This goes to 2 learners of Python for Everybody:" in confirm
    assert "Sending it to 2 learners." in await chat.press("Send it")

    await dispatcher.run_pass()
    [message] = sender.to("alice")
    assert message.text.startswith("Message from Fiona, facilitator of Python for Everybody:")
    assert "café next door" in message.text
    report = sender.to("fiona")[-1].text
    assert "Your message to Python for Everybody reached 1 of 2 learners." in report
    assert "Carol — has blocked the bot" in report
    assert (await dispatcher.run_pass()).sent == 0


async def _code(db: Database) -> str:
    async with unit_of_work(db) as unit:
        circle = await unit.circles.get(1)
    assert circle is not None
    return circle.code


async def test_typing_a_reminders_button_label_answers_the_rsvp(
    chat: ConsoleDriver, clock: FixedClock, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    """Typing instead of tapping also works for what the bot sent on its own (issue 13)."""
    await _circle(chat)
    await chat.say("/language", as_="alice")  # her last answer in the chat offered other buttons
    clock.set(REMINDER_1)
    await dispatcher.run_pass()
    assert "I'll be there" in [b.label for row in sender.to("alice")[-1].buttons for b in row]
    answer = await chat.say("i'll be there", as_="alice")
    assert "You said you will come to meeting 1" in answer
