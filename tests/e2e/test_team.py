"""Teams in the core (O1, O2, O4): create, invite, join, see circles and meetings, remove, leave."""

from __future__ import annotations

import re
from datetime import timedelta

from adapters.console.driver import ConsoleDriver
from bot.clock import FixedClock
from tests.e2e.flows import BERLIN_CIRCLE, create_circle


async def make_team(chat: ConsoleDriver, organizer: str = "olga") -> None:
    await chat.say("/team", as_=organizer)
    await chat.press("Create a team")
    await chat.say("Learning Circles Berlin")
    created = await chat.say("Berlin")
    assert "The team Learning Circles Berlin is created and you are its organizer." in created


async def invite_link(chat: ConsoleDriver, role: str = "facilitator", organizer: str = "olga") -> str:
    await chat.say("/team", as_=organizer)
    answer = await chat.press("Invite a facilitator" if role == "facilitator" else "Invite an organizer")
    code = re.search(r"/start (t\w+)", answer)
    assert code, answer
    return code.group(1)


async def join(chat: ConsoleDriver, code: str, as_: str) -> str:
    """Open the invitation link, read what joining means, and join."""
    await chat.say(f"/start {code}", as_=as_)
    return await chat.press("Join the team")


async def test_an_organizer_builds_a_team_and_sees_its_circles_and_week(chat: ConsoleDriver, clock: FixedClock) -> None:
    await make_team(chat)
    code = await invite_link(chat)
    asked = await chat.say(f"/start {code}", as_="fiona")
    assert "Join the team Learning Circles Berlin as a member?" in asked
    welcome = await chat.press("Join the team")
    assert "Welcome to the team Learning Circles Berlin! You are a member." in welcome
    await create_circle(chat, as_="fiona")

    card = await chat.say("/team", as_="olga")
    assert "Team Learning Circles Berlin — you are an organizer." in card
    assert "Members: 2" in card and "Circles: 1" in card
    listing = await chat.press("Circles")
    assert "• Python for Everybody (published) — Fiona" in listing
    # Organizers manage every circle of the team.
    managed = await chat.press("Python for Everybody")
    assert "Status: upcoming" in managed
    assert "Nobody has signed up" in await chat.press("Signups")

    clock.set(clock.now() + timedelta(days=9))  # Monday 7 December 2026
    await chat.say("/team")
    week = await chat.press("This week's meetings")
    assert "Python for Everybody: meeting 1 of 6, Mon, 7 Dec 2026, 18:00 CET" in week


async def test_facilitators_cannot_organize(chat: ConsoleDriver) -> None:
    await make_team(chat)
    await join(chat, await invite_link(chat), "fiona")
    card = await chat.say("/team", as_="fiona")
    assert "you are a member" in card
    assert "Invite a facilitator" not in card
    for forged in (
        "team-invite:m",
        "team-invite:o",
        "team-summary-here",
        "team-summary-time",
        "team-remove:1",
        "team-remove-yes:1",
    ):
        assert "Only the team's organizers can do that." in await chat.press_token(forged), forged
    await chat.press_token("team-members")
    assert "Remove" not in chat.shown["fiona"][-1].text


async def test_organizers_of_one_team_cannot_touch_another(chat: ConsoleDriver) -> None:
    await make_team(chat, organizer="olga")
    await join(chat, await invite_link(chat), "fiona")
    await create_circle(chat, as_="fiona")  # circle 1, team A
    await chat.say("/team", as_="bert")
    await chat.press("Create a team")
    await chat.say("Learning Circles Hamburg")
    await chat.say("Europe/Berlin")
    for forged in ("manage:1", "signups:1", "schedule:1", "csv:1", "signup-open:1:n", "cancel-circle:1"):
        assert "Only the circle's facilitators can do that." in await chat.press_token(forged, as_="bert"), forged
    assert "I could not find that" in await chat.press_token(
        "team-remove-yes:2", as_="bert"
    )  # Fiona is not in his team
    await chat.say("/team", as_="bert")
    assert "The team has no circles yet." in await chat.press("Circles")
    assert await chat.press_token("team-members") == "Members of Learning Circles Hamburg:\n• Bert — organizer"


