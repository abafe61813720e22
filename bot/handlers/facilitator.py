"""A facilitator's view and management of their circles (F2, F8)."""

from __future__ import annotations

from bot.actions import (
    CancelCircleConfirmed,
    CancelMeeting,
    CancelMeetingConfirmed,
    Manage,
    RemoveCoFacilitatorConfirmed,
    Reschedule,
    ShareCircleIn,
    SignUp,
    StepDownConfirmed,
)
from bot.conversation.context import Context
from bot.conversation.dialog import DialogRunner
from bot.conversation.messages import Button, ChatChoice, Reply
from bot.usecases import circles as circle_cases
from bot.usecases import managing
from bot.views.circles import card, meeting_cancelled, rsvp_view, signups_view, when
from bot.views.facilitator import manage_screen
from bot.views.files import signups_csv


async def new_circle(ctx: Context, runner: DialogRunner) -> None:
    await runner.start(ctx, "create_circle")


async def manage(ctx: Context, circle_id: int, *, edit: bool = False) -> None:
    """The circle's overview with the buttons this person's roles allow."""
    overview = await ctx.run(managing.circle_overview, circle_id, ctx.person_id)
    link = ctx.share_link(overview.managed.circle.code)
    text, buttons = manage_screen(ctx.t, overview, ctx.now, link, can_share=ctx.incoming.can_pick_chat)
    ctx.say(text, buttons, edit=edit)


async def share_ask(ctx: Context, circle_id: int) -> None:
    """*Share in channel*: which channel the circle's card goes to, chosen with the platform's picker."""
    shared = await ctx.run(managing.circle_to_share, circle_id, ctx.person_id)
    name, link = shared.circle.name, ctx.share_link(shared.circle.code)
    if not ctx.incoming.can_pick_chat:  # a platform without a picker: the link does the same
        ctx.say(ctx.t("{name} is published! Share this link so people can sign up:\n{link}", name=name, link=link))
        return
    reply = ctx.say(
        ctx.t("In which channel should I post the card of {circle}? Choose it below.", circle=name)
        + "\n"
        + ctx.t("For a private channel, invite me there first.")
    )
    reply.pick_chat = ChatChoice(ShareCircleIn(circle_id).token, ctx.t("Choose a channel"))


async def share_in(ctx: Context, circle_id: int) -> None:
    """The channel is chosen: the circle's card goes there with a *Sign up* button; whoever presses
    it continues in a private chat with the bot (``Core._action``)."""
    shared = await ctx.run(managing.circle_to_share, circle_id, ctx.person_id)
    chat = ctx.incoming.picked_chat
    if not chat:
        ctx.say(ctx.t("Choose a channel first."))
        return
    circle = shared.circle
    invitation = ctx.t("Press Sign up to join: we continue in a private chat.")
    text = card(ctx.t, circle, shared.meetings, ctx.now) + "\n\n" + invitation
    ctx.replies.append(Reply(text=text, buttons=[[Button(ctx.t("Sign up"), SignUp(circle_id).token)]], to_chat=chat))
    ctx.say(ctx.t("I posted the card of {circle} in the channel.", circle=circle.name))


async def signups(ctx: Context, circle_id: int) -> None:
    found = await ctx.run(managing.signups, circle_id, ctx.person_id)
    ctx.say(signups_view(ctx.t, found.managed.circle, found.signups, found.names, found.waiting))


async def export_signups(ctx: Context, circle_id: int) -> None:
    found = await ctx.run(managing.signups_export, circle_id, ctx.person_id)
    circle = found.managed.circle
    reply = ctx.say(ctx.t("Signups of {circle}, as a spreadsheet file.", circle=circle.name))
    reply.attachment = signups_csv(ctx.t, circle, found.signups, found.names)


async def rsvps(ctx: Context, circle_id: int) -> None:
    found = await ctx.run(managing.schedule_and_rsvps, circle_id, ctx.person_id)
    managed = found.managed
    ctx.say(rsvp_view(ctx.t, managed.circle, managed.meetings, found.signups, found.rsvps, found.names, found.leaders))


async def publish(ctx: Context, circle_id: int) -> None:
    circle = await ctx.run(circle_cases.publish, circle_id, ctx.person_id)
    ctx.say(
        ctx.t(
            "{name} is published! Share this link so people can sign up:\n{link}",
            name=circle.name,
            link=ctx.share_link(circle.code),
        )
    )
    await manage(ctx, circle_id)


async def set_signup_open(ctx: Context, circle_id: int, is_open: bool) -> None:
    circle = await ctx.run(
        circle_cases.set_signup_open, circle_id, ctx.person_id, is_open, ctx.now, ctx.settings.circles.waitlist_hold
    )
    await manage(ctx, circle_id, edit=True)
    if is_open:
        ctx.say(ctx.t("Signup for {circle} is open again.", circle=circle.name))
    else:
        ctx.say(ctx.t("Signup for {circle} is closed. Learners already signed up stay.", circle=circle.name))


