"""What goes wrong around sending does not stop the rest: a database write that fails, a row that
cannot be rendered, a platform no process here serves."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import OperationalError

from adapters.console.driver import ConsoleDriver
from adapters.console.sender import ConsoleSender
from bot.app import Core
from bot.clock import FixedClock
from bot.delivery.dispatcher import Dispatcher, DispatchSettings
from bot.delivery.messages import NOTICE
from bot.delivery.service import DeliveryService
from bot.delivery.summaries import SUMMARY
from bot.usecases import messaging as usecases
from storage.db import Database
from storage.outbox import Closing, NewMessage, Outbox, Status
from storage.unit import unit_of_work
from tests.delivery import seed
from tests.delivery.test_service import Signalling
from tests.delivery.test_summary import SECOND_MONDAY, choose_channel, team_with_circle
from tests.delivery.test_timing import MEETING_1, REMINDER_1, reminders_to
from tests.e2e.flows import create_circle, sign_up

# Outcomes written again at once: the test stands for a database that is back by then.
QUICK = DispatchSettings(record_backoff=timedelta(0))


@dataclass
class FailingWrites:
    """The database failing under the recorder, as when PostgreSQL restarts: the next ``times``
    writes of outcomes raise, later ones work."""

    times: int
    failed: int = 0


def fail_writes(monkeypatch: pytest.MonkeyPatch, times: int) -> FailingWrites:
    state = FailingWrites(times)
    real = Outbox.record

    async def record(self: Outbox, worker: str, closings: list[Closing]) -> int:
        if state.failed < state.times:
            state.failed += 1
            reset = ConnectionResetError("server closed the connection unexpectedly")
            raise OperationalError("UPDATE outbox SET …", None, reset)
        return await real(self, worker, closings)

    monkeypatch.setattr(Outbox, "record", record)
    return state


def received(sender: ConsoleSender, *chats: str) -> list[int]:
    return [len(reminders_to(sender, chat)) for chat in chats]


async def _key(db: Database, key: str) -> tuple[Status, str | None]:
    async with unit_of_work(db) as unit:
        row = await unit.outbox.get(key)
    assert row is not None
    return row.status, row.last_error


# F1: a failed write of outcomes


async def test_outcomes_whose_write_failed_once_are_written_again_and_the_pass_ends(
    db: Database, clock: FixedClock, sender: ConsoleSender, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seed.circle(db, clock.now(), learners=["alice", "bob"])
    failing = fail_writes(monkeypatch, times=1)
    dispatcher = Dispatcher(db, clock, {"console": sender}, QUICK)
    clock.set(REMINDER_1)

    report = await asyncio.wait_for(dispatcher.run_pass(), timeout=10)  # a guard: it used to hang
    assert failing.failed == 1
    assert report.sent == 3
    assert received(sender, "alice", "bob", "fiona") == [1, 1, 1]
    # The outcomes are written: later passes send nothing again.
    clock.advance(timedelta(minutes=10))
    assert (await dispatcher.run_pass()).sent == 0
    assert received(sender, "alice", "bob", "fiona") == [1, 1, 1]


async def test_when_outcomes_cannot_be_written_the_pass_stops_and_the_rows_come_back_after_their_lease(
    db: Database, clock: FixedClock, sender: ConsoleSender, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seed.circle(db, clock.now(), learners=["alice", "bob"])
    fail_writes(monkeypatch, times=QUICK.record_attempts)  # every try of the first write fails
    dispatcher = Dispatcher(db, clock, {"console": sender}, replace(QUICK, concurrency=1))
    clock.set(REMINDER_1)

    report = await asyncio.wait_for(dispatcher.run_pass(), timeout=10)
    assert (report.sent, report.unrecorded) == (0, 3)
    # One message went out before the write failed; the pass sent no more that would be lost too.
    assert sorted(received(sender, "alice", "bob", "fiona")) == [0, 0, 1]
    assert (await dispatcher.run_pass()).sent == 0  # the rows are still claimed

    clock.advance(QUICK.lease)
    assert (await dispatcher.run_pass()).sent == 3
    # Everyone has the reminder; the one in flight when the database failed went out twice.
    assert sorted(received(sender, "alice", "bob", "fiona")) == [1, 1, 2]


async def test_the_service_keeps_sending_after_a_failed_write_and_sends_nothing_twice(
    app: Core, chat: ConsoleDriver, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    sender = Signalling(chat)
    code = await create_circle(chat)
    await sign_up(chat, code, "alice", "a goal", "some help", "an answer")
    fail_writes(monkeypatch, times=1)
    clock.set(REMINDER_1 + timedelta(minutes=1))
    running = DeliveryService(Dispatcher(app.db, clock, {"console": sender}, QUICK))
    app.wake_delivery = running.wake
    await running.start()

    async def message(text: str) -> None:
        await chat.say("/message", as_="fiona")
        await chat.say(text)
        await chat.press("Send it")  # the app wakes the service after the commit
        await sender.until(lambda: any(text in r.text for r in sender.to("alice")))

    try:
        await sender.until(lambda: bool(reminders_to(sender, "alice")))
        await message("Room change: we meet in room 3.")
        # Later than any lease: a reminder whose outcome was lost would now go out again, before
        # this message (it is older).
        clock.advance(QUICK.lease + timedelta(minutes=1))
        await message("Bring a laptop.")
    finally:
        await running.stop()
    assert len(reminders_to(sender, "alice")) == 1


# F8: a row that cannot be prepared


async def test_a_row_that_cannot_be_rendered_does_not_hold_up_the_others(
    db: Database, clock: FixedClock, sender: ConsoleSender
) -> None:
    circle = await seed.circle(db, clock.now(), learners=["alice", "bob"])
    alice, meeting = circle.learner_ids[0], circle.meeting(1).id
    clock.set(REMINDER_1)
    # A change notice as another version of the bot might write it: without the times this one reads.
    odd = f"notice:{meeting}:moved-elsewhere:{alice}"
    async with unit_of_work(db) as unit:
        message = NewMessage(odd, NOTICE, alice, clock.now(), {"change": "moved"}, circle.circle_id, meeting)
        await unit.outbox.add([message], clock.now())
    settings = DispatchSettings(max_failures=2, backoff=timedelta(seconds=30))
    dispatcher = Dispatcher(db, clock, {"console": sender}, settings)

    report = await dispatcher.run_pass()
    assert (report.sent, report.retried) == (3, 1)
    assert received(sender, "alice", "bob", "fiona") == [1, 1, 1]
    status, error = await _key(db, odd)
    assert status is Status.PENDING and error == "KeyError: 'old'"

    clock.advance(timedelta(seconds=30))  # tried again after the back-off, then given up
    assert (await dispatcher.run_pass()).failed == 1
    status, error = await _key(db, odd)
    assert status is Status.FAILED and error == "failed: KeyError: 'old'"
    clock.advance(timedelta(days=1))
    assert (await dispatcher.run_pass()).processed == 0
    assert len(sender.to("alice")) == 1  # the reminder, nothing garbled


async def test_a_row_its_kind_cannot_load_does_not_hold_up_the_others_of_its_kind(
    chat: ConsoleDriver, db: Database, clock: FixedClock, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    clock.set(datetime(2026, 12, 5, 12, tzinfo=UTC))
    await team_with_circle(chat)
    await choose_channel(chat)
    # A summary row this version cannot read beside this week's, which the planner makes.
    clock.set(SECOND_MONDAY)
    async with unit_of_work(db) as unit:
        odd = NewMessage("summary:1:odd", SUMMARY, None, clock.now(), {"monday": "next week"}, team_id=1)
        await unit.outbox.add([odd], clock.now())

    report = await dispatcher.run_pass()
    (summary,) = sender.to("#organizers")
    assert "Weekly summary of Learning Circles Berlin, week of Mon, 14 Dec 2026" in summary.text
    assert report.retried == 1
    status, error = await _key(db, "summary:1:odd")
    assert status is Status.PENDING and error is not None and error.startswith("ValueError: Invalid isoformat")


# F10: a platform no process here serves


class SlackSender(ConsoleSender):
    """Stands for the Slack adapter: records what it was given to send."""

    platform = "slack"


async def test_a_learner_on_a_platform_nobody_serves_is_given_up_and_the_report_comes(
    db: Database, clock: FixedClock, sender: ConsoleSender
) -> None:
    circle = await seed.circle(db, clock.now(), learners=["alice"])
    await seed.sign_up(db, circle, "bob", clock.now(), platform="slack")
    settings = DispatchSettings(max_failures=3)
    dispatcher = Dispatcher(db, clock, {"console": sender}, settings)  # no Slack adapter in this process
    async with unit_of_work(db) as unit:
        await usecases.send_broadcast(unit, circle.circle_id, circle.facilitator_id, "We meet in room 3.", clock.now())

    await dispatcher.run_pass()
    assert "room 3" in sender.to("alice")[0].text

    def reports() -> list[str]:
        return [r.text for r in sender.to("fiona") if r.text.startswith("Your message")]

    assert reports() == []  # a process serving Slack may still send Bob's copy
    for _ in range(settings.max_failures - 1):
        clock.advance(settings.no_sender_delay)
        await dispatcher.run_pass()
    (report,) = reports()
    assert "reached 1 of 2 learners" in report
    assert "Bob — is only on a platform this bot is not connected to" in report
    clock.advance(timedelta(hours=1))
    assert (await dispatcher.run_pass()).processed == 0


async def test_a_reminder_nobody_here_can_send_is_dropped_once_the_meeting_started(
    db: Database, clock: FixedClock, sender: ConsoleSender
) -> None:
    circle = await seed.circle(db, clock.now(), learners=["alice"])
    await seed.sign_up(db, circle, "bob", clock.now(), platform="slack")
    dispatcher = Dispatcher(db, clock, {"console": sender})
    clock.set(REMINDER_1)
    report = await dispatcher.run_pass()
    assert (report.sent, report.retried) == (2, 1)  # Alice, Fiona's copy; Bob's waits for Slack

    clock.set(MEETING_1)
    assert (await dispatcher.run_pass()).dropped == 1
    # Not even a process that serves Slack sends it now.
    slack = SlackSender(out=io.StringIO())
    clock.advance(timedelta(minutes=10))
    later = await Dispatcher(db, clock, {"console": sender, "slack": slack}).run_pass()
    assert later.processed == 0 and slack.sent == []
