"""The outbound side the delivery engine uses, against the fake's 429s, 403s and 5xx.

A 429 delays and never drops: to the engine the sender reports RETRY_AFTER with Telegram's
seconds (nothing was sent, so re-queueing cannot duplicate); for a person waiting for an answer
the rate limiter waits the time asked and sends then.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from adapters.telegram.app import build_application
from adapters.telegram.sender import TelegramSender
from bot.config import TelegramSettings
from bot.conversation.messages import Attachment, Button, Reply
from bot.conversation.outbound import Outcome
from tests.e2e.telegram.harness import TOKEN, TelegramChat, api_root
from tests.fakes.telegram_api import FakeTelegram

# PTB 22 warns on every RetryAfter that `retry_after` will become a timedelta.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*")


@pytest.fixture
async def sender(tg: FakeTelegram) -> AsyncIterator[TelegramSender]:
    """The sender as the delivery engine gets it: on an Application built from the settings."""
    application = build_application(TelegramSettings(token=TOKEN, api_base_url=api_root(tg)))
    async with application:
        yield TelegramSender(application)


REMINDER = Reply(
    text="Reminder: meeting 2 of Python for Everybody, Mon, 14 Dec 2026, 18:00 CET. Will you come?",
    buttons=[[Button("Yes", "rsvp:2:y"), Button("No", "rsvp:2:n")]],
)


async def test_a_message_goes_out_with_its_buttons(tg: FakeTelegram, sender: TelegramSender) -> None:
    alice = tg.user(102, "Alice")

    result = await sender.send(str(alice.id), REMINDER)

    assert result.outcome is Outcome.SENT
    sent = tg.last_message(alice.id)
    assert result.message_id == str(sent.message_id)
    assert sent.body == REMINDER.text
    assert sent.callback_data("No") == "rsvp:2:n"


async def test_429_is_reported_with_telegrams_wait_and_nothing_is_sent(
    tg: FakeTelegram, sender: TelegramSender, caplog: pytest.LogCaptureFixture
) -> None:
    alice = tg.user(102, "Alice")
    tg.fail_next("sendMessage", "retry_after", chat_id=alice.id, retry_after=17)

    delayed = await sender.send(str(alice.id), REMINDER)
    assert delayed.outcome is Outcome.RETRY_AFTER
    assert delayed.retry_after == 17.0
    assert tg.sent_messages(alice.id) == []

    # When the engine comes back (after the delay), the message goes out, once.
    again = await sender.send(str(alice.id), REMINDER)
    assert again.outcome is Outcome.SENT
    assert [m.body for m in tg.sent_messages(alice.id)] == [REMINDER.text]
    assert [c.status for c in tg.calls_of("sendMessage")] == [429, 200]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # an ordinary answer, not an error


async def test_blocked_and_never_started_people_are_unreachable(tg: FakeTelegram, sender: TelegramSender) -> None:
    bob = tg.user(103, "Bob")
    tg.block(bob)
    blocked = await sender.send(str(bob.id), REMINDER)
    assert blocked.outcome is Outcome.UNREACHABLE
    assert blocked.error is not None and "blocked" in blocked.error

    tg.strict_private_chats = True
    carol = tg.user(105, "Carol")  # known to the platform, never wrote to the bot
    never_started = await sender.send(str(carol.id), REMINDER)
    assert never_started.outcome is Outcome.UNREACHABLE
    assert never_started.error is not None and "initiate conversation" in never_started.error

    tg.fail_next("sendMessage", "bad_request", description="Bad Request: chat not found")
    gone = await sender.send("4242", REMINDER)
    assert gone.outcome is Outcome.UNREACHABLE


@pytest.mark.parametrize("status", [500, 502])
async def test_server_errors_are_failures_worth_retrying(tg: FakeTelegram, sender: TelegramSender, status: int) -> None:
    tg.fail_next("sendMessage", "server_error", status=status)

    result = await sender.send("102", REMINDER)

    assert result.outcome is Outcome.FAILED
    assert result.error


async def test_a_long_text_goes_out_in_parts_with_the_buttons_on_the_last(
    tg: FakeTelegram, sender: TelegramSender
) -> None:
    paragraphs = [f"Paragraph {n}: " + "words " * 150 for n in range(12)]  # about 11,000 characters
    reply = Reply(text="\n\n".join(paragraphs), buttons=REMINDER.buttons)

    result = await sender.send("102", reply)

    assert result.outcome is Outcome.SENT
    parts = tg.sent_messages(102)
    assert len(parts) == 3
    assert all(len(part.body) <= 4096 for part in parts)
    assert all(part.body.startswith("Paragraph") for part in parts)  # cut between paragraphs
    assert [bool(part.buttons) for part in parts] == [False, False, True]
    assert " ".join(" ".join(part.body.split()) for part in parts) == " ".join(reply.text.split())


async def test_a_429_on_a_later_part_is_waited_out_so_no_part_goes_twice(
    tg: FakeTelegram, sender: TelegramSender
) -> None:
    reply = Reply(text="A" * 4000 + "\n\n" + "B" * 100)
    # Part 1 goes out; part 2 gets a 429. Re-queueing would send part 1 again: the sender waits.
    tg.fail_next("sendMessage", "retry_after", chat_id=102, retry_after=1, skip=1)

    result = await sender.send("102", reply)

    assert result.outcome is Outcome.SENT
    assert [m.body for m in tg.sent_messages(102)] == ["A" * 4000, "B" * 100]
    first, refused, second = tg.calls_of("sendMessage")
    assert (first.status, refused.status, second.status) == (200, 429, 200)
    assert second.time - refused.time >= 1.0


async def test_files_go_as_documents_and_images_as_photos(tg: FakeTelegram, sender: TelegramSender) -> None:
    calendar = Attachment("circle.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    chart = Attachment("attendance.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 16, "image/png", is_image=True)

    as_document = await sender.send("102", Reply(text="Your calendar", attachment=calendar))
    as_photo = await sender.send("102", Reply(text="Attendance", attachment=chart))

    assert as_document.outcome is as_photo.outcome is Outcome.SENT
    document, photo = tg.sent_messages(102)
    assert (document.method, document.caption) == ("sendDocument", "Your calendar")
    assert document.file is not None and document.file.content == calendar.content
    assert document.file.filename == "circle.ics"
    assert (photo.method, photo.caption) == ("sendPhoto", "Attendance")


async def test_groups_and_channels_are_addressed_by_their_ids(tg: FakeTelegram, sender: TelegramSender) -> None:
    group = tg.group(-1001234567890, "Berlin organizers", type="supergroup")

    to_group = await sender.send(str(group.id), Reply(text="Weekly summary"))
    to_channel = await sender.send("@circles_news", Reply(text="New circle in Berlin"))

    assert to_group.outcome is to_channel.outcome is Outcome.SENT
    assert tg.last_message(group.id).body == "Weekly summary"
    assert tg.last_message("@circles_news").body == "New circle in Berlin"


async def test_a_plain_bot_can_send_too(tg: FakeTelegram) -> None:
    async with Bot(TOKEN, base_url=f"{api_root(tg)}/bot") as bot:  # no rate limiter, same answers
        result = await TelegramSender(bot).send("102", REMINDER)
    assert result.outcome is Outcome.SENT
    assert tg.last_message(102).body == REMINDER.text


async def test_an_answer_to_a_person_waits_out_a_429_and_then_goes_out(telegram: TelegramChat) -> None:
    tg = telegram.tg
    alice = tg.user(102, "Alice")
    tg.fail_next("sendMessage", "retry_after", chat_id=alice.id, retry_after=1)

    answer = await telegram.say(alice, "/help")

    assert "Circles runs learning circles" in answer[-1].body
    refused, delivered = tg.calls_of("sendMessage")
    assert (refused.status, delivered.status) == (429, 200)
    assert delivered.time - refused.time >= 1.0  # Telegram's wait was honoured
