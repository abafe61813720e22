"""Attendance charts as PNGs: the end-of-circle report's, per meeting, and the weekly summary's,
the team's attendance per week. Both are the same grouped bars (``bot.views.bar_chart`` draws
them): people who came, next to those who said yes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from babel.dates import format_skeleton

from bot.i18n import Translator
from bot.usecases.report import Report
from bot.usecases.team_health import WeekAttendance
from bot.views import bar_chart
from bot.views.bar_chart import BarChart, Bars, Level

CAME_COLOR = "#2a7ab0"
SAID_YES_COLOR = "#9cc9e6"
SIGNED_UP_COLOR = "#888888"


@dataclass(frozen=True)
class ChartData:
    """What the report's chart draws, per meeting held or planned (cancelled ones left out)."""

    labels: list[str]
    came: list[int]  # ``MeetingFigures.attended``: confirmed, else checked in; 0 when not known
    said_yes: list[int]
    signups: int


def chart_data(report: Report) -> ChartData:
    shown = [m for m in report.meetings if not m.meeting.cancelled]
    return ChartData(
        labels=[str(m.meeting.number) for m in shown],
        came=[m.attended or 0 for m in shown],
        said_yes=[m.yes for m in shown],
        signups=report.signups,
    )


def attendance_chart(t: Translator, report: Report) -> bytes:
    """Bars per meeting: people who came (confirmed attendance), next to those who said yes, under
    a dashed line at the number signed up."""
    return bar_chart.png(report_bars(t, report))


def report_bars(t: Translator, report: Report) -> BarChart:
    data = chart_data(report)
    return BarChart(
        title=bar_chart.title_naming(lambda circle: t("Attendance: {circle}", circle=circle), report.circle.name),
        x_title=t("Meeting"),
        y_title=t("People"),
        labels=data.labels,
        series=_series(t, data.came, data.said_yes),
        level=Level(t("Signed up"), data.signups, SIGNED_UP_COLOR) if data.signups else None,
    )


def team_attendance_chart(t: Translator, team: str, weeks: Sequence[WeekAttendance]) -> bytes:
    return bar_chart.png(team_attendance_bars(t, team, weeks))


def team_attendance_bars(t: Translator, team: str, weeks: Sequence[WeekAttendance]) -> BarChart:
    """Bars per week (labelled by its Monday, in the reader's language): people at the team's
    meetings, next to those who said yes."""
    return BarChart(
        title=bar_chart.title_naming(
            lambda name: t("Attendance in {team}, last {count} weeks", team=name, count=len(weeks)), team
        ),
        x_title=t("Week of"),
        y_title=t("People"),
        labels=[format_skeleton("MMMd", w.monday, locale=t.locale) for w in weeks],
        series=_series(t, [w.came for w in weeks], [w.said_yes for w in weeks]),
    )


def _series(t: Translator, came: list[int], said_yes: list[int]) -> list[Bars]:
    return [Bars(t("Attended"), came, CAME_COLOR), Bars(t("Said yes"), said_yes, SAID_YES_COLOR)]
