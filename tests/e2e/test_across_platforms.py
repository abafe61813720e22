"""One Circles app served on Telegram and Slack at once, driven through the real SDKs against the
fake platforms, as the people of one team would use it.

Both adapters run on one app and one database (each on its own web server, as the two harnesses
start them): an organizer works on Slack, a facilitator and her learners on Telegram. The clock is
the app's ``FixedClock``, moved as the story goes; dispatch passes that a running bot would make
are made with the adapters' own senders; the Monday summary comes from the real command line,
``python -m bot dispatch --now …``, in a separate process talking HTTP to the same fakes. Nothing
waits by sleeping: every step awaits the fakes' records, with a timeout.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import re
import sys
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.app import Core
from bot.clock import FixedClock
from bot.delivery.dispatcher import Dispatcher
from tests.e2e.flows import BERLIN_CIRCLE
from tests.e2e.slack.harness import SIGNING_SECRET, SlackChat, running_slack
from tests.e2e.telegram.flows import create_circle, sign_up
from tests.e2e.telegram.harness import BOT_USERNAME, TOKEN, TelegramChat, api_root, running_telegram, text_of
from tests.e2e.test_report import png_size
from tests.fakes.slack_api import FakeSlack, Posted, SlackUser
from tests.fakes.telegram_api import FakeTelegram, SentMessage

ROOT = Path(__file__).resolve().parents[2]
CLI_WITHIN = 60.0  # seconds for one `python -m bot dispatch`; it takes about two
BERLIN = ZoneInfo("Europe/Berlin")
REMINDER_1 = datetime(2026, 12, 5, 18, 0, tzinfo=BERLIN)  # two days before meeting 1
FIRST_MONDAY = datetime(2026, 12, 7, 10, 0, tzinfo=BERLIN)  # the team's default summary time
MEETING_1_ENDED = datetime(2026, 12, 7, 19, 30, tzinfo=BERLIN)  # Mon 7 Dec 18:00 CET + 90 min
SUMMARY_MONDAY = "2026-12-14T10:00:00+01:00"  # the team's default summary time, the week of meeting 2
UPLOAD_FLOW = ["files.getUploadURLExternal", "upload", "files.completeUploadExternal"]
SUMMARY_CHANNEL = "C0ORGANIZERS"


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(bot_username=BOT_USERNAME, token=TOKEN) as fake:
        yield fake


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(signing_secret=SIGNING_SECRET) as fake:
        yield fake


@pytest.fixture
async def telegram(app: Core, tg: FakeTelegram) -> AsyncIterator[TelegramChat]:
    async with running_telegram(app, tg, "polling") as chat:
        yield chat


@pytest.fixture
async def slack(app: Core, fake_slack: FakeSlack) -> AsyncIterator[SlackChat]:
    """The Slack adapter on the same app (and database) as the Telegram one."""
    async with running_slack(app, fake_slack) as chat:
        yield chat


def dispatcher(app: Core, telegram: TelegramChat, slack: SlackChat) -> Dispatcher:
    """What the running bot's delivery service does: the adapters' own senders, the app's clock."""
    return Dispatcher(app.db, app.clock, {"telegram": telegram.adapter.sender, "slack": slack.adapter.sender})


