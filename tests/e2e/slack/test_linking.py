"""Linking a Slack account with another platform's, through the real Slack adapter (SPEC §2)."""

from __future__ import annotations

import re

from sqlalchemy import select

from adapters.console.driver import ConsoleDriver
from bot.app import Core
from storage.db import Database
from storage.tables import identities
from tests.e2e.flows import create_circle, sign_up
from tests.e2e.slack.harness import SlackChat


def code_in(text: str) -> str:
    found = re.search(r"Your link code is (\w+)", text)
    assert found, text
    return found.group(1)


async def test_a_code_from_slack_typed_in_the_terminal(slack: SlackChat, app: Core, db: Database) -> None:
    terminal = ConsoleDriver(app)
    code = await create_circle(terminal)
    await sign_up(terminal, code, "alice", "Automate spreadsheets", "Excel tricks", "A garden tool")

    offer = await slack.command("link", as_="alice")
    assert f"\n\nlink {code_in(offer)}\n\n" in offer  # plain words work in every private chat
    asked = await terminal.say(f"/link {code_in(offer)}", as_="alice")
    assert "Link this account with Alice on Slack?" in asked
    assert "linked" in await terminal.press("Yes, link them")

    # On Slack, Alice now has her circle.
    answers = await slack.command("rsvp", as_="alice")
    assert "Python for Everybody — will you come?" in answers
    async with db.transaction() as conn:
        owners = dict((await conn.execute(select(identities.c.external_id, identities.c.person_id))).all())
    assert owners["alice"] == owners["U0ALICE"]  # one Alice, on the terminal and on Slack


async def test_a_terminal_code_typed_in_the_slack_direct_message(slack: SlackChat, app: Core) -> None:
    terminal = ConsoleDriver(app)
    offer = await terminal.say("/link", as_="olga")
    asked = await slack.say(f"link {code_in(offer)}", as_="olga")  # a plain word in the DM
    assert "Link this account with Olga on the terminal?" in asked
    done = await slack.press("Yes, link them")
    assert done.startswith("(updated) Done: your accounts on the terminal and Slack are linked.")
    # A code in a channel is refused: it would be on show there.
    olga = slack.person("olga")
    slack.slack.channel("C0TEAM", "team", olga)
    refused = await slack.command("link", channel="C0TEAM")
    assert "private chat" in refused and "Your link code" not in refused
