"""When reminders go out, with an injected clock: the rule, daylight saving, late signups,
rescheduled, cancelled and edited meetings (SPEC §2, "Reminders")."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from adapters.console.sender import ConsoleSender
from bot.clock import FixedClock
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.planner import reminders_due
from bot.usecases import circles as circle_cases
from bot.usecases import messaging as usecases
from storage.db import Database
from storage.unit import unit_of_work
from tests.delivery import seed

# The Berlin circle meets on Mondays at 18:00 CET (17:00 UTC) from 7 Dec 2026, for 90 minutes.
MEETING_1 = datetime(2026, 12, 7, 17, 0, tzinfo=UTC)
REMINDER_1 = MEETING_1 - timedelta(days=2)  # Sat 5 Dec, 17:00 UTC
MEETING_2 = MEETING_1 + timedelta(weeks=1)
REMINDER_2 = MEETING_2 - timedelta(days=2)


def reminders_to(sender: ConsoleSender, chat: str) -> list[str]:
    return [r.text for r in sender.to(chat) if re.search(r"meeting \d+ of \d+", r.text)]


async def due_instants(db: Database, now: datetime) -> dict[int, datetime]:
    async with unit_of_work(db) as unit:
        return {m.id or 0: at for m, at in await reminders_due(unit, now)}


async def test_a_reminder_goes_out_lead_time_before_the_meeting(
    db: Database, clock: FixedClock, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    circle = await seed.circle(db, clock.now(), learners=["alice", "bob"])

    clock.set(REMINDER_1 - timedelta(seconds=1))
    assert (await dispatcher.run_pass()).sent == 0
    assert await due_instants(db, clock.now()) == {}

    clock.set(REMINDER_1)
    assert await due_instants(db, clock.now()) == {circle.meeting(1).id: REMINDER_1}
    report = await dispatcher.run_pass()
    assert report.sent == 3  # two learners and a copy to the facilitator
    [reminder] = reminders_to(sender, "alice")
    assert "meeting 1 of 6, Mon, 7 Dec 2026, 18:00 CET" in reminder
    assert "Where: Zentralbibliothek, Breite Straße 30, Berlin (Room 2)" in reminder
    assert [b.label for b in sender.to("alice")[0].buttons[0]] == ["I'll be there", "I can't make it"]
    [copy] = reminders_to(sender, "fiona")
    assert copy.startswith("A copy of the reminder your learners get now:")

    # Running again — at the same instant or later — sends nothing twice.
    assert (await dispatcher.run_pass()).sent == 0
    clock.set(REMINDER_1 + timedelta(hours=5))
    assert (await dispatcher.run_pass()).sent == 0
    assert len(reminders_to(sender, "bob")) == 1


async def test_the_end_of_the_previous_meeting_wins_over_a_long_lead(db: Database, clock: FixedClock) -> None:
    circle = await seed.circle(db, clock.now(), lead=timedelta(days=10), learners=["alice"])
    end_of_1 = MEETING_1 + timedelta(minutes=90)
    # Meeting 2's reminder would be due on 4 Dec, but then meeting 1 is still ahead.
    assert await due_instants(db, datetime(2026, 12, 4, 17, 0, tzinfo=UTC)) == {
        circle.meeting(1).id: MEETING_1 - timedelta(days=10)
    }
    assert await due_instants(db, end_of_1 - timedelta(seconds=1)) == {}
    assert await due_instants(db, end_of_1) == {circle.meeting(2).id: end_of_1}


async def test_a_week_with_a_daylight_saving_change(
    db: Database, clock: FixedClock, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    """Clocks in Berlin go back on Sunday 25 Oct 2026: 18:00 is 16:00 UTC before, 17:00 UTC after."""
    clock.set(datetime(2026, 10, 1, tzinfo=UTC))
    circle = await seed.circle(db, clock.now(), first_date=date(2026, 10, 20), learners=["alice"])
    assert circle.meeting(1).start == datetime(2026, 10, 20, 16, 0, tzinfo=UTC)  # Tuesday, CEST
    second = circle.meeting(2).start
    assert second == datetime(2026, 10, 27, 17, 0, tzinfo=UTC)  # Tuesday, CET
    due = second - timedelta(days=2)  # 48 real hours: Sunday 25 Oct, 18:00 CET

    clock.set(circle.meeting(1).start - timedelta(days=2))
    await dispatcher.run_pass()
    assert "meeting 1 of 6, Tue, 20 Oct 2026, 18:00 CEST" in reminders_to(sender, "alice")[0]
    clock.set(due - timedelta(minutes=1))
    await dispatcher.run_pass()
    assert len(reminders_to(sender, "alice")) == 1
    clock.set(due)
    assert await due_instants(db, due) == {circle.meeting(2).id: due}
    await dispatcher.run_pass()
    latest = reminders_to(sender, "alice")[-1]
    assert "meeting 2 of 6, Tue, 27 Oct 2026, 18:00 CET" in latest


async def test_a_learner_who_signs_up_late_still_gets_the_next_reminder(
    db: Database, clock: FixedClock, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    circle = await seed.circle(db, clock.now(), learners=["alice"])
    clock.set(REMINDER_1)
    await dispatcher.run_pass()

    # Bob signs up the day after the reminder went out, before meeting 1: he gets it too.
    clock.set(REMINDER_1 + timedelta(days=1))
    await seed.sign_up(db, circle, "bob", clock.now())
    assert (await dispatcher.run_pass()).sent == 1
    [late] = reminders_to(sender, "bob")
    assert "meeting 1 of 6" in late
    assert len(reminders_to(sender, "alice")) == 1

    # Carol signs up while meeting 1 is going on: her first reminder is meeting 2's, on time.
    clock.set(MEETING_1 + timedelta(minutes=30))
    await seed.sign_up(db, circle, "carol", clock.now())
    assert (await dispatcher.run_pass()).sent == 0
    clock.set(REMINDER_2)
    await dispatcher.run_pass()
    assert ["meeting 2 of 6" in text for text in reminders_to(sender, "carol")] == [True]


async def test_after_a_reschedule_the_reminder_follows_the_meeting_and_keeps_an_edited_text(
    db: Database, clock: FixedClock, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    circle = await seed.circle(db, clock.now(), learners=["alice"])
    one, two = circle.meeting(1), circle.meeting(2)
    assert one.id is not None and two.id is not None
    async with unit_of_work(db) as unit:
        assert await usecases.set_reminder_text(unit, one.id, circle.facilitator_id, "Bring a laptop!", clock.now())

    # On 30 Nov meeting 1 moves to Tuesday 8 Dec, 19:00; the venue changes too.
    clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    async with unit_of_work(db) as unit:
        await circle_cases.reschedule_meeting(
            unit, one.id, circle.facilitator_id, date(2026, 12, 8), time(19), clock.now()
        )
        moved = await unit.circles.get(circle.circle_id)
        assert moved is not None
        moved.venue.name = "Stadtteilbibliothek"
        await unit.circles.save(moved, "berlin")
    await dispatcher.run_pass()
    [notice] = [r.text for r in sender.to("alice")]
    assert "meeting 1 has moved from Mon, 7 Dec 2026, 18:00 CET to Tue, 8 Dec 2026, 19:00 CET" in notice

    new_start = datetime(2026, 12, 8, 18, 0, tzinfo=UTC)
    assert await due_instants(db, REMINDER_1) == {}  # the old due instant passes silently
    clock.set(REMINDER_1)
    await dispatcher.run_pass()
    assert reminders_to(sender, "alice") == []
    clock.set(new_start - timedelta(days=2))
    await dispatcher.run_pass()
    [reminder] = reminders_to(sender, "alice")
    assert reminder.startswith("Bring a laptop!")  # the facilitator's edit is kept
    assert "Tue, 8 Dec 2026, 19:00 CET" in reminder and "Stadtteilbibliothek" in reminder

    # Meeting 2's reminder was never edited: it is written from the current data.
    clock.set(REMINDER_2)
    await dispatcher.run_pass()
    latest = reminders_to(sender, "alice")[-1]
    assert latest.startswith("Python for Everybody meets again soon.")
    assert "Stadtteilbibliothek" in latest


async def test_a_cancelled_meeting_gets_no_reminder(
    db: Database, clock: FixedClock, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    circle = await seed.circle(db, clock.now(), learners=["alice"])
    one = circle.meeting(1)
    assert one.id is not None
    async with unit_of_work(db) as unit:
        await circle_cases.cancel_meeting(unit, one.id, circle.facilitator_id, clock.now())
    await dispatcher.run_pass()
    assert sender.to("alice")[0].text == "Python for Everybody: meeting 1 on Mon, 7 Dec 2026, 18:00 CET is cancelled."

    assert await due_instants(db, REMINDER_1) == {}
    clock.set(MEETING_1 + timedelta(minutes=1))
    await dispatcher.run_pass()
    assert reminders_to(sender, "alice") == []
    clock.set(REMINDER_2)
    await dispatcher.run_pass()
    # Meeting 2 keeps its number, as in /rsvp and on the schedule, of the six planned.
    assert ["meeting 2 of 6, Mon, 14 Dec 2026" in text for text in reminders_to(sender, "alice")] == [True]


async def test_a_meeting_edited_after_its_reminder_went_out(
    db: Database, clock: FixedClock, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    circle = await seed.circle(db, clock.now(), learners=["alice"])
    one = circle.meeting(1)
    assert one.id is not None
    clock.set(REMINDER_1)
    await dispatcher.run_pass()
    assert len(reminders_to(sender, "alice")) == 1

    # The text of a reminder that went out cannot be changed any more.
    async with unit_of_work(db) as unit:
        assert not await usecases.set_reminder_text(unit, one.id, circle.facilitator_id, "Late edit", clock.now())

    # An hour later meeting 1 moves by an hour: its new reminder time has passed, so the change
    # notice (sent at once, with RSVP buttons) is all Alice gets.
    clock.set(REMINDER_1 + timedelta(hours=1))
    async with unit_of_work(db) as unit:
        await circle_cases.reschedule_meeting(
            unit, one.id, circle.facilitator_id, date(2026, 12, 7), time(19), clock.now()
        )
    await dispatcher.run_pass()
    notice = sender.to("alice")[-1]
    assert "has moved from Mon, 7 Dec 2026, 18:00 CET to Mon, 7 Dec 2026, 19:00 CET" in notice.text
    assert notice.buttons
    assert len(reminders_to(sender, "alice")) == 1

    # Then it moves three days later: a reminder for the new time is due two days before it.
    async with unit_of_work(db) as unit:
        await circle_cases.reschedule_meeting(
            unit, one.id, circle.facilitator_id, date(2026, 12, 10), time(19), clock.now()
        )
    await dispatcher.run_pass()
    assert len(reminders_to(sender, "alice")) == 1
    new_due = datetime(2026, 12, 10, 18, 0, tzinfo=UTC) - timedelta(days=2)
    assert await due_instants(db, new_due) == {one.id: new_due}
    clock.set(new_due)
    await dispatcher.run_pass()
    assert len(reminders_to(sender, "alice")) == 2
    assert "Thu, 10 Dec 2026, 19:00 CET" in reminders_to(sender, "alice")[-1]


async def test_moving_a_meeting_there_and_back_and_there_again_notifies_each_time(
    db: Database, clock: FixedClock, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    circle = await seed.circle(db, clock.now(), learners=["alice"])
    one = circle.meeting(1)
    assert one.id is not None
    monday, tuesday = (date(2026, 12, 7), time(18)), (date(2026, 12, 8), time(19))
    for day, at in (tuesday, monday, tuesday):
        clock.advance(timedelta(hours=1))
        async with unit_of_work(db) as unit:
            await circle_cases.reschedule_meeting(unit, one.id, circle.facilitator_id, day, at, clock.now())
        await dispatcher.run_pass()
    to_tuesday = "meeting 1 has moved from Mon, 7 Dec 2026, 18:00 CET to Tue, 8 Dec 2026, 19:00 CET"
    back = "meeting 1 has moved from Tue, 8 Dec 2026, 19:00 CET to Mon, 7 Dec 2026, 18:00 CET"
    notices = [r.text for r in sender.to("alice")]
    assert len(notices) == 3, notices
    assert to_tuesday in notices[0] and back in notices[1] and to_tuesday in notices[2], notices
