"""What learners do from commands and buttons: start links, circle cards, RSVP, leave."""

from __future__ import annotations

from bot.actions import (
    AnswerRsvp,
    CalendarFile,
    LeaveCircle,
    LeaveCircleConfirmed,
    Manage,
    RsvpList,
    ShowCircle,
    SignUp,
    stored,
)
from bot.conversation.context import Context
from bot.conversation.dialog import DialogRunner
from bot.conversation.messages import Button, Reply
from bot.dialogs.browse import browse_city
from bot.dialogs.signup import start_signup
from bot.handlers import team as team_handlers
from bot.render.circles import card, when
from bot.render.files import calendar
from bot.usecases import circles as circle_cases
from bot.usecases import learners
from domain.errors import NotFound, NotSignedUp
from domain.model import Circle, CircleStatus, Meeting
from domain.schedule import active, next_meeting


async def start(ctx: Context, runner: DialogRunner, help_text: str) -> None:
    """``/start`` alone greets; ``/start <code>`` opens a circle's card or accepts an invitation."""
    code = ctx.incoming.args.strip()
    if not code:
        ctx.say(ctx.t("Hello {name}! I am Circles.", name=ctx.person.name) + "\n\n" + help_text)
        return
    circle = await ctx.unit.circles.by_code(code)
    if circle is not None and circle.status is not CircleStatus.DRAFT:
        await show_card(ctx, circle)
        return
    opened = await circle_cases.accept_cofacilitator(ctx.unit, code, ctx.person_id, ctx.now)
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


async def show_card(ctx: Context, circle: Circle, *, edit: bool = False) -> None:
    assert circle.id is not None
    meetings = await ctx.unit.circles.meetings(circle.id)
    text = card(ctx.t, circle, meetings, ctx.now)
    buttons: list[list[Button]] = []
    if ctx.person_id in await ctx.unit.circles.facilitator_ids(circle.id):
        buttons.append([Button(ctx.t("Manage the circle"), Manage(circle.id).token)])
    signup = await ctx.unit.signups.get(circle.id, ctx.person_id)
    if circle.status is CircleStatus.CANCELLED:
        # Nothing to answer or add to a calendar: the meetings are off.
        ctx.say(text, buttons, edit=edit)
        return
    if signup is not None and signup.active:
        text += "\n\n" + ctx.t("You are signed up.")
        buttons.append(
            [
                Button(ctx.t("RSVP"), RsvpList(circle.id).token),
                Button(ctx.t("Update my answers"), SignUp(circle.id).token),
            ]
        )
        buttons.append(
            [
                Button(ctx.t("Calendar file"), CalendarFile(circle.id).token),
                Button(ctx.t("Leave the circle"), LeaveCircle(circle.id).token),
            ]
        )
    elif circle.status is CircleStatus.PUBLISHED:
        buttons.append([Button(ctx.t("Sign up"), SignUp(circle.id).token)])
    ctx.say(text, buttons, edit=edit)


async def circle_card(ctx: Context, circle_id: int) -> None:
    circle = await ctx.unit.circles.get(circle_id)
    if circle is None or circle.status is CircleStatus.DRAFT:
        raise NotFound()
    await show_card(ctx, circle)


async def browse(ctx: Context, runner: DialogRunner) -> None:
    city = ctx.incoming.args.strip()
    if city:
        await browse_city(ctx, city[:100])
    else:
        await runner.start(ctx, "browse")


async def sign_up(ctx: Context, runner: DialogRunner, circle_id: int) -> None:
    await start_signup(ctx, runner, circle_id)


RSVP_AHEAD = 8  # meetings listed at once: two buttons each, well within what chats show


def rsvp_reply(ctx: Context, circle: Circle, meetings: list[Meeting], answers: dict[int, bool]) -> Reply:
    """One message per circle: the next meetings with yes/no buttons, the current answer ticked."""
    ahead = [m for m in active(meetings) if m.start > ctx.now][:RSVP_AHEAD]
    lines = [ctx.t("{circle} — will you come?", circle=circle.name)]
    buttons: list[list[Button]] = []
    for meeting in ahead:
        answer = answers.get(meeting.id or 0)
        state = {True: ctx.t("yes"), False: ctx.t("no"), None: ctx.t("no answer yet")}[answer]
        lines.append(
            ctx.t(
                "Meeting {number}, {when}: {answer}",
                number=meeting.number,
                when=when(ctx.t, circle, meeting),
                answer=state,
            )
        )
        yes, no = ctx.t("Yes"), ctx.t("No")
        buttons.append(
            [
                Button(
                    f"{'✓ ' if answer is True else ''}{meeting.number}: {yes}",
                    AnswerRsvp(stored(meeting.id), True).token,
                ),
                Button(
                    f"{'✓ ' if answer is False else ''}{meeting.number}: {no}",
                    AnswerRsvp(stored(meeting.id), False).token,
                ),
            ]
        )
    if not ahead:
        lines.append(ctx.t("There are no meetings ahead."))
    return Reply(text="\n".join(lines), buttons=buttons)


