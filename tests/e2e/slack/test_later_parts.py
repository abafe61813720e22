"""The Slack sender's later-part wait goes through the adapter kit's injectable sleep: Slack's
``Retry-After`` is asserted, not waited for."""

from __future__ import annotations

from adapters.slack.client import build_client
from adapters.slack.sender import SlackSender
from bot.conversation.messages import Attachment, Reply
from bot.conversation.outbound import Outcome
from tests.e2e.slack.harness import settings_for
from tests.fakes.slack_api import FakeSlack


async def test_a_rate_limit_on_the_file_after_its_text_is_slept_through_the_injected_sleep(
    fake_slack: FakeSlack,
) -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    ada = fake_slack.user("U0ADA", "Ada")
    fake_slack.fail("files.getUploadURLExternal", status=429, retry_after=20)
    sender = SlackSender(build_client(settings_for(fake_slack), interactive=False), sleep=sleep)
    reply = Reply(text="Your calendar", attachment=Attachment("c.ics", b"BEGIN:VCALENDAR", "text/calendar"))

    result = await sender.send(ada.dm, reply)

    assert result.outcome is Outcome.SENT
    assert slept == [20.0]
    assert len(fake_slack.messages_in(ada.dm)) == 2  # the text once, then the file