async def dispatch_cli(now: str, database_url: str, fake_slack: FakeSlack, tg: FakeTelegram) -> tuple[int, str, str]:
    """``python -m bot dispatch --now <now>`` in its own process, configured by the environment as
    a cron job would be, with both platforms' addresses pointing at the fakes. The fakes run on
    this event loop, so the child is awaited, never waited for with a blocking call."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SLACK_", "CIRCLES_"))}
    env.update(
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN=fake_slack.bot_token,
        SLACK_API_BASE_URL=fake_slack.api_url,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=api_root(tg),
        CIRCLES_CONFIG=str(ROOT / "config.yaml"),
        PYTHONUNBUFFERED="1",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "dispatch",
        "--now",
        now,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(CLI_WITHIN):
            out, err = await process.communicate()
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def posts_to(fake: FakeSlack, channel: str) -> list[str]:
    """The words of every chat.postMessage the bot made to ``channel``, successful or not."""
    return [
        str(call.args.get("text") or "")
        for call in fake.calls_to("chat.postMessage")
        if call.args.get("channel") == channel
    ]


def sends(tg: FakeTelegram) -> list[SentMessage]:
    """Every new message the bot sent on Telegram (edits left out)."""
    return [m for m in tg.sent_messages() if not m.is_edit]


# --------------------------------------------------------------------------------------------
# 1. The scenario
# --------------------------------------------------------------------------------------------


async def test_an_organizer_on_slack_gets_the_monday_summary_of_a_circle_run_on_telegram(
    app: Core,
    clock: FixedClock,
    telegram: TelegramChat,
    slack: SlackChat,
    tg: FakeTelegram,
    fake_slack: FakeSlack,
    database_url: str,
) -> None:
    olga = slack.person("olga")
    fake_slack.channel(SUMMARY_CHANNEL, "organizers", olga)
    fiona = tg.user(301, "Fiona")
    alice = tg.user(302, "Alice")

    # Olga creates the team in her Slack direct message.
    card = await slack.command("team", as_="olga")
    assert "You are not in a team." in card
    assert "What is the team called?" in await slack.press("Create a team")
    assert "Which time zone" in await slack.say("Learning Circles Berlin")
    created = await slack.say("Europe/Berlin")
    assert "The team Learning Circles Berlin is created and you are its organizer." in created

    # She invites a facilitator: on Slack the link reads as the command to type.
    await slack.command("team")
    invitation = await slack.press("Invite a facilitator")
    found = re.search(r"/circles start (t\w+)", invitation)
    assert found, invitation
    code = found.group(1)

    # In the organizers' channel she chooses it for the weekly summary; only she sees the answers.
    in_channel = await slack.command("team", channel=SUMMARY_CHANNEL)
    assert in_channel.startswith("(only you) ") and "Team Learning Circles Berlin — you are an organizer." in in_channel
    chosen = await slack.press("Send the weekly summary here")
    assert chosen.startswith("(only you) ")
    assert "The weekly summary of Learning Circles Berlin will be posted in this chat." in chosen
    assert posts_to(fake_slack, SUMMARY_CHANNEL) == []  # nothing public in the channel yet

    # Fiona joins on Telegram with the same code, and creates a circle there.
    asked = text_of(await telegram.say(fiona, f"/start {code}"))
    assert "Join the team Learning Circles Berlin as a member?" in asked
    welcome = text_of(await telegram.press(fiona, "Join the team"))
    assert "Welcome to the team Learning Circles Berlin! You are a member." in welcome
    circle = await create_circle(telegram, fiona, BERLIN_CIRCLE)
    confirmation = await sign_up(
        telegram, alice, circle, "Automate my spreadsheets", "Excel tricks", "A tool for my garden club"
    )
    assert "You are signed up for Python for Everybody!" in text_of(confirmation)

    # Olga sees the circle in her team on Slack.
    await slack.command("team", as_="olga")
    assert "• Python for Everybody (published) — Fiona" in await slack.press("Circles")

    # Saturday before meeting 1: the reminder reaches Alice on Telegram; she will come.
    deliver = dispatcher(app, telegram, slack)
    clock.set(REMINDER_1)
    await deliver.run_pass()
    reminder = tg.last_message(alice.id)
    assert "meeting 1 of 6, Mon, 7 Dec 2026, 18:00 CET" in reminder.body
    assert "You said you will come to meeting 1" in text_of(await telegram.press(alice, "I'll be there"))

    # Monday 10:00: the running bot posts that week's summary to the channel; no feedback yet.
    clock.set(FIRST_MONDAY - timedelta(seconds=1))
    await deliver.run_pass()
    assert posts_to(fake_slack, SUMMARY_CHANNEL) == []
    clock.set(FIRST_MONDAY)
    await deliver.run_pass()
    (first_week,) = posts_to(fake_slack, SUMMARY_CHANNEL)
    assert "week of Mon, 7 Dec 2026" in first_week and "meeting 1 of 6" in first_week
    assert "Feedback from last week" not in first_week

    # Meeting 1 ends; the next pass asks Fiona who came, and she answers with taps and words.
    clock.set(MEETING_1_ENDED - timedelta(minutes=1))
    await deliver.run_pass()
    assert not any("has ended" in m.body for m in tg.sent_messages(fiona.id))
    clock.set(MEETING_1_ENDED)
    await deliver.run_pass()
    prompt = tg.last_message(fiona.id)
    assert "Meeting 1 of Python for Everybody (Mon, 7 Dec 2026, 18:00 CET) has ended." in prompt.body
    assert "Who came?" in prompt.body and prompt.button_texts == ["Confirm who came"]
    clock.advance(timedelta(hours=2))  # she answers later that evening
    # Alice said yes: she is ticked on the list of who came, and Fiona confirms it, then rates it.
    assert "Said yes: Alice" in text_of(await telegram.press(fiona, "Confirm who came"))
    assert "How did it go" in text_of(await telegram.press(fiona, "Done"))
    assert "A short reflection" in text_of(await telegram.press(fiona, "4"))
    saved = text_of(await telegram.say(fiona, "Lively start & good questions; next time fewer slides"))
    assert "Thank you! Your feedback is saved." in saved
    assert "Rating 4/5, 1 came — Lively start & good questions; next time fewer slides" in saved

    # Monday 14 December, 10:00 in Berlin: the cron job's dispatch, a process of its own.
    clock.set(datetime.fromisoformat(SUMMARY_MONDAY))
    telegram_before, channel_before = len(sends(tg)), len(posts_to(fake_slack, SUMMARY_CHANNEL))
    code_1, out_1, err_1 = await dispatch_cli(SUMMARY_MONDAY, database_url, fake_slack, tg)
    assert code_1 == 0, err_1
    # The summary, and meeting 2's reminder to Alice with its copy to Fiona (due Saturday 18:00).
    assert f"dispatch as of {SUMMARY_MONDAY}: planned 3, sent 3," in out_1, out_1

    # Exactly one message in the channel, and it is the summary the organizers need.
    (posted,) = posts_to(fake_slack, SUMMARY_CHANNEL)[channel_before:]
    assert all(call.ok for call in fake_slack.calls), [c for c in fake_slack.calls if not c.ok]
    # Olga's /team answers there were ephemeral; this one is for the whole channel to read, and
    # the chart of the team's attendance per week follows it as a file.
    message, chart = [m for m in fake_slack.messages_in(SUMMARY_CHANNEL) if m.ephemeral_to is None][-2:]
    assert [f.filename for f in chart.files] == ["attendance-2026-12-14.png"]
    summary = message.plain()
    assert "Weekly summary of Learning Circles Berlin, week of Mon, 14 Dec 2026" in summary
    assert "• Python for Everybody: meeting 2 of 6, Mon, 14 Dec 2026, 18:00 CET" in summary
    assert (
        "• Python for Everybody, meeting 1: rated 4/5, 1 came. Lively start & good questions; next time fewer slides"
        in summary
    )
    assert "Started last week: Python for Everybody" in summary
    assert "&amp;" in posted  # escaped for Slack's mrkdwn, and read as typed (above)
    # Its members can read it; Olga sees it in the channel.
    assert message in fake_slack.visible_to(olga)
    # The same run sent what else was due on Telegram: meeting 2's reminder to Alice (and a copy to Fiona).
    sent_by_cli = sends(tg)[telegram_before:]
    assert any(m.chat_id == alice.id and "meeting 2 of 6, Mon, 14 Dec 2026" in m.body for m in sent_by_cli)

    # Run again: nothing more is posted, anywhere.
    slack_calls, telegram_sent = len(fake_slack.calls), len(sends(tg))
    code_2, out_2, err_2 = await dispatch_cli(SUMMARY_MONDAY, database_url, fake_slack, tg)
    assert code_2 == 0, err_2
    assert "planned 0, sent 0" in out_2, out_2
    assert posts_to(fake_slack, SUMMARY_CHANNEL) == [first_week, posted]
    assert fake_slack.calls[slack_calls:] == []
    assert len(sends(tg)) == telegram_sent


# --------------------------------------------------------------------------------------------
# 2. Files on each platform (issue 6)
# --------------------------------------------------------------------------------------------


def png_of(message: SentMessage) -> tuple[int, int]:
    assert message.method == "sendPhoto", message.method
    assert message.file is not None
    return png_size(message.file.content)


def upload_calls(fake: FakeSlack, since: int) -> list[str]:
    return [c.method for c in fake.calls[since:] if c.method.startswith("files.") or c.method == "upload"]


def uploaded_to(fake: FakeSlack, user: SlackUser) -> Posted:
    """The latest file the bot shared in ``user``'s direct message."""
    shared = [m for m in fake.messages_in(user.dm) if m.files]
    assert shared, f"no file in {user.name}'s direct message"
    return shared[-1]


