"""/message (F3), /reminder (F4) and /feedback (F5): commands and buttons."""

from __future__ import annotations

from collections.abc import Callable

from bot.actions import (
    Action,
    EditDefaultReminder,
    EditReminder,
    EditReminderLead,
    GiveFeedback,
    ResetReminder,
    ShowReminder,
    WriteToLearners,
    stored,
)
from bot.conversation.context import Context
from bot.conversation.dialog import DialogRunner
from bot.conversation.messages import Button
from bot.delivery import usecases
from bot.delivery.render import reminder_reply
from bot.dialogs.feedback import feedback_line
from bot.dialogs.reminder import lead_text
from bot.render.circles import when
from bot.usecases.circles import load_managed
from domain.model import Circle, CircleStatus
from domain.roles import Capability
from domain.schedule import in_zone

MAX_LISTED = 10


async def _my_circles(ctx: Context, *, published_only: bool) -> list[Circle]:
    circles = await ctx.unit.circles.facilitated_by(ctx.person_id)
    if published_only:
        return [c for c in circles if c.status is CircleStatus.PUBLISHED]
    return [c for c in circles if c.status is not CircleStatus.CANCELLED]


async def _pick_circle(
    ctx: Context, kind: Callable[[int], Action], question: str, *, published_only: bool
) -> int | None:
    """The facilitator's only circle, or a question with one button per circle (None)."""
    circles = await _my_circles(ctx, published_only=published_only)
    if not circles:
        ctx.say(
            ctx.t("You do not facilitate a published circle yet. Create one with /new.")
            if published_only
            else ctx.t("You do not facilitate any circle yet. Create one with /new.")
        )
        return None
    if len(circles) == 1:
        return circles[0].id
    ctx.say(question, [[Button(c.name[:60], kind(c.id or 0).token)] for c in circles])
    return None


# F3: /message


async def message_command(ctx: Context, runner: DialogRunner) -> None:
    circle_id = await _pick_circle(
        ctx, WriteToLearners, ctx.t("To the learners of which circle do you want to write?"), published_only=True
    )
    if circle_id is not None:
        await start_message(ctx, runner, circle_id)


async def start_message(ctx: Context, runner: DialogRunner, circle_id: int) -> None:
    managed = await load_managed(ctx.unit, circle_id, ctx.person_id, Capability.MESSAGE_LEARNERS)
    if not await ctx.unit.signups.count_active(circle_id):
        ctx.say(
            ctx.t("Nobody has signed up for {circle} yet, so there is nobody to write to.", circle=managed.circle.name)
        )
        return
    await runner.start(ctx, "broadcast", {"circle_id": circle_id})


# F4: /reminder


async def reminder_command(ctx: Context) -> None:
    circle_id = await _pick_circle(
        ctx, ShowReminder, ctx.t("The reminders of which circle do you want to see?"), published_only=False
    )
    if circle_id is not None:
        await show_reminder(ctx, circle_id)


