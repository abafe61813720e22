"""Slack's outbound side for the delivery engine (``bot.conversation.outbound.Sender``)."""

from __future__ import annotations

import asyncio
import hashlib
import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.kit.send import Call, Progress, Sleep, send_in_order
from adapters.slack.blocks import MAX_SECTION, Message, messages
from adapters.slack.client import PLATFORM
from adapters.slack.errors import SLACK_ERRORS, Failure, classify
from bot.conversation.messages import Attachment, Reply
from bot.conversation.outbound import Outcome, PlatformLimits, SendResult

log = logging.getLogger(__name__)

# What Slack allows: ``chat.postMessage`` about one message a second in a channel (a short burst
# is tolerated); no overall limit for a bot. The delivery engine paces by this.
LIMITS = PlatformLimits(message_length=MAX_SECTION, per_chat_per_second=1)


def wait_asked(error: BaseException) -> float | None:
    """The seconds a 429 asked to wait; None for any other failure."""
    failure = classify(error)
    return (failure.retry_after or 0.0) if failure.outcome is Outcome.RETRY_AFTER else None


def is_person(chat_id: str) -> bool:
    """Slack user ids start with U (or W on Enterprise Grid); channels with C, G or D."""
    return chat_id[:1] in ("U", "W")


class SlackSender:
    """Posts what the delivery engine hands over and says what happened in the core's terms.

    ``send(chat_id, reply)`` takes a channel id (a person's direct-message channel ``D…`` as stored
    with their identity, or a public / private channel) or a user id (``U…``, whose direct-message
    channel is opened with ``conversations.open``). It never raises for a platform error:

    - ``SENT`` with the ``ts`` of the (last) message;
    - ``RETRY_AFTER`` with ``Retry-After`` seconds when Slack answered 429 ``ratelimited``; nothing
      was sent, and the engine re-queues the message that much later;
    - ``UNREACHABLE`` with Slack's error code (``channel_not_found``, ``not_in_channel``,
      ``account_inactive``, ``is_archived``, ``user_disabled``…): nobody can be reached there;
    - ``FAILED`` with the code or the network error: worth retrying with back-off (5xx, timeouts,
      a refused token, a message Slack found malformed).

    Buttons come as Block Kit ``actions``; a file goes up with Slack's upload flow
    (``files.getUploadURLExternal``, the upload, ``files.completeUploadExternal``) after the text.

    A file needs the bot in the channel, its text does not (``chat:write.public``): when sharing
    the file is refused with ``not_in_channel``, the bot joins the (public) channel with
    ``conversations.join`` and shares it once more. A file that still cannot be shared after its
    text went out leaves the reply ``SENT``, with the file's failure as ``error`` (and in the log):
    sending it again would post the text twice.
    """

    platform = PLATFORM
    limits = LIMITS

    def __init__(self, client: AsyncWebClient, *, sleep: Sleep = asyncio.sleep) -> None:
        self.client = client
        self.sleep = sleep  # waits out a 429 on a later part (``adapters.kit.send``)

    @property
    def account(self) -> str:
        """The app's token, digested: Slack's limits are per app and workspace (docs/scaling.md)."""
        return hashlib.sha256((self.client.token or "").encode()).hexdigest()[:16]

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        parts = messages(reply)
        if not parts and reply.attachment is None:
            return SendResult(Outcome.FAILED, error="nothing to send: the reply is empty")
        try:
            channel = await self.open(chat_id)
        except SLACK_ERRORS as error:
            return self._result(classify(error), Progress(1, error=error))
        calls = [self._poster(channel, part) for part in parts]
        if reply.attachment is not None:
            calls.append(self._uploader(channel, reply.attachment))
        progress = await send_in_order(calls, errors=SLACK_ERRORS, wait_asked=wait_asked, sleep=self.sleep)
        if progress.error is None:
            return SendResult(Outcome.SENT, message_id=progress.message_id)
        if parts and progress.sent == len(parts):  # the text is there; only its file failed
            code = classify(progress.error).code
            log.warning("the text went out in %s but its file could not be shared: %s", channel, code)
            return SendResult(Outcome.SENT, message_id=progress.message_id, error=f"file not shared: {code}")
        return self._result(classify(progress.error), progress)

    async def open(self, chat_id: str) -> str:
        """The channel to post in: ``chat_id`` itself, or a person's direct-message channel."""
        if not is_person(chat_id):
            return chat_id
        response = await self.client.conversations_open(users=chat_id)
        return str(response["channel"]["id"])

    def _poster(self, channel: str, part: Message) -> Call:
        async def post() -> str | None:
            return await post_message(self.client, channel, part)

        return post

    def _uploader(self, channel: str, attachment: Attachment) -> Call:
        async def upload() -> str | None:
            try:
                await upload_file(self.client, channel, attachment)
            except SlackApiError as error:
                if classify(error).code != "not_in_channel" or not await self.join(channel):
                    raise
                await upload_file(self.client, channel, attachment)  # once more, now as a member
            return None

        return upload

    async def join(self, channel: str) -> bool:
        """Join a public channel (``conversations.join``, scope ``channels:join``) so that a file can
        be shared there; False when Slack refuses (a private channel, an archived one, an app
        installed without the scope), which is logged: the caller's own error then stands."""
        try:
            await self.client.conversations_join(channel=channel)
        except SLACK_ERRORS as error:
            log.warning("could not join %s to share a file: %s", channel, classify(error).code)
            return False
        log.info("joined %s to share a file there", channel)
        return True

    def _result(self, failure: Failure, progress: Progress) -> SendResult:
        where = progress.where
        if failure.outcome is Outcome.RETRY_AFTER:
            return SendResult(Outcome.RETRY_AFTER, retry_after=failure.retry_after, error=failure.code)
        if failure.outcome is Outcome.UNREACHABLE:
            return SendResult(Outcome.UNREACHABLE, error=failure.code + where)
        log.warning("sending on Slack failed: %s%s", failure.code, where)
        return SendResult(Outcome.FAILED, error=failure.code + where)


async def post_message(
    client: AsyncWebClient, channel: str, part: Message, *, thread_ts: str | None = None
) -> str | None:
    """Post one message in ``channel`` (in the thread ``thread_ts``, if given); its ``ts``. Links
    are not unfurled: the bot's messages name course pages and meeting links, and a preview of
    each would bury the text."""
    response = await client.chat_postMessage(
        channel=channel, thread_ts=thread_ts, unfurl_links=False, unfurl_media=False, **part.as_args()
    )
    return str(response.get("ts") or "") or None


async def upload_file(client: AsyncWebClient, channel: str, attachment: Attachment) -> None:
    """Slack's upload flow (v2): ask for an upload URL, upload the bytes, share in ``channel``."""
    await client.files_upload_v2(
        channel=channel,
        filename=attachment.filename,
        title=attachment.filename,
        content=attachment.content,
    )
