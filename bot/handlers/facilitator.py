"""A facilitator's view and management of their circles (F2, F8)."""

from __future__ import annotations

from functools import partial

from bot.actions import (
    AddMeeting,
    CancelCircle,
    CancelCircleConfirmed,
    CancelMeeting,
    CancelMeetingConfirmed,
    ChangeVenue,
    ExportSignups,
    InviteCoFacilitator,
    Manage,
    PickMeeting,
    Publish,
    RemoveCoFacilitator,
    RemoveCoFacilitatorConfirmed,
    Reschedule,
    SetSignupOpen,
    ShowSchedule,
    ShowSignups,
    StepDown,
    StepDownConfirmed,
)
from bot.conversation.context import Context
from bot.conversation.dialog import DialogRunner
from bot.conversation.messages import Button
from bot.render.circles import manage_view, rsvp_view, signups_view, when
from bot.render.files import signups_csv
from bot.usecases import circles as circle_cases
from domain.model import CircleStatus, FacilitatorRole
from domain.roles import Capability, may
from domain.rules import check_meeting_ahead, check_not_cancelled
from domain.schedule import in_zone, meetings_ahead


async def new_circle(ctx: Context, runner: DialogRunner) -> None:
    await runner.start(ctx, "create_circle")


async def manage(ctx: Context, circle_id: int, *, edit: bool = False) -> None:
    """The circle's overview with the buttons this person's roles allow (domain/roles.py)."""
    managed = await circle_cases.load_managed(ctx.unit, circle_id, ctx.person_id, Capability.MANAGE)
    circle = managed.circle
    allowed = partial(may, managed.roles)
    count = await ctx.unit.signups.count_active(circle_id)
    names = await ctx.unit.people.names(managed.facilitator_ids)
    team = [(names.get(f.person_id, "?"), f.role is FacilitatorRole.LEAD) for f in managed.facilitators]
    text = manage_view(ctx.t, circle, managed.meetings, count, ctx.now, ctx.share_link(circle.code), team)
    buttons = [
        [
            Button(ctx.t("Signups"), ShowSignups(circle_id).token),
            Button(ctx.t("Schedule and RSVPs"), ShowSchedule(circle_id).token),
        ]
    ]
    if allowed(Capability.EXPORT_SIGNUPS):
        buttons.append([Button(ctx.t("Export signups (CSV)"), ExportSignups(circle_id).token)])
    if circle.status is CircleStatus.CANCELLED:
        ctx.say(text, buttons, edit=edit)  # the record stays readable; nothing is left to change
        return
    if circle.status is CircleStatus.DRAFT and allowed(Capability.PUBLISH):
        buttons.append([Button(ctx.t("Publish"), Publish(circle_id).token)])
    if circle.status is CircleStatus.PUBLISHED:
        row = [
            Button(ctx.t("Close signup"), SetSignupOpen(circle_id, False).token)
            if circle.signup_open
            else Button(ctx.t("Reopen signup"), SetSignupOpen(circle_id, True).token)
        ]
        if allowed(Capability.INVITE_FACILITATOR):
            row.append(Button(ctx.t("Add a co-facilitator"), InviteCoFacilitator(circle_id).token))
        buttons.append(row)
    buttons.append(
        [
            Button(ctx.t("Reschedule a meeting"), PickMeeting(circle_id, "r").token),
            Button(ctx.t("Cancel a meeting"), PickMeeting(circle_id, "c").token),
        ]
    )
    buttons.append(
        [
            Button(ctx.t("Add a meeting"), AddMeeting(circle_id).token),
            Button(ctx.t("Change the venue"), ChangeVenue(circle_id).token),
        ]
    )
    if allowed(Capability.REMOVE_FACILITATOR):
        for co in managed.facilitators:
            if co.role is FacilitatorRole.CO:
                label = ctx.t("Remove {name} as co-facilitator", name=names.get(co.person_id, "?"))
                buttons.append([Button(label[:60], RemoveCoFacilitator(circle_id, co.person_id).token)])
    if allowed(Capability.STEP_DOWN):
        buttons.append([Button(ctx.t("Step down as co-facilitator"), StepDown(circle_id).token)])
    if allowed(Capability.CANCEL_CIRCLE):
        buttons.append([Button(ctx.t("Cancel the circle"), CancelCircle(circle_id).token)])
    ctx.say(text, buttons, edit=edit)


async def signups(ctx: Context, circle_id: int) -> None:
    managed = await circle_cases.load_managed(ctx.unit, circle_id, ctx.person_id, Capability.VIEW_SIGNUPS)
    found = await ctx.unit.signups.active_for_circle(circle_id)
    names = await ctx.unit.people.names([s.person_id for s in found])
    ctx.say(signups_view(ctx.t, managed.circle, found, names))