async def show_reminder(ctx: Context, circle_id: int) -> None:
    managed = await load_managed(ctx.unit, circle_id, ctx.person_id, Capability.EDIT_REMINDERS)
    circle = managed.circle
    hours = int(circle.reminder_lead.total_seconds() // 3600)
    lead = ctx.t("Reminders go out {lead} before each meeting.", lead=lead_text(ctx, hours))
    upcoming = await usecases.next_reminder(ctx.unit, managed, ctx.now)
    buttons = [
        [
            Button(ctx.t("Edit the default text"), EditDefaultReminder(circle_id).token),
            Button(ctx.t("Change when"), EditReminderLead(circle_id).token),
        ]
    ]
    if upcoming is None:
        ctx.say(ctx.t("There is no reminder left to send for {circle}.", circle=circle.name) + "\n" + lead, buttons)
        return
    meeting = upcoming.meeting
    preview = reminder_reply(ctx.t, circle, managed.meetings, meeting, upcoming.state, copy=False)
    lines = [
        ctx.t(
            "The next reminder of {circle} is for meeting {number} ({meeting}).",
            circle=circle.name,
            number=meeting.number,
            meeting=when(ctx.t, circle, meeting),
        ),
        ctx.t.plural(
            "It goes out on {when} to {n} learner, and a copy to you.",
            "It goes out on {when} to {n} learners, and a copy to you.",
            upcoming.learners,
            when=ctx.t.moment(in_zone(upcoming.due, circle.timezone)),
        ),
        lead,
        "",
        ctx.t("It will read:"),
        "",
        preview.text,
    ]
    edit_row = [Button(ctx.t("Edit this reminder"), EditReminder(stored(meeting.id)).token)]
    if upcoming.state.text:
        lines.insert(3, ctx.t("(You wrote the text of this reminder.)"))
        edit_row.append(Button(ctx.t("Use the default text"), ResetReminder(stored(meeting.id)).token))
    ctx.say("\n".join(lines), [edit_row, *buttons])


async def edit_reminder(ctx: Context, runner: DialogRunner, meeting_id: int) -> None:
    meeting = await ctx.unit.circles.meeting(meeting_id)
    if meeting is None:
        ctx.say(ctx.t("I could not find that. It may have been removed."))
        return
    await load_managed(ctx.unit, meeting.circle_id, ctx.person_id, Capability.EDIT_REMINDERS)
    await runner.start(ctx, "reminder_text", {"circle_id": meeting.circle_id, "meeting_id": meeting_id})


async def reset_reminder(ctx: Context, meeting_id: int) -> None:
    meeting = await ctx.unit.circles.meeting(meeting_id)
    if meeting is None:
        ctx.say(ctx.t("I could not find that. It may have been removed."))
        return
    if not await usecases.set_reminder_text(ctx.unit, meeting_id, ctx.person_id, None, ctx.now):
        ctx.say(ctx.t("That reminder has already gone out, so it cannot be changed any more."))
        return
    ctx.say(ctx.t("This reminder will use the default text again."))
    await show_reminder(ctx, meeting.circle_id)


async def edit_default(ctx: Context, runner: DialogRunner, circle_id: int) -> None:
    await load_managed(ctx.unit, circle_id, ctx.person_id, Capability.EDIT_REMINDERS)
    await runner.start(ctx, "reminder_text", {"circle_id": circle_id})


async def edit_lead(ctx: Context, runner: DialogRunner, circle_id: int) -> None:
    await load_managed(ctx.unit, circle_id, ctx.person_id, Capability.EDIT_REMINDERS)
    await runner.start(ctx, "reminder_lead", {"circle_id": circle_id})


# F5: /feedback


async def feedback_command(ctx: Context) -> None:
    overview = await usecases.feedback_overview(ctx.unit, ctx.person_id, ctx.now)
    if not overview.awaiting and not overview.given:
        ctx.say(ctx.t("None of your meetings has ended yet, so there is no feedback to give."))
        return
    if overview.awaiting:
        buttons = [
            [
                Button(
                    ctx.t("{circle}, meeting {number}", circle=c.name[:40], number=m.number),
                    GiveFeedback(stored(m.id)).token,
                )
            ]
            for c, m in overview.awaiting[:MAX_LISTED]
        ]
        ctx.say(ctx.t("Which meeting do you want to give feedback on?"), buttons)
    if overview.given:
        lines = [ctx.t("Feedback you gave:")]
        for circle, meeting, given in overview.given[:MAX_LISTED]:
            heading = ctx.t(
                "{circle}, meeting {number} ({when})",
                circle=circle.name,
                number=meeting.number,
                when=when(ctx.t, circle, meeting),
            )
            lines.append(f"• {heading}: {feedback_line(ctx, given)}")
        ctx.say("\n".join(lines))


async def start_feedback(ctx: Context, runner: DialogRunner, meeting_id: int, rating: int | None = None) -> None:
    """Begin the feedback dialog; from the prompt's buttons the rating is already chosen."""
    _, meeting = await usecases.feedback_meeting(ctx.unit, meeting_id, ctx.person_id)
    if meeting.end > ctx.now:
        ctx.say(ctx.t("You can give feedback on a meeting once it has ended."))
        return
    await runner.start(ctx, "feedback", {"meeting_id": meeting_id})
    if rating is not None:
        ctx.replies.pop()  # the rating question is already answered by the pressed button
        await runner.press(ctx, "rating", str(rating))
