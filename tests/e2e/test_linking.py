"""Linking identities (SPEC §2, "Identity"): ``/link`` on one platform, the code on the other.

The same human is played on two platforms through the terminal driver: ``console`` is the
terminal itself, ``other`` speaks with ``platform="slack"``. Slack's own end-to-end tests link
through the real Slack adapter (tests/e2e/slack).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from adapters.console.driver import ConsoleDriver
from adapters.console.sender import ConsoleSender
from bot.app import Core
from bot.clock import FixedClock
from bot.conversation.messages import Incoming, Reply
from bot.conversation.outbound import Outcome, SendResult
from bot.delivery.dispatcher import Dispatcher
from storage.db import Database
from storage.tables import facilitators, identities, invites, metadata, people, rsvps, signups
from tests.delivery.test_timing import MEETING_1, REMINDER_1, reminders_to
from tests.e2e.flows import create_circle, sign_up


@dataclass
class OnPlatform(ConsoleDriver):
    """The terminal driver, speaking as a user of another platform."""

    platform: str = "slack"

    async def _send(self, **fields: object) -> str:
        self._updates += 1
        incoming = Incoming(
            platform=self.platform,
            user_id=f"U-{self.speaker}",
            chat_id=f"D-{self.speaker}",
            user_name=self.speaker.capitalize(),
            language=self.language,
            update_id=f"{self._session}-{self._updates}",
            **fields,  # type: ignore[arg-type]
        )
        replies = await self.app.handle(incoming)
        return "\n\n".join(self._show(reply) for reply in replies)


class SlackSender(ConsoleSender):
    """What the dispatcher sends to Slack chats: into the Slack side's view."""

    platform = "slack"


@pytest.fixture
def slack(app: Core) -> OnPlatform:
    return OnPlatform(app)


def code_in(text: str) -> str:
    found = re.search(r"Your link code is (\w+)", text)
    assert found, text
    return found.group(1)


async def link(first: ConsoleDriver, second: ConsoleDriver, as_: str) -> str:
    """``/link`` on ``first``, the code on ``second``, confirmed; returns the final answer."""
    code = code_in(await first.say("/link", as_=as_))
    ask = await second.say(f"/link {code}", as_=as_)
    assert "Link this account with" in ask, ask
    return await second.press("Yes, link them")


async def count(db: Database, table: str, **where: object) -> int:
    t = metadata.tables[table]
    query = select(func.count()).select_from(t).where(*(t.c[k] == v for k, v in where.items()))
    async with db.transaction() as conn:
        return int((await conn.execute(query)).scalar_one())


async def test_a_learner_links_slack_to_the_terminal_and_sees_one_set_of_circles(
    chat: ConsoleDriver, slack: OnPlatform, db: Database
) -> None:
    code = await create_circle(chat)
    await sign_up(chat, code, "alice", "Automate spreadsheets", "Excel tricks", "A garden tool")
    await chat.say("/rsvp", as_="alice")
    await chat.press("1: Yes")
    # Alice also talks to the bot on Slack, where she is a stranger so far.
    assert "You have not signed up for any circle yet" in await slack.say("/rsvp", as_="alice")

    done = await link(slack, chat, "alice")
    assert "Done: your accounts on the terminal and Slack are linked." in done

    # Now Slack knows her circle, her answers and her RSVP.
    answers = await slack.say("/rsvp", as_="alice")
    assert "Meeting 1, Mon, 7 Dec 2026, 18:00 CET: yes" in answers
    await slack.press("2: No")
    await chat.say("/rsvp", as_="alice")
    assert "Meeting 2, Mon, 14 Dec 2026, 18:00 CET: no" in chat.shown["alice"][-1].text

    async with db.transaction() as conn:
        alice = (await conn.execute(select(people.c.id).where(people.c.name == "Alice"))).scalars().all()
        platforms = (await conn.execute(select(identities.c.platform).where(identities.c.person_id == alice[0]))).all()
    assert len(alice) == 1, "one person, not two"
    assert sorted(p for (p,) in platforms) == ["console", "slack"]
    # The facilitator sees one Alice.
    await chat.say("/mycircles", as_="fiona")
    await chat.press("Python for Everybody")
    assert "Python for Everybody: 1 signup" in await chat.press("Signups")


