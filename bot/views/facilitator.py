"""What a facilitator sees of their circles: the manage screen (F2, F8), the reminder overview
(F4) and the feedback they gave (F5), in the reader's language."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from bot.actions import (
    AddMeeting,
    CancelCircle,
    ChangeSignupLimit,
    ChangeVenue,
    EditDefaultReminder,
    EditReminder,
    EditReminderLead,
    ExportSignups,
    InviteCoFacilitator,
    PickCoverMeeting,
    PickMeeting,
    Publish,
    RemoveCoFacilitator,
    ResetReminder,
    SetSignupOpen,
    ShareCircle,
    ShowSchedule,
    ShowSignups,
    StepDown,
    stored,
)
from bot.conversation.messages import Button
from bot.delivery.messages import reminder_reply
from bot.i18n import Translator
from bot.usecases.managing import CircleOverview
from bot.usecases.messaging import FeedbackOverview, ReminderOverview
from bot.views.circles import manage_view, moment_for, when
from domain.model import CircleStatus, FacilitatorRole, MeetingFeedback
from domain.roles import Capability, may

Buttons = list[list[Button]]


def manage_screen(
    t: Translator, overview: CircleOverview, now: datetime, link: str, *, can_share: bool = False
) -> tuple[str, Buttons]:
    """The circle's overview with the buttons this person's roles allow (domain/roles.py);
    ``can_share``: the platform can post the card in a channel the person picks (Slack)."""
    managed = overview.managed
    circle, names = managed.circle, overview.names
    circle_id = stored(circle.id)
    allowed = partial(may, managed.roles)
    team = [(names.get(f.person_id, "?"), f.role is FacilitatorRole.LEAD) for f in managed.facilitators]
    text = manage_view(t, circle, managed.meetings, overview.signups, now, link, team)
    buttons = [
        [
            Button(t("Signups"), ShowSignups(circle_id).token),
            Button(t("Schedule and RSVPs"), ShowSchedule(circle_id).token),
        ]
    ]
    if allowed(Capability.EXPORT_SIGNUPS):
        buttons.append([Button(t("Export signups (CSV)"), ExportSignups(circle_id).token)])
    if circle.status is CircleStatus.CANCELLED:
        return text, buttons  # the record stays readable; nothing is left to change
    if circle.status is CircleStatus.DRAFT and allowed(Capability.PUBLISH):
        buttons.append([Button(t("Publish"), Publish(circle_id).token)])
    if circle.status is CircleStatus.PUBLISHED:
        row = [
            Button(t("Close signup"), SetSignupOpen(circle_id, False).token)
            if circle.signup_open
            else Button(t("Reopen signup"), SetSignupOpen(circle_id, True).token)
        ]
        row.append(Button(t("Change the signup limit"), ChangeSignupLimit(circle_id).token))
        buttons.append(row)
        if allowed(Capability.INVITE_FACILITATOR):
            buttons.append([Button(t("Add a co-facilitator"), InviteCoFacilitator(circle_id).token)])
        if can_share:
            buttons.append([Button(t("Share in channel"), ShareCircle(circle_id).token)])
    buttons.append(
        [
            Button(t("Reschedule a meeting"), PickMeeting(circle_id, "r").token),
            Button(t("Cancel a meeting"), PickMeeting(circle_id, "c").token),
        ]
    )
    buttons.append(
        [
            Button(t("Add a meeting"), AddMeeting(circle_id).token),
            Button(t("Change the venue"), ChangeVenue(circle_id).token),
        ]
    )
    if allowed(Capability.ASK_COVER) and circle.status is CircleStatus.PUBLISHED:
        buttons.append([Button(t("I can't make it: ask for cover"), PickCoverMeeting(circle_id).token)])
    if allowed(Capability.REMOVE_FACILITATOR):
        for co in managed.facilitators:
            if co.role is FacilitatorRole.CO:
                label = t("Remove {name} as co-facilitator", name=names.get(co.person_id, "?"))
                buttons.append([Button(label[:60], RemoveCoFacilitator(circle_id, co.person_id).token)])
    if allowed(Capability.STEP_DOWN):
        buttons.append([Button(t("Step down as co-facilitator"), StepDown(circle_id).token)])
    if allowed(Capability.CANCEL_CIRCLE):
        buttons.append([Button(t("Cancel the circle"), CancelCircle(circle_id).token)])
    return text, buttons


def lead_text(t: Translator, hours: int) -> str:
    """How long before a meeting its reminder goes out: whole days as days, else hours."""
    if hours and hours % 24 == 0:
        return t.plural("{n} day", "{n} days", hours // 24)
    return t.plural("{n} hour", "{n} hours", hours)


def reminder_screen(t: Translator, overview: ReminderOverview) -> tuple[str, Buttons]:
    """F4: when reminders go out, and the next one as it will read, with the buttons to change them."""
    circle = overview.managed.circle
    circle_id = stored(circle.id)
    hours = int(circle.reminder_lead.total_seconds() // 3600)
    lead = t("Reminders go out {lead} before each meeting.", lead=lead_text(t, hours))
    buttons = [
        [
            Button(t("Edit the default text"), EditDefaultReminder(circle_id).token),
            Button(t("Change when"), EditReminderLead(circle_id).token),
        ]
    ]
    upcoming = overview.upcoming
    if upcoming is None:
        return t("There is no reminder left to send for {circle}.", circle=circle.name) + "\n" + lead, buttons
    meeting = upcoming.meeting
    preview = reminder_reply(t, circle, overview.managed.meetings, meeting, upcoming.state, copy=False)
    due = moment_for(t, upcoming.due, circle.timezone)  # outside the plural call: pybabel reads it wrong
    lines = [
        t(
            "The next reminder of {circle} is for meeting {number} ({meeting}).",
            circle=circle.name,
            number=meeting.number,
            meeting=when(t, circle, meeting),
        ),
        t.plural(
            "It goes out on {when} to {n} learner, and a copy to you.",
            "It goes out on {when} to {n} learners, and a copy to you.",
            upcoming.learners,
            when=due,
        ),
        lead,
        "",
        t("It will read:"),
        "",
        preview.text,
    ]
    edit_row = [Button(t("Edit this reminder"), EditReminder(stored(meeting.id)).token)]
    if upcoming.state.text:
        lines.insert(3, t("(You wrote the text of this reminder.)"))
        edit_row.append(Button(t("Use the default text"), ResetReminder(stored(meeting.id)).token))
    return "\n".join(lines), [edit_row, *buttons]


def feedback_line(t: Translator, given: MeetingFeedback) -> str:
    line = t("Rating {rating}/5, {attendance} came", rating=given.rating, attendance=given.attendance)
    return f"{line} — {given.reflection}" if given.reflection else line


def feedback_given(t: Translator, overview: FeedbackOverview, limit: int) -> str:
    """F5: the feedback the facilitator gave, most recent first (at most ``limit``)."""
    lines = [t("Feedback you gave:")]
    for circle, meeting, given in overview.given[:limit]:
        heading = t(
            "{circle}, meeting {number} ({when})",
            circle=circle.name,
            number=meeting.number,
            when=when(t, circle, meeting),
        )
        lines.append(f"• {heading}: {feedback_line(t, given)}")
    return "\n".join(lines)
