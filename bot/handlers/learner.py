"""What learners do from commands and buttons: start links, circle cards, RSVP, leave."""

from __future__ import annotations

from bot.actions import Manage, stored
from bot.conversation.context import Context
from bot.conversation.dialog import DialogRunner
from bot.conversation.messages import Button
from bot.dialogs.browse import browse_city
from bot.dialogs.signup import start_signup
from bot.feeds import feed_address
from bot.handlers import team as team_handlers
from bot.usecases import calendar as calendar_cases
from bot.usecases import circles as circle_cases
from bot.usecases import learner_views
from bot.usecases import waitlist as waitlist_cases
from bot.views.files import calendar
from bot.views.learner import (
    card_reply,
    leave_choice,
    leave_question,
    my_circles_replies,
    rsvp_reply,
    signup_confirmation,
)


async def start(ctx: Context, runner: DialogRunner, help_text: str) -> None:
    """``/start`` alone greets; ``/start <code>`` opens a circle's card or accepts an invitation."""
    code = ctx.incoming.args.strip()
    if not code:
        ctx.say(ctx.t("Hello {name}! I am Circles.", name=ctx.person.name) + "\n\n" + help_text)
        return
    shown = await ctx.run(learner_views.card_by_code, code, ctx.person_id, ctx.now)
    if shown is not None:
        ctx.replies.append(card_reply(ctx.t, shown, ctx.now))
        return
    opened = await ctx.run(circle_cases.accept_cofacilitator, code, ctx.person_id, ctx.now)
    if opened is not None:
        joined = opened.circle
        if opened.outcome == "own":
            text = ctx.t(
                "This is your own co-facilitator link for {circle}. Share it with the person who should "
                "co-facilitate; it stays valid for them.",
                circle=joined.name,
            )
        elif opened.outcome == "already":
            text = ctx.t(
                "You already facilitate {circle}, so this link stays unused for the person it was meant for.",
                circle=joined.name,
            )
        else:
            text = ctx.t("You are now a co-facilitator of {circle}.", circle=joined.name)
        ctx.say(text, [[Button(ctx.t("Manage the circle"), Manage(stored(joined.id)).token)]])
        return
    if await team_handlers.offer(ctx, code):
        return
    ctx.say(ctx.t("That link or code is not valid any more. Ask whoever shared it for a new one."))


async def circle_card(ctx: Context, circle_id: int) -> None:
    shown = await ctx.run(learner_views.circle_card, circle_id, ctx.person_id, ctx.now)
    ctx.replies.append(card_reply(ctx.t, shown, ctx.now))


async def browse(ctx: Context, runner: DialogRunner) -> None:
    city = ctx.incoming.args.strip()
    if city:
        await browse_city(ctx, city[:100])
    else:
        await runner.start(ctx, "browse")


async def sign_up(ctx: Context, runner: DialogRunner, circle_id: int) -> None:
    await start_signup(ctx, runner, circle_id)


async def join_waitlist(ctx: Context, runner: DialogRunner, circle_id: int) -> None:
    """L7: the signup questions first; their answers wait in line with the person."""
    await ctx.run(waitlist_cases.begin_waiting, circle_id, ctx.person_id, ctx.now)
    await runner.start(ctx, "signup", {"circle_id": circle_id, "waitlist": True})


async def claim_place(ctx: Context, circle_id: int) -> None:
    claimed = await ctx.run(waitlist_cases.claim, circle_id, ctx.person_id, ctx.now)
    signed = learner_views.SignedUp(claimed.circle, claimed.meetings, claimed.upcoming, is_new=True)
    ctx.replies.append(signup_confirmation(ctx.t, signed, ctx.now))


async def leave_waitlist(ctx: Context, circle_id: int) -> None:
    circle = await ctx.run(
        waitlist_cases.leave_line, circle_id, ctx.person_id, ctx.now, ctx.settings.circles.waitlist_hold
    )
    ctx.say(ctx.t("You are off the waitlist for {circle}.", circle=circle.name), edit=True)


