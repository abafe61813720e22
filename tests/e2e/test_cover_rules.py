"""Issue 14, the rules around cover, on the terminal: two acceptances at once (one wins, on SQLite
and PostgreSQL), stale and forged presses that change nothing, an organizer who covers gives the
meeting's feedback, and the offer to cancel dropped once the facilitator can come after all."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from adapters.console.driver import ConsoleDriver
from adapters.console.sender import ConsoleSender
from bot.actions import AnswerCover, AskCover, CancelUncovered, WithdrawCover
from bot.app import Core
from bot.clock import FixedClock
from bot.config import load
from bot.delivery.covers import COVER_LEAD
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.service import dispatch_settings
from bot.usecases import covers
from domain.cover import CoverStatus
from domain.errors import CoverTaken
from storage.tables import covers as covers_table
from storage.tables import outbox
from storage.unit import unit_of_work
from tests.e2e.drivers import TerminalDriver
from tests.e2e.flows import create_circle, sign_up
from tests.e2e.test_authorization import _snapshot
from tests.e2e.test_team import invite_link, join, make_team

BERLIN = ZoneInfo("Europe/Berlin")
CO_FACILITATORS = ("carl", "dana", "eve", "gus")


async def circle_with(chat: ConsoleDriver, co_facilitators: tuple[str, ...] = CO_FACILITATORS) -> str:
    code = await create_circle(chat)
    for co in co_facilitators:
        await chat.say("/mycircles", as_="fiona")
        await chat.press("Python for Everybody")
        invite = re.search(r"/start (f\w+)", await chat.press("Add a co-facilitator"))
        assert invite
        await chat.say(f"/start {invite.group(1)}", as_=co)
    await sign_up(chat, code, "alice", "Learn", "Help", "A game")
    await sign_up(chat, code, "bob", "Learn", "Help", "A game")
    return code


async def ids(app: Core, *names: str) -> dict[str, int]:
    async with unit_of_work(app.db) as unit:
        found = {n: await unit.people.by_identity("console", n) for n in names}
    return {n: p.id for n, p in found.items() if p is not None and p.id is not None}


async def meeting_id(app: Core, number: int) -> int:
    async with unit_of_work(app.db) as unit:
        circle = (await unit.circles.facilitated_by((await ids(app, "fiona"))["fiona"]))[0]
        meeting = next(m for m in await unit.circles.meetings(circle.id or 0) if m.number == number)
    assert meeting.id is not None
    return meeting.id


async def ask_from_menu(chat: ConsoleDriver, number: int) -> str:
    await chat.say("/mycircles", as_="fiona")
    await chat.press("Python for Everybody")
    await chat.press("I can't make it: ask for cover")
    return await chat.press(f"Meeting {number}")


async def test_of_co_facilitators_accepting_at_once_one_leads_the_meeting(chat: ConsoleDriver, app: Core) -> None:
    await circle_with(chat)
    assert "I asked Carl, Dana, Eve, Gus to cover meeting 2" in await ask_from_menu(chat, 2)
    meeting = await meeting_id(app, 2)
    people = await ids(app, *CO_FACILITATORS)

    async def accept(person_id: int) -> object:
        async with unit_of_work(app.db) as unit:
            return await covers.answer(unit, meeting, person_id, True, app.clock.now())

    results = await asyncio.gather(*(accept(p) for p in people.values()), return_exceptions=True)
    won = [r for r in results if not isinstance(r, BaseException)]
    # SQLite may refuse a concurrent writer ("database is locked") rather than wait; PostgreSQL
    # makes the others wait for the winner's row lock, then find the request covered.
    lost = [r for r in results if isinstance(r, BaseException)]
    assert len(won) == 1 and all(isinstance(r, CoverTaken) or "locked" in str(r) for r in lost), results
    async with app.db.engine.connect() as conn:
        row = (await conn.execute(select(covers_table))).mappings().one()
        told = (await conn.execute(select(outbox.c.person_id).where(outbox.c.kind == COVER_LEAD))).scalars().all()
    assert row["status"] == CoverStatus.COVERED.value and row["covered_by"] in people.values()
    assert sorted(told) == sorted((await ids(app, "alice", "bob")).values())  # each learner told once


async def test_stale_and_forged_presses_change_nothing(chat: ConsoleDriver, app: Core, clock: FixedClock) -> None:
    await circle_with(chat, ("carl",))
    meeting = await meeting_id(app, 2)
    # Nobody asked yet: answering or cancelling from a forged button is explained.
    before = await _snapshot(app)
    assert "Nobody is asking for cover" in await chat.press_token(AnswerCover(meeting, True).token, as_="carl")
    assert "Nobody is asking for cover" in await chat.press_token(CancelUncovered(meeting).token, as_="fiona")
    assert "Only the circle's facilitators" in await chat.press_token(AskCover(meeting).token, as_="alice")
    assert "Only the circle's facilitators" in await chat.press_token(AnswerCover(meeting, True).token, as_="alice")
    assert await _snapshot(app) == before

    await ask_from_menu(chat, 2)
    before = await _snapshot(app)
    assert "you cannot cover it" in await chat.press_token(AnswerCover(meeting, True).token, as_="fiona")
    # Asking twice asks nobody again.
    assert "already asked for cover" in await chat.press_token(AskCover(meeting).token, as_="fiona")
    assert await _snapshot(app) == before

    # The facilitator can come after all: the request is withdrawn, later presses change nothing.
    assert "after all" in await chat.press("I can come after all", as_="fiona")
    before = await _snapshot(app)
    assert "Nobody is asking for cover" in await chat.press_token(AnswerCover(meeting, True).token, as_="carl")
    assert "Nobody is asking for cover" in await chat.press_token(CancelUncovered(meeting).token, as_="fiona")
    assert "Nobody is asking for cover" in await chat.press_token(WithdrawCover(meeting).token, as_="fiona")
    assert await _snapshot(app) == before
    # Carl's request, delivered after the withdrawal, is not sent at all; nor is the offer.
    clock.set(datetime(2026, 12, 13, 18, 0, tzinfo=BERLIN))
    got = await TerminalDriver(chat).deliver("carl", "fiona")
    assert "Could you cover it?" not in got["carl"] and "Cancel it?" not in got["fiona"]

    # Asking again opens it anew; once the meeting has started, nothing can change.
    assert "I asked Carl" in await chat.press_token(AskCover(meeting).token, as_="fiona")
    clock.set(datetime(2026, 12, 14, 18, 30, tzinfo=BERLIN))
    before = await _snapshot(app)
    assert "already started" in await chat.press_token(AnswerCover(meeting, True).token, as_="carl")
    assert "already started" in await chat.press_token(CancelUncovered(meeting).token, as_="fiona")
    assert await _snapshot(app) == before


async def test_a_removed_co_facilitator_cannot_cover(chat: ConsoleDriver, app: Core) -> None:
    await circle_with(chat, ("carl",))
    meeting = await meeting_id(app, 2)
    await ask_from_menu(chat, 2)
    await chat.say("/mycircles", as_="fiona")
    await chat.press("Python for Everybody")
    await chat.press("Remove Carl as co-facilitator")
    await chat.press("Yes, remove")
    # The request queued for him is not sent: he no longer runs the circle.
    assert "Could you cover it?" not in (await TerminalDriver(chat).deliver("carl"))["carl"]
    before = await _snapshot(app)
    assert "Only the circle's facilitators" in await chat.press_token(AnswerCover(meeting, True).token, as_="carl")
    assert await _snapshot(app) == before


async def test_an_organizer_who_covers_gives_the_feedback(chat: ConsoleDriver, app: Core, clock: FixedClock) -> None:
    await make_team(chat, organizer="olga")
    await join(chat, await invite_link(chat, organizer="olga"), "fiona")
    code = await create_circle(chat)
    await sign_up(chat, code, "alice", "Learn", "Help", "A game")
    assert "I asked Olga to cover meeting 1" in await ask_from_menu(chat, 1)
    got = await TerminalDriver(chat).deliver("olga")
    assert "Fiona cannot lead meeting 1" in got["olga"]
    assert "You lead meeting 1" in await chat.press("I'll cover it", as_="olga")
    # The reminder, two days before, names who leads; Fiona's copy no longer asks for cover.
    clock.set(datetime(2026, 12, 5, 18, 0, tzinfo=BERLIN))
    got = await TerminalDriver(chat).deliver("alice", "fiona")
    assert "Led by Olga this time." in got["alice"] and "Led by Olga this time." in got["fiona"]
    assert TerminalDriver(chat).buttons(as_="fiona") == ["Edit reminders"]
    # After the meeting, Olga is asked for its feedback, and may give it.
    clock.set(datetime(2026, 12, 7, 20, 0, tzinfo=BERLIN))
    got = await TerminalDriver(chat).deliver("olga", "alice")
    assert "Meeting 1 of Python for Everybody" in got["olga"] and "has ended" in got["olga"], got["olga"]
    asked = await chat.press("Confirm who came", as_="olga")
    assert "Who came?" in asked and "Alice" in asked
    # Feedback on a meeting she did not cover stays the facilitators'.
    other = await meeting_id(app, 2)
    assert "Only the circle's facilitators" in await chat.press_token(f"feedback:{other}", as_="olga")


async def test_the_deadline_is_a_setting(chat: ConsoleDriver, app: Core, clock: FixedClock) -> None:
    """``delivery.cover_deadline_hours`` (here from the environment: 6) moves the offer to cancel."""
    settings = dispatch_settings(load(environ={"CIRCLES_DELIVERY__COVER_DEADLINE_HOURS": "6"}))
    assert settings.cover_deadline == timedelta(hours=6)
    await circle_with(chat, ("carl",))
    await ask_from_menu(chat, 2)

    async def offered(at: datetime) -> bool:
        clock.set(at)
        marks = len(chat.shown.get("fiona", []))
        await Dispatcher(app.db, app.clock, {"console": ConsoleSender(driver=chat)}, settings).run_pass()
        return any("Cancel it?" in shown.text for shown in chat.shown.get("fiona", [])[marks:])

    assert not await offered(datetime(2026, 12, 13, 18, 0, tzinfo=BERLIN))  # 24 hours before: not yet
    assert not await offered(datetime(2026, 12, 14, 11, 59, tzinfo=BERLIN))
    assert await offered(datetime(2026, 12, 14, 12, 0, tzinfo=BERLIN))  # 6 hours before
