"""Outside the direct message, and when Slack says no: answers are ephemeral in channels, personal
flows move to the direct message, and Slack's refusals reach the person as a clear message."""

from __future__ import annotations

from adapters.console.driver import ConsoleDriver
from bot.app import Core
from bot.conversation.messages import Incoming, Reply
from tests.e2e.flows import create_circle
from tests.e2e.slack.harness import SlackChat, running_slack
from tests.fakes.slack_api import FakeSlack


async def test_in_a_channel_answers_are_for_the_asker_only(slack: SlackChat, app: Core) -> None:
    fake = slack.slack
    await create_circle(ConsoleDriver(app))
    alice, bob = slack.person("alice"), slack.person("bob")
    fake.channel("C0LEARN", "learning", alice, bob)

    found = await slack.command("browse Berlin", as_="alice", channel="C0LEARN")
    assert found.startswith("(only you) ") and "Python for Everybody" in found
    assert fake.calls_to("chat.postMessage") == []  # nothing public
    assert fake.seen_by(bob) == []
    # A button on that ephemeral answer: the card comes ephemeral too, with a way to the DM.
    card = await slack.press("Python for Everybody")
    assert card.startswith("(only you) ") and "Sign up" in card

    # Personal flows belong in the direct message: one click opens it.
    moved = await slack.command("new", channel="C0LEARN")
    assert "Let's do that in a private chat with me" in moved
    link = slack.message_with("Open a direct message with me")
    assert link.button("Open a direct message")["url"] == (  # type: ignore[index]
        f"https://slack.com/app_redirect?app={fake.app_id}&team={fake.team_id}"
    )
    # Slack reports the click on a link button too: acknowledged, nothing else happens.
    calls = len(fake.calls)
    clicked = await fake.send_action(alice, link, "Open a direct message")
    assert clicked.status == 200
    assert len(fake.calls) == calls


async def test_personal_buttons_in_a_channel_lead_to_the_direct_message(slack: SlackChat, app: Core) -> None:
    fake = slack.slack
    code = await create_circle(ConsoleDriver(app))
    alice = slack.person("alice")
    fake.channel("C0LEARN", "learning", alice)
    await slack.command(f"start {code}", as_="alice")
    await slack.press("Sign up")
    await slack.press("I agree")
    await slack.say("Automate my spreadsheets")
    await slack.say("Excel tricks")
    assert "You are signed up" in await slack.say("A garden tool")
    # Her circle's card in a channel is for her eyes only; leaving it is done in the direct message.
    await slack.command("browse Berlin", channel="C0LEARN")
    card = await slack.press("Python for Everybody")
    assert card.startswith("(only you) ") and "You are signed up." in card
    moved = await slack.press("Leave the circle")
    assert moved.startswith("(only you) ") and "private chat" in moved
    assert slack.message_with("Open a direct message with me").ephemeral_to == alice.id
    assert fake.calls_to("chat.update") == []


class Editing(Core):
    """The core, answering every button by replacing the message it was on (as many handlers do)."""

    async def handle(self, incoming: Incoming) -> list[Reply]:
        replies = await super().handle(incoming)
        for reply in replies:
            reply.edit = incoming.action is not None
        return replies


async def test_an_ephemeral_answer_is_replaced_when_the_core_edits(app: Core, fake_slack: FakeSlack) -> None:
    editing = Editing(db=app.db, clock=app.clock, settings=app.settings)
    await create_circle(ConsoleDriver(editing))
    async with running_slack(editing, fake_slack) as slack:
        alice = slack.person("alice")
        fake_slack.channel("C0LEARN", "learning", alice)
        listed = await slack.command("browse Berlin", as_="alice", channel="C0LEARN")
        assert listed.startswith("(only you) ")
        replaced = await slack.press("Python for Everybody")
        assert replaced.startswith("(updated) ") and "Sign up" in replaced
    _, body = fake_slack.responses[-1]
    assert body["replace_original"] is True
    assert fake_slack.calls_to("chat.update") == []  # an ephemeral message is replaced via its response URL


async def test_a_command_in_two_peoples_direct_message_answers_only_the_asker(slack: SlackChat) -> None:
    fake = slack.slack
    alice, bob = slack.person("alice"), slack.person("bob")
    fake.channel("D0ALICEBOB", "alice-bob", alice, bob, bot=False, private=True)  # the bot is not part of it
    answer = await slack.command("mycircles", as_="alice", channel="D0ALICEBOB")
    assert "private chat" in answer and answer.startswith("(only you) ")
    assert fake.seen_by(bob) == []


async def test_when_the_direct_message_is_refused_the_answer_says_why(slack: SlackChat) -> None:
    fake = slack.slack
    alice = slack.person("alice")
    fake.fail("chat.postMessage", error="messages_tab_disabled", channel=alice.dm)
    answer = await slack.command("help", as_="alice")
    assert answer.startswith("(only you) ")
    assert "direct messages with me are turned off" in answer
    assert "Circles runs learning circles" in answer


async def test_a_rate_limited_answer_is_delayed_not_dropped(slack: SlackChat) -> None:
    fake = slack.slack
    fake.fail("chat.postMessage", status=429, retry_after=0)
    answer = await slack.command("help", as_="alice")
    assert "Circles runs learning circles" in answer
    posts = fake.calls_to("chat.postMessage")
    assert [(c.status, c.error) for c in posts] == [(429, "ratelimited"), (200, None)]


async def test_an_update_that_slack_refuses_becomes_a_new_message(slack: SlackChat) -> None:
    fake = slack.slack
    await slack.command("language", as_="alice")
    fake.fail("chat.update", error="message_not_found")
    answer = await slack.press("English")
    assert answer.startswith("From now on") and "speak English" in answer
