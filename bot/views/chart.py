"""The attendance chart of the end-of-circle report, as a PNG (matplotlib, no screen needed)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # headless: no display on servers or in CI

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.i18n import Translator
from bot.usecases.report import Report

WIDTH_PX, HEIGHT_PX, DPI = 800, 400, 100


@dataclass(frozen=True)
class ChartData:
    """What the chart draws, per meeting held or planned (cancelled ones left out)."""

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
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    axes = figure.add_subplot()
    labels, attended, said_yes = data.labels, data.came, data.said_yes
    positions = range(len(labels))
    axes.bar([p - 0.2 for p in positions], attended, width=0.4, label=t("Attended"), color="#2a7ab0")
    axes.bar([p + 0.2 for p in positions], said_yes, width=0.4, label=t("Said yes"), color="#9cc9e6")
    axes.set_xticks(list(positions), labels)
    axes.set_xlabel(t("Meeting"))
    axes.set_ylabel(t("People"))
    axes.set_title(t("Attendance: {circle}", circle=report.circle.name))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # people come whole
    if data.signups:
        axes.axhline(data.signups, color="#888888", linestyle="--", linewidth=1, label=t("Signed up"))
    # Headroom above the tallest bar or the signup line, so the legend covers neither.
    axes.set_ylim(0, max([data.signups, *attended, *said_yes, 1]) * 1.35)
    axes.legend(loc="upper right", ncols=3)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
