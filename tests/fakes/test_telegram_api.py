"""The fake Telegram Bot API server, exercised with the real python-telegram-bot client."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import struct
import time
import warnings
import zlib
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from aiohttp import web
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, EndPointNotFound, Forbidden, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fakes.telegram_api import CallTimeoutError, FakeTelegram

TOKEN = "123456:TEST-token_for-the-fake"

# PTB 22 warns on every RetryAfter that `retry_after` will become a timedelta; not our concern here.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")


@pytest_asyncio.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


@pytest_asyncio.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=tg.base_url, base_file_url=tg.base_file_url) as client:
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
    # PTB 22 warns that `retry_after` will become a timedelta; accept both shapes.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


def tiny_png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x00" * width for _ in range(height)))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


# ------------------------------------------------------------------ plain Bot calls


@pytest.mark.asyncio
async def test_get_me_answers_the_configured_bot(tg: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()

    assert me.username == "circles_test_bot"
    assert me.is_bot
    assert tg.calls[0].method == "getMe"
    assert tg.base_url.startswith("http://127.0.0.1:")
    assert tg.base_url.endswith("/bot")


@pytest.mark.asyncio
async def test_send_message_with_inline_keyboard_is_recorded_and_returned(tg: FakeTelegram, bot: Bot) -> None:
    ada = tg.user(1001, "Ada")

    first = await bot.send_message(ada.id, "Meeting 1 on Tuesday. Coming?", reply_markup=rsvp_keyboard())
    second = await bot.send_message(ada.id, "Second message")

    assert (first.message_id, second.message_id) == (1, 2)
    assert first.chat.id == ada.id
    assert first.chat.type == "private"
    assert first.from_user is not None
    assert first.from_user.username == "circles_test_bot"
    assert first.reply_markup == rsvp_keyboard()
    sent = tg.sent_messages(ada.id)
    assert [m.text for m in sent] == ["Meeting 1 on Tuesday. Coming?", "Second message"]
    assert sent[0].reply_markup == rsvp_keyboard().to_dict()
    assert sent[0].callback_data("Yes") == "rsvp:7:yes"
    assert sent[0].button_texts == ["Yes", "No", "Course page"]
    assert tg.last_message(ada.id).message_id == 2
    assert tg.calls[-1].params["chat_id"] == ada.id  # form values decoded back to JSON types


@pytest.mark.asyncio
async def test_text_that_looks_like_json_stays_text(tg: FakeTelegram, bot: Bot) -> None:
    message = await bot.send_message(1001, "42")

    assert message.text == "42"
    assert tg.last_message(1001).text == "42"


@pytest.mark.asyncio
async def test_fail_next_retry_after_raises_retry_after(tg: FakeTelegram, bot: Bot) -> None:
    tg.fail_next("sendMessage", "retry_after", retry_after=7)

    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(1001, "hello")
    delivered = await bot.send_message(1001, "hello again")

    assert retry_after_seconds(raised.value) == 7
    assert delivered.text == "hello again"
    assert [call.status for call in tg.calls_of("sendMessage")] == [429, 200]
    assert tg.stats.injected_failures == 1


@pytest.mark.asyncio
async def test_fail_next_forbidden_is_scoped_to_its_chat(tg: FakeTelegram, bot: Bot) -> None:
    tg.fail_next("sendMessage", "forbidden", chat_id=1002)

    await bot.send_message(1001, "other chat is not affected")
    with pytest.raises(Forbidden, match=r"(?i)blocked by the user"):
        await bot.send_message(1002, "hello")
    await bot.send_message(1002, "only the next call failed")


@pytest.mark.asyncio
async def test_blocked_user_stays_forbidden(tg: FakeTelegram, bot: Bot) -> None:
    tg.block(tg.user(1001, "Ada"))

    for _ in range(2):
        with pytest.raises(Forbidden):
            await bot.send_message(1001, "hello")


@pytest.mark.asyncio
async def test_server_errors_raise_network_error(tg: FakeTelegram, bot: Bot) -> None:
    tg.fail_next("sendMessage", "server_error")
    tg.fail_next("sendMessage", "server_error", status=502)

    for expected in (500, 502):
        with pytest.raises(NetworkError):
            await bot.send_message(1001, "hello")
        assert tg.calls[-1].status == expected


@pytest.mark.asyncio
async def test_send_document_keeps_the_uploaded_bytes(tg: FakeTelegram, bot: Bot) -> None:
    csv = b"name,goal\nAda,learn Python\n"

    message = await bot.send_document(1001, document=csv, filename="signups.csv", caption="Signups")

    assert message.document is not None
    assert message.document.file_name == "signups.csv"
    assert message.caption == "Signups"
    sent = tg.last_message(1001)
    assert sent.method == "sendDocument"
    assert sent.file is not None
    assert sent.file.filename == "signups.csv"
    assert sent.file.content == csv
    assert tg.files == [sent.file]
    downloaded = await (await bot.get_file(message.document.file_id)).download_as_bytearray()
    assert bytes(downloaded) == csv


@pytest.mark.asyncio
async def test_send_photo_reports_png_size(tg: FakeTelegram, bot: Bot) -> None:
    png = tiny_png(12, 5)

    message = await bot.send_photo(-200, photo=png, filename="attendance.png", caption="Attendance")

    assert (message.photo[-1].width, message.photo[-1].height) == (12, 5)
    assert message.chat.type == "group"
    uploaded = tg.last_message(-200).file
    assert uploaded is not None
    assert uploaded.content == png


@pytest.mark.asyncio
async def test_unknown_method_is_loud(tg: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("getCircleStickers", api_kwargs={"chat_id": 1001})

    assert [call.method for call in tg.unknown_calls] == ["getCircleStickers"]
    assert tg.unknown_calls[0].response == {
        "ok": False,
        "error_code": 404,
        "description": "Not Found: method not found",
    }


@pytest.mark.asyncio
async def test_html_and_markdown_are_parsed_like_telegram(tg: FakeTelegram, bot: Bot) -> None:
    good = await bot.send_message(1001, "<b>Python</b> &lt;3 &amp; more", parse_mode=ParseMode.HTML)
    assert good.text == "Python <3 & more"
    assert tg.last_message(1001).raw_text == "<b>Python</b> &lt;3 &amp; more"

    for broken in ("a < b", "line<br>break", "<b>unclosed"):
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await bot.send_message(1001, broken, parse_mode=ParseMode.HTML)

    with pytest.raises(BadRequest, match=r"(?i)character '\.' is reserved"):
        await bot.send_message(1001, "Meets at 18.30", parse_mode=ParseMode.MARKDOWN_V2)
    escaped = await bot.send_message(
        1001,
        r"*Meets* at 18\.30 \- [venue](https://example.org/a_b)",
        parse_mode=ParseMode.MARKDOWN_V2,
    )
    assert escaped.text == "Meets at 18.30 - venue"


@pytest.mark.asyncio
async def test_edits_follow_telegram_rules(tg: FakeTelegram, bot: Bot) -> None:
    message = await bot.send_message(1001, "Coming?", reply_markup=rsvp_keyboard())

    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "Coming?", chat_id=1001, message_id=message.message_id, reply_markup=rsvp_keyboard()
        )
    edited = await bot.edit_message_text("You said yes", chat_id=1001, message_id=message.message_id)

    assert isinstance(edited, Message)
    assert edited.text == "You said yes"
    assert edited.reply_markup is None  # Telegram drops a keyboard the edit does not repeat
    current = tg.message(1001, message.message_id)
    assert current is not None
    assert current["text"] == "You said yes"
    assert tg.last_message(1001).is_edit
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=1001, message_id=99)


@pytest.mark.asyncio
async def test_oversized_callback_data_is_rejected(tg: FakeTelegram, bot: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="x" * 65)]])

    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(1001, "hello", reply_markup=markup)


@pytest.mark.asyncio
async def test_commands_are_stored_per_scope_and_language(tg: FakeTelegram, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("rsvp", "RSVP")])
    await bot.set_my_commands([BotCommand("start", "Commencer")], language_code="fr")

    assert [c.command for c in await bot.get_my_commands()] == ["start", "rsvp"]
    assert tg.commands(language_code="fr") == [{"command": "start", "description": "Commencer"}]
    await bot.delete_my_commands(language_code="fr")
    assert await bot.get_my_commands(language_code="fr") == ()


@pytest.mark.asyncio
async def test_enforced_limits_answer_429(bot: Bot) -> None:
    limited = FakeTelegram(enforce_limits=True, per_chat_per_second=1)
    async with limited, Bot(TOKEN, base_url=limited.base_url) as limited_bot:
        await limited_bot.send_message(1001, "first")
        await limited_bot.send_message(1002, "another chat is fine")
        with pytest.raises(RetryAfter) as raised:
            await limited_bot.send_message(1001, "second within the same second")

    assert retry_after_seconds(raised.value) >= 1
    assert limited.stats.rate_limited == 1
    assert limited.stats.rate_limited_by_chat == {1001: 1}


# ------------------------------------------------------------------ updates


@pytest.mark.asyncio
async def test_user_updates_look_like_telegram(tg: FakeTelegram) -> None:
    ada = tg.user(1001, "Ada", username="ada")
    circle = tg.group(-100123, "Python circle", type="supergroup")

    deep_link = tg.send_text(ada, "/start c_42")
    in_group = tg.send_text(ada, "/rsvp@circles_test_bot", chat=circle)
    location = tg.send_location(ada, 52.52, 13.405)

    assert deep_link["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert in_group["message"]["entities"][0]["length"] == len("/rsvp@circles_test_bot")
    assert in_group["message"]["chat"] == {
        "id": -100123,
        "type": "supergroup",
        "title": "Python circle",
    }
    assert location["message"]["location"] == {"latitude": 52.52, "longitude": 13.405}
    ids = [u["update_id"] for u in (deep_link, in_group, location)]
    assert ids == sorted(ids)
    assert len(set(ids)) == 3
    parsed = Update.de_json(deep_link, None)
    assert parsed.message is not None
    assert parsed.message.text == "/start c_42"


@pytest.mark.asyncio
async def test_long_poll_wakes_on_a_new_update(tg: FakeTelegram, bot: Bot) -> None:
    ada = tg.user(1001, "Ada")
    poll = asyncio.create_task(bot.get_updates(timeout=20))
    await tg.wait_for_calls("getUpdates", 1, finished=False)

    started = time.monotonic()
    tg.send_text(ada, "hello")
    updates = await asyncio.wait_for(poll, timeout=5)

    assert time.monotonic() - started < 2
    assert [u.message.text for u in updates if u.message] == ["hello"]
    # The next offset confirms it: it is not delivered twice.
    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()


@pytest.mark.asyncio
async def test_stop_ends_a_long_poll_promptly(bot: Bot) -> None:
    fake = FakeTelegram()
    await fake.start()
    async with Bot(TOKEN, base_url=fake.base_url) as client:
        poll = asyncio.create_task(client.get_updates(timeout=30))
        await fake.wait_for_calls("getUpdates", 1, finished=False)
        started = time.monotonic()
        await fake.stop()
        assert await asyncio.wait_for(poll, timeout=5) == ()
    assert time.monotonic() - started < 3


@pytest.mark.asyncio
async def test_wait_for_calls_times_out_with_a_useful_message(tg: FakeTelegram) -> None:
    with pytest.raises(CallTimeoutError, match="sendMessage"):
        await tg.wait_for_calls("sendMessage", 1, timeout=0.05)


# ------------------------------------------------------------------ a real PTB Application


@pytest.mark.asyncio
async def test_polling_application_handles_text_commands_and_buttons(tg: FakeTelegram) -> None:
    seen: list[str] = []

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        seen.append(f"start {context.args}")
        await update.effective_message.reply_text("Welcome! Coming?", reply_markup=rsvp_keyboard())

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        seen.append(f"text {update.effective_message.text}")

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        assert query.message is not None
        seen.append(f"button {query.data} on {query.message.message_id}")
        await query.answer("Saved")
        await query.edit_message_text("You are coming")

    app = Application.builder().token(TOKEN).base_url(tg.base_url).base_file_url(tg.base_file_url).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(button))
    ada = tg.user(1001, "Ada")
    circle = tg.group(-300, "Circle group")

    updater = app.updater
    assert updater is not None
    async with app:
        await updater.start_polling(poll_interval=0)
        await app.start()
        try:
            tg.send_text(ada, "/start c_42")
            tg.send_text(ada, "just text")
            await tg.wait_for_calls("sendMessage", 1)
            welcome = tg.last_message(ada.id)
            tg.press_button(ada, welcome, welcome.callback_data("Yes"))
            await tg.wait_for_calls("editMessageText", 1)
            tg.send_text(ada, "/start@circles_test_bot", chat=circle)
            await tg.wait_for_calls("sendMessage", 2)
        finally:
            await updater.stop()
            await app.stop()

    assert seen == [
        "start ['c_42']",
        "text just text",
        f"button rsvp:7:yes on {welcome.message_id}",
        "start []",
    ]
    answer = tg.callback_answers[next(iter(tg.callback_answers))]
    assert answer["text"] == "Saved"
    assert welcome.message_id is not None
    current = tg.message(ada.id, welcome.message_id)
    assert current is not None
    assert current["text"] == "You are coming"
    assert tg.last_message(-300).text == "Welcome! Coming?"
    assert tg.pending_updates == []  # everything was confirmed by the final getUpdates
    assert tg.stats.get_updates_conflicts == 0


@pytest.mark.asyncio
async def test_pressing_a_button_that_is_gone_is_refused(tg: FakeTelegram, bot: Bot) -> None:
    ada = tg.user(1001, "Ada")
    message = await bot.send_message(ada.id, "Coming?", reply_markup=rsvp_keyboard())
    await bot.edit_message_reply_markup(chat_id=ada.id, message_id=message.message_id)

    with pytest.raises(ValueError, match="no button"):
        tg.press_button(ada, tg.last_message(ada.id), "rsvp:7:yes")


@pytest.mark.asyncio
async def test_callback_query_carries_the_message_and_answers_once(tg: FakeTelegram, bot: Bot) -> None:
    ada = tg.user(1001, "Ada")
    message = await bot.send_message(ada.id, "Coming?", reply_markup=rsvp_keyboard())

    update = tg.press_button(ada, tg.last_message(ada.id), "rsvp:7:no")
    [received] = await bot.get_updates(timeout=0)

    assert received.update_id == update["update_id"]
    query = received.callback_query
    assert query is not None
    assert query.data == "rsvp:7:no"
    assert query.message is not None
    assert query.message.message_id == message.message_id
    assert query.from_user.id == ada.id
    assert await bot.answer_callback_query(query.id, text="Noted")
    with pytest.raises(BadRequest, match=r"(?i)query id is invalid"):
        await bot.answer_callback_query(query.id)


# ------------------------------------------------------------------ webhook mode


@pytest.mark.asyncio
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
        info = await bot.get_webhook_info()
        update = tg.build_text_update(tg.user(1001, "Ada"), "/help")
        status = await tg.deliver_webhook(update)
        with pytest.raises(Exception, match="webhook is active"):
            await bot.get_updates(timeout=0)
    finally:
        await runner.cleanup()

    assert info.url == url
    assert status == 200
    assert received == [("s3cret-token", json.loads(json.dumps(update)))]
    assert tg.webhook_deliveries == [(update["update_id"], 200)]


@pytest.mark.asyncio
async def test_strict_private_chats_refuse_users_who_never_wrote() -> None:
    strict = FakeTelegram(strict_private_chats=True)
    async with strict, Bot(TOKEN, base_url=strict.base_url) as client:
        ada = strict.user(1001, "Ada")
        with pytest.raises(Forbidden, match=r"(?i)can't initiate conversation"):
            await client.send_message(ada.id, "hello")
        strict.send_text(ada, "/start")
        assert (await client.send_message(ada.id, "hello")).text == "hello"


@pytest.mark.parametrize(
    ("mode", "text", "shown"),
    [
        ("HTML", '<a href="https://x.org/?a=1&b=2">venue</a> &quot;hi&quot;', 'venue "hi"'),
        ("HTML", "<tg-spoiler>s</tg-spoiler> &copy;", "s &copy;"),
        ("MarkdownV2", r"*b* _i_ __u__ ~s~ ||sp|| `a.b` \(x\)", "b i u s sp a.b (x)"),
        ("MarkdownV2", "```python\nx = 1.0\n```", "x = 1.0\n"),
        ("MarkdownV2", r"[a\.b](https://x.org/a\)b)", "a.b"),
    ],
)
def test_formatting_parsers_show_what_telegram_shows(mode: str, text: str, shown: str) -> None:
    assert FakeTelegram()._render(text, mode) == shown


@pytest.mark.parametrize(
    ("mode", "text"),
    [
        ("HTML", "<b><i>crossed</b></i>"),
        ("HTML", "<p>paragraph</p>"),
        ("MarkdownV2", "*unclosed"),
        ("MarkdownV2", "Well done!"),
        ("MarkdownV2", "a `code span"),
    ],
)
def test_formatting_parsers_reject_what_telegram_rejects(mode: str, text: str) -> None:
    with pytest.raises(Exception, match="can't parse entities"):
        FakeTelegram()._render(text, mode)
