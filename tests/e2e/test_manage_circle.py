"""F2/F8 and the guards around them: only facilitators manage; learners see the changes."""

from __future__ import annotations

import re
from datetime import timedelta

from adapters.console.driver import ConsoleDriver
from bot.clock import FixedClock
from bot.conversation.messages import Incoming
from tests.e2e.flows import BERLIN_CIRCLE, create_circle, sign_up


def token(chat: ConsoleDriver, label: str) -> str:
    for shown in reversed(chat.shown[chat.speaker]):
        for row in shown.reply.buttons:
            for button in row:
                if button.label.startswith(label):
                    return button.token
    raise LookupError(label)


async def manage(chat: ConsoleDriver) -> str:
    await chat.say("/mycircles", as_="fiona")
    return await chat.press("Python for Everybody")


async def test_close_and_reopen_signup(chat: ConsoleDriver) -> None:
    code = await create_circle(chat)
    await manage(chat)
    assert "Signup for Python for Everybody is closed" in await chat.press("Close signup")
    assert "No circles are open" in await chat.say("/browse berlin", as_="alice")
    card = await chat.say(f"/start {code}", as_="alice")
    assert "Signup is closed." in card
    assert "Sign up" in card  # the button is there, and explains itself when pressed
    assert "Signup for Python for Everybody is closed. Ask the facilitator" in await chat.press("Sign up")
    await manage(chat)
    assert "open again" in await chat.press("Reopen signup")
    assert "Python for Everybody" in await chat.say("/browse berlin", as_="alice")


async def test_reschedule_and_cancel_one_meeting(chat: ConsoleDriver) -> None:
    await create_circle(chat)
    await manage(chat)
    await chat.press("Reschedule a meeting")
    await chat.press("Meeting 2")
    await chat.say("2026-12-15")
    moved = await chat.say("19:30")
    assert "Meeting 2 moved from Mon, 14 Dec 2026, 18:00 CET to Tue, 15 Dec 2026, 19:30 CET." in moved
    await manage(chat)
    await chat.press("Cancel a meeting")
    await chat.press("Meeting 3")
    assert "Cancel meeting 3 on Mon, 21 Dec 2026, 18:00 CET?" in chat.shown["fiona"][-1].text
    assert "is cancelled" in await chat.press("Yes, cancel it")
    await manage(chat)
    schedule = await chat.press("Schedule and RSVPs")
    assert "Meeting 2: Tue, 15 Dec 2026, 19:30 CET" in schedule
    assert "Meeting 3: Mon, 21 Dec 2026, 18:00 CET — cancelled" in schedule


async def test_a_meeting_that_started_cannot_be_changed(chat: ConsoleDriver, clock: FixedClock) -> None:
    await create_circle(chat)
    await manage(chat)
    await chat.press("Reschedule a meeting")
    first = token(chat, "Meeting 1")
    clock.advance(timedelta(days=9, hours=5))  # 7 Dec, 18:00 CET has passed
    assert "already started" in await chat.press_token(first)


async def test_adding_a_meeting(chat: ConsoleDriver) -> None:
    await create_circle(chat)
    await manage(chat)
    await chat.press("Add a meeting")
    await chat.say("2027-01-18")
    added = await chat.press("18:00")
    assert "Meeting 7 added: Mon, 18 Jan 2027, 18:00 CET." in added


async def test_a_co_facilitator_joins_with_a_one_time_link(chat: ConsoleDriver) -> None:
    await create_circle(chat)
    await manage(chat)
    invite = await chat.press("Add a co-facilitator")
    code = re.search(r"/start (f\w+)", invite)
    assert code
    assert "co-facilitator of Python for Everybody" in await chat.say(f"/start {code.group(1)}", as_="carla")
    await chat.press("Manage the circle")
    assert "Nobody has signed up for Python for Everybody yet." in await chat.press("Signups")
    # The link works once.
    assert "not valid any more" in await chat.say(f"/start {code.group(1)}", as_="mallory")
    assert "Only the circle's facilitators" in await chat.press_token("signups:1")


async def test_an_expired_invitation_is_refused(chat: ConsoleDriver, clock: FixedClock) -> None:
    await create_circle(chat)
    await manage(chat)
    code = re.search(r"/start (f\w+)", await chat.press("Add a co-facilitator"))
    assert code
    clock.advance(timedelta(days=15))
    assert "not valid any more" in await chat.say(f"/start {code.group(1)}", as_="carla")


async def test_learners_cannot_manage_or_answer_for_other_circles(chat: ConsoleDriver) -> None:
    code = await create_circle(chat)
    await sign_up(chat, code, "alice", "Learn", "Help", "Build")
    for forged in (
        "manage:1",
        "signups:1",
        "schedule:1",
        "publish:1",
        "signup-open:1:n",
        "pick-meeting:1:c",
        "cancel-meeting-yes:1",
        "reschedule:2",
        "invite-co:1",
        "add-meeting:1",
    ):
        answer = await chat.press_token(forged)
        assert "Only the circle's facilitators can do that." in answer, forged
    # A second circle Alice never joined: its meeting ids are 7..12.
    await create_circle(chat, BERLIN_CIRCLE, as_="greta")
    assert "only answer for meetings of circles you signed up for" in await chat.press_token("rsvp:7:y", as_="alice")
    for garbage in ("rsvp:7:maybe", "rsvp:x:y", "rsvp:99999999999999999:y", "nothing", "circle:", ":::", "é" * 30):
        assert "That button no longer works" in await chat.press_token(garbage)
    assert "I could not find that" in await chat.press_token("circle:4242")
    await manage(chat)
    assert "Python for Everybody: 1 signup" in await chat.press("Signups")


