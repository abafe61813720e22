"""The attendance rules (domain/attendance.py) and what the report's chart draws from them."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from bot.i18n import Translator
from bot.usecases.report import MeetingFigures, Report
from bot.views.chart import attendance_chart, chart_data, report_bars
from domain.attendance import (
    Presence,
    Window,
    came,
    check_can_check_in,
    check_in_window,
    deserves_note,
    missed_streak,
)
from domain.errors import CircleCancelled, MeetingCancelled, NotSignedUp
from domain.model import CircleStatus, Meeting
from tests.unit.test_rules import circle

START = datetime(2026, 12, 7, 17, tzinfo=UTC)


def meeting(number: int, *, cancelled: bool = False) -> Meeting:
    return Meeting(number, 1, number, START + timedelta(weeks=number - 1), 90, cancelled=cancelled)


@pytest.mark.parametrize(
    ("after_start", "window"),
    [
        (timedelta(seconds=-1), Window.EARLY),
        (timedelta(0), Window.OPEN),
        (timedelta(minutes=90), Window.OPEN),  # the end
        (timedelta(minutes=90, hours=2), Window.OPEN),  # two hours after the end: still open
        (timedelta(minutes=90, hours=2, seconds=1), Window.CLOSED),
    ],
)
def test_check_in_is_open_from_the_start_until_two_hours_after_the_end(after_start: timedelta, window: Window) -> None:
    assert check_in_window(meeting(1), START + after_start) is window


def test_only_a_learner_checks_in_at_a_meeting_that_takes_place() -> None:
    check_can_check_in(circle(), meeting(1), signed_up=True)
    with pytest.raises(NotSignedUp):
        check_can_check_in(circle(), meeting(1), signed_up=False)
    with pytest.raises(MeetingCancelled):
        check_can_check_in(circle(), meeting(1, cancelled=True), signed_up=True)
    with pytest.raises(CircleCancelled):
        check_can_check_in(circle(status=CircleStatus.CANCELLED), meeting(1), signed_up=True)


def test_how_many_came_is_confirmed_else_checked_in_never_rsvps() -> None:
    assert came(5, 2, held=True) == 5  # the facilitator's count wins
    assert came(0, 3, held=True) == 0  # a confirmed zero is zero
    assert came(None, 3, held=True) == 3  # before confirmation, those who checked in
    assert came(None, 0, held=True) is None  # nothing known
    assert came(None, 0, held=False) is None


def test_a_run_of_absences_counts_confirmed_meetings_only() -> None:
    one, two, three, four = (meeting(n) for n in (1, 2, 3, 4))
    assert missed_streak([Presence(one, False), Presence(two, False)]) == [one, two]
    assert deserves_note([one, two]) and not deserves_note([two])
    # Coming back ends the run; a meeting not confirmed (not listed) neither breaks nor extends it.
    assert missed_streak([Presence(one, False), Presence(two, True), Presence(three, False)]) == [three]
    assert missed_streak([Presence(four, False), Presence(one, False)]) == [one, four]
    # The run keeps its first meeting as it grows: one note per run.
    assert missed_streak([Presence(m, False) for m in (one, two, three)])[0] == one


def test_the_chart_draws_confirmed_attendance_beside_the_yes_answers() -> None:
    def figures(number: int, attendance: int | None, checked_in: int, yes: int, **kw: bool) -> MeetingFigures:
        m = meeting(number, **kw)
        return MeetingFigures(m, not m.cancelled and number < 4, yes, 0, 0, attendance, None, None, None, checked_in)

    report = Report(
        circle(),
        signups=6,
        meetings=[
            figures(1, 4, 5, 6),  # confirmed 4 although 5 checked in and 6 said yes
            figures(2, None, 3, 5),  # not confirmed yet: those who checked in
            figures(3, None, 0, 4, cancelled=True),  # cancelled: not drawn
            figures(4, None, 0, 2),  # ahead
        ],
    )
    data = chart_data(report)
    assert data.labels == ["1", "2", "4"]
    assert data.came == [4, 3, 0]
    assert data.said_yes == [6, 5, 2]
    assert data.signups == 6
    # Drawn as they are: bars for who came and who said yes, the signups a dashed line above.
    t = Translator("de")
    chart = report_bars(t, report)
    assert list(chart.labels) == ["1", "2", "4"]
    assert [(bars.name, list(bars.values)) for bars in chart.series] == [
        ("Anwesend", [4, 3, 0]),
        ("Zugesagt", [6, 5, 2]),
    ]
    assert chart.level is not None and (chart.level.name, chart.level.value) == ("Angemeldet", 6)
    assert (chart.x_title, chart.y_title) == ("Treffen", "Personen")
    picture = Image.open(io.BytesIO(attendance_chart(t, report)))
    picture.load()
    assert (picture.format, picture.size) == ("PNG", (800, 400))
    # On white, the bars in the blues of the legend, the signups line in grey.
    shown = {color for _, color in picture.convert("RGB").getcolors(800 * 400) or []}
    assert {(255, 255, 255), (0x2A, 0x7A, 0xB0), (0x9C, 0xC9, 0xE6), (0x88, 0x88, 0x88)} <= shown


def test_a_year_of_meetings_and_a_long_name_still_fit_the_chart() -> None:
    name = "Клуб программистов Санкт-Петербурга — Ομάδα μάθησης Αθήνας — שלום — مرحبا"
    weeks = [MeetingFigures(meeting(n), True, 12, 0, 0, 10, None, None, None, 0) for n in range(1, 53)]
    report = Report(replace(circle(), name=name), signups=14, meetings=weeks)
    chart = report_bars(Translator("en"), report)
    assert chart.title.startswith("Attendance: Клуб программистов") and chart.title.endswith("…")
    picture = Image.open(io.BytesIO(attendance_chart(Translator("en"), report)))
    picture.load()
    assert picture.size == (800, 400)
