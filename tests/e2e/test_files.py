"""The calendar file a learner gets and the signup export a facilitator gets."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar

from adapters.console.driver import ConsoleDriver
from bot.clock import FixedClock
from bot.conversation.messages import Attachment
from tests.e2e.flows import BERLIN_CIRCLE, create_circle, sign_up


def last_attachment(chat: ConsoleDriver) -> Attachment:
    for shown in reversed(chat.shown[chat.speaker]):
        if shown.reply.attachment is not None:
            return shown.reply.attachment
    raise AssertionError("no file was sent")


async def test_the_signup_confirmation_carries_a_calendar_that_keeps_local_time_across_dst(
    chat: ConsoleDriver, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    answers = list(BERLIN_CIRCLE)
    answers[7], answers[9], answers[10] = "New York", "America/New_York", "2026-10-22"
    code = await create_circle(chat, answers)
    confirmation = await sign_up(chat, code, "alice", "Learn", "Help", "Build")
    assert "(file: python-for-everybody.ics)" in confirmation
    ics = last_attachment(chat)
    assert ics.mime_type == "text/calendar"

    calendar = Calendar.from_ical(ics.content)
    events = sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    starts = [e.decoded("dtstart") for e in events]
    new_york = ZoneInfo("America/New_York")
    assert [s.astimezone(new_york).strftime("%m-%d %H:%M %Z") for s in starts[:3]] == [
        "10-22 18:00 EDT",
        "10-29 18:00 EDT",
        "11-05 18:00 EST",
    ]
    assert [s.astimezone(UTC).hour for s in starts[:3]] == [22, 22, 23]
    assert str(events[0]["dtstart"].params["TZID"]) == "America/New_York"
    assert any(tz["TZID"] == "America/New_York" for tz in calendar.walk("VTIMEZONE"))
    assert len(events) == 6
    assert "Zentralbibliothek" in str(events[0]["location"])


async def test_a_cancelled_meeting_is_marked_in_the_calendar(chat: ConsoleDriver) -> None:
    code = await create_circle(chat)
    await chat.say("/mycircles", as_="fiona")
    await chat.press("Python for Everybody")
    await chat.press("Cancel a meeting")
    await chat.press("Meeting 2")
    await chat.press("Yes, cancel it")
    await chat.say(f"/start {code}", as_="alice")
    await chat.press("Sign up")
    await chat.press("I agree")
    for answer in ("Learn", "Help", "Build"):
        await chat.say(answer)
    await chat.say("/mycircles")
    await chat.press("Python for Everybody")
    await chat.press("Calendar file")
    events = Calendar.from_ical(last_attachment(chat).content).walk("VEVENT")
    statuses = {str(e["summary"]): str(e["status"]) for e in events}
    assert statuses["Python for Everybody: meeting 2"] == "CANCELLED"
    assert statuses["Python for Everybody: meeting 3"] == "CONFIRMED"


async def test_the_signup_export_reads_back_with_every_answer(chat: ConsoleDriver) -> None:
    code = await create_circle(chat)
    await sign_up(chat, code, "alice", 'Learn "properly", at last', "Explain, patiently", "Ein Spiel, bitte")
    await sign_up(chat, code, "боб", "Научиться программировать", "学习 together", "ゲーム")
    await chat.say("/mycircles", as_="fiona")
    await chat.press("Python for Everybody")
    await chat.press("Export signups (CSV)")
    export = last_attachment(chat)
    assert export.filename == "python-for-everybody-signups.csv"
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
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
    assert rows[2][0] == "Боб"
    assert rows[2][2:] == ["Научиться программировать", "学习 together", "ゲーム"]
    assert len(rows) == 3


async def test_only_facilitators_export(chat: ConsoleDriver) -> None:
    await create_circle(chat)
    assert "Only the circle's facilitators" in await chat.press_token("csv:1", as_="mallory")


async def test_the_terminal_saves_files_and_shows_their_path(chat: ConsoleDriver, tmp_path: Path) -> None:
    chat.files_dir = tmp_path / "files"
    code = await create_circle(chat)
    confirmation = await sign_up(chat, code, "alice", "Learn", "Help", "Build")
    saved = tmp_path / "files" / "python-for-everybody.ics"
    assert f"(file: {saved})" in confirmation
    assert Calendar.from_ical(saved.read_bytes()).walk("VEVENT")
    await chat.say("/report", as_="fiona")
    assert f"(file: {tmp_path / 'files' / 'attendance.png'})" in chat.shown["fiona"][-1].text
    await chat.say("/mycircles", as_="alice")
    await chat.press("Python for Everybody")
    again = await chat.press("Calendar file")
    assert f"(file: {tmp_path / 'files' / 'python-for-everybody-2.ics'})" in again
