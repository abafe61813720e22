"""O3: the weekly summary goes to the team's channel once per week, and not when nothing happened."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from adapters.console.driver import ConsoleDriver
from adapters.console.sender import ConsoleSender
from bot.clock import FixedClock
from bot.conversation.messages import Incoming, Reply
from bot.conversation.outbound import Outcome, SendResult
from bot.delivery.dispatcher import Dispatcher
from bot.usecases import circles as circle_cases
from domain.model import MeetingFeedback
from storage.db import Database
from storage.unit import unit_of_work
from tests.e2e.flows import create_circle, sign_up

# Monday 14 December 2026, 10:00 CET.
SECOND_MONDAY = datetime(2026, 12, 14, 9, 0, tzinfo=UTC)


async def team_with_circle(chat: ConsoleDriver) -> None:
    await chat.say("/team", as_="olga")
    await chat.press("Create a team")
    await chat.say("Learning Circles Berlin")
    await chat.say("Europe/Berlin")
    await chat.say("/team")
    invite = await chat.press("Invite a facilitator")
    code = re.search(r"/start (t\w+)", invite)
    assert code
    await chat.say(f"/start {code.group(1)}", as_="fiona")
    await chat.press("Join the team")
    circle = await create_circle(chat, as_="fiona")
    await sign_up(chat, circle, "alice", "Automate my spreadsheets", "Excel tricks", "A garden tool")


async def choose_channel(chat: ConsoleDriver) -> None:
    """Olga runs /team in the team's channel and chooses it for the summary."""
    incoming = Incoming(
        platform="console",
        user_id="olga",
        chat_id="#organizers",
        user_name="Olga",
        action="team-summary-here",
        in_group=True,
    )
    (answer,) = await chat.app.handle(incoming)
    assert "will be posted in this chat" in answer.text


