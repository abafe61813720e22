"""Input at the boundary (issue 9, findings 6, 7, 9 and 10): what a platform delivers is cleaned
once before the core sees it, names must be readable, dates stay within two years, cities are
resolved or confirmed, and meetings are numbered by date."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from adapters.console.driver import ConsoleDriver
from bot.app import Core
from bot.conversation.messages import Incoming
from storage.db import Database
from storage.tables import circles, kept_inputs, people
from tests.e2e.flows import BERLIN_CIRCLE, create_circle, sign_up

FIRST_DATE = BERLIN_CIRCLE.index("2026-12-07")
CITY = BERLIN_CIRCLE.index("Berlin")


async def count(db: Database, table: object) -> int:
    async with db.transaction() as conn:
        return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())  # type: ignore[arg-type]


async def until(chat: ConsoleDriver, step: int) -> None:
    """/new, answered up to (not including) answer number ``step`` of BERLIN_CIRCLE."""
    await chat.say("/new", as_="fiona")
    for answer in BERLIN_CIRCLE[:step]:
        await chat.say(answer)


async def manage(chat: ConsoleDriver) -> str:
    await chat.say("/mycircles", as_="fiona")
    return await chat.press("Python for Everybody")


# Finding 6: dates far ahead ------------------------------------------------------------------


@pytest.mark.parametrize("far", ["9999-12-31", "31.12.9999", "2028-11-29", "1 Jan 2100"])
async def test_a_first_meeting_more_than_two_years_ahead_is_refused(chat: ConsoleDriver, far: str) -> None:
    await until(chat, FIRST_DATE)
    answer = await chat.say(far)
    assert "That date is too far ahead. Please choose a date no later than 2028-11-28." in answer
    assert "On which date is the first meeting?" in answer
    assert "At what time do you meet?" in await chat.say("2028-11-28")  # the last day allowed


async def test_a_meeting_cannot_be_moved_or_added_years_ahead(chat: ConsoleDriver, db: Database) -> None:
    code = await create_circle(chat)
    await manage(chat)
    await chat.press("Reschedule a meeting")
    await chat.press("Meeting 2")
    assert "too far ahead" in await chat.say("9999-12-31")
    await manage(chat)
    await chat.press("Add a meeting")
    assert "too far ahead" in await chat.say("9999-12-31")
    await chat.say("/cancel")
    # Signups and calendar files still work: nothing in year 9999 was saved.
    confirmation = await sign_up(chat, code, "alice", "Learn", "Help", "Build")
    assert "(file: python-for-everybody.ics)" in confirmation
    assert await count(db, kept_inputs) == 0


# Finding 7: NUL bytes and other controls, everywhere --------------------------------------------


async def test_nul_bytes_in_commands_tokens_and_answers_change_nothing_and_crash_nothing(
    chat: ConsoleDriver, db: Database
) -> None:
    code = await create_circle(chat)
    assert "Python for Everybody" in await chat.say(f"/start {code}\x00", as_="alice")
    assert "Python for Everybody" in await chat.say(f"/start \x00{code}\x1b")
    assert "Python for Everybody" in await chat.press_token("circle:1\x00")
    assert "Python for Everybody" in await chat.press_token("circ\x00le:1")
    await chat.say("/team", as_="olga")
    for token in ("team-join:\x00", "forget:\x00x", "language:d\x00e", "d:x\x00:y"):
        answer = await chat.press_token(token)
        assert "something went wrong" not in answer, token
    await chat.say("/browse Ber\x00lin")
    assert "Python for Everybody" in chat.shown["olga"][-1].text
    assert await count(db, kept_inputs) == 0


async def test_a_display_name_with_nul_and_bidi_controls_is_cleaned(app: Core, db: Database) -> None:
    name = "Ma\x00l\u202elory\u200b\x07"
    incoming = Incoming(platform="telegram", user_id="666", chat_id="666", user_name=name, text="/help")
    for _ in range(2):  # the same account's later events work too
        replies = await app.handle(Incoming(**{**incoming.__dict__, "command": "help", "text": None}))
        assert "something went wrong" not in replies[0].text
    async with db.transaction() as conn:
        stored = (await conn.execute(select(people.c.name))).scalars().all()
    assert stored == ["Mallory"]


async def test_a_name_made_of_nothing_visible_is_given_a_readable_fallback(app: Core, db: Database) -> None:
    incoming = Incoming(
        platform="telegram", user_id="4242", chat_id="4242", user_name="\u200b\u200d\x00", command="help"
    )
    await app.handle(incoming)
    async with db.transaction() as conn:
        assert (await conn.execute(select(people.c.name))).scalars().all() == ["4242"]


# Names: zero-width only, bidi overrides ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "refusal"),
    [
        ("\u200b\u200b\u200b", "That name has no visible letters."),
        ("\u200b \u2060 \ufeff", "That name has no visible letters."),
        ("\x00\x01", "Please send some text."),
        ("Python \u202efor Everybody", "characters that change the writing direction"),
        ("\u2066Python\u2069", "characters that change the writing direction"),
    ],
)
async def test_invisible_or_direction_changing_names_are_refused(
    chat: ConsoleDriver, db: Database, name: str, refusal: str
) -> None:
    await chat.say("/new", as_="fiona")
    answer = await chat.say(name)
    assert refusal in answer
    assert "Send the course title." in answer
    # The same at the circle's own name, the venue and the team's name.
    await chat.say("Python for Everybody")
    await chat.say("https://www.py4e.com")
    assert refusal in await chat.say(name)
    await chat.say("Python")
    await chat.say("Welcome")
    assert refusal in await chat.say(name)
    await chat.say("/team", as_="olga")
    await chat.press("Create a team")
    assert refusal in await chat.say(name)
    assert await count(db, circles) == 0


async def test_a_name_with_an_emoji_joiner_is_fine(chat: ConsoleDriver) -> None:
    answers = list(BERLIN_CIRCLE)
    answers[0] = "Family coding 👨\u200d👩\u200d👧"
    await create_circle(chat, answers)
    assert "Family coding 👨\u200d👩\u200d👧" in await chat.say("/browse Berlin", as_="alice")


# Cities ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("city", ["../../etc/passwd", "12345", "Berlin/Mitte", "<script>", "!!!", "B" * 200])
async def test_text_that_cannot_be_a_place_is_refused_as_a_city(chat: ConsoleDriver, city: str) -> None:
    await until(chat, CITY)
    answer = await chat.say(city)
    assert "That does not look like the name of a town or city." in answer
    assert "In which city is the venue?" in answer


async def test_a_known_city_is_taken_in_the_gazetteers_spelling(chat: ConsoleDriver) -> None:
    answers = list(BERLIN_CIRCLE)
    answers[CITY] = "  zürich "
    answers[CITY + 2] = "#1"  # the time zone suggested from the city
    await create_circle(chat, answers)
    listed = await chat.say("/browse Zurich", as_="alice")
    assert "Python for Everybody" in listed
    assert "Zürich" in listed


async def test_an_unknown_place_is_kept_only_once_confirmed(chat: ConsoleDriver) -> None:
    await until(chat, CITY)
    asked = await chat.say("Kleinkleckersdorf")
    assert "I do not know a town called Kleinkleckersdorf." in asked
    # "Type it again" goes back to the question; a known spelling then goes straight on.
    assert "In which city is the venue?" in await chat.press("Type it again")
    await chat.say("Berlnn")
    assert "In which language will the circle meet?" in await chat.say("Berlin")
    await chat.say("back")
    await chat.say("back")
    await chat.say("Kleinkleckersdorf")
    assert "In which language will the circle meet?" in await chat.press("Keep Kleinkleckersdorf")
    for answer in BERLIN_CIRCLE[CITY + 1 :]:
        await chat.say(answer)
    await chat.press("Publish")
    assert "Python for Everybody" in await chat.say("/browse kleinkleckersdorf", as_="alice")


async def test_changing_the_venue_asks_about_an_unknown_place_too(chat: ConsoleDriver) -> None:
    await create_circle(chat)
    await manage(chat)
    await chat.press("Change the venue")
    for answer in ("Dorfkrug", "Hauptstraße 1", "#1"):
        await chat.say(answer)
    assert "That does not look like the name of a town or city." in await chat.say("../../etc/passwd")
    assert "I do not know a town called Kleinkleckersdorf." in await chat.say("Kleinkleckersdorf")
    assert "now meets at" in await chat.press("Keep Kleinkleckersdorf")
    assert "Python for Everybody" in await chat.say("/browse Kleinkleckersdorf", as_="alice")


async def test_browsing_a_place_that_is_no_place_finds_nothing(chat: ConsoleDriver) -> None:
    await create_circle(chat)
    assert "No circles are open for signup" in await chat.say("/browse ../../etc/passwd", as_="alice")


# Finding 10: meetings numbered by date ---------------------------------------------------------------


def schedule_numbers(schedule: str) -> list[str]:
    return [line.split(":")[0] for line in schedule.splitlines() if line.startswith("Meeting ")]


async def test_a_meeting_moved_before_the_others_becomes_meeting_1(chat: ConsoleDriver) -> None:
    await create_circle(chat)
    await manage(chat)
    await chat.press("Reschedule a meeting")
    await chat.press("Meeting 3")
    await chat.say("2026-12-01")
    moved = await chat.say("18:00")
    assert "Meeting 1 moved from Mon, 21 Dec 2026, 18:00 CET to Tue, 1 Dec 2026, 18:00 CET." in moved
    await manage(chat)
    schedule = await chat.press("Schedule and RSVPs")
    assert schedule_numbers(schedule) == [f"Meeting {n}" for n in range(1, 7)]
    assert "Meeting 1: Tue, 1 Dec 2026, 18:00 CET" in schedule
    assert "Meeting 2: Mon, 7 Dec 2026, 18:00 CET" in schedule
    assert "Meeting 4: Mon, 28 Dec 2026, 18:00 CET" in schedule


async def test_an_added_meeting_between_others_takes_its_place_in_the_numbering(chat: ConsoleDriver) -> None:
    await create_circle(chat)
    await manage(chat)
    await chat.press("Add a meeting")
    await chat.say("2026-12-10")
    assert "Meeting 2 added: Thu, 10 Dec 2026, 18:00 CET." in await chat.press("18:00")
    await manage(chat)
    schedule = await chat.press("Schedule and RSVPs")
    assert schedule_numbers(schedule) == [f"Meeting {n}" for n in range(1, 8)]
    assert "Meeting 3: Mon, 14 Dec 2026, 18:00 CET" in schedule


# Finding 9: spreadsheet formulas ----------------------------------------------------------------------


async def test_formulas_after_spaces_or_separators_are_neutralised_in_the_csv(chat: ConsoleDriver) -> None:
    code = await create_circle(chat)
    await sign_up(chat, code, "alice", "  =1+1", 'help;=HYPERLINK("http://evil.example")', "a |\t@SUM(A1)")
    await manage(chat)
    await chat.press("Export signups (CSV)")
    export = chat.shown["fiona"][-1].reply.attachment
    assert export is not None
    text = export.content.decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(text)))[1]
    assert row[2:] == ["'=1+1", 'help;\'=HYPERLINK("http://evil.example")', "a |\t'@SUM(A1)"]
    # Every cell is quoted, so a program splitting on semicolons keeps the cell whole.
    assert all(line.startswith('"') for line in text.splitlines() if line)
