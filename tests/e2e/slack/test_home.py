"""Slack at home: the App Home tab, a circle's card shared in a channel, and ``@Circles``.

The real slack-bolt and slack-sdk against the fake Slack: signed ``app_home_opened`` and
``app_mention`` events and ``block_actions`` from a Home view reach ``/slack/events``; the home
arrives through ``views.publish``."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot import geo
from bot.app import Core
from bot.clock import FixedClock
from storage.db import Database
from storage.tables import circles, people, rsvps, signups
from tests.e2e.slack.harness import SlackChat, running_slack
from tests.e2e.test_whole_circle import BERLIN_CIRCLE, BUTTONS, SHARE_CODE
from tests.fakes.slack_api import FakeSlack


@pytest.fixture(autouse=True, scope="module")
def city_index() -> None:
    """As the running bot does at start-up: the first city typed does not wait for the index."""
    geo.preload()


async def create_on_slack(slack: SlackChat, as_: str = "fiona") -> str:
    """Fiona creates and publishes the Berlin circle in her direct message; its share code."""
    await slack.command("new", as_=as_)
    for answer in BERLIN_CIRCLE:
        await (slack.press if answer in BUTTONS else slack.say)(answer)
    found = SHARE_CODE.search(await slack.press("Publish"))
    assert found
    return found.group(1)


async def sign_up_on_slack(slack: SlackChat, code: str, as_: str) -> None:
    await slack.command(f"start {code}", as_=as_)
    await slack.press("Sign up")
    await slack.press("I agree")
    await slack.say("Automate my spreadsheets")
    await slack.say("Excel tricks")
    assert "You are signed up" in await slack.say("A garden tool")


async def only_circle_id(db: Database) -> int:
    async with db.transaction() as conn:
        return int((await conn.execute(select(circles.c.id))).scalar_one())


async def count(db: Database, table: object) -> int:
    async with db.transaction() as conn:
        return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())  # type: ignore[arg-type]


async def test_the_home_shows_my_circles_and_an_rsvp_from_it_is_recorded(slack: SlackChat, db: Database) -> None:
    fake = slack.slack
    code = await create_on_slack(slack)
    await sign_up_on_slack(slack, code, "alice")

    # Alice opens the Home tab: her circle, its next meeting, her answer, and RSVP buttons.
    opened = await slack.open_home(as_="alice")
    assert opened.startswith("(home) ")
    home = fake.home_of(slack.person("alice"))
    assert "Your circles" in home.plain()
    assert "Python for Everybody" in home.plain()
    assert "Next meeting: Mon, 7 Dec 2026, 18:00 CET" in home.plain()
    assert "Your answer: no answer yet" in home.plain()
    assert [b["text"]["text"] for b in home.buttons()] == ["I'll be there", "I can't make it", "Open the circle"]
    assert fake.calls_to("views.publish")[-1].args["user_id"] == slack.person("alice").id

    # She presses "I'll be there" on the home: the RSVP is recorded and the home republished.
    posts = len(fake.calls_to("chat.postMessage"))
    pressed = await slack.press_home("I'll be there")
    assert pressed.startswith("(home) ")
    home = fake.home_of(slack.person("alice"))
    assert "Your answer: yes" in home.plain()
    assert home.buttons()[0]["text"]["text"] == "✓ I'll be there"
    assert await count(db, rsvps) == 1
    assert len(fake.calls_to("chat.postMessage")) == posts  # the home was the answer, no message

    # Opening the tab again while nothing changed: Slack shows the published home; no new call.
    publishes = len(fake.calls_to("views.publish"))
    await slack.open_home()
    assert len(fake.calls_to("views.publish")) == publishes

    # The facilitator's home: her circle with its signups and who said yes to the next meeting.
    await slack.open_home(as_="fiona")
    fionas = fake.home_of(slack.person("fiona")).plain()
    assert "Circles you facilitate" in fionas
    assert "Signups: 1" in fionas and "Said yes: Alice" in fionas
    assert "Your circles" not in fionas  # she is no learner of it


async def test_what_others_do_reaches_the_homes_it_concerns(slack: SlackChat, clock: FixedClock) -> None:
    fake = slack.slack
    code = await create_on_slack(slack)
    await slack.open_home(as_="fiona")
    assert "Signups: 0" in fake.home_of(slack.person("fiona")).plain()
    await sign_up_on_slack(slack, code, "bob")
    # Bob (who never opened his home) signed up for Fiona's circle: her home is drawn again.
    await slack.adapter.homes.settled()
    assert "Signups: 1" in fake.home_of(slack.person("fiona")).plain()
    await slack.open_home(as_="bob")
    await slack.command("rsvp")
    await slack.press("1: Yes")
    await slack.adapter.homes.settled()
    assert "Said yes: Bob" in fake.home_of(slack.person("fiona")).plain()
    assert "Your answer: yes" in fake.home_of(slack.person("bob")).plain()  # his own, at once

    # Someone unconcerned acts: no home of theirs is drawn again, nothing is published.
    publishes = len(fake.calls_to("views.publish"))
    await slack.command("help", as_="zoe")
    await slack.adapter.homes.settled()
    assert len(fake.calls_to("views.publish")) == publishes

    # Time passes: the first meeting is over; the refresh pass moves both homes to the next one.
    assert await slack.adapter.homes.refresh() == 0
    clock.set(datetime(2026, 12, 8, 9, 0, tzinfo=UTC))
    assert await slack.adapter.homes.refresh() == 2
    assert "Next meeting: Mon, 14 Dec 2026, 18:00 CET" in fake.home_of(slack.person("bob")).plain()


async def test_an_organizer_sees_the_teams_week(slack: SlackChat) -> None:
    fake = slack.slack
    await create_on_slack(slack)
    await slack.command("team", as_="fiona")
    await slack.press("Create a team")
    await slack.say("Berlin Learners")
    await slack.say("Europe/Berlin")
    await slack.open_home(as_="fiona")
    home = fake.home_of(slack.person("fiona"))
    assert "This week in Berlin Learners" in home.plain()
    assert home.button("Your team") is not None
    await slack.press_home("Manage the circle")  # a press that opens something: in her direct message
    assert "Share in channel" in slack.slack.last_message(slack.person("fiona").dm).shown()


async def test_a_newcomers_home_says_how_to_start(slack: SlackChat) -> None:
    await slack.open_home(as_="zoe")
    home = slack.slack.home_of(slack.person("zoe")).plain()
    assert "Welcome to Circles" in home and "/circles browse" in home


async def test_forged_home_presses_change_nothing(slack: SlackChat, db: Database) -> None:
    fake = slack.slack
    code = await create_on_slack(slack)
    await sign_up_on_slack(slack, code, "alice")
    await slack.open_home(as_="alice")
    token = fake.home_of(slack.person("alice")).button("I'll be there")["value"]  # type: ignore[index]

    # Mallory, signed up for nothing, sends Alice's RSVP token from her own home: refused.
    refused = await slack.press_home("I'll be there", as_="mallory", value=token)
    assert "You can only answer for meetings of circles you signed up for." in refused
    # A token no button carries, and another person's circle to manage: refused, nothing changes.
    assert "no longer works" in await slack.press_home("x", as_="mallory", value="rsvp:99999999999:y")
    circle_id = await only_circle_id(db)
    managed = await slack.press_home("Manage", as_="mallory", value=f"manage:{circle_id}")
    assert "Only the circle's facilitators can do that." in managed
    assert "Python for Everybody" not in managed
    shared = await slack.press_home("Share", as_="mallory", value=f"share:{circle_id}")
    assert "Only the circle's facilitators can do that." in shared
    assert await count(db, rsvps) == 0

    # A home press without Slack's signature never reaches the bot.
    body = json.dumps({"type": "block_actions", "user": {"id": "U0MALLORY"}, "container": {"type": "view"}})
    sent = await fake.post_to_app(f"payload={body}", "application/x-www-form-urlencoded", {})
    assert sent.status == 401
    stale = fake.sign(f"payload={body}", timestamp=1)
    assert (await fake.post_to_app(f"payload={body}", "application/x-www-form-urlencoded", stale)).status == 401
    # Nor does an app_home_opened or a mention signed with another secret: nothing is published or posted.
    publishes, posts = len(fake.calls_to("views.publish")), len(fake.calls_to("chat.postMessage"))
    for event in (
        {"type": "app_home_opened", "user": "U0ALICE", "channel": "D0ALICE", "tab": "home"},
        {"type": "app_mention", "user": "U0ALICE", "channel": "C0X", "text": "hi", "ts": "1.2"},
    ):
        envelope = json.dumps({"type": "event_callback", "event_id": "Ev0FORGED", "event": event})
        forged = fake.sign(envelope, secret="not-the-signing-secret")
        assert (await fake.post_to_app(envelope, "application/json", forged)).status == 401
    assert len(fake.calls_to("views.publish")) == publishes
    assert len(fake.calls_to("chat.postMessage")) == posts


async def test_a_shared_card_starts_the_signup_in_the_pressers_direct_message(slack: SlackChat, db: Database) -> None:
    fake = slack.slack
    await create_on_slack(slack)
    fiona, bob, carol = slack.person("fiona"), slack.person("bob"), slack.person("carol")
    fake.channel("C0LEARN", "learning", fiona, bob, carol)

    # Fiona shares the circle from its manage screen: she picks the channel with Slack's picker.
    await slack.command("mycircles", as_="fiona")
    await slack.press("Python for Everybody")
    asked = await slack.press("Share in channel")
    assert "In which channel should I post the card of Python for Everybody?" in asked
    assert "[Choose a channel ▾]" in asked
    done = await slack.pick("C0LEARN")
    assert "I posted the card of Python for Everybody in the channel." in done
    card = fake.last_message("C0LEARN")
    assert card.ephemeral_to is None and "Python for Everybody" in card.plain()
    assert [b["text"]["text"] for b in card.buttons()] == ["Sign up"]
    assert "Press Sign up to join" in fake.seen_by(bob)[-1]

    # Bob presses Sign up in the channel: the signup starts in HIS direct message, not the channel.
    for_everyone = [m for m in fake.messages_in("C0LEARN") if m.ephemeral_to is None]
    seen = await slack.press("Sign up", as_="bob")
    assert "Do you agree?" in fake.last_message(bob.dm).plain()
    assert "(only you) I wrote to you in a private chat with me" in seen
    assert [m for m in fake.messages_in("C0LEARN") if m.ephemeral_to is None] == for_everyone
    assert fake.seen_by(carol, fake.mark() - 2) == []
    await slack.press("I agree")
    await slack.say("Learn to code")
    await slack.say("Bring snacks")
    assert "You are signed up for Python for Everybody!" in await slack.say("A game")
    assert await count(db, signups) == 1


async def test_sharing_in_a_channel_the_bot_is_not_in_says_how(slack: SlackChat) -> None:
    fake = slack.slack
    await create_on_slack(slack)
    fake.channel("C0SECRET", "secret", slack.person("fiona"), bot=False, private=True)
    await slack.command("mycircles", as_="fiona")
    await slack.press("Python for Everybody")
    await slack.press("Share in channel")
    answer = await slack.pick("C0SECRET")
    assert "it is private and I am not in it. Invite me there with /invite @Circles" in answer
    assert "I posted the card" not in answer
    assert fake.messages_in("C0SECRET") == []


async def test_a_mention_answers_with_short_help_in_the_thread(slack: SlackChat, fake_slack: FakeSlack) -> None:
    alice = slack.person("alice")
    fake_slack.channel("C0LEARN", "learning", alice)
    await slack.mention("what can you do?", channel="C0LEARN", as_="alice")
    [asked, answer] = fake_slack.messages_in("C0LEARN")
    assert answer.thread_ts == asked.ts and answer.ephemeral_to is None
    assert "I run learning circles" in answer.plain()
    assert "/circles browse [city]" in answer.plain() and "/circles help" in answer.plain()
    assert answer.button("Open a direct message with me") is not None


async def test_no_home_is_published_for_someone_who_never_opened_it(slack: SlackChat) -> None:
    await slack.command("help", as_="alice")
    assert slack.slack.calls_to("views.publish") == []


async def test_after_forget_the_home_forgets_too_and_looking_creates_nobody(slack: SlackChat, db: Database) -> None:
    fake = slack.slack
    code = await create_on_slack(slack)
    await sign_up_on_slack(slack, code, "alice")
    await slack.open_home(as_="alice")
    await slack.command("forget")
    assert "your personal data is deleted" in await slack.press("Yes, forget me")
    home = fake.home_of(slack.person("alice")).plain()
    assert "Python for Everybody" not in home and "Welcome to Circles" in home
    people_now = await count(db, people)
    await slack.adapter.homes.refresh()
    await slack.open_home()
    assert await count(db, people) == people_now  # drawing a home writes nothing


async def test_the_home_works_in_socket_mode_too(app: Core, fake_slack: FakeSlack) -> None:
    async with running_slack(app, fake_slack, socket_mode=True) as slack:
        await slack.open_home(as_="zoe")
        assert "Welcome to Circles" in fake_slack.home_of(slack.person("zoe")).plain()
        fake_slack.channel("C0LEARN", "learning", slack.person("zoe"))
        await slack.mention("hello", channel="C0LEARN", as_="zoe")
        assert "I run learning circles" in fake_slack.last_message("C0LEARN").plain()