async def rsvp_command(ctx: Context) -> None:
    sheets = await ctx.run(learner_views.rsvp_sheets, ctx.person_id)
    if sheets is None:
        ctx.say(ctx.t("You have not signed up for any circle yet. Find one with /browse."))
        return
    ctx.replies += [rsvp_reply(ctx.t, sheet, ctx.now) for sheet in sheets]


async def rsvp_list(ctx: Context, circle_id: int) -> None:
    sheet = await ctx.run(learner_views.rsvp_sheet, circle_id, ctx.person_id)
    ctx.replies.append(rsvp_reply(ctx.t, sheet, ctx.now))


async def rsvp_answer(ctx: Context, meeting_id: int, attending: bool) -> None:
    answered = await ctx.run(learner_views.answer_rsvp, meeting_id, ctx.person_id, attending, ctx.now)
    # One answer to the press: the list the button was on, redrawn with the new answer ticked,
    # headed by the confirmation (one edit, no second message).
    number = answered.meeting.number
    if attending:
        confirmation = ctx.t("You said you will come to meeting {number}. Thank you!", number=number)
    else:
        confirmation = ctx.t(
            "You said you cannot come to meeting {number}. Thank you for letting us know!", number=number
        )
    redrawn = rsvp_reply(ctx.t, answered.sheet, ctx.now)
    redrawn.text = f"{confirmation}\n\n{redrawn.text}"
    redrawn.edit = True
    ctx.replies.append(redrawn)


async def my_circles(ctx: Context) -> None:
    mine = await ctx.run(learner_views.my_circles, ctx.person_id, ctx.now)
    ctx.replies += my_circles_replies(ctx.t, mine)


async def leave_command(ctx: Context) -> None:
    signed_up = await ctx.run(learner_views.circles_signed_up, ctx.person_id)
    ctx.replies.append(leave_choice(ctx.t, signed_up, await ctx.run(learner_views.circles_waiting, ctx.person_id)))


async def leave_ask(ctx: Context, circle_id: int) -> None:
    circle = await ctx.run(learner_views.circle_to_leave, circle_id, ctx.person_id)
    ctx.replies.append(leave_question(ctx.t, circle))


async def leave_confirm(ctx: Context, circle_id: int) -> None:
    outcome = await ctx.run(
        learner_views.leave_circle, circle_id, ctx.person_id, ctx.now, ctx.settings.circles.waitlist_hold
    )
    name = outcome.circle.name
    if outcome.left:
        ctx.say(ctx.t("You left {circle}. You are welcome back any time.", circle=name), edit=True)
    else:
        ctx.say(ctx.t("You are not signed up for {circle}.", circle=name), edit=True)


async def calendar_file(ctx: Context, circle_id: int) -> None:
    schedule = await ctx.run(learner_views.circle_schedule, circle_id, ctx.person_id)
    reply = ctx.say(ctx.t("The meetings of {circle}, for your calendar.", circle=schedule.circle.name))
    reply.attachment = calendar(ctx.t, schedule.circle, schedule.meetings, ctx.now, link=schedule.insider)


async def calendar_command(ctx: Context) -> None:
    """``/calendar``: a private address for all one's circles; asking again replaces it."""
    public_url = ctx.settings.server.public_url
    if not public_url:
        ctx.say(
            ctx.t("The live calendar is not set up on this server.")
            + " "
            + ctx.t("You can still get each circle's calendar file from /mycircles.")
        )
        return
    secret = await ctx.run(calendar_cases.subscribe, ctx.person_id, ctx.now)
    ctx.say(
        ctx.t("Your live calendar of all your circles:")
        + f"\n{feed_address(public_url, secret)}\n\n"
        + ctx.t(
            'Add it to your calendar app as a subscription ("from URL"); it follows every change to '
            "your meetings. Keep it to yourself: anyone with this address sees your meetings. Send "
            "/calendar again for a new address; the old one then stops working."
        )
    )
