"""Leaving for good (issue 9, finding 4): /forget never orphans a team or a circle."""

from __future__ import annotations

import re

from sqlalchemy import select

from adapters.console.driver import ConsoleDriver
from adapters.console.sender import ConsoleSender
from bot.delivery.dispatcher import Dispatcher
from storage.db import Database
from storage.tables import facilitators, people, team_members
from tests.e2e.flows import create_circle, sign_up
from tests.e2e.test_team import invite_link, join, make_team


async def forget(chat: ConsoleDriver, who: str) -> str:
    await chat.say("/forget", as_=who)
    return await chat.press("Yes, forget me")


def texts(sender: ConsoleSender, chat: str) -> list[str]:
    return [reply.text for reply in sender.to(chat)]


async def roles(db: Database, circle_id: int) -> dict[str, str]:
    async with db.transaction() as conn:
        rows = await conn.execute(
            select(people.c.name, facilitators.c.role)
            .join(people, people.c.id == facilitators.c.person_id)
            .where(facilitators.c.circle_id == circle_id)
        )
        return {r.name: r.role for r in rows}


async def test_the_only_organizer_cannot_forget_while_the_team_has_members(chat: ConsoleDriver) -> None:
    await make_team(chat)
    await join(chat, await invite_link(chat), as_="fiona")
    refused = await chat.say("/forget", as_="olga")
    assert "You are the only organizer of Learning Circles Berlin" in refused
    assert "Invite an organizer" in refused and "Close the team" in refused
    # The confirmation button of an earlier /forget is refused the same way.
    assert "You are the only organizer of Learning Circles Berlin" in await chat.press_token("forget:y")
    card = await chat.say("/team", as_="olga")
    assert "Team Learning Circles Berlin — you are an organizer." in card
    assert "Organizers: Olga" in card and "Members: 2" in card


async def test_closing_the_team_lets_its_last_organizer_leave_for_good(
    chat: ConsoleDriver, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    await make_team(chat)
    await join(chat, await invite_link(chat), as_="fiona")
    await create_circle(chat, as_="fiona")
    await chat.say("/team", as_="fiona")
    assert "Only the team's organizers can do that." in await chat.press_token("team-close-yes")
    await chat.say("/team", as_="olga")
    assert "Close Learning Circles Berlin?" in await chat.press("Close the team")
    assert "The team Learning Circles Berlin is closed." in await chat.press("Yes, close the team")
    await dispatcher.run_pass()
    assert any("The team Learning Circles Berlin was closed" in t for t in texts(sender, "fiona"))
    assert "You are not in a team." in await chat.say("/team", as_="fiona")
    # Fiona's circle goes on, outside the team.
    await chat.say("/mycircles", as_="fiona")
    assert "Status: upcoming" in await chat.press("Python for Everybody")
    assert "your personal data is deleted" in await forget(chat, "olga")


async def test_a_forgotten_member_leaves_the_team(chat: ConsoleDriver, db: Database) -> None:
    await make_team(chat)
    await join(chat, await invite_link(chat), as_="fiona")
    assert "your personal data is deleted" in await forget(chat, "fiona")
    await chat.say("/team", as_="olga")
    listing = await chat.press("Members")
    assert "(forgotten)" not in listing and "Fiona" not in listing
    async with db.transaction() as conn:
        assert len((await conn.execute(select(team_members))).all()) == 1


async def test_a_forgotten_lead_passes_the_circle_to_the_cofacilitator(
    chat: ConsoleDriver, db: Database, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    code = await create_circle(chat)
    await sign_up(chat, code, "alice", "Learn", "Help", "Build")
    await chat.say("/mycircles", as_="fiona")
    await chat.press("Python for Everybody")
    invitation = re.search(r"/start (f\w+)", await chat.press("Add a co-facilitator"))
    assert invitation
    await chat.say(f"/start {invitation.group(1)}", as_="carla")
    await chat.say("/mycircles", as_="fiona")
    await chat.press("Python for Everybody")
    unused = re.search(r"/start (f\w+)", await chat.press("Add a co-facilitator"))
    assert unused
    await forget(chat, "fiona")
    assert "not valid any more" in await chat.say(f"/start {unused.group(1)}", as_="dora")
    assert await roles(db, 1) == {"Carla": "lead"}
    await dispatcher.run_pass()
    told = [t for t in texts(sender, "carla") if "Python for Everybody" in t]
    assert any("You are now the lead facilitator of Python for Everybody" in t for t in told), told
    assert not any("cancelled" in t for t in texts(sender, "alice"))
    await chat.say("/mycircles", as_="carla")
    assert "Status: upcoming" in await chat.press("Python for Everybody")


async def test_a_forgotten_lead_without_cofacilitator_leaves_the_circle_to_the_organizers(
    chat: ConsoleDriver, db: Database, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    await make_team(chat)
    await join(chat, await invite_link(chat), as_="fiona")
    code = await create_circle(chat, as_="fiona")
    await sign_up(chat, code, "alice", "Learn", "Help", "Build")
    await forget(chat, "fiona")
    assert await roles(db, 1) == {}
    await dispatcher.run_pass()
    (told,) = [t for t in texts(sender, "olga") if "Python for Everybody" in t]
    assert "Its lead facilitator has left Circles" in told
    assert not any("cancelled" in t for t in texts(sender, "alice"))
    # The circle stays manageable by the team's organizers.
    assert "Status: upcoming" in await chat.press("Manage the circle", as_="olga")
    await chat.say("/team", as_="olga")
    listing = await chat.press("Circles")
    assert "Python for Everybody (published)" in listing and "(forgotten)" not in listing


async def test_a_forgotten_lead_alone_cancels_the_circle_and_learners_are_told(
    chat: ConsoleDriver, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    code = await create_circle(chat)
    await sign_up(chat, code, "alice", "Learn", "Help", "Build")
    await forget(chat, "fiona")
    await dispatcher.run_pass()
    assert "Python for Everybody is cancelled: there will be no more meetings. Sorry!" in texts(sender, "alice")
    assert "This circle was cancelled" in await chat.say(f"/start {code}", as_="bob")
