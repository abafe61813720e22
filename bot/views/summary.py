"""The weekly summary as it reads in the team's channel."""

from __future__ import annotations

from collections.abc import Sequence

from bot.actions import Manage, stored
from bot.conversation.messages import Attachment, Button, Reply
from bot.i18n import Translator
from bot.usecases.summary import TeamMeeting, WeeklySummary
from bot.usecases.team_health import CircleWarning
from bot.views.chart import team_attendance_chart
from bot.views.circles import when
from domain.early_warnings import Kind


def meeting_line(t: Translator, entry: TeamMeeting) -> str:
    """One meeting of the week, as the weekly summary and /team's week list show it."""
    return "• " + t(
        "{circle}: meeting {number} of {total}, {when}",
        circle=entry.circle.name,
        number=entry.number,
        total=entry.total,
        when=when(t, entry.circle, entry.meeting),
    )


def warning_line(t: Translator, found: CircleWarning) -> str:
    """One early warning, as the weekly summary and /team show it."""
    circle, warning = found.circle, found.warning
    meeting = warning.meeting
    at = when(t, circle, meeting) if meeting is not None else ""
    number = meeting.number if meeting is not None else 0
    if warning.kind is Kind.FALLING_ATTENDANCE:
        text = t(
            "{circle}: attendance fell two meetings in a row ({counts})",
            circle=circle.name,
            counts=" → ".join(str(c) for c in warning.counts),
        )
    elif warning.kind is Kind.FEEDBACK_MISSING:
        text = t("{circle}: no feedback yet on meeting {number} ({when})", circle=circle.name, number=number, when=at)
    elif warning.kind is Kind.NO_YES:
        text = t(
            "{circle}: nobody has said yes to meeting {number} ({when})", circle=circle.name, number=number, when=at
        )
    else:
        text = t.plural(
            "{circle}: only {n} signup, and the first meeting is {when}",
            "{circle}: only {n} signups, and the first meeting is {when}",
            warning.counts[0] if warning.counts else 0,
            circle=circle.name,
            when=at,
        )
    return "⚠ " + text


def warning_buttons(warnings: Sequence[CircleWarning]) -> list[list[Button]]:
    """A button to open each circle with a warning (once per circle), for its organizers."""
    circles = {w.circle.id: w.circle for w in warnings if w.circle.id is not None}
    return [[Button(circle.name[:60], Manage(stored(circle.id)).token)] for circle in circles.values()]


def warning_lines(t: Translator, warnings: Sequence[CircleWarning]) -> list[str]:
    if not warnings:
        return []
    return ["", t("Needs attention:"), *(warning_line(t, w) for w in warnings)]


def summary_reply(t: Translator, summary: WeeklySummary) -> Reply:
    """The summary as posted: its text, a button per circle with a warning, and the chart of the
    team's attendance over the last weeks when there was any."""
    chart = None
    if summary.health.charted:
        chart = Attachment(
            f"attendance-{summary.monday.isoformat()}.png",
            team_attendance_chart(t, summary.team.name, summary.health.weeks),
            "image/png",
            is_image=True,
        )
    return Reply(text=summary_text(t, summary), buttons=warning_buttons(summary.health.warnings), attachment=chart)


def summary_text(t: Translator, summary: WeeklySummary) -> str:
    lines = [t("Weekly summary of {team}, week of {date}", team=summary.team.name, date=t.date(summary.monday))]
    lines += warning_lines(t, summary.health.warnings)
    if summary.meetings:
        lines += ["", t("Meetings this week:")]
        lines += [meeting_line(t, e) for e in summary.meetings]
    if summary.feedback:
        lines += ["", t("Feedback from last week:")]
        lines += [
            "• "
            + t(
                "{circle}, meeting {number}: rated {rating}/5, {attendance} came. {reflection}",
                circle=circle.name,
                number=meeting.number,
                rating=given.rating,
                attendance=given.attendance,
                reflection=given.reflection,
            )
            for circle, meeting, given in summary.feedback
        ]
    if summary.signups:
        lines += ["", t("New signups:")]
        lines += [
            "• " + t("{name} joined {circle}. Goal: {goal}", name=name, circle=circle.name, goal=signup.goal)
            for circle, signup, name in summary.signups
        ]
    if summary.started:
        lines += ["", t("Started last week: {circles}", circles=", ".join(c.name for c in summary.started))]
    if summary.ended:
        lines += ["", t("Ended last week: {circles}", circles=", ".join(c.name for c in summary.ended))]
    return "\n".join(lines)