async def test_where_both_accounts_answered_the_most_recent_answer_stays(
    chat: ConsoleDriver, slack: OnPlatform, db: Database, clock: FixedClock
) -> None:
    code = await create_circle(chat)
    # The survivor (the terminal account, older) signs up and says yes to meeting 1 and no to 2…
    await sign_up(chat, code, "alice", "Old goal", "Old help", "Old answer")
    await chat.say("/rsvp", as_="alice")
    await chat.press("1: Yes")
    await chat.press("2: No")
    clock.advance(timedelta(minutes=5))
    # …then, later, the Slack account signs up again and says no to meeting 1 and yes to 3.
    await sign_up(slack, code, "alice", "New goal", "New help", "New answer")
    await slack.say("/rsvp", as_="alice")
    await slack.press("1: No")
    await slack.press("3: Yes")
    clock.advance(timedelta(minutes=5))

    await link(chat, slack, "alice")

    async with db.transaction() as conn:
        goals = (await conn.execute(select(signups.c.goal, signups.c.active))).all()
        answers = dict((await conn.execute(select(rsvps.c.meeting_id, rsvps.c.attending))).all())
        persons = (await conn.execute(select(func.count()).select_from(people))).scalar_one()
    assert sorted(goals) == [("New goal", True)]
    assert list(answers.values()) == [False, False, True], answers  # meetings 1, 2, 3
    assert persons == 2  # Fiona and Alice
    listing = await slack.say("/rsvp", as_="alice")
    assert "Meeting 1, Mon, 7 Dec 2026, 18:00 CET: no" in listing
    assert "Meeting 3, Mon, 21 Dec 2026, 18:00 CET: yes" in listing


async def test_a_reminder_received_before_linking_is_not_sent_again(
    chat: ConsoleDriver, slack: OnPlatform, db: Database, clock: FixedClock
) -> None:
    code = await create_circle(chat)
    # Alice first talked to the bot in the terminal (that account survives the link), but signs
    # up on Slack, where she gets meeting 1's reminder.
    assert "You have not signed up for any circle yet" in await chat.say("/rsvp", as_="alice")
    await sign_up(slack, code, "alice", "Automate spreadsheets", "Excel tricks", "A garden tool")
    terminal, on_slack = ConsoleSender(driver=chat), SlackSender(driver=slack)
    dispatcher = Dispatcher(db, clock, {"console": terminal, "slack": on_slack})
    clock.set(REMINDER_1)
    await dispatcher.run_pass()
    assert len(reminders_to(on_slack, "D-alice")) == 1

    assert "linked" in await link(chat, slack, "alice")

    # The passes until the meeting send her no second reminder, on either platform.
    for moment in (
        REMINDER_1 + timedelta(minutes=20),
        REMINDER_1 + timedelta(days=1),
        MEETING_1 - timedelta(minutes=1),
    ):
        clock.set(moment)
        await dispatcher.run_pass()
    assert reminders_to(terminal, "alice") == []
    assert len(reminders_to(on_slack, "D-alice")) == 1


