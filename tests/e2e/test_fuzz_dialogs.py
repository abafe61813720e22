"""Property-based fuzz (Hypothesis) of every dialog step, on SQLite and PostgreSQL (issue 9).

Each registered dialog is first walked once with good answers by the people who use it (a
facilitator, a learner, an organizer), and the state of every step it passes is recorded. Each
generated example then puts one person back at one recorded step (the state is restored from the
record, so examples do not depend on each other) and sends generated text there: typed, as a
button's value, as a command's argument or as a forged token. Whatever comes, nothing crashes (no
"something went wrong", nothing kept for a retry), the person is left at a step that exists or
out of the dialog, and what was stored is clean: no control characters, no name with a bidi
override, every date within two years, meetings numbered by date.

The run is reproducible (``derandomize``) and small: see ``FUZZ`` for the number of examples.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from adapters.console.driver import ConsoleDriver
from bot.actions import (
    AddMeeting,
    ChangeSignupLimit,
    ChangeVenue,
    EditDefaultReminder,
    EditReminder,
    EditReminderLead,
    GiveFeedback,
    StartSurvey,
    SummaryTime,
    WriteToLearners,
)
from bot.app import Core
from bot.clock import FixedClock
from bot.parsing import BIDI_CONTROLS
from domain.schedule import latest_date
from storage.db import Database
from storage.dialogs import DialogState
from storage.tables import circles, dialogs, kept_inputs, meetings, people, signups, teams
from storage.unit import unit_of_work
from tests.conftest import NOW
from tests.e2e.flows import BERLIN_CIRCLE, create_circle, sign_up
from tests.e2e.fuzzing import TEXT, fuzz_settings


@dataclass(frozen=True)
class Step:
    speaker: str
    person_id: int
    state: DialogState


async def _dialog_rows(db: Database) -> list[tuple[int, str, str, dict[str, Any]]]:
    async with db.transaction() as conn:
        rows = (await conn.execute(select(dialogs.c.person_id, dialogs.c.name, dialogs.c.step, dialogs.c.data))).all()
    return [(r.person_id, r.name, r.step, dict(r.data)) for r in rows]


class Recorder:
    """Walks the dialogs as people would and remembers each step it passes."""

    def __init__(self, chat: ConsoleDriver, db: Database) -> None:
        self.chat, self.db = chat, db
        self.steps: dict[tuple[str, str], Step] = {}

    async def note(self) -> None:
        for person_id, name, step, data in await _dialog_rows(self.db):
            self.steps.setdefault((name, step), Step(self.chat.speaker, person_id, DialogState(name, step, data)))

    async def say(self, text: str, as_: str | None = None) -> None:
        await self.chat.say(text, as_=as_)
        await self.note()

    async def press(self, label: str, as_: str | None = None) -> None:
        await self.chat.press(label, as_=as_)
        await self.note()

    async def token(self, token: str, as_: str | None = None) -> None:
        await self.chat.press_token(token, as_=as_)
        await self.note()

    async def walk(self, start: list[str], answers: list[str], as_: str) -> None:
        """``start``: what opens the dialog (commands, or ``>label`` to press, ``!token``)."""
        self.chat.as_(as_)
        for item in [*start, *answers]:
            if item.startswith(">"):
                await self.press(item[1:])
            elif item.startswith("!"):
                await self.token(item[1:])
            else:
                await self.say(item)
        await self.chat.say("/cancel")


async def record_every_dialog(chat: ConsoleDriver, db: Database, clock: FixedClock) -> list[Step]:
    """One circle meeting once (for feedback and surveys) and one of six weeks in the new year."""
    once = list(BERLIN_CIRCLE)
    once[BERLIN_CIRCLE.index("6")] = "1"
    code = await create_circle(chat, once)
    weekly = list(BERLIN_CIRCLE)
    weekly[2], weekly[BERLIN_CIRCLE.index("2026-12-07")] = "Weekly Python", "2027-01-04"
    await create_circle(chat, weekly)
    await sign_up(chat, code, "alice", "Learn", "Help", "Build")
    rec = Recorder(chat, db)
    await rec.walk(["/new"], [*BERLIN_CIRCLE[:7], "Kleinkleckersdorf", "#1", *BERLIN_CIRCLE[8:]], as_="fiona")
    await rec.walk([f"!{ChangeVenue(2).token}"], ["Dorfkrug", "Hauptstraße 1", "#1", "Kleinkleckersdorf"], as_="fiona")
    await rec.walk(["/mycircles", ">Weekly Python", ">Reschedule a meeting", ">Meeting 2"], ["2027-01-12"], as_="fiona")
    await rec.walk([f"!{AddMeeting(2).token}"], ["2027-03-01"], as_="fiona")
    await rec.walk([f"!{WriteToLearners(1).token}"], [], as_="fiona")
    await rec.walk([f"!{EditDefaultReminder(2).token}"], [], as_="fiona")
    await rec.walk([f"!{EditReminderLead(2).token}"], [], as_="fiona")
    await rec.walk([f"!{ChangeSignupLimit(2).token}"], [], as_="fiona")
    await rec.walk([f"!{ChangeVenue(2).token}"], ["#1", "https://meet.jit.si/py4e", "#1"], as_="fiona")
    await rec.walk([f"!{EditReminder(2).token}"], [], as_="fiona")
    await rec.walk([f"/start {code}", ">Sign up"], ["#1", "Learn", "Help"], as_="bob")
    await rec.walk(["/browse"], [], as_="bob")
    await rec.walk(["/timezone America/New_York", "/timezone"], [], as_="bob")
    await rec.walk(["/team", ">Create a team"], ["Learning Circles Berlin"], as_="olga")
    await chat.say("/team", as_="olga")
    await chat.press("Create a team")
    await chat.say("Learning Circles Berlin")
    await chat.say("Europe/Berlin")
    await rec.walk([f"!{SummaryTime().token}"], ["#1"], as_="olga")
    clock.set(NOW + timedelta(days=12))  # the first circle met and ended: feedback and surveys
    await rec.walk([f"!{GiveFeedback(1).token}"], ["5", ">Done", "4"], as_="fiona")
    await rec.walk([f"!{StartSurvey('l', 1).token}"], ["4", "4", "5"], as_="alice")
    await rec.walk([f"!{StartSurvey('f', 1).token}"], ["#1", "4", "4"], as_="fiona")
    clock.set(NOW)
    return list(rec.steps.values())


async def assert_clean(db: Database) -> None:
    """Nothing half-saved or dirty: what the fuzz could have stored is clean and consistent."""
    async with db.transaction() as conn:
        assert (await conn.execute(select(func.count()).select_from(kept_inputs))).scalar_one() == 0
        names = [
            *(await conn.execute(select(people.c.name))).scalars(),
            *(await conn.execute(select(teams.c.name))).scalars(),
        ]
        rows = (
            await conn.execute(
                select(
                    circles.c.id,
                    circles.c.name,
                    circles.c.course_title,
                    circles.c.venue_name,
                    circles.c.venue_city,
                    circles.c.first_date,
                    circles.c.created_at,
                )
            )
        ).all()
        answers = (await conn.execute(select(signups.c.goal, signups.c.help_peers, signups.c.custom_answer))).all()
        schedule = (
            await conn.execute(select(meetings.c.circle_id, meetings.c.number, meetings.c.start, meetings.c.id))
        ).all()
    for text in [*names, *(v for r in rows for v in r[1:5]), *(v for r in answers for v in r if v)]:
        assert not any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\n\t" for ch in text), text
    for row in rows:
        assert not any(ch in BIDI_CONTROLS for ch in (row.name + row.course_title + row.venue_name)), row
        assert row.first_date <= latest_date(row.created_at.date()), row
    by_circle: dict[int, list[Any]] = {}
    for m in schedule:
        by_circle.setdefault(m.circle_id, []).append(m)
    for found in by_circle.values():
        in_order = sorted(found, key=lambda m: (m.start, m.id))
        assert [m.number for m in in_order] == list(range(1, len(found) + 1))


async def restore(db: Database, step: Step) -> None:
    async with unit_of_work(db) as unit:
        await unit.dialogs.save(
            step.person_id, DialogState(step.state.name, step.state.step, dict(step.state.data)), NOW
        )


# Recorded once per test run and database (Hypothesis calls the test once per example, with the
# same fixtures): id(app) -> the steps.
_RECORDED: dict[int, list[Step]] = {}
WAYS = ["type", "button", "command", "token"]


@fuzz_settings(120)
@given(pick=st.integers(0, 10_000), text=TEXT, way=st.sampled_from(WAYS))
async def test_fuzz_every_dialog_step(
    chat: ConsoleDriver, app: Core, db: Database, clock: FixedClock, pick: int, text: str, way: str
) -> None:
    if id(app) not in _RECORDED:
        _RECORDED.clear()
        steps = _RECORDED[id(app)] = await record_every_dialog(chat, db, clock)
        assert {step.state.name for step in steps} == set(app.runner.dialogs), "every registered dialog is fuzzed"
    steps = _RECORDED[id(app)]
    step = steps[pick % len(steps)]
    await restore(db, step)
    chat.as_(step.speaker)
    if way == "type":
        answer = await chat.say(text)
    elif way == "button":
        answer = await chat.press_token(f"d:{step.state.step}:{text}")
    elif way == "command":
        answer = await chat.say(f"/{['start', 'browse', 'team', 'help'][pick % 4]} {text}")
    else:
        answer = await chat.press_token(f"{['c', 'su', 'tj', 'mm', 'sv', 'lang'][pick % 6]}:{text}")
    assert "something went wrong" not in answer, (step.state.name, step.state.step, way, text[:80])
    for _, name, at, _ in await _dialog_rows(db):
        assert hasattr(app.runner.get(name), f"ask_{at}"), (name, at)
    await assert_clean(db)
