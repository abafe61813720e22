"""The fake Telegram Bot API server, exercised with the real python-telegram-bot client: the
methods the adapter calls answer as Telegram does, and the mistakes Telegram refuses are refused."""

from __future__ import annotations

import datetime as dtm
import json
import struct
import warnings
import zlib
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, EndPointNotFound, Forbidden, NetworkError, RetryAfter

from tests.fakes.telegram_api import FakeTelegram

TOKEN = "123456:TEST-token_for-the-fake"
# PTB 22 warns on every RetryAfter that `retry_after` will become a timedelta; not our concern here.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*")


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=tg.base_url) as client:
        yield client


def rsvp_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Yes", callback_data="rsvp:7:yes"),
                InlineKeyboardButton("No", callback_data="rsvp:7:no"),
            ],
            [InlineKeyboardButton("Course page", url="https://example.org/course")],
        ]
    )


def retry_after_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that `retry_after` will become a timedelta
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


def tiny_png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" * (width + 1) for _ in range(height)))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


async def test_messages_with_keyboards_are_recorded_and_returned(tg: FakeTelegram, bot: Bot) -> None:
    ada = tg.user(1001, "Ada")

    me = await bot.get_me()
    first = await bot.send_message(ada.id, "Meeting 1 on Tuesday. Coming?", reply_markup=rsvp_keyboard())
    second = await bot.send_message(ada.id, "42")  # text that looks like JSON stays text

    assert me.username == "circles_test_bot" and me.is_bot
    assert (first.message_id, second.message_id, second.text) == (1, 2, "42")
    assert first.chat.type == "private" and first.reply_markup == rsvp_keyboard()
    sent = tg.sent_messages(ada.id)
    assert [m.body for m in sent] == ["Meeting 1 on Tuesday. Coming?", "42"]
    assert sent[0].callback_data("Yes") == "rsvp:7:yes"
    assert sent[0].button_texts == ["Yes", "No", "Course page"]
    assert tg.calls[-1].params["chat_id"] == ada.id  # form values decoded back to JSON types


async def test_what_telegram_refuses_is_refused(tg: FakeTelegram, bot: Bot) -> None:
    too_long_data = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="x" * 65)]])

    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(1001, "hello", reply_markup=too_long_data)
    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(1001, "x" * 4097)
    with pytest.raises(BadRequest, match="plain text only"):
        await bot.send_message(1001, "<b>hi</b>", parse_mode=ParseMode.HTML)
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("getCircleStickers", api_kwargs={"chat_id": 1001})
    assert [call.method for call in tg.unknown_calls] == ["getCircleStickers"]
    assert tg.sent_messages() == []


async def test_edits_follow_telegram_rules(tg: FakeTelegram, bot: Bot) -> None:
    message = await bot.send_message(1001, "Coming?", reply_markup=rsvp_keyboard())

    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "Coming?", chat_id=1001, message_id=message.message_id, reply_markup=rsvp_keyboard()
        )
    edited = await bot.edit_message_text("You said yes", chat_id=1001, message_id=message.message_id)

    assert isinstance(edited, Message) and edited.text == "You said yes"
    assert edited.reply_markup is None  # Telegram drops a keyboard the edit does not repeat
    assert tg.last_message(1001).is_edit
    with pytest.raises(ValueError, match="no button"):  # nobody can press a button that is gone
        tg.build_callback_update(tg.user(1001, "Ada"), tg.last_message(1001), "rsvp:7:yes")
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=1001, message_id=99)


async def test_injected_failures_are_scoped_and_counted(tg: FakeTelegram, bot: Bot) -> None:
    tg.fail_next("sendMessage", "retry_after", chat_id=1002, retry_after=7)
    tg.fail_next("sendMessage", "forbidden", chat_id=1003)
    tg.fail_next("sendMessage", "server_error", status=502, skip=1)

    await bot.send_message(1001, "other chats are not affected")
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(1002, "hello")
    with pytest.raises(Forbidden, match=r"(?i)blocked by the user"):
        await bot.send_message(1003, "hello")
    with pytest.raises(NetworkError):
        await bot.send_message(1004, "the second message fails")
    await bot.send_message(1002, "only the next call failed")

    assert retry_after_seconds(raised.value) == 7
    assert [call.status for call in tg.calls_of("sendMessage")] == [200, 429, 403, 502, 200]