async def test_removing_and_leaving(chat: ConsoleDriver) -> None:
    await make_team(chat)
    await join(chat, await invite_link(chat), "fiona")
    await create_circle(chat, as_="fiona")
    await chat.say("/team", as_="olga")
    assert "only organizer" in await chat.press_token("team-leave-yes")
    await chat.press("Members")
    await chat.press("Remove Fiona")
    assert "Fiona is no longer in Learning Circles Berlin." in await chat.press("Yes, remove")
    await chat.say("/team")
    assert "The team has no circles yet." in await chat.press("Circles")
    assert "You are not in a team." in await chat.say("/team", as_="fiona")
    assert "You left the team" in await chat.press_token("team-leave-yes", as_="olga")


async def test_invitations_expire_and_one_team_per_person(chat: ConsoleDriver, clock: FixedClock) -> None:
    await make_team(chat, organizer="olga")
    code = await invite_link(chat)
    await chat.say("/team", as_="bert")
    await chat.press("Create a team")
    await chat.say("Learning Circles Hamburg")
    await chat.say("Hamburg")
    assert "You are already in the team Learning Circles Hamburg" in await chat.say(f"/start {code}", as_="bert")
    await chat.say(f"/start {code}", as_="fiona")
    clock.advance(timedelta(days=15))  # she waited too long before confirming
    assert "not valid any more" in await chat.press("Join the team")
    assert "not valid any more" in await chat.say(f"/start {code}", as_="fiona")


async def test_an_organizer_invitation_makes_an_organizer(chat: ConsoleDriver) -> None:
    await make_team(chat)
    code = await invite_link(chat, role="organizer")
    assert "You are an organizer." in await join(chat, code, "otto")
    # An organizer invitation works once.
    assert "not valid any more" in await chat.say(f"/start {code}", as_="oscar")
    assert "Invite a facilitator" in await chat.say("/team", as_="otto")


async def test_the_summary_channel_and_time(chat: ConsoleDriver) -> None:
    await make_team(chat)
    await chat.say("/team")
    assert "will be posted in this chat" in await chat.press("Send the weekly summary here")
    await chat.say("/team")
    await chat.press("Summary day and time")
    await chat.press("Friday")
    await chat.say("9am")
    done = await chat.say("Europe/Lisbon")
    assert "goes out every Friday at 09:00 (Europe/Lisbon)" in done
    assert "Weekly summary: every Friday at 09:00 (Europe/Lisbon)." in await chat.say("/team")


async def test_circles_created_before_joining_follow_their_facilitator(chat: ConsoleDriver) -> None:
    await create_circle(chat, BERLIN_CIRCLE, as_="fiona")
    await make_team(chat)
    await join(chat, await invite_link(chat), "fiona")
    await chat.say("/team", as_="olga")
    assert "• Python for Everybody (published) — Fiona" in await chat.press("Circles")


async def test_joining_asks_first_and_names_the_circles_that_move(chat: ConsoleDriver) -> None:
    await create_circle(chat, BERLIN_CIRCLE, as_="fiona")
    await make_team(chat, organizer="mallory")
    code = await invite_link(chat, organizer="mallory")
    asked = await chat.say(f"/start {code}", as_="fiona")
    assert "The circles you facilitate (Python for Everybody) will belong to the team" in asked
    assert "you did not join the team" in await chat.press("No, thanks")
    # Mallory's team got nothing: she cannot see Fiona's signups.
    assert "Only the circle's facilitators can do that." in await chat.press_token("signups:1", as_="mallory")
    await chat.say("/team", as_="mallory")
    assert "The team has no circles yet." in await chat.press("Circles")
