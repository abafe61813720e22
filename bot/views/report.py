"""The end-of-circle report as text, with its chart as an image attachment."""

from __future__ import annotations

from bot.actions import SendReport, ShareInReport, stored
from bot.conversation.messages import Attachment, Button
from bot.i18n import Translator
from bot.usecases.report import LEARNER_SCALES, Report
from bot.views.chart import attendance_chart
from bot.views.circles import when


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}/5"


def report_text(t: Translator, report: Report, *, for_learners: bool = False) -> str:
    """The report. The learners' copy (``for_learners``) leaves out words written for the
    facilitators and organizers: learners' survey comments always, and facilitators' reflections
    and survey comments unless their author chose to share them (``Report.shared_by``)."""
    circle = report.circle
    lines = [t("Report: {circle}", circle=circle.name), t("Course: {title}", title=circle.course_title), ""]
    if report.signups == 0:
        lines.append(t("Nobody signed up for this circle."))
    else:
        lines.append(t("Signups: {count}", count=report.signups))
    lines.append(
        t(
            "Meetings held: {held} of {total} ({cancelled} cancelled)",
            held=len(report.held),
            total=len(report.meetings),
            cancelled=report.cancelled,
        )
    )
    lines += ["", t("Attendance per meeting:")]
    for figures in report.meetings:
        head = t("Meeting {number}, {when}", number=figures.meeting.number, when=when(t, circle, figures.meeting))
        if figures.meeting.cancelled:
            lines.append(f"• {head}: " + t("cancelled"))
        elif figures.attendance is not None:
            lines.append(
                f"• {head}: " + t("{n} came (confirmed); {yes} had said yes", n=figures.attended, yes=figures.yes)
            )
        elif figures.attended is not None:
            lines.append(
                f"• {head}: "
                + t("{n} checked in (not confirmed yet); {yes} had said yes", n=figures.attended, yes=figures.yes)
            )
        elif figures.held:
            lines.append(f"• {head}: " + t("{yes} said yes (attendance not confirmed)", yes=figures.yes))
        else:
            lines.append(f"• {head}: " + t("ahead; {yes} said yes so far", yes=figures.yes))
    rate = report.rsvp_rate
    if rate is not None:
        lines.append(t("Learners answered {percent}% of the RSVP questions.", percent=round(rate * 100)))
    lines += _feedback(t, report, for_learners)
    lines += ["", t("Learner survey:")]
    if not report.learner_surveys:
        lines.append(t("No learner has answered the survey yet."))
    else:
        names = {
            "goal_met": t("goal met"),
            "confidence": t("confidence in the material"),
            "recommend": t("would recommend"),
        }
        lines.append(t.plural("{n} answer", "{n} answers", len(report.learner_surveys)))
        lines.append(", ".join(f"{names[s]} {_score(report.learner_average(s))}" for s in LEARNER_SCALES))
        for response in [] if for_learners else report.learner_surveys:
            comment = response.answers.get("comments")
            if comment:
                lines.append(f"• “{comment}”")
    lines += _facilitator_survey(t, report, for_learners)
    return "\n".join(lines)


def _feedback(t: Translator, report: Report, for_learners: bool) -> list[str]:
    lines = ["", t("Facilitator feedback:")]
    rated = [f for f in report.meetings if f.rating is not None]
    if not rated:
        lines.append(t("No feedback was given."))
    else:
        lines.append(t("Average rating: {score}", score=_score(report.average_rating)))
        for figures in rated:
            shown = not for_learners or figures.reflection_by in report.shared_by
            if figures.reflection and shown:
                lines.append(
                    t(
                        "• Meeting {number}: {rating}/5 — {reflection}",
                        number=figures.meeting.number,
                        rating=figures.rating,
                        reflection=figures.reflection,
                    )
                )
            else:
                lines.append(t("• Meeting {number}: {rating}/5", number=figures.meeting.number, rating=figures.rating))
    return lines


def _facilitator_survey(t: Translator, report: Report, for_learners: bool) -> list[str]:
    lines = ["", t("Facilitator survey:")]
    if not report.facilitator_surveys:
        lines.append(t("Not answered yet."))
    for response in report.facilitator_surveys:
        answers = response.answers
        if answers.get("happened") is False:
            lines.append(t("The circle did not happen."))
        elif answers.get("course_reason") and (not for_learners or response.person_id in report.shared_by):
            lines.append(
                t(
                    "Goal met {goal}/5; course rated {rating}/5: {why}",
                    goal=answers.get("goal_met", "—"),
                    rating=answers.get("course_rating", "—"),
                    why=answers["course_reason"],
                )
            )
        else:
            lines.append(
                t(
                    "Goal met {goal}/5; course rated {rating}/5",
                    goal=answers.get("goal_met", "—"),
                    rating=answers.get("course_rating", "—"),
                )
            )
    return lines


def report_chart(t: Translator, report: Report) -> Attachment:
    return Attachment("attendance.png", attendance_chart(t, report), "image/png", is_image=True)


def learners_copy_note(t: Translator, built: Report, person_id: int) -> str:
    """F7: what the learners' copy leaves out, as the facilitator (``person_id``) chose."""
    if person_id in built.shared_by:
        return t(
            "Learners get this report with your reflections and your survey comment. Learners' own "
            "comments, and other facilitators' words they did not choose to share, are left out; your "
            "team's organizers get all of it."
        )
    return t(
        "Learners get this report without the facilitators' reflections, the facilitator survey's "
        "comments and learners' own comments; your team's organizers get all of it."
    )


def report_buttons(t: Translator, built: Report, person_id: int) -> list[list[Button]]:
    """F7: send the report; a facilitator also chooses whether learners read their reflections."""
    circle_id = stored(built.circle.id)
    buttons = [[Button(t("Send it to the learners and organizers"), SendReport(circle_id).token)]]
    if person_id in built.facilitator_ids:
        if person_id in built.shared_by:
            toggle = Button(t("Leave my reflections out for learners"), ShareInReport(circle_id, False).token)
        else:
            toggle = Button(t("Include my reflections for learners"), ShareInReport(circle_id, True).token)
        buttons.insert(0, [toggle])
    return buttons