async def _rsvp_list(ctx: Context, circle: Circle, *, edit: bool = False, confirmation: str | None = None) -> None:
    assert circle.id is not None
    meetings = await ctx.unit.circles.meetings(circle.id)
    answers = await ctx.unit.rsvps.of_person(ctx.person_id, [m.id for m in meetings if m.id is not None])
    reply = rsvp_reply(ctx, circle, meetings, answers)
    if confirmation is not None:
        reply.text = f"{confirmation}\n\n{reply.text}"
    reply.edit = edit
    ctx.replies.append(reply)


async def rsvp_command(ctx: Context) -> None:
    signups = await ctx.unit.signups.active_for_person(ctx.person_id)
    if not signups:
        ctx.say(ctx.t("You have not signed up for any circle yet. Find one with /browse."))
        return
    for signup in signups:
        circle = await ctx.unit.circles.get(signup.circle_id)
        if circle is not None and circle.status is CircleStatus.PUBLISHED:
            await _rsvp_list(ctx, circle)


async def rsvp_list(ctx: Context, circle_id: int) -> None:
    circle = await ctx.unit.circles.get(circle_id)
    signup = await ctx.unit.signups.get(circle_id, ctx.person_id)
    if circle is None or signup is None or not signup.active:
        raise NotSignedUp()
    await _rsvp_list(ctx, circle)


async def rsvp_answer(ctx: Context, meeting_id: int, attending: bool) -> None:
    circle, meeting = await learners.rsvp(ctx.unit, meeting_id, ctx.person_id, attending, ctx.now)
    # One answer to the press: the list the button was on, redrawn with the new answer ticked,
    # headed by the confirmation (one edit, no second message).
    if attending:
        confirmation = ctx.t("You said you will come to meeting {number}. Thank you!", number=meeting.number)
    else:
        confirmation = ctx.t(
            "You said you cannot come to meeting {number}. Thank you for letting us know!", number=meeting.number
        )
    await _rsvp_list(ctx, circle, edit=True, confirmation=confirmation)


async def my_circles(ctx: Context) -> None:
    facilitated = await ctx.unit.circles.facilitated_by(ctx.person_id)
    signups = await ctx.unit.signups.active_for_person(ctx.person_id)
    if not facilitated and not signups:
        ctx.say(ctx.t("You have no circles yet. Find one with /browse, or create one with /new."))
        return
    if facilitated:
        buttons = [[Button(c.name[:60], Manage(stored(c.id)).token)] for c in facilitated]
        ctx.say(ctx.t("Circles you facilitate:"), buttons)
    if signups:
        lines = [ctx.t("Circles you signed up for:")]
        buttons = []
        for signup in signups:
            circle = await ctx.unit.circles.get(signup.circle_id)
            if circle is None or circle.id is None:
                continue
            upcoming = next_meeting(await ctx.unit.circles.meetings(circle.id), ctx.now)
            ahead = when(ctx.t, circle, upcoming) if upcoming else ctx.t("no meetings ahead")
            if circle.status is CircleStatus.CANCELLED:
                lines.append(f"• {circle.name} — {ctx.t('cancelled')}")
            else:
                nxt = ctx.t("next: {when}", when=ahead)
                lines.append(f"• {circle.name} — {nxt}")
            buttons.append([Button(circle.name[:60], ShowCircle(circle.id).token)])
        ctx.say("\n".join(lines), buttons)


async def leave_command(ctx: Context) -> None:
    signups = await ctx.unit.signups.active_for_person(ctx.person_id)
    if not signups:
        ctx.say(ctx.t("You are not signed up for any circle."))
        return
    buttons = []
    for signup in signups:
        circle = await ctx.unit.circles.get(signup.circle_id)
        if circle is not None:
            buttons.append([Button(circle.name[:60], LeaveCircle(stored(circle.id)).token)])
    ctx.say(ctx.t("Which circle do you want to leave?"), buttons)


async def leave_ask(ctx: Context, circle_id: int) -> None:
    circle = await ctx.unit.circles.get(circle_id)
    signup = await ctx.unit.signups.get(circle_id, ctx.person_id)
    if circle is None or signup is None or not signup.active:
        raise NotFound()
    ctx.say(
        ctx.t("Leave {circle}? You will get no more reminders for it.", circle=circle.name),
        [
            [
                Button(ctx.t("Yes, leave"), LeaveCircleConfirmed(circle_id).token),
                Button(ctx.t("No, stay"), ShowCircle(circle_id).token),
            ]
        ],
    )


async def leave_confirm(ctx: Context, circle_id: int) -> None:
    circle = await ctx.unit.circles.get(circle_id)
    if circle is None:
        raise NotFound()
    if await learners.leave(ctx.unit, circle_id, ctx.person_id, ctx.now):
        ctx.say(ctx.t("You left {circle}. You are welcome back any time.", circle=circle.name), edit=True)
    else:
        ctx.say(ctx.t("You are not signed up for {circle}.", circle=circle.name), edit=True)


async def calendar_file(ctx: Context, circle_id: int) -> None:
    circle = await ctx.unit.circles.get(circle_id)
    if circle is None or circle.status is CircleStatus.DRAFT:
        raise NotFound()
    reply = ctx.say(ctx.t("The meetings of {circle}, for your calendar.", circle=circle.name))
    reply.attachment = calendar(ctx.t, circle, await ctx.unit.circles.meetings(circle_id), ctx.now)