async def test_a_full_circle_says_so(chat: ConsoleDriver) -> None:
    answers = list(BERLIN_CIRCLE)
    answers[14] = "1"  # signup limit of one
    code = await create_circle(chat, answers)
    await sign_up(chat, code, "alice", "Learn", "Help", "Build")
    # The card of a full circle offers its waitlist; a Sign up pressed anyway is refused.
    assert "This circle is full" in await chat.say(f"/start {code}", as_="bob")
    assert [b.label for b in chat.buttons()] == ["Join the waitlist"]
    token = chat.buttons()[0].token.replace("waitlist:", "signup:")
    assert "Sorry, Python for Everybody is full: all 1 places are taken." in await chat.press_token(token)
    # Alice may still update her answers.
    assert "updated" in await sign_up(chat, code, "alice", "Learn more", "Help more", "Build more")


async def test_a_repeated_update_has_no_second_effect(chat: ConsoleDriver) -> None:
    await create_circle(chat)
    event = Incoming(platform="console", user_id="zoe", chat_id="zoe", user_name="Zoe", update_id="u-1", command="new")
    first = await chat.app.handle(event)
    assert "Let's create a learning circle" in first[0].text
    assert await chat.app.handle(event) == []


async def test_unknown_commands_and_chatter_get_a_friendly_answer(chat: ConsoleDriver) -> None:
    assert "I do not know the command /fly." in await chat.say("/fly")
    assert "I did not understand that." in await chat.say("hello?")
    assert "nothing to cancel" in await chat.say("/cancel")
    assert "too long for me" in await chat.say("x" * 20_000)
    assert "Circles runs learning circles" in await chat.say("help")


async def test_personal_commands_move_to_a_private_chat_in_groups(chat: ConsoleDriver) -> None:
    group = Incoming(
        platform="console", user_id="ann", chat_id="group-1", user_name="Ann", command="new", in_group=True
    )
    replies = await chat.app.handle(group)
    assert "private chat" in replies[0].text
    chatter = Incoming(platform="console", user_id="ann", chat_id="group-1", user_name="Ann", text="hi", in_group=True)
    assert await chat.app.handle(chatter) == []


async def test_cancelling_the_circle(chat: ConsoleDriver) -> None:
    code = await create_circle(chat)
    await sign_up(chat, code, "bob", "Learn", "Help", "Build")
    await manage(chat)
    await chat.press("Cancel the circle")
    assert "Python for Everybody is cancelled." in await chat.press("Yes, cancel the circle")
    assert "No circles are open" in await chat.say("/browse Berlin", as_="alice")
    card = await chat.say(f"/start {code}", as_="alice")
    assert "This circle was cancelled: there will be no meetings." in card
    assert "Next meeting" not in card and "Sign up" not in card
    assert "is not open for signup" in await chat.press_token("signup:1")
    # Bob, signed up, sees it cancelled and can no longer answer for its meetings.
    assert "Python for Everybody — cancelled" in await chat.say("/mycircles", as_="bob")
    bobs_card = await chat.press("Python for Everybody")
    assert "This circle was cancelled" in bobs_card and "RSVP" not in bobs_card
    assert "was cancelled, so it cannot change any more" in await chat.press_token("rsvp:2:y")
    # Nothing the facilitator's buttons could do undoes it, whatever tokens are sent.
    for forged in (
        "cancel-meeting-yes:2",
        "publish:1",
        "signup-open:1:y",
        "add-meeting:1",
        "reschedule:3",
        "cancel-circle-yes:1",
    ):
        assert "was cancelled, so it cannot change any more" in await chat.press_token(forged, as_="fiona"), forged
    assert "Status: cancelled" in await manage(chat)
    assert "No circles are open" in await chat.say("/browse Berlin", as_="alice")


async def test_changing_the_venue_tells_learners_and_reaches_later_reminders(chat: ConsoleDriver) -> None:
    code = await create_circle(chat)
    await sign_up(chat, code, "alice", "Learn", "Help", "Build")
    await manage(chat)
    assert "Where will you meet?" in await chat.press("Change the venue")
    await chat.say("Café Kreuzberg")
    await chat.say("Oranienstraße 1")
    await chat.press("Skip")
    done = await chat.say("Berlin")
    assert "Python for Everybody now meets at Café Kreuzberg, Oranienstraße 1, Berlin." in done
    card = await chat.say(f"/start {code}", as_="bob")
    assert "Where: Café Kreuzberg, Oranienstraße 1, Berlin" in card
    assert "Python for Everybody" in await chat.say("/browse berlin", as_="bob")