async def pick_meeting(ctx: Context, circle_id: int, purpose: str) -> None:
    """List the meetings still ahead, to reschedule (``r``) or cancel (``c``) one of them."""
    circle, ahead = await ctx.run(managing.meetings_to_change, circle_id, ctx.person_id, ctx.now)
    if not ahead:
        ctx.say(ctx.t("There are no meetings ahead to change."))
        return
    kind = Reschedule if purpose == "r" else CancelMeeting
    buttons = [
        [
            Button(
                ctx.t("Meeting {number}: {when}", number=m.number, when=when(ctx.t, circle, m))[:60],
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
    circle = await ctx.run(managing.check_reschedule, meeting_id, ctx.person_id, ctx.now)
    await runner.start(ctx, "meeting_time", {"circle_id": circle.id, "meeting_id": meeting_id})


async def change_venue(ctx: Context, runner: DialogRunner, circle_id: int) -> None:
    await ctx.run(managing.check_change_venue, circle_id, ctx.person_id)
    await runner.start(ctx, "change_venue", {"circle_id": circle_id})


async def change_limit(ctx: Context, runner: DialogRunner, circle_id: int) -> None:
    await ctx.run(circle_cases.check_change_limit, circle_id, ctx.person_id)
    await runner.start(ctx, "signup_limit", {"circle_id": circle_id})


async def add_meeting(ctx: Context, runner: DialogRunner, circle_id: int) -> None:
    await ctx.run(managing.check_add_meeting, circle_id, ctx.person_id)
    await runner.start(ctx, "meeting_time", {"circle_id": circle_id})


async def cancel_meeting_ask(ctx: Context, meeting_id: int) -> None:
    circle, meeting = await ctx.run(managing.meeting_to_change, meeting_id, ctx.person_id)
    ctx.say(
        ctx.t(
            "Cancel meeting {number} on {when}? Learners will be told.",
            number=meeting.number,
            when=when(ctx.t, circle, meeting),
        ),
        [
            [
                Button(ctx.t("Yes, cancel it"), CancelMeetingConfirmed(meeting_id).token),
                Button(ctx.t("No, keep it"), Manage(meeting.circle_id).token),
            ]
        ],
    )


async def cancel_meeting(ctx: Context, meeting_id: int) -> None:
    circle, meeting = await ctx.run(managing.cancel_one_meeting, meeting_id, ctx.person_id, ctx.now)
    ctx.say(meeting_cancelled(ctx.t, circle, meeting), edit=True)


async def cancel_circle_ask(ctx: Context, circle_id: int) -> None:
    circle = await ctx.run(managing.circle_to_cancel, circle_id, ctx.person_id)
    ctx.say(
        ctx.t(
            "Cancel {circle} altogether? It disappears from browse and its meetings are off. This cannot be undone.",
            circle=circle.name,
        ),
        [
            [
                Button(ctx.t("Yes, cancel the circle"), CancelCircleConfirmed(circle_id).token),
                Button(ctx.t("No, keep it"), Manage(circle_id).token),
            ]
        ],
    )


async def cancel_circle(ctx: Context, circle_id: int) -> None:
    circle = await ctx.run(circle_cases.cancel_circle, circle_id, ctx.person_id, ctx.now)
    ctx.say(ctx.t("{circle} is cancelled.", circle=circle.name), edit=True)


async def invite_cofacilitator(ctx: Context, circle_id: int) -> None:
    invite = await ctx.run(
        circle_cases.invite_cofacilitator, circle_id, ctx.person_id, ctx.now, ctx.settings.circles.invite_days
    )
    ctx.say(
        ctx.t(
            "Send this link to your co-facilitator. It works once, for {days} days:\n{link}",
            days=ctx.settings.circles.invite_days,
            link=ctx.share_link(invite.code),
        )
    )


async def remove_co_ask(ctx: Context, circle_id: int, co_id: int) -> None:
    circle, name = await ctx.run(managing.cofacilitator_to_remove, circle_id, ctx.person_id, co_id)
    ctx.say(
        ctx.t(
            "Remove {name} as co-facilitator of {circle}? They will be told, and can no longer manage it.",
            name=name,
            circle=circle.name,
        ),
        [
            [
                Button(ctx.t("Yes, remove"), RemoveCoFacilitatorConfirmed(circle_id, co_id).token),
                Button(ctx.t("No"), Manage(circle_id).token),
            ]
        ],
    )


async def remove_co(ctx: Context, circle_id: int, co_id: int) -> None:
    circle, name = await ctx.run(managing.remove_named_cofacilitator, circle_id, ctx.person_id, co_id, ctx.now)
    ctx.say(ctx.t("{name} is no longer a co-facilitator of {circle}.", name=name, circle=circle.name), edit=True)


async def step_down_ask(ctx: Context, circle_id: int) -> None:
    circle = await ctx.run(managing.circle_to_step_down_from, circle_id, ctx.person_id)
    ctx.say(
        ctx.t(
            "Step down as co-facilitator of {circle}? The other facilitators will be told.",
            circle=circle.name,
        ),
        [
            [
                Button(ctx.t("Yes, step down"), StepDownConfirmed(circle_id).token),
                Button(ctx.t("No"), Manage(circle_id).token),
            ]
        ],
    )


async def step_down(ctx: Context, circle_id: int) -> None:
    circle = await ctx.run(circle_cases.step_down, circle_id, ctx.person_id, ctx.now)
    ctx.say(ctx.t("You are no longer a co-facilitator of {circle}. Thank you!", circle=circle.name), edit=True)