async def test_a_message_waiting_for_both_accounts_arrives_once_and_is_reported_once(
    chat: ConsoleDriver, slack: OnPlatform, db: Database, clock: FixedClock
) -> None:
    code = await create_circle(chat)
    # Alice signed up twice without knowing: in the terminal and on Slack.
    await sign_up(chat, code, "alice", "Old goal", "Old help", "Old answer")
    await sign_up(slack, code, "alice", "New goal", "New help", "New answer")
    await chat.say("/message", as_="fiona")
    await chat.say("Room change: we meet in room 3.")
    assert "Sending it to 2 learners." in await chat.press("Send it")
    # Before any dispatcher ran, she links her accounts.
    await link(slack, chat, "alice")

    terminal, on_slack = ConsoleSender(driver=chat), SlackSender(driver=slack)
    await Dispatcher(db, clock, {"console": terminal, "slack": on_slack}).run_pass()
    copies = [r for r in terminal.to("alice") + on_slack.to("D-alice") if "room 3" in r.text]
    assert len(copies) == 1
    report = terminal.to("fiona")[-1].text
    assert "Your message to Python for Everybody reached 1 of 1 learners." in report


class FlakyTerminal(ConsoleSender):
    """The terminal failing once for Alice (a network error): her copy there is retried later."""

    failed = False

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        if chat_id == "alice" and not self.failed:
            self.failed = True
            return SendResult(Outcome.FAILED, error="connection reset")
        return await super().send(chat_id, reply)


async def test_a_message_that_reached_one_account_is_not_sent_to_the_other_after_linking(
    chat: ConsoleDriver, slack: OnPlatform, db: Database, clock: FixedClock
) -> None:
    code = await create_circle(chat)
    await sign_up(chat, code, "alice", "Old goal", "Old help", "Old answer")
    await sign_up(slack, code, "alice", "New goal", "New help", "New answer")
    await chat.say("/message", as_="fiona")
    await chat.say("Room change: we meet in room 3.")
    await chat.press("Send it")
    terminal, on_slack = FlakyTerminal(driver=chat), SlackSender(driver=slack)
    dispatcher = Dispatcher(db, clock, {"console": terminal, "slack": on_slack})
    await dispatcher.run_pass()
    # Slack delivered it; the terminal's copy waits for its retry.
    assert [len(terminal.to("alice")), len(on_slack.to("D-alice"))] == [0, 1]

    await link(slack, chat, "alice")
    clock.advance(timedelta(minutes=5))
    await dispatcher.run_pass()
    assert [len(terminal.to("alice")), len(on_slack.to("D-alice"))] == [0, 1]
    report = terminal.to("fiona")[-1].text
    assert "Your message to Python for Everybody reached 1 of 1 learners." in report


async def test_a_merged_facilitator_keeps_the_lead_role_and_gets_each_message_once(
    chat: ConsoleDriver, slack: OnPlatform, db: Database, clock: FixedClock
) -> None:
    # Fiona leads a circle from the terminal; on Slack (a stranger so far) she co-facilitates it too.
    await create_circle(chat, as_="fiona")
    await chat.say("/mycircles", as_="fiona")
    await chat.press("Python for Everybody")
    invitation = await chat.press("Add a co-facilitator")
    invite_code = re.search(r"/start (\w+)", invitation)
    assert invite_code, invitation
    assert "co-facilitator" in await slack.say(f"/start {invite_code.group(1)}", as_="fiona")
    async with db.transaction() as conn:
        owners = dict((await conn.execute(select(identities.c.platform, identities.c.person_id))).all())
    fiona, slack_fiona = owners["console"], owners["slack"]
    # Each of her accounts gets its copy of meeting 1's reminder.
    terminal, on_slack = ConsoleSender(driver=chat), SlackSender(driver=slack)
    dispatcher = Dispatcher(db, clock, {"console": terminal, "slack": on_slack})
    clock.set(REMINDER_1)
    await dispatcher.run_pass()
    assert [len(reminders_to(terminal, "fiona")), len(reminders_to(on_slack, "D-fiona"))] == [1, 1]

    done = await link(slack, chat, "fiona")
    assert "linked" in done

    # From now on one Fiona: no copy again, one feedback prompt when meeting 1 has ended.
    for moment in (REMINDER_1 + timedelta(hours=1), MEETING_1 + timedelta(minutes=90), MEETING_1 + timedelta(hours=3)):
        clock.set(moment)
        await dispatcher.run_pass()
    assert [len(reminders_to(terminal, "fiona")), len(reminders_to(on_slack, "D-fiona"))] == [1, 1]
    prompts = [r for r in terminal.sent + on_slack.sent if "has ended." in r[1].text]
    assert len(prompts) == 1

    async with db.transaction() as conn:
        roles = (await conn.execute(select(facilitators.c.person_id, facilitators.c.role))).all()
        used = (await conn.execute(select(invites.c.used_by).where(invites.c.kind == "link"))).scalars().all()
    assert roles == [(fiona, "lead")]
    assert used == [fiona]
    # Nothing anywhere still points at the merged person.
    for table in metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column is people.c.id:
                assert await count(db, table.name, **{fk.parent.name: slack_fiona}) == 0, table.name
    assert await count(db, "people", id=slack_fiona) == 0


