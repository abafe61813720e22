"""/message (F3), /reminder (F4) and /feedback (F5): commands and buttons."""

from __future__ import annotations

from collections.abc import Callable

from bot.actions import (
    Action,
    GiveFeedback,
    ShowReminder,
    WriteToLearners,
    stored,
)
from bot.conversation.context import Context
from bot.conversation.dialog import DialogRunner
from bot.conversation.messages import Button
from bot.usecases import managing
from bot.usecases import messaging as usecases
from bot.views.facilitator import feedback_given, reminder_screen

MAX_LISTED = 10


async def _pick_circle(
    ctx: Context, kind: Callable[[int], Action], question: str, *, published_only: bool
) -> int | None:
    """The facilitator's only circle, or a question with one button per circle (None)."""
    circles = await ctx.run(
        managing.facilitated_circles, ctx.person_id, published_only=published_only, without_cancelled=True
    )
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
    name, count = await ctx.run(usecases.broadcast_audience, circle_id, ctx.person_id)
    if not count:
        ctx.say(ctx.t("Nobody has signed up for {circle} yet, so there is nobody to write to.", circle=name))
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
    overview = await ctx.run(usecases.reminder_overview, circle_id, ctx.person_id, ctx.now)
    text, buttons = reminder_screen(ctx.t, overview)
    ctx.say(text, buttons)


async def edit_reminder(ctx: Context, runner: DialogRunner, meeting_id: int) -> None:
    meeting = await ctx.run(usecases.reminder_to_edit, meeting_id, ctx.person_id)
    await runner.start(ctx, "reminder_text", {"circle_id": meeting.circle_id, "meeting_id": meeting_id})


async def reset_reminder(ctx: Context, meeting_id: int) -> None:
    circle_id, reset = await ctx.run(usecases.reset_reminder, meeting_id, ctx.person_id, ctx.now)
    if not reset:
        ctx.say(ctx.t("That reminder has already gone out, so it cannot be changed any more."))
        return
    ctx.say(ctx.t("This reminder will use the default text again."))
    await show_reminder(ctx, circle_id)


async def edit_default(ctx: Context, runner: DialogRunner, circle_id: int) -> None:
    await ctx.run(usecases.check_edit_reminders, circle_id, ctx.person_id)
    await runner.start(ctx, "reminder_text", {"circle_id": circle_id})


async def edit_lead(ctx: Context, runner: DialogRunner, circle_id: int) -> None:
    await ctx.run(usecases.check_edit_reminders, circle_id, ctx.person_id)
    await runner.start(ctx, "reminder_lead", {"circle_id": circle_id})


# F5: /feedback


async def feedback_command(ctx: Context) -> None:
    overview = await ctx.run(usecases.feedback_overview, ctx.person_id, ctx.now)
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
        ctx.say(feedback_given(ctx.t, overview, MAX_LISTED))


async def start_feedback(ctx: Context, runner: DialogRunner, meeting_id: int, rating: int | None = None) -> None:
    """Begin the feedback dialog with who came. ``rating``: pressed on a prompt sent when the
    dialog still began with the rating; it is kept, and ticked when the rating is asked."""
    _, meeting = await ctx.run(usecases.feedback_meeting, meeting_id, ctx.person_id)
    if meeting.end > ctx.now:
        ctx.say(ctx.t("You can give feedback on a meeting once it has ended."))
        return
    await runner.start(ctx, "feedback", {"meeting_id": meeting_id} | ({} if rating is None else {"rating": rating}))
