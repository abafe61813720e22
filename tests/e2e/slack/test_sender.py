"""``SlackSender``: what the delivery engine hands over, sent with the real slack-sdk to the fake
Slack, and Slack's answers in the core's terms (SENT, RETRY_AFTER, UNREACHABLE, FAILED)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from adapters.slack.client import build_client
from adapters.slack.sender import SlackSender
from bot.conversation.messages import Attachment, Button, Reply
from bot.conversation.outbound import Outcome, Sender
from tests.e2e.slack.harness import settings_for
from tests.fakes.slack_api import FakeSlack

REMINDER = Reply(
    text="Reminder: Python for Everybody meets Mon, 7 Dec 2026, 18:00 CET at Zentralbibliothek. Will you come? /rsvp",
    buttons=[[Button("Yes", "rsvp:1:y"), Button("No", "rsvp:1:n")]],
)


@pytest.fixture
async def sender(fake_slack: FakeSlack) -> AsyncIterator[SlackSender]:
    client = build_client(settings_for(fake_slack), interactive=False)
    yield SlackSender(client)


def test_it_is_a_sender() -> None:
    def accepts(sender: Sender) -> str:
        return sender.platform

    assert accepts(SlackSender(build_client(settings_for(FakeSlack()), interactive=False))) == "slack"


async def test_a_reminder_with_buttons_goes_to_the_persons_direct_message(
    fake_slack: FakeSlack, sender: SlackSender
) -> None:
    ada = fake_slack.user("U0ADA", "Ada")
    result = await sender.send(ada.dm, REMINDER)
    assert result.outcome is Outcome.SENT
    message = fake_slack.last_message(ada.dm)
    assert result.message_id == message.ts
    assert "Will you come? /circles rsvp" in message.plain()
    assert [b["value"] for b in message.buttons()] == ["rsvp:1:y", "rsvp:1:n"]
    assert [b["action_id"] for b in message.buttons()] == ["circles:1", "circles:2"]
    post = fake_slack.calls_to("chat.postMessage")[-1]
    assert post.token == fake_slack.bot_token and "Reminder" in post.args["text"]


async def test_a_user_id_opens_their_direct_message_first(fake_slack: FakeSlack, sender: SlackSender) -> None:
    ada = fake_slack.user("U0ADA", "Ada")
    assert (await sender.send(ada.id, Reply(text="Hello"))).outcome is Outcome.SENT
    assert [c.method for c in fake_slack.calls] == ["conversations.open", "chat.postMessage"]
    assert fake_slack.last_message(ada.dm).plain() == "Hello"


async def test_a_channel_post_and_a_file_use_slacks_upload_flow(fake_slack: FakeSlack, sender: SlackSender) -> None:
    olga = fake_slack.user("U0OLGA", "Olga")
    fake_slack.channel("C0SUMMARY", "circles-berlin", olga)
    report = Reply(
        text="Weekly summary for Learning Circles Berlin",
        attachment=Attachment("report.csv", b"name,goal\nAlice,Automate\n", "text/csv"),
    )
    result = await sender.send("C0SUMMARY", report)
    assert result.outcome is Outcome.SENT
    posted = fake_slack.messages_in("C0SUMMARY")
    assert posted[0].plain() == "Weekly summary for Learning Circles Berlin"
    assert posted[1].files[0].content == b"name,goal\nAlice,Automate\n"
    assert [c.method for c in fake_slack.calls][-3:] == [
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
    ]


async def test_a_long_text_becomes_several_messages_within_slacks_limits(
    fake_slack: FakeSlack, sender: SlackSender
) -> None:
    ada = fake_slack.user("U0ADA", "Ada")
    paragraph = "Week notes & <details>: " + "word " * 500
    text = "\n\n".join(paragraph for _ in range(70))  # about 180,000 characters
    result = await sender.send(ada.dm, Reply(text=text, buttons=[[Button("OK", "circle:1")]]))
    assert result.outcome is Outcome.SENT, result
    posted = fake_slack.messages_in(ada.dm)
    assert len(posted) >= 2
    assert posted[-1].buttons() and not posted[0].buttons()
    assert "".join(m.plain() for m in posted).count("Week notes & <details>") == 70


@pytest.mark.parametrize(
    "code", ["channel_not_found", "not_in_channel", "account_inactive", "is_archived", "user_disabled"]
)
async def test_where_nobody_can_be_reached_the_code_is_the_reason(
    fake_slack: FakeSlack, sender: SlackSender, code: str
) -> None:
    fake_slack.channel("C0GONE", "gone")
    fake_slack.fail("chat.postMessage", error=code)
    result = await sender.send("C0GONE", Reply(text="Weekly summary"))
    assert (result.outcome, result.error) == (Outcome.UNREACHABLE, code)
    assert fake_slack.messages_in("C0GONE") == []


async def test_the_fakes_own_refusals_map_too(fake_slack: FakeSlack, sender: SlackSender) -> None:
    # Not injected: a private channel the bot is not in (invisible to it), or no such channel.
    fake_slack.channel("C0PRIVATE", "private", bot=False, private=True)
    assert (await sender.send("C0PRIVATE", Reply(text="x"))).error == "channel_not_found"
    assert (await sender.send("C0NOWHERE", Reply(text="x"))).error == "channel_not_found"
    assert (await sender.send("U0NOBODY", Reply(text="x"))).error == "user_not_found"


async def test_a_rate_limit_answers_retry_after_without_waiting(fake_slack: FakeSlack, sender: SlackSender) -> None:
    ada = fake_slack.user("U0ADA", "Ada")
    fake_slack.fail("chat.postMessage", status=429, retry_after=30)
    result = await sender.send(ada.dm, REMINDER)
    assert (result.outcome, result.retry_after, result.error) == (Outcome.RETRY_AFTER, 30.0, "ratelimited")
    assert len(fake_slack.calls_to("chat.postMessage")) == 1  # the engine re-queues; nothing waited here
    assert fake_slack.messages_in(ada.dm) == []


async def test_a_rate_limit_on_a_later_part_is_waited_out(fake_slack: FakeSlack, sender: SlackSender) -> None:
    """Re-queueing would send the text twice; a file after its text waits (Retry-After: 0 here)."""
    ada = fake_slack.user("U0ADA", "Ada")
    fake_slack.fail("files.getUploadURLExternal", status=429, retry_after=0)
    reply = Reply(text="Your calendar", attachment=Attachment("c.ics", b"BEGIN:VCALENDAR", "text/calendar"))
    result = await sender.send(ada.dm, reply)
    assert result.outcome is Outcome.SENT
    assert len(fake_slack.messages_in(ada.dm)) == 2


@pytest.mark.parametrize("status", [500, 503])
async def test_an_outage_is_a_failure_worth_retrying(fake_slack: FakeSlack, sender: SlackSender, status: int) -> None:
    ada = fake_slack.user("U0ADA", "Ada")
    fake_slack.fail("chat.postMessage", status=status, error="fatal_error")
    result = await sender.send(ada.dm, Reply(text="x"))
    assert (result.outcome, result.error) == (Outcome.FAILED, "fatal_error")


async def test_an_unreachable_server_is_a_failure(fake_slack: FakeSlack) -> None:
    settings = settings_for(fake_slack)
    settings.api_base_url = "http://127.0.0.1:9/api/"  # nothing listens on the discard port
    result = await SlackSender(build_client(settings, interactive=False)).send("D0ADA", Reply(text="x"))
    assert result.outcome is Outcome.FAILED
    assert result.error is not None and result.error.startswith("network:")


async def test_a_refused_token_is_a_failure_not_an_unreachable_person(fake_slack: FakeSlack) -> None:
    settings = settings_for(fake_slack)
    settings.bot_token = "xoxb-revoked"
    ada = fake_slack.user("U0ADA", "Ada")
    result = await SlackSender(build_client(settings, interactive=False)).send(ada.dm, Reply(text="x"))
    assert (result.outcome, result.error) == (Outcome.FAILED, "invalid_auth")


async def test_an_empty_reply_is_not_sent(sender: SlackSender, fake_slack: FakeSlack) -> None:
    assert (await sender.send("D0ADA", Reply(text="  "))).outcome is Outcome.FAILED
    assert fake_slack.calls == []


async def test_a_file_refused_after_its_text_leaves_the_text_sent_once(
    fake_slack: FakeSlack, sender: SlackSender
) -> None:
    """Retrying would post the text again: the reply is SENT, with the file's failure as its error."""
    olga = fake_slack.user("U0OLGA", "Olga")
    fake_slack.channel("C0SUMMARY", "circles-berlin", olga)
    fake_slack.fail("files.completeUploadExternal", status=500, error="fatal_error")
    report = Reply(text="Weekly summary", attachment=Attachment("chart.png", b"\x89PNG", "image/png", is_image=True))
    result = await sender.send("C0SUMMARY", report)
    assert (result.outcome, result.error) == (Outcome.SENT, "file not shared: fatal_error")
    [posted] = fake_slack.messages_in("C0SUMMARY")
    assert posted.plain() == "Weekly summary" and result.message_id == posted.ts
    assert fake_slack.calls_to("conversations.join") == []  # only not_in_channel is worth joining for


async def test_a_file_alone_that_fails_is_a_failure(fake_slack: FakeSlack, sender: SlackSender) -> None:
    ada = fake_slack.user("U0ADA", "Ada")
    fake_slack.fail("files.completeUploadExternal", status=500, error="fatal_error")
    result = await sender.send(ada.dm, Reply(text="", attachment=Attachment("c.ics", b"BEGIN", "text/calendar")))
    assert (result.outcome, result.error) == (Outcome.FAILED, "fatal_error")
