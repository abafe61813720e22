"""The weekly summary's early warnings and chart: a week whose only news is a warning still gets
its summary; the chart shows the team's attendance per week over the last eight weeks, counted as
the report counts a meeting (the facilitator's head count, else who said yes), in the team's
language."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from PIL import Image
from sqlalchemy import update

from adapters.console.driver import ConsoleDriver
from adapters.console.sender import ConsoleSender
from bot.clock import FixedClock
from bot.delivery.dispatcher import Dispatcher
from bot.i18n import Translator
from bot.usecases.summary import weekly_summary
from bot.usecases.team_health import WeekAttendance
from bot.views.chart import team_attendance_bars, team_attendance_chart
from domain.model import MeetingFeedback, Rsvp, Team
from storage.db import Database
from storage.tables import circles
from storage.unit import unit_of_work
from tests.delivery import seed
from tests.delivery.test_summary import choose_channel, team_with_circle

SEEDED = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
SUMMARY = datetime(2026, 12, 14, 9, 0, tzinfo=UTC)  # Monday 14 December, 10:00 in Berlin
MONDAY = date(2026, 12, 14)


async def test_the_chart_counts_each_week_as_the_report_counts_each_meeting(db: Database) -> None:
    async with unit_of_work(db) as unit:
        team = await unit.teams.add(Team(None, "Learning Circles Berlin", "Europe/Berlin", created_at=SEEDED))
    # Thursdays from 19 November, with the facilitator's head counts 6, 5, 4, 3.
    thursdays = await seed.circle(db, SEEDED, facilitator="fiona", first_date=date(2026, 11, 19), learners=["al"])
    # Mondays from 7 December, no feedback: two of its learners said yes to meeting 1 and one of
    # them checked in, so one came (intentions are never counted as attendance).
    mondays = await seed.circle(
        db, SEEDED, facilitator="frank", first_date=date(2026, 12, 7), learners=["bo", "cy", "di"]
    )
    async with unit_of_work(db) as unit:
        for made in (thursdays, mondays):
            await unit.conn.execute(update(circles).where(circles.c.id == made.circle_id).values(team_id=team.id))
        for number, came in enumerate([6, 5, 4, 3], start=1):
            meeting = thursdays.meeting(number)
            await unit.feedback.save(MeetingFeedback(meeting.id or 0, thursdays.facilitator_id, 4, came, ""), SEEDED)
        await unit.rsvps.answer(Rsvp(thursdays.meeting(2).id or 0, thursdays.learner_ids[0], True, SEEDED))
        for learner in mondays.learner_ids[:2]:
            await unit.rsvps.answer(Rsvp(mondays.meeting(1).id or 0, learner, True, SEEDED))
        await unit.attendance.check_in(mondays.meeting(1).id or 0, mondays.learner_ids[0], SEEDED)
        # A yes to this week's meeting is not in the last eight weeks.
        await unit.rsvps.answer(Rsvp(mondays.meeting(2).id or 0, mondays.learner_ids[0], True, SEEDED))

        summary = await weekly_summary(unit, team, MONDAY, SUMMARY)

    weeks = summary.health.weeks
    assert [w.monday for w in weeks] == [date(2026, 10, 19 + 7 * n) for n in range(2)] + [
        date(2026, 11, 2),
        date(2026, 11, 9),
        date(2026, 11, 16),
        date(2026, 11, 23),
        date(2026, 11, 30),
        date(2026, 12, 7),
    ]
    assert [(w.came, w.said_yes) for w in weeks] == [(0, 0)] * 4 + [(6, 0), (5, 1), (4, 0), (3 + 1, 2)]
    assert summary.health.charted


def test_the_chart_speaks_the_teams_language() -> None:
    t = Translator("de")
    weeks = [WeekAttendance(date(2026, 11, 30), 0, 0), WeekAttendance(date(2026, 12, 7), 5, 2)]
    chart = team_attendance_bars(t, "Lernkreise Berlin", weeks)
    assert chart.title == "Teilnahme in Lernkreise Berlin, letzte 2 Wochen"
    assert (chart.x_title, chart.y_title) == ("Woche vom", "Personen")
    assert list(chart.labels) == ["30. Nov.", "7. Dez."]
    assert [(bars.name, list(bars.values)) for bars in chart.series] == [
        (t("Attended"), [0, 5]),
        (t("Said yes"), [0, 2]),
    ]
    assert chart.level is None  # a team has no one number of signups
    picture = Image.open(io.BytesIO(team_attendance_chart(t, "Lernkreise Berlin", weeks)))
    assert (picture.format, picture.size) == ("PNG", (800, 400))


def test_a_long_team_name_gives_way_in_the_charts_title() -> None:
    name = "Клуб программистов Санкт-Петербурга и Ленинградской области — Ομάδα μάθησης Αθήνας"
    title = team_attendance_bars(Translator("en"), name, [WeekAttendance(date(2026, 12, 7), 5, 2)]).title
    assert title.startswith("Attendance in Клуб программистов") and title.endswith("…, last 1 weeks")
    assert len(title) < len(f"Attendance in {name}, last 1 weeks")


async def test_a_week_whose_only_news_is_a_warning_gets_its_summary(
    chat: ConsoleDriver, clock: FixedClock, dispatcher: Dispatcher, sender: ConsoleSender
) -> None:
    clock.set(datetime(2026, 11, 2, 12, tzinfo=UTC))
    await team_with_circle(chat)  # one signup on 2 Nov, the first meeting on Monday 7 Dec, 18:00
    await choose_channel(chat)
    await chat.say("/team", as_="olga")
    await chat.press("Summary day and time")
    await chat.press("Tuesday")
    await chat.say("9am")
    await chat.say("Europe/Berlin")
    # Tuesday 1 December, 09:00: nothing happened last week and nothing this week, but the
    # circle starts within a week with one learner.
    clock.set(datetime(2026, 12, 1, 8, 0, tzinfo=UTC))
    await dispatcher.run_pass()
    (posted,) = sender.to("#organizers")
    assert posted.text.startswith("Weekly summary of Learning Circles Berlin, week of Mon, 30 Nov 2026")
    assert (
        "Needs attention:\n⚠ Python for Everybody: only 1 signup, and the first meeting is Mon, 7 Dec 2026, 18:00 CET"
        in posted.text
    )
    assert posted.attachment is None  # no meeting in the last eight weeks: nothing to chart
    assert [[b.label for b in row] for row in posted.buttons] == [["Python for Everybody"]]