async def test_codes_are_one_time_short_lived_and_for_another_platform(
    chat: ConsoleDriver, slack: OnPlatform, clock: FixedClock
) -> None:
    # Any code-like text that no /link made.
    assert "That code is not valid" in await chat.say("/link abcdefgh", as_="alice")
    assert "That code is not valid" in await chat.say("/link <script>", as_="alice")

    # Your own code, on the same account.
    code = code_in(await chat.say("/link", as_="alice"))
    assert "That is the code of this account" in await chat.say(f"/link {code}", as_="alice")
    # Another terminal account: same platform.
    refused = await chat.say(f"/link {code}", as_="bob")
    assert "Both accounts are on the terminal" in refused

    # Too late.
    code = code_in(await chat.say("/link", as_="alice"))
    clock.advance(timedelta(minutes=16))
    assert "That code is not valid" in await slack.say(f"/link {code}", as_="alice")

    # A new code ends the earlier one; typing it with spaces and capitals is fine.
    first = code_in(await chat.say("/link", as_="alice"))
    second = code_in(await chat.say("/link", as_="alice"))
    assert "That code is not valid" in await slack.say(f"/link {first}", as_="alice")
    spaced = " ".join([second[:4].upper(), second[4:]])
    assert "Link this account with Alice on the terminal?" in await slack.say(f"/link {spaced}", as_="alice")
    assert "Nothing was linked." in await slack.press("No")

    # Used once, it works no more — even from a third account on another platform.
    await slack.say(f"/link {second}", as_="alice")
    assert "linked" in await slack.press("Yes, link them")
    telegram = OnPlatform(slack.app, platform="telegram")
    assert "That code is not valid" in await telegram.say(f"/link {second}", as_="mallory")
    # Pressing "Yes" again (a double tap) changes nothing and says why.
    assert "That code is not valid" in await slack.press("Yes, link them")


async def test_the_confirmation_acts_for_whoever_pressed_it(chat: ConsoleDriver, slack: OnPlatform) -> None:
    """A token carries the code only; the account linked is the one that pressed the button."""
    code = code_in(await chat.say("/link", as_="alice"))
    # Mallory forges the confirmation with Alice's code on the terminal: that is Alice's platform.
    assert "Both accounts are on the terminal" in await chat.press_token(f"link:{code}", as_="mallory")
    # A made-up code in a forged token.
    assert "That code is not valid" in await slack.press_token("link:zzzzzzzz", as_="mallory")
    assert "That button no longer works" in await slack.press_token("link:", as_="mallory")


async def test_linking_is_refused_in_a_group(app: Core) -> None:
    incoming = Incoming(
        platform="telegram", user_id="1", chat_id="-100", user_name="Ann", command="link", in_group=True
    )
    replies = await app.handle(incoming)
    assert "private chat" in replies[0].text


async def test_a_forgotten_account_cannot_be_linked(chat: ConsoleDriver, slack: OnPlatform) -> None:
    code = code_in(await chat.say("/link", as_="alice"))
    await chat.say("/forget", as_="alice")
    await chat.press("Yes, forget me")
    assert "That code is not valid" in await slack.say(f"/link {code}", as_="alice")