async def test_a_blocked_user_and_a_user_who_never_wrote_cannot_be_reached() -> None:
    strict = FakeTelegram(strict_private_chats=True)
    async with strict, Bot(TOKEN, base_url=strict.base_url) as client:
        ada, bob = strict.user(1001, "Ada"), strict.user(1002, "Bob")
        strict.block(bob)
        with pytest.raises(Forbidden, match=r"(?i)can't initiate conversation"):
            await client.send_message(ada.id, "hello")
        strict.queue_update(strict.build_text_update(ada, "/start"))
        strict.queue_update(strict.build_text_update(bob, "/start"))
        assert (await client.send_message(ada.id, "hello")).text == "hello"
        for _ in range(2):
            with pytest.raises(Forbidden, match="blocked"):
                await client.send_message(bob.id, "hello")


async def test_files_are_kept_byte_for_byte(tg: FakeTelegram, bot: Bot) -> None:
    csv, png = b"name,goal\nAda,learn Python\n", tiny_png(12, 5)

    document = await bot.send_document(1001, document=csv, filename="signups.csv", caption="Signups")
    photo = await bot.send_photo(-200, photo=png, filename="attendance.png", caption="Attendance")

    assert document.document is not None and document.document.file_name == "signups.csv"
    assert (photo.photo[-1].width, photo.photo[-1].height, photo.chat.type) == (12, 5, "group")
    sent_document, sent_photo = tg.sent_messages()
    assert (sent_document.method, sent_document.body) == ("sendDocument", "Signups")
    assert sent_document.file is not None and sent_document.file.content == csv
    assert sent_photo.file is not None and sent_photo.file.content == png
    assert tg.files == [sent_document.file, sent_photo.file]


async def test_enforced_limits_answer_429() -> None:
    limited = FakeTelegram(enforce_limits=True)
    async with limited, Bot(TOKEN, base_url=limited.base_url) as client:
        await client.send_message(1001, "first")
        await client.send_message(1002, "another chat is fine")
        with pytest.raises(RetryAfter) as raised:
            await client.send_message(1001, "second within the same second")

    assert retry_after_seconds(raised.value) >= 1
    assert limited.rate_limited == 1


async def test_updates_look_like_telegram_and_an_offset_confirms_them(tg: FakeTelegram, bot: Bot) -> None:
    ada = tg.user(1001, "Ada", username="ada")
    circle = tg.group(-100123, "Python circle", type="supergroup")
    message = await bot.send_message(ada.id, "Coming?", reply_markup=rsvp_keyboard())

    deep_link = tg.queue_update(tg.build_text_update(ada, "/start c_42"))
    in_group = tg.queue_update(tg.build_text_update(ada, "/rsvp@circles_test_bot", circle))
    pressed = tg.queue_update(tg.build_callback_update(ada, tg.last_message(ada.id), "rsvp:7:no"))
    received = await bot.get_updates(timeout=0)

    assert deep_link["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert in_group["message"]["chat"] == {"id": -100123, "type": "supergroup", "title": "Python circle"}
    assert [u.update_id for u in received] == [u["update_id"] for u in (deep_link, in_group, pressed)]
    query = received[-1].callback_query
    assert query is not None and query.message is not None
    assert (query.data, query.message.message_id, query.from_user.id) == ("rsvp:7:no", message.message_id, ada.id)
    assert await bot.answer_callback_query(query.id)
    with pytest.raises(BadRequest, match=r"(?i)query id is invalid"):  # a query is answered once
        await bot.answer_callback_query(query.id)
    assert await bot.get_updates(offset=received[-1].update_id + 1, timeout=0) == ()


async def test_commands_are_stored_per_language(tg: FakeTelegram, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("rsvp", "RSVP")])
    await bot.set_my_commands([BotCommand("start", "Anfangen")], language_code="de")

    assert [c["command"] for c in tg.commands()] == ["start", "rsvp"]
    assert tg.commands(language_code="de") == [{"command": "start", "description": "Anfangen"}]


async def test_webhook_delivery_sends_the_secret_token(tg: FakeTelegram, bot: Bot) -> None:
    received: list[tuple[str | None, dict[str, object]]] = []

    async def receive(request: web.Request) -> web.Response:
        received.append((request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json()))
        return web.Response(status=200)

    hook = web.Application()
    hook.router.add_post("/telegram", receive)
    runner = web.AppRunner(hook)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/telegram"
    try:
        await bot.set_webhook(url, secret_token="s3cret-token")
        update = tg.build_text_update(tg.user(1001, "Ada"), "/help")
        status = await tg.deliver_webhook(update)
        with pytest.raises(Exception, match="webhook is active"):
            await bot.get_updates(timeout=0)
    finally:
        await runner.cleanup()

    assert (tg.webhook_url, status) == (url, 200)
    assert received == [("s3cret-token", json.loads(json.dumps(update)))]
    assert tg.webhook_deliveries == [(update["update_id"], 200)]
