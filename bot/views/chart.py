"""Attendance charts as PNGs (matplotlib, no screen needed): the end-of-circle report's, per
meeting, and the weekly summary's, the team's attendance per week."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # headless: no display on servers or in CI

from babel.dates import format_skeleton
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.i18n import Translator
from bot.usecases.report import Report
from bot.usecases.team_health import WeekAttendance

WIDTH_PX, HEIGHT_PX, DPI = 800, 400, 100


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
    """Bars per meeting: people who came (confirmed attendance), next to those who said yes."""
    data = chart_data(report)
    figure, axes = _figure()
    _bars(t, axes, data.labels, data.came, data.said_yes)
    axes.set_xlabel(t("Meeting"))
    axes.set_title(t("Attendance: {circle}", circle=report.circle.name))
    if data.signups:
        axes.axhline(data.signups, color="#888888", linestyle="--", linewidth=1, label=t("Signed up"))
    _finish(axes, max([data.signups, *data.came, *data.said_yes, 1]))
    return _png(figure)


def team_attendance_chart(t: Translator, team: str, weeks: Sequence[WeekAttendance]) -> bytes:
    return _png(team_attendance_figure(t, team, weeks))


def team_attendance_figure(t: Translator, team: str, weeks: Sequence[WeekAttendance]) -> Figure:
    """Bars per week (labelled by its Monday, in the reader's language): people at the team's
    meetings, next to those who said yes."""
    figure, axes = _figure()
    labels = [format_skeleton("MMMd", w.monday, locale=t.locale) for w in weeks]
    attended = [w.came for w in weeks]
    said_yes = [w.said_yes for w in weeks]
    _bars(t, axes, labels, attended, said_yes)
    axes.set_xlabel(t("Week of"))
    axes.set_title(t("Attendance in {team}, last {count} weeks", team=team, count=len(weeks)))
    _finish(axes, max([*attended, *said_yes, 1]))
    return figure


def _figure() -> tuple[Figure, Axes]:
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    # Fixed margins that fit the labels (short numbers and dates, a one-word axis title): laying
    # them out measured (tight_layout) cost a third of the drawing, once per weekly summary.
    figure.subplots_adjust(left=0.08, right=0.98, top=0.9, bottom=0.14)
    return figure, figure.add_subplot()


def _bars(t: Translator, axes: Axes, labels: list[str], attended: list[int], said_yes: list[int]) -> None:
    """Two bars per label: people there, and those who said yes."""
    positions = range(len(labels))
    axes.bar([p - 0.2 for p in positions], attended, width=0.4, label=t("Attended"), color="#2a7ab0")
    axes.bar([p + 0.2 for p in positions], said_yes, width=0.4, label=t("Said yes"), color="#9cc9e6")
    axes.set_xticks(list(positions), labels)
    axes.set_ylabel(t("People"))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # people come whole


def _finish(axes: Axes, tallest: int) -> None:
    # Headroom above the tallest bar or line, so the legend covers neither.
    axes.set_ylim(0, tallest * 1.35)
    axes.legend(loc="upper right", ncols=3)


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