async def export_signups(ctx: Context, circle_id: int) -> None:
    managed = await circle_cases.load_managed(ctx.unit, circle_id, ctx.person_id, Capability.EXPORT_SIGNUPS)
    found = await ctx.unit.signups.active_for_circle(circle_id)
    names = await ctx.unit.people.names([s.person_id for s in found])
    reply = ctx.say(ctx.t("Signups of {circle}, as a spreadsheet file.", circle=managed.circle.name))
    reply.attachment = signups_csv(ctx.t, managed.circle, found, names)


async def rsvps(ctx: Context, circle_id: int) -> None:
    managed = await circle_cases.load_managed(ctx.unit, circle_id, ctx.person_id, Capability.VIEW_SIGNUPS)
    found = await ctx.unit.signups.active_for_circle(circle_id)
    answers = await ctx.unit.rsvps.for_circle(circle_id)
    names = await ctx.unit.people.names([s.person_id for s in found])
    ctx.say(rsvp_view(ctx.t, managed.circle, managed.meetings, found, answers, names))


async def publish(ctx: Context, circle_id: int) -> None:
    circle = await circle_cases.publish(ctx.unit, circle_id, ctx.person_id)
    ctx.say(
        ctx.t(
            "{name} is published! Share this link so people can sign up:\n{link}",
            name=circle.name,
            link=ctx.share_link(circle.code),
        )
    )
    await manage(ctx, circle_id)


async def set_signup_open(ctx: Context, circle_id: int, is_open: bool) -> None:
    circle = await circle_cases.set_signup_open(ctx.unit, circle_id, ctx.person_id, is_open)
    await manage(ctx, circle_id, edit=True)
    if is_open:
        ctx.say(ctx.t("Signup for {circle} is open again.", circle=circle.name))
    else:
        ctx.say(ctx.t("Signup for {circle} is closed. Learners already signed up stay.", circle=circle.name))


async def pick_meeting(ctx: Context, circle_id: int, purpose: str) -> None:
    """List the meetings still ahead, to reschedule (``r``) or cancel (``c``) one of them."""
    managed = await circle_cases.load_managed(ctx.unit, circle_id, ctx.person_id, Capability.CHANGE_MEETINGS)
    ahead = meetings_ahead(managed.meetings, ctx.now)
    if not ahead:
        ctx.say(ctx.t("There are no meetings ahead to change."))
        return
    kind = Reschedule if purpose == "r" else CancelMeeting
    buttons = [
        [
            Button(
                ctx.t("Meeting {number}: {when}", number=m.number, when=when(ctx.t, managed.circle, m))[:60],
                kind(m.id or 0).token,
            )
        ]
        for m in ahead
    ]
    question = (
        ctx.t("Which meeting do you want to move?") if purpose == "r" else ctx.t("Which meeting do you want to cancel?")
    )
    ctx.say(question, buttons)


async def reschedule(ctx: Context, runner: DialogRunner, meeting_id: int) -> None:
    meeting = await ctx.unit.circles.meeting(meeting_id)
    if meeting is None:
        ctx.say(ctx.t("I could not find that. It may have been removed."))
        return
    managed = await circle_cases.load_managed(ctx.unit, meeting.circle_id, ctx.person_id, Capability.CHANGE_MEETINGS)
    check_not_cancelled(managed.circle)
    check_meeting_ahead(meeting, ctx.now)
    await runner.start(ctx, "meeting_time", {"circle_id": managed.circle.id, "meeting_id": meeting_id})


async def change_venue(ctx: Context, runner: DialogRunner, circle_id: int) -> None:
    managed = await circle_cases.load_managed(ctx.unit, circle_id, ctx.person_id, Capability.CHANGE_VENUE)
    check_not_cancelled(managed.circle)
    await runner.start(ctx, "change_venue", {"circle_id": circle_id})


async def add_meeting(ctx: Context, runner: DialogRunner, circle_id: int) -> None:
    managed = await circle_cases.load_managed(ctx.unit, circle_id, ctx.person_id, Capability.CHANGE_MEETINGS)
    check_not_cancelled(managed.circle)
    await runner.start(ctx, "meeting_time", {"circle_id": circle_id})


