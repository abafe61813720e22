"""The weekly summary as it reads in the team's channel."""

from __future__ import annotations

from bot.i18n import Translator
from bot.usecases.summary import TeamMeeting, WeeklySummary
from bot.views.circles import when


def meeting_line(t: Translator, entry: TeamMeeting) -> str:
    """One meeting of the week, as the weekly summary and /team's week list show it."""
    return "• " + t(
        "{circle}: meeting {number} of {total}, {when}",
        circle=entry.circle.name,
        number=entry.number,
        total=entry.total,
        when=when(t, entry.circle, entry.meeting),
    )


def summary_text(t: Translator, summary: WeeklySummary) -> str:
    lines = [t("Weekly summary of {team}, week of {date}", team=summary.team.name, date=t.date(summary.monday))]
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
