"""Early warnings for organizers (issue 14), on Telegram and Slack: a seeded team in trouble shows
each warning in /team and in its weekly summary, with a button to open the circle; a healthy team
shows none. The weekly summary carries the team's attendance chart: a photo on Telegram, a file
upload on Slack."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select, update

from bot.app import Core
from bot.clock import FixedClock
from domain.model import MeetingFeedback, Rsvp
from storage.db import Database
from storage.tables import circles, teams
from storage.unit import unit_of_work
from tests.delivery import seed
from tests.e2e.drivers import Driver, SlackDriver, TelegramDriver
from tests.e2e.slack.harness import SIGNING_SECRET, running_slack
from tests.e2e.telegram.harness import BOT_USERNAME, TOKEN, running_telegram
from tests.e2e.test_report import png_size
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram

SEEDED = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # circles created and learners signed up
# Monday 14 December 2026, 10:00 in Berlin: the teams' summary time (their default).
SUMMARY = datetime(2026, 12, 14, 9, 0, tzinfo=UTC)
TROUBLED, HEALTHY = "Learning Circles Berlin", "Learning Circles Potsdam"
WARNINGS = [
    "⚠ Falling Python: attendance fell two meetings in a row (5 → 4 → 3)",
    "⚠ Silent Spanish: no feedback yet on meeting 1 (Wed, 9 Dec 2026, 18:00 CET)",
    "⚠ Empty Monday: nobody has said yes to meeting 2 (Mon, 14 Dec 2026, 18:00 CET)",
    "⚠ Lonely Start: only 1 signup, and the first meeting is Fri, 18 Dec 2026, 18:00 CET",
]


@pytest.fixture(params=["telegram", "slack"])
async def driver(request: pytest.FixtureRequest, app: Core) -> AsyncIterator[Driver]:
    if request.param == "telegram":
        async with (
            FakeTelegram(bot_username=BOT_USERNAME, token=TOKEN) as tg,
            running_telegram(app, tg, "polling") as telegram,
        ):
            yield TelegramDriver(telegram)
    else:
        async with FakeSlack(signing_secret=SIGNING_SECRET) as fake, running_slack(app, fake) as slack:
            yield SlackDriver(slack)


@dataclass
class Planned:
    """A seeded circle: Berlin, 18:00, weekly; how many came to each held meeting (the
    facilitator's feedback; None: no feedback), its learners, and how many said yes to the next."""

    name: str
    first_date: date
    came: list[int | None]
    learners: int = 3
    yes_to_next: int = 0


TROUBLED_CIRCLES = [
    # Thursdays from 19 Nov: four held meetings, the last three each with fewer people.
    Planned("Falling Python", date(2026, 11, 19), [6, 5, 4, 3]),
    # Wednesdays from 9 Dec: meeting 1 ended five days ago, no feedback.
    Planned("Silent Spanish", date(2026, 12, 9), [None]),
    # Mondays from 7 Dec: meeting 2 is tonight, and nobody has said yes.
    Planned("Empty Monday", date(2026, 12, 7), [2]),
    # Friday 18 Dec: the first meeting is four days away, with one learner.
    Planned("Lonely Start", date(2026, 12, 18), [], learners=1),
]
HEALTHY_CIRCLES = [
    Planned("Steady Python", date(2026, 11, 19), [3, 3, 4, 4]),
    Planned("Spanish Weekly", date(2026, 12, 9), [3]),
    Planned("Busy Monday", date(2026, 12, 7), [2], yes_to_next=2),
    Planned("Full Start", date(2026, 12, 18), [], learners=3),
]


async def make_team(driver: Driver, organizer: str, name: str) -> None:
    """The organizer creates the team and has its weekly summary posted in their own chat."""
    await driver.say("/team", as_=organizer)
    await driver.press("Create a team", as_=organizer)
    await driver.say(name, as_=organizer)
    assert f"The team {name} is created" in await driver.say("Berlin", as_=organizer)
    await driver.say("/team", as_=organizer)
    assert "will be posted in this chat" in await driver.press("Send the weekly summary here", as_=organizer)


async def seed_circles(db: Database, team: str, planned: list[Planned]) -> None:
    async with unit_of_work(db) as unit:
        team_id = (await unit.conn.execute(select(teams.c.id).where(teams.c.name == team))).scalar_one()
    for plan in planned:
        key = plan.name.lower().replace(" ", "-")
        made = await seed.circle(
            db,
            SEEDED,
            facilitator=f"fac-{key}",
            first_date=plan.first_date,
            at=time(18, 0),
            learners=[f"{key}-{n}" for n in range(plan.learners)],
        )
        async with unit_of_work(db) as unit:
            await unit.conn.execute(
                update(circles).where(circles.c.id == made.circle_id).values(name=plan.name, team_id=team_id)
            )
            for number, came in enumerate(plan.came, start=1):
                if came is not None:
                    meeting = made.meeting(number)
                    given = MeetingFeedback(meeting.id or 0, made.facilitator_id, 4, came, "Fine")
                    await unit.feedback.save(given, meeting.end)
            upcoming = made.meeting(len(plan.came) + 1)
            for learner in made.learner_ids[: plan.yes_to_next]:
                await unit.rsvps.answer(Rsvp(upcoming.id or 0, learner, True, SEEDED))


def chart_sent(driver: Driver, name: str) -> bytes:
    """The chart the platform received for ``name``'s chat: a photo on Telegram (sendPhoto), a file
    on Slack (the upload flow, shared in their direct message)."""
    if isinstance(driver, TelegramDriver):
        tg = driver.chat.tg
        photos = [m for m in tg.sent_messages(driver.person(name).id) if m.method == "sendPhoto"]
        assert len(photos) == 1, photos
        assert photos[0].file is not None
        return photos[0].file.content
    assert isinstance(driver, SlackDriver)
    fake = driver.chat.slack
    person = driver.chat.person(name)
    shared = [m for m in fake.visible_to(person) if m.files]
    assert len(shared) == 1, shared
    uploads = fake.calls_to("files.completeUploadExternal")
    completed = [c for c in uploads if c.ok and c.args.get("channel_id") == shared[0].channel]
    assert len(completed) == 1, completed
    return shared[0].files[0].content


async def test_each_warning_reaches_the_organizers_of_a_team_in_trouble_and_not_of_a_healthy_one(
    driver: Driver, db: Database, clock: FixedClock
) -> None:
    await make_team(driver, "olga", TROUBLED)
    await make_team(driver, "hanna", HEALTHY)
    await seed_circles(db, TROUBLED, TROUBLED_CIRCLES)
    await seed_circles(db, HEALTHY, HEALTHY_CIRCLES)
    clock.set(SUMMARY)

    # /team: the organizer's card says what needs attention, one line each, and opens the circle.
    card = await driver.say("/team", as_="olga")
    assert "Needs attention:" in card
    for line in WARNINGS:
        assert line in card
    assert card.count("⚠") == len(WARNINGS)
    assert {"Falling Python", "Silent Spanish", "Empty Monday", "Lonely Start"} <= set(driver.buttons(as_="olga"))
    opened = await driver.press("Silent Spanish", as_="olga")
    assert "Silent Spanish" in opened and "Status:" in opened

    healthy_card = await driver.say("/team", as_="hanna")
    assert "Team Learning Circles Potsdam — you are an organizer." in healthy_card
    assert "Needs attention" not in healthy_card and "⚠" not in healthy_card

    # Monday 10:00: each team's weekly summary, with its warnings and its attendance chart.
    got = await driver.deliver("olga", "hanna")
    troubled, healthy = got["olga"], got["hanna"]
    assert f"Weekly summary of {TROUBLED}, week of Mon, 14 Dec 2026" in troubled
    assert "Needs attention:" in troubled
    for line in WARNINGS:
        assert line in troubled
    assert "(file: attendance-2026-12-14.png)" in troubled
    assert f"Weekly summary of {HEALTHY}, week of Mon, 14 Dec 2026" in healthy
    assert "Needs attention" not in healthy and "⚠" not in healthy
    assert "(file: attendance-2026-12-14.png)" in healthy

    chart = chart_sent(driver, "olga")
    assert chart.startswith(b"\x89PNG") and png_size(chart) == (800, 400)
    # The summary's button opens the circle for its organizer.
    assert "Falling Python" in driver.buttons(as_="olga")
    assert "Status:" in await driver.press("Falling Python", as_="olga")