async def cancel_meeting_ask(ctx: Context, meeting_id: int) -> None:
    meeting = await ctx.unit.circles.meeting(meeting_id)
    if meeting is None:
        ctx.say(ctx.t("I could not find that. It may have been removed."))
        return
    managed = await circle_cases.load_managed(ctx.unit, meeting.circle_id, ctx.person_id, Capability.CHANGE_MEETINGS)
    ctx.say(
        ctx.t(
            "Cancel meeting {number} on {when}? Learners will be told.",
            number=meeting.number,
            when=when(ctx.t, managed.circle, meeting),
        ),
        [
            [
                Button(ctx.t("Yes, cancel it"), CancelMeetingConfirmed(meeting_id).token),
                Button(ctx.t("No, keep it"), Manage(meeting.circle_id).token),
            ]
        ],
    )


async def cancel_meeting(ctx: Context, meeting_id: int) -> None:
    meeting = await circle_cases.cancel_meeting(ctx.unit, meeting_id, ctx.person_id, ctx.now)
    circle = await ctx.unit.circles.get(meeting.circle_id)
    assert circle is not None
    ctx.say(
        ctx.t(
            "Meeting {number} on {when} is cancelled.",
            number=meeting.number,
            when=ctx.t.moment(in_zone(meeting.start, circle.timezone)),
        ),
        edit=True,
    )


async def cancel_circle_ask(ctx: Context, circle_id: int) -> None:
    managed = await circle_cases.load_managed(ctx.unit, circle_id, ctx.person_id, Capability.CANCEL_CIRCLE)
    ctx.say(
        ctx.t(
            "Cancel {circle} altogether? It disappears from browse and its meetings are off. This cannot be undone.",
            circle=managed.circle.name,
        ),
        [
            [
                Button(ctx.t("Yes, cancel the circle"), CancelCircleConfirmed(circle_id).token),
                Button(ctx.t("No, keep it"), Manage(circle_id).token),
            ]
        ],
    )


async def cancel_circle(ctx: Context, circle_id: int) -> None:
    circle = await circle_cases.cancel_circle(ctx.unit, circle_id, ctx.person_id, ctx.now)
    ctx.say(ctx.t("{circle} is cancelled.", circle=circle.name), edit=True)


async def invite_cofacilitator(ctx: Context, circle_id: int) -> None:
    invite = await circle_cases.invite_cofacilitator(
        ctx.unit, circle_id, ctx.person_id, ctx.now, ctx.settings.circles.invite_days
    )
    ctx.say(
        ctx.t(
            "Send this link to your co-facilitator. It works once, for {days} days:\n{link}",
            days=ctx.settings.circles.invite_days,
            link=ctx.share_link(invite.code),
        )
    )


async def remove_co_ask(ctx: Context, circle_id: int, co_id: int) -> None:
    managed = await circle_cases.load_managed(ctx.unit, circle_id, ctx.person_id, Capability.REMOVE_FACILITATOR)
    co = next((f for f in managed.facilitators if f.person_id == co_id and f.role is FacilitatorRole.CO), None)
    if co is None:
        ctx.say(ctx.t("I could not find that. It may have been removed."))
        return
    name = (await ctx.unit.people.names([co_id])).get(co_id, "?")
    ctx.say(
        ctx.t(
            "Remove {name} as co-facilitator of {circle}? They will be told, and can no longer manage it.",
            name=name,
            circle=managed.circle.name,
        ),
        [
            [
                Button(ctx.t("Yes, remove"), RemoveCoFacilitatorConfirmed(circle_id, co_id).token),
                Button(ctx.t("No"), Manage(circle_id).token),
            ]
        ],
    )


async def remove_co(ctx: Context, circle_id: int, co_id: int) -> None:
    name = (await ctx.unit.people.names([co_id])).get(co_id, "?")
    circle = await circle_cases.remove_cofacilitator(ctx.unit, circle_id, ctx.person_id, co_id, ctx.now)
    ctx.say(ctx.t("{name} is no longer a co-facilitator of {circle}.", name=name, circle=circle.name), edit=True)


async def step_down_ask(ctx: Context, circle_id: int) -> None:
    managed = await circle_cases.load_managed(ctx.unit, circle_id, ctx.person_id, Capability.STEP_DOWN)
    ctx.say(
        ctx.t(
            "Step down as co-facilitator of {circle}? The other facilitators will be told.",
            circle=managed.circle.name,
        ),
        [
            [
                Button(ctx.t("Yes, step down"), StepDownConfirmed(circle_id).token),
                Button(ctx.t("No"), Manage(circle_id).token),
            ]
        ],
    )


async def step_down(ctx: Context, circle_id: int) -> None:
    circle = await circle_cases.step_down(ctx.unit, circle_id, ctx.person_id, ctx.now)
    ctx.say(ctx.t("You are no longer a co-facilitator of {circle}. Thank you!", circle=circle.name), edit=True)
