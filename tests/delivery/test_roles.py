"""The role model as people meet it: co-facilitators, team members and invitations (docs/roles.md)."""

from __future__ import annotations

import re

from adapters.console.driver import ConsoleDriver
from adapters.console.sender import ConsoleSender
from bot.delivery.dispatcher import Dispatcher
from tests.e2e.flows import create_circle, sign_up
from tests.e2e.test_team import invite_link, join, make_team


async def _with_co_facilitator(chat: ConsoleDriver) -> str:
    code = await create_circle(chat, as_="fiona")
    await chat.say("/mycircles", as_="fiona")
    await chat.press("Python for Everybody")
    invite = re.search(r"/start (f\w+)", await chat.press("Add a co-facilitator"))
    assert invite
    assert "You are now a co-facilitator" in await chat.say(f"/start {invite.group(1)}", as_="carl")
    return code


async def test_a_co_facilitator_runs_meetings_but_cannot_cancel_the_circle_or_invite(chat: ConsoleDriver) -> None:
    await _with_co_facilitator(chat)
    await chat.say("/mycircles", as_="carl")
    managed = await chat.press("Python for Everybody")
    assert "Facilitators: Fiona (lead), Carl" in managed
    labels = [b.label for b in chat.buttons()]
    assert "Reschedule a meeting" in labels and "Signups" in labels
    assert "Step down as co-facilitator" in labels
    for lead_only in ("Cancel the circle", "Add a co-facilitator", "Export signups (CSV)"):
        assert lead_only not in labels
    lead_only_text = "Only the circle's lead facilitator or the team's organizers can do that."
    for forged in ("cancel-circle-yes:1", "cancel-circle:1", "invite-co:1", "csv:1"):
        assert lead_only_text in await chat.press_token(forged, as_="carl"), forged
    assert "is cancelled" not in await chat.say("/mycircles", as_="carl")


async def test_the_lead_removes_a_co_facilitator_who_is_told_and_loses_access(
    chat: ConsoleDriver, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    code = await _with_co_facilitator(chat)
    await sign_up(chat, code, "alice", "Build a website", "Bring snacks", "A blog")
    await chat.say("/mycircles", as_="fiona")
    await chat.press("Python for Everybody")
    asked = await chat.press("Remove Carl as co-facilitator")
    assert "They will be told, and can no longer manage it." in asked
    assert "Carl is no longer a co-facilitator of Python for Everybody." in await chat.press("Yes, remove")
    # At once: his next press is refused, before any message reaches him.
    assert "Only the circle's facilitators can do that." in await chat.press_token("signups:1", as_="carl")
    await dispatcher.run_pass()
    told = sender.to("carl")[-1].text
    assert told == "Fiona removed you as a co-facilitator of Python for Everybody. Thank you for your help!"
    # The lead cannot be removed, by a forged token either.
    assert "I could not find that" in await chat.press_token("remove-co-yes:1:1", as_="fiona")


async def test_a_co_facilitator_steps_down_and_the_lead_is_told(
    chat: ConsoleDriver, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    await _with_co_facilitator(chat)
    await chat.say("/mycircles", as_="carl")
    await chat.press("Python for Everybody")
    await chat.press("Step down as co-facilitator")
    assert "You are no longer a co-facilitator of Python for Everybody." in await chat.press("Yes, step down")
    await dispatcher.run_pass()
    assert sender.to("fiona")[-1].text == "Carl stepped down as a co-facilitator of Python for Everybody."
    assert "Python for Everybody" not in await chat.say("/mycircles", as_="carl")


async def test_team_members_see_the_team_but_not_others_reflections(chat: ConsoleDriver) -> None:
    """Finding 1: a facilitator invitation no longer opens the team's private feedback."""
    await make_team(chat)
    await join(chat, await invite_link(chat), "fiona")
    await create_circle(chat, as_="fiona")
    await join(chat, await invite_link(chat), "mallory")
    card = await chat.say("/team", as_="mallory")
    assert "Team Learning Circles Berlin — you are a member." in card
    assert "Organizers: Olga" in card
    assert "Your circles in the team: —" in card
    assert "Fiona" not in card and "Python for Everybody" not in card
    assert [b.label for b in chat.buttons()] == ["Leave the team"]
    for forged in ("team-feedback", "team-members", "team-circles", "team-week"):
        assert "Only the team's organizers can do that." in await chat.press_token(forged, as_="mallory"), forged
    assert "Your circles in the team: Python for Everybody" in await chat.say("/team", as_="fiona")


async def test_a_facilitator_invitation_works_once_by_default(chat: ConsoleDriver) -> None:
    await make_team(chat)
    code = await invite_link(chat)
    assert "It works once" in chat.shown["olga"][-1].text
    assert "You are a member." in await join(chat, code, "fiona")
    assert "not valid any more" in await chat.say(f"/start {code}", as_="mallory")


async def test_an_invitation_that_needs_approval(
    chat: ConsoleDriver, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    await make_team(chat)
    await chat.say("/team", as_="olga")
    await chat.press("Invite a facilitator")
    shared = await chat.press("A link for several people, with my approval")
    link = re.search(r"/start (t\w+)", shared)
    assert link
    asked = await chat.say(f"/start {link.group(1)}", as_="fiona")
    assert "An organizer of the team will be asked to let you in." in asked
    assert "I asked the organizers of Learning Circles Berlin to let you in." in await chat.press("Join the team")
    assert "You are not in a team." in await chat.say("/team", as_="fiona")  # not before an organizer says so
    await join(chat, link.group(1), "mallory")  # the same link serves several people

    await dispatcher.run_pass()
    requests = [r.text for r in sender.to("olga")]
    assert "Fiona would like to join Learning Circles Berlin as a facilitator. Let them in?" in requests
    assert "Mallory would like to join Learning Circles Berlin as a facilitator. Let them in?" in requests
    fiona_request = next(r for r in sender.to("olga") if r.text.startswith("Fiona"))
    mallory_request = next(r for r in sender.to("olga") if r.text.startswith("Mallory"))
    let_in = await chat.press_token(fiona_request.buttons[0][0].token, as_="olga")
    assert "Fiona is now a member of Learning Circles Berlin." in let_in
    declined = await chat.press_token(mallory_request.buttons[0][1].token, as_="olga")
    assert "You declined Mallory's request to join Learning Circles Berlin." in declined
    assert "already" in await chat.press_token(fiona_request.buttons[0][1].token, as_="olga")  # a second answer

    await dispatcher.run_pass()
    assert sender.to("fiona")[-1].text == "You are now a member of Learning Circles Berlin. Send /team to see it."
    assert sender.to("mallory")[-1].text == "The organizers of Learning Circles Berlin did not let you join this time."
    assert "you are a member" in await chat.say("/team", as_="fiona")
    assert "You are not in a team." in await chat.say("/team", as_="mallory")
    # A member cannot answer requests, even with a forged button.
    assert "Only the team's organizers can do that." in await chat.press_token(
        mallory_request.buttons[0][0].token, as_="fiona"
    )