async def test_reports_exports_and_calendars_arrive_as_files_on_telegram_and_on_slack(
    telegram: TelegramChat, slack: SlackChat, tg: FakeTelegram, fake_slack: FakeSlack
) -> None:
    fiona = tg.user(401, "Fiona")
    alice = tg.user(402, "Alice")
    boris = tg.user(403, "Борис")
    code = await create_circle(telegram, fiona)

    # A learner's confirmation carries the circle's calendar, sent as a document.
    confirmation = await sign_up(
        telegram, alice, code, 'Learn "properly", at last', "Explain, patiently", "Ein Spiel, bitte"
    )
    (document,) = [m for m in confirmation if m.method == "sendDocument"]
    assert "You are signed up for Python for Everybody!" in document.body
    assert document.chat_id == alice.id and document.file is not None
    assert document.file.filename == "python-for-everybody.ics"
    events = Calendar.from_ical(document.file.content).walk("VEVENT")
    starts = sorted(event.decoded("dtstart") for event in events)
    assert len(starts) == 6
    assert starts[0].astimezone(BERLIN).strftime("%a %d %b %Y %H:%M %Z") == "Mon 07 Dec 2026 18:00 CET"
    await sign_up(telegram, boris, code, "Научиться программировать", "学习 together, 一起", "ゲーム «игра», 'да'")

    # Fiona's /report: the report's words, and the attendance chart as a photo.
    report = await telegram.say(fiona, "/report")
    (photo,) = [m for m in report if m.method == "sendPhoto"]
    assert photo.chat_id == fiona.id
    assert png_of(photo) == (800, 400)
    report_words = text_of(report)
    assert "Signups: 2" in report_words
    assert "No feedback was given." in report_words
    assert "Send it to the learners and organizers" in report[-1].button_texts

    # The export from the manage view is a CSV document that reads back as written.
    await telegram.say(fiona, "/mycircles")
    await telegram.press(fiona, "Python for Everybody")
    (export,) = await telegram.press(fiona, "Export signups (CSV)")
    assert export.method == "sendDocument" and export.file is not None
    assert export.file.filename == "python-for-everybody-signups.csv"
    csv_from_telegram = export.file.content
    rows = list(csv.reader(io.StringIO(csv_from_telegram.decode("utf-8-sig"))))
    assert rows[0] == [
        "Name",
        "Signed up",
        "Goal",
        "How they will help peers",
        "What would you like to build with Python?",
    ]
    assert rows[1] == [
        "Alice",
        "2026-11-28 13:00 CET",
        'Learn "properly", at last',
        "Explain, patiently",
        "Ein Spiel, bitte",
    ]
    assert rows[2] == [
        "Борис",
        "2026-11-28 13:00 CET",
        "Научиться программировать",
        "学习 together, 一起",
        "ゲーム «игра», 'да'",
    ]
    assert len(rows) == 3

    # Fiona links her Slack account (the code from Slack, typed on Telegram) …
    offer = await slack.command("link", as_="fiona")
    link_code = re.search(r"Your link code is (\w+)", offer)
    assert link_code, offer
    assert "Link this account with Fiona on Slack?" in text_of(await telegram.say(fiona, f"/link {link_code.group(1)}"))
    assert "linked" in text_of(await telegram.press(fiona, "Yes, link them"))
    fiona_on_slack = slack.person("fiona")

    # … and gets the same report on Slack, the chart through Slack's upload flow.
    mark = len(fake_slack.calls)
    shown = await slack.command("report", as_="fiona")
    assert "Signups: 2" in shown and "(file: attendance.png)" in shown
    assert upload_calls(fake_slack, mark) == UPLOAD_FLOW
    chart = uploaded_to(fake_slack, fiona_on_slack)
    (png,) = chart.files
    assert png.filename == "attendance.png" and png_size(png.content) == (800, 400)
    (complete,) = [c for c in fake_slack.calls[mark:] if c.method == "files.completeUploadExternal"]
    assert complete.args["channel_id"] == fiona_on_slack.dm

    # The same export, byte for byte, uploaded into her direct message.
    await slack.command("mycircles")
    await slack.press("Python for Everybody")
    mark = len(fake_slack.calls)
    exported = await slack.press("Export signups (CSV)")
    assert "(file: python-for-everybody-signups.csv)" in exported
    assert upload_calls(fake_slack, mark) == UPLOAD_FLOW
    (sheet,) = uploaded_to(fake_slack, fiona_on_slack).files
    assert sheet.filename == "python-for-everybody-signups.csv"
    assert sheet.content == csv_from_telegram
    assert list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig")))) == rows

    # Nothing either fake refused on the way.
    assert all(call.ok for call in fake_slack.calls), [c for c in fake_slack.calls if not c.ok]
    assert not tg.unknown_calls
    assert all(m.parse_mode is None for m in tg.sent_messages())
