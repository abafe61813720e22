"""Issue 9: a refused last step ends its dialog, and invitation links opened by the wrong person."""

from __future__ import annotations

import re

from adapters.console.driver import ConsoleDriver
from tests.e2e.flows import BERLIN_CIRCLE, create_circle, sign_up
from tests.e2e.test_team import invite_link, join, make_team


async def cofacilitator_code(chat: ConsoleDriver) -> str:
    await chat.say("/mycircles", as_="fiona")
    await chat.press("Python for Everybody")
    code = re.search(r"/start (f\w+)", await chat.press("Add a co-facilitator"))
    assert code
    return code.group(1)


async def test_a_refused_last_step_ends_the_dialog_and_saves_nothing(chat: ConsoleDriver) -> None:
    await create_circle(chat)
    await chat.say("/mycircles", as_="fiona")
    await chat.press("Python for Everybody")
    await chat.press("Reschedule a meeting")
    await chat.press("Meeting 2")
    await chat.say("2026-12-15")
    # Meanwhile the meeting is cancelled (another device, a co-facilitator, an organizer).
    await chat.press_token("cancel-meeting-yes:2")
    refused = await chat.say("19:30")
    assert "That meeting was cancelled." in refused
    # Not stuck: the next message is not answered with the same refusal again.
    after = await chat.say("20:00")
    assert "That meeting was cancelled." not in after
    assert "I did not understand that." in after
    assert "There is nothing to cancel." in await chat.say("/cancel")
    await chat.say("/mycircles")
    await chat.press("Python for Everybody")
    schedule = await chat.press("Schedule and RSVPs")
    assert "Meeting 2: Mon, 14 Dec 2026, 18:00 CET — cancelled" in schedule


async def test_a_lead_opening_their_own_cofacilitator_link_keeps_it_unused(chat: ConsoleDriver) -> None:
    await create_circle(chat)
    code = await cofacilitator_code(chat)
    own = await chat.say(f"/start {code}", as_="fiona")
    assert "This is your own co-facilitator link" in own
    assert "You are now a co-facilitator" not in own
    assert "You are now a co-facilitator of Python for Everybody." in await chat.say(f"/start {code}", as_="carla")


async def test_a_cofacilitator_opening_another_link_keeps_it_unused(chat: ConsoleDriver) -> None:
    await create_circle(chat)
    first = await cofacilitator_code(chat)
    await chat.say(f"/start {first}", as_="carla")
    second = await cofacilitator_code(chat)
    again = await chat.say(f"/start {second}", as_="carla")
    assert "You already facilitate Python for Everybody" in again
    assert "You are now a co-facilitator of Python for Everybody." in await chat.say(f"/start {second}", as_="dora")


async def test_start_with_a_code_in_the_middle_of_new_says_it_stopped_new(chat: ConsoleDriver) -> None:
    code = await create_circle(chat)
    await chat.say("/new", as_="greta")
    await chat.say(BERLIN_CIRCLE[0])
    opened = await chat.say(f"/start {code}")
    assert "(I stopped the previous conversation.)" in opened
    assert "Python for Everybody" in opened
    assert "There is nothing to cancel." in await chat.say("/cancel")


async def test_a_refused_dialog_gives_back_what_the_person_wrote(chat: ConsoleDriver) -> None:
    await make_team(chat)
    await join(chat, await invite_link(chat), as_="fiona")
    code = await create_circle(chat, as_="fiona")
    await sign_up(chat, code, "alice", "Learn", "Help", "Build")
    assert "What do you want to tell the 1 learner" in await chat.press_token("message:1", as_="olga")
    assert "This goes to 1 learner" in await chat.say("Room change: we meet upstairs")
    # Meanwhile Fiona leaves the team, and her circle with her: Olga may no longer write to it.
    await chat.say("/team", as_="fiona")
    await chat.press("Leave the team")
    await chat.press("Yes, leave")
    refused = await chat.say("Send it", as_="olga")
    assert "Only the circle's facilitators can do that." in refused
    assert "Your answers, so they are not lost:\n• Room change: we meet upstairs" in refused
    assert "I did not understand that." in await chat.say("Send it")
