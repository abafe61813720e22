"""The weekly summary and its chart in a Slack channel the bot was never invited to.

Slack lets the bot post text in any public channel (``chat:write.public``) but shares a file only
where it is a member (``files.completeUploadExternal`` answers ``not_in_channel``): the sender
joins the public channel (``conversations.join``) and shares the chart once more. Where it cannot
join, the text that arrived counts as sent, so the summary is never posted twice. Driven through
the real slack-bolt / slack-sdk against the fake Slack, with the delivery engine's own passes.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot import geo
from bot.app import Core
from bot.clock import FixedClock
from bot.delivery.dispatcher import Dispatcher
from storage.tables import outbox
from tests.e2e.slack.harness import SlackChat
from tests.e2e.slack.test_home import create_on_slack, sign_up_on_slack
from tests.fakes.slack_api import FakeSlack, Posted

BERLIN = ZoneInfo("Europe/Berlin")
REMINDER_1 = datetime(2026, 12, 5, 18, 0, tzinfo=BERLIN)  # two days before meeting 1 (Mon 7 Dec)
SUMMARY_MONDAY = datetime(2026, 12, 14, 10, 0, tzinfo=BERLIN)  # the team's default summary time
CHANNEL = "C0ORGANIZERS"
CHART = "attendance-2026-12-14.png"


@pytest.fixture(autouse=True, scope="module")
def _geo() -> None:
    geo.preload()


async def a_team_with_a_week_to_chart(slack: SlackChat, clock: FixedClock, deliver: Dispatcher) -> None:
    """Olga's team on Slack; Fiona's circle with Alice, who said she comes to meeting 1."""
    clock.set(datetime(2026, 12, 2, 12, 0, tzinfo=BERLIN))
    await slack.command("team", as_="olga")
    await slack.press("Create a team")
    await slack.say("Learning Circles Berlin")
    await slack.say("Europe/Berlin")
    await slack.command("team")
    code = re.search(r"/circles start (t\w+)", await slack.press("Invite a facilitator"))
    assert code
    await slack.command(f"start {code.group(1)}", as_="fiona")
    await slack.press("Join the team")
    share = await create_on_slack(slack, as_="fiona")
    await sign_up_on_slack(slack, share, as_="alice")
    clock.set(REMINDER_1)
    await deliver.run_pass()
    assert "You said you will come to meeting 1" in await slack.press("I'll be there", as_="alice")


async def choose_channel(slack: SlackChat) -> str:
    """Olga runs /circles team in the channel and chooses it; the confirmation she sees."""
    await slack.command("team", channel=CHANNEL, as_="olga")
    return await slack.press("Send the weekly summary here")


def posts(fake: FakeSlack, channel: str) -> list[Posted]:
    return [m for m in fake.messages_in(channel) if m.ephemeral_to is None]


def shares(fake: FakeSlack) -> list[str | None]:
    """How each attempt to share a file in the channel ended: None when shared, else the error."""
    return [c.error for c in fake.calls_to("files.completeUploadExternal") if c.args.get("channel_id") == CHANNEL]


def dispatcher(app: Core, slack: SlackChat) -> Dispatcher:
    return Dispatcher(app.db, app.clock, {"slack": slack.adapter.sender})


async def test_the_summary_and_its_chart_reach_a_public_channel_the_bot_had_not_joined(
    app: Core, clock: FixedClock, slack: SlackChat, fake_slack: FakeSlack
) -> None:
    deliver = dispatcher(app, slack)
    await a_team_with_a_week_to_chart(slack, clock, deliver)
    fake_slack.channel(CHANNEL, "organizers", slack.person("olga"), bot=False)  # public, bot not invited
    chosen = await choose_channel(slack)
    assert "The weekly summary of Learning Circles Berlin will be posted in this chat." in chosen
    assert "If this is a private channel, invite me to it (on Slack: /invite @Circles)" in chosen

    clock.set(SUMMARY_MONDAY)
    await deliver.run_pass()
    # The text once, the chart once; the bot joined the channel on the way.
    text, chart = posts(fake_slack, CHANNEL)
    assert "Weekly summary of Learning Circles Berlin, week of Mon, 14 Dec 2026" in text.plain()
    assert [f.filename for f in chart.files] == [CHART]
    assert chart.files[0].content.startswith(b"\x89PNG")
    assert fake_slack.bot_user_id in fake_slack.channels[CHANNEL].members
    joins = fake_slack.calls_to("conversations.join")
    assert [c.args["channel"] for c in joins] == [CHANNEL]
    assert shares(fake_slack) == ["not_in_channel", None]  # refused before joining, shared after

    # Later passes that week post nothing more.
    clock.advance(timedelta(hours=3))
    await deliver.run_pass()
    assert len(posts(fake_slack, CHANNEL)) == 2


async def test_where_the_bot_cannot_join_the_text_arrives_once_and_is_not_retried(
    app: Core, clock: FixedClock, slack: SlackChat, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    """An app installed before ``channels:join`` was in the manifest: Slack answers missing_scope."""
    deliver = dispatcher(app, slack)
    await a_team_with_a_week_to_chart(slack, clock, deliver)
    fake_slack.channel(CHANNEL, "organizers", slack.person("olga"), bot=False)
    await choose_channel(slack)
    fake_slack.scopes = fake_slack.scopes - {"channels:join"}

    clock.set(SUMMARY_MONDAY)
    with caplog.at_level(logging.WARNING, logger="adapters.slack.sender"):
        await deliver.run_pass()
    (text,) = posts(fake_slack, CHANNEL)
    assert "Weekly summary of Learning Circles Berlin, week of Mon, 14 Dec 2026" in text.plain()
    assert [c.error for c in fake_slack.calls_to("conversations.join")] == ["missing_scope"]
    assert shares(fake_slack) == ["not_in_channel"]
    assert "its file could not be shared: not_in_channel" in caplog.text
    # Recorded as sent, with what went missing, so no pass sends the summary again.
    async with app.db.transaction() as conn:
        row = (await conn.execute(select(outbox.c.status, outbox.c.last_error).where(outbox.c.kind == "summary"))).one()
    assert (row.status, row.last_error) == ("sent", "file not shared: not_in_channel")
    calls = len(fake_slack.calls)
    for _ in range(3):
        clock.advance(timedelta(hours=1))
        await deliver.run_pass()
    assert len(posts(fake_slack, CHANNEL)) == 1
    assert [c.method for c in fake_slack.calls[calls:]] == []


async def test_a_private_channel_the_bot_was_not_invited_to_gets_nothing_and_one_try(
    app: Core, clock: FixedClock, slack: SlackChat, fake_slack: FakeSlack
) -> None:
    """Invisible to the bot: ``channel_not_found`` for the text; no join, no file, no repetition."""
    deliver = dispatcher(app, slack)
    await a_team_with_a_week_to_chart(slack, clock, deliver)
    fake_slack.channel(CHANNEL, "organizers", slack.person("olga"), bot=False, private=True)
    await choose_channel(slack)

    clock.set(SUMMARY_MONDAY)
    calls = len(fake_slack.calls)
    await deliver.run_pass()
    to_channel = [c for c in fake_slack.calls[calls:] if CHANNEL in (c.args.get("channel"), c.args.get("channel_id"))]
    assert [(c.method, c.error) for c in to_channel] == [("chat.postMessage", "channel_not_found")]
    assert posts(fake_slack, CHANNEL) == []
    for _ in range(3):
        clock.advance(timedelta(hours=1))
        await deliver.run_pass()
    assert len([c for c in fake_slack.calls[calls:] if c.args.get("channel") == CHANNEL]) == 1
    # Olga learns why in her direct message.
    told = [m.plain() for m in posts(fake_slack, slack.person("olga").dm)]
    assert any("channel_not_found" in text for text in told), told