async def test_monday_summary_with_this_weeks_meetings_and_last_weeks_feedback(
    chat: ConsoleDriver, db: Database, clock: FixedClock, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    clock.set(datetime(2026, 12, 5, 12, tzinfo=UTC))  # Saturday before the first meeting
    await team_with_circle(chat)
    await choose_channel(chat)
    async with unit_of_work(db) as unit:
        await unit.feedback.save(MeetingFeedback(1, 3, 4, 6, "Lively first meeting"), clock.now())
        fiona = await unit.people.by_identity("console", "fiona")
    assert fiona is not None

    clock.set(SECOND_MONDAY - timedelta(seconds=1))
    await dispatcher.run_pass()
    assert sender.to("#organizers") == []
    clock.set(SECOND_MONDAY)
    await dispatcher.run_pass()
    (summary,) = sender.to("#organizers")
    assert "Weekly summary of Learning Circles Berlin, week of Mon, 14 Dec 2026" in summary.text
    assert "• Python for Everybody: meeting 2 of 6, Mon, 14 Dec 2026, 18:00 CET" in summary.text
    assert "• Python for Everybody, meeting 1: rated 4/5, 6 came. Lively first meeting" in summary.text
    assert "Started last week: Python for Everybody" in summary.text
    # A second run, the same day or later that week, posts nothing more.
    await dispatcher.run_pass()
    clock.advance(timedelta(hours=5))
    await dispatcher.run_pass()
    assert len(sender.to("#organizers")) == 1


async def test_new_signups_with_their_goals(
    chat: ConsoleDriver, clock: FixedClock, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    clock.set(datetime(2026, 12, 2, 12, tzinfo=UTC))  # Wednesday of the week before
    await team_with_circle(chat)
    await choose_channel(chat)
    clock.set(datetime(2026, 12, 7, 9, 0, tzinfo=UTC))  # Monday 7 December, 10:00 CET
    await dispatcher.run_pass()
    (summary,) = sender.to("#organizers")
    assert "• Alice joined Python for Everybody. Goal: Automate my spreadsheets" in summary.text


async def test_no_activity_no_message(
    chat: ConsoleDriver, clock: FixedClock, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    clock.set(datetime(2026, 11, 2, 12, tzinfo=UTC))
    await team_with_circle(chat)  # signups on 2 Nov, first meeting on 7 Dec
    await choose_channel(chat)
    clock.set(datetime(2026, 11, 16, 9, 0, tzinfo=UTC))  # a quiet Monday: nothing last week, nothing this week
    await dispatcher.run_pass()
    assert sender.to("#organizers") == []


class GoneChannel(ConsoleSender):
    """Like Slack when the bot was removed from the channel: ``channel_not_found``."""

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        if chat_id == "#organizers":
            return SendResult(Outcome.UNREACHABLE, error="channel_not_found")
        return await super().send(chat_id, reply)


async def test_an_unreachable_channel_is_reported_to_the_organizers(
    chat: ConsoleDriver, clock: FixedClock, db: Database, sender: ConsoleSender
) -> None:
    clock.set(datetime(2026, 12, 5, 12, tzinfo=UTC))
    await team_with_circle(chat)
    await choose_channel(chat)

    gone = GoneChannel(driver=chat)
    dispatcher = Dispatcher(db, clock, {"console": gone})
    clock.set(SECOND_MONDAY)
    await dispatcher.run_pass()
    await dispatcher.run_pass()
    (notice,) = [r for r in gone.to("olga") if "could not be posted" in r.text]
    assert "(channel_not_found)" in notice.text
    # Olga is not marked unreachable because a channel was.
    assert "Team Learning Circles Berlin" in await chat.say("/team", as_="olga")


async def test_a_meeting_keeps_its_number_in_the_summary_when_an_earlier_one_is_cancelled(
    chat: ConsoleDriver, db: Database, clock: FixedClock, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    clock.set(datetime(2026, 12, 5, 12, tzinfo=UTC))
    await team_with_circle(chat)
    await choose_channel(chat)
    async with unit_of_work(db) as unit:
        fiona = await unit.people.by_identity("console", "fiona")
        assert fiona is not None and fiona.id is not None
        first = next(m for m in await unit.circles.meetings(1) if m.number == 1)
        assert first.id is not None
        await circle_cases.cancel_meeting(unit, first.id, fiona.id, clock.now())

    clock.set(SECOND_MONDAY)
    await dispatcher.run_pass()
    (summary,) = sender.to("#organizers")
    # "Meeting 2" as in /rsvp and the reminders, of the six planned (one of them cancelled).
    assert "• Python for Everybody: meeting 2 of 6, Mon, 14 Dec 2026, 18:00 CET" in summary.text


class DownChannel(ConsoleSender):
    """The platform fails every post (the service cannot reach it) until the test says otherwise."""

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        if chat_id == "#organizers":
            return SendResult(Outcome.FAILED, error="connection refused")
        return await super().send(chat_id, reply)


async def test_a_summary_that_could_not_go_out_for_a_day_is_replaced_by_the_current_one(
    chat: ConsoleDriver, clock: FixedClock, db: Database, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    clock.set(datetime(2026, 12, 5, 12, tzinfo=UTC))
    await team_with_circle(chat)
    await choose_channel(chat)
    clock.set(SECOND_MONDAY)
    await Dispatcher(db, clock, {"console": DownChannel(driver=chat)}).run_pass()  # planned, not posted

    # The service was down for a week; it comes back on the next Monday, half an hour after 10:00.
    clock.set(SECOND_MONDAY + timedelta(weeks=1, minutes=30))
    await dispatcher.run_pass()
    (summary,) = sender.to("#organizers")
    assert "week of Mon, 21 Dec 2026" in summary.text
    async with unit_of_work(db) as unit:
        late = await unit.outbox.get("summary:1:2026-12-14")
    assert late is not None and late.status == "dropped"
    assert late.last_error == "out of date: a newer one replaces it"
