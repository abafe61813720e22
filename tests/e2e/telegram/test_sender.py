"""The outbound side the delivery engine uses, against the fake's 429s, 403s and 5xx.

A 429 delays and never drops: to the engine the sender reports RETRY_AFTER with Telegram's
seconds (nothing was sent, so re-queueing cannot duplicate); for a person waiting for an answer
the rate limiter waits the time asked and sends then.
"""

from __future__ import annotations

import pytest
from telegram import Bot

from adapters.telegram.sender import TelegramSender
from bot.conversation.messages import Attachment, Button, Reply
from bot.conversation.outbound import Outcome
from tests.e2e.telegram.harness import TOKEN, TelegramChat, api_root
from tests.fakes.telegram_api import FakeTelegram

# PTB 22 warns on every RetryAfter that `retry_after` will become a timedelta.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*")

REMINDER = Reply(
    text="Reminder: meeting 2 of Python for Everybody, Mon, 14 Dec 2026, 18:00 CET. Will you come?",
    buttons=[[Button("Yes", "rsvp:2:y"), Button("No", "rsvp:2:n")]],
)


async def test_a_message_goes_out_with_its_buttons(telegram: TelegramChat) -> None:
    tg = telegram.tg
    alice = tg.user(102, "Alice")

    result = await telegram.adapter.sender.send(str(alice.id), REMINDER)

    assert result.outcome is Outcome.SENT
    sent = tg.last_message(alice.id)
    assert result.message_id == str(sent.message_id)
    assert sent.body == REMINDER.text
    assert sent.callback_data("No") == "rsvp:2:n"


async def test_429_is_reported_with_telegrams_wait_and_nothing_is_sent(telegram: TelegramChat) -> None:
    tg = telegram.tg
    alice = tg.user(102, "Alice")
    tg.fail_next("sendMessage", "retry_after", chat_id=alice.id, retry_after=17)

    delayed = await telegram.adapter.sender.send(str(alice.id), REMINDER)
    assert delayed.outcome is Outcome.RETRY_AFTER
    assert delayed.retry_after == 17.0
    assert tg.sent_messages(alice.id) == []

    # When the engine comes back (after the delay), the message goes out, once.
    again = await telegram.adapter.sender.send(str(alice.id), REMINDER)
    assert again.outcome is Outcome.SENT
    assert [m.body for m in tg.sent_messages(alice.id)] == [REMINDER.text]
    assert [c.status for c in tg.calls_of("sendMessage")] == [429, 200]


async def test_blocked_and_never_started_people_are_unreachable(telegram: TelegramChat) -> None:
    tg = telegram.tg
    bob = tg.user(103, "Bob")
    tg.block(bob)
    blocked = await telegram.adapter.sender.send(str(bob.id), REMINDER)
    assert blocked.outcome is Outcome.UNREACHABLE
    assert blocked.error is not None and "blocked" in blocked.error

    tg.strict_private_chats = True
    carol = tg.user(105, "Carol")  # known to the platform, never wrote to the bot
    never_started = await telegram.adapter.sender.send(str(carol.id), REMINDER)
    assert never_started.outcome is Outcome.UNREACHABLE
    assert never_started.error is not None and "initiate conversation" in never_started.error

    tg.fail_next("sendMessage", "bad_request", description="Bad Request: chat not found")
    gone = await telegram.adapter.sender.send("4242", REMINDER)
    assert gone.outcome is Outcome.UNREACHABLE


@pytest.mark.parametrize("status", [500, 502])
async def test_server_errors_are_failures_worth_retrying(telegram: TelegramChat, status: int) -> None:
    tg = telegram.tg
    tg.fail_next("sendMessage", "server_error", status=status)

    result = await telegram.adapter.sender.send("102", REMINDER)

    assert result.outcome is Outcome.FAILED
    assert result.error


async def test_a_long_text_goes_out_in_parts_with_the_buttons_on_the_last(telegram: TelegramChat) -> None:
    tg = telegram.tg
    paragraphs = [f"Paragraph {n}: " + "words " * 150 for n in range(12)]  # about 11,000 characters
    reply = Reply(text="\n\n".join(paragraphs), buttons=REMINDER.buttons)

    result = await telegram.adapter.sender.send("102", reply)

    assert result.outcome is Outcome.SENT
    parts = tg.sent_messages(102)
    assert len(parts) == 3
    assert all(len(part.body) <= 4096 for part in parts)
    assert all(part.body.startswith("Paragraph") for part in parts)  # cut between paragraphs
    assert [bool(part.buttons) for part in parts] == [False, False, True]
    assert " ".join(" ".join(part.body.split()) for part in parts) == " ".join(reply.text.split())


async def test_a_429_on_a_later_part_is_waited_out_so_no_part_goes_twice(telegram: TelegramChat) -> None:
    tg = telegram.tg
    reply = Reply(text="A" * 4000 + "\n\n" + "B" * 100)
    # Part 1 goes out; part 2 gets a 429. Re-queueing would send part 1 again: the sender waits.
    tg.fail_next("sendMessage", "retry_after", chat_id=102, retry_after=1, skip=1)

    result = await telegram.adapter.sender.send("102", reply)

    assert result.outcome is Outcome.SENT
    assert [m.body for m in tg.sent_messages(102)] == ["A" * 4000, "B" * 100]
    first, refused, second = tg.calls_of("sendMessage")
    assert (first.status, refused.status, second.status) == (200, 429, 200)
    assert second.time - refused.time >= 1.0


async def test_files_go_as_documents_and_images_as_photos(telegram: TelegramChat) -> None:
    tg = telegram.tg
    calendar = Attachment("circle.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    chart = Attachment("attendance.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 16, "image/png", is_image=True)

    as_document = await telegram.adapter.sender.send("102", Reply(text="Your calendar", attachment=calendar))
    as_photo = await telegram.adapter.sender.send("102", Reply(text="Attendance", attachment=chart))

    assert as_document.outcome is as_photo.outcome is Outcome.SENT
    document, photo = tg.sent_messages(102)
    assert (document.method, document.caption) == ("sendDocument", "Your calendar")
    assert document.file is not None and document.file.content == calendar.content
    assert document.file.filename == "circle.ics"
    assert (photo.method, photo.caption) == ("sendPhoto", "Attendance")


async def test_groups_and_channels_are_addressed_by_their_ids(telegram: TelegramChat) -> None:
    tg = telegram.tg
    group = tg.group(-1001234567890, "Berlin organizers", type="supergroup")

    to_group = await telegram.adapter.sender.send(str(group.id), Reply(text="Weekly summary"))
    to_channel = await telegram.adapter.sender.send("@circles_news", Reply(text="New circle in Berlin"))

    assert to_group.outcome is to_channel.outcome is Outcome.SENT
    assert tg.last_message(group.id).body == "Weekly summary"
    assert tg.last_message("@circles_news").body == "New circle in Berlin"


async def test_a_plain_bot_can_send_too(tg: FakeTelegram) -> None:
    async with Bot(TOKEN, base_url=f"{api_root(tg)}/bot") as bot:
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
