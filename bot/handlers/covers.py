"""Cover for a missed meeting (issue 14): *I can't make it*, *I'll cover it* / *I can't*, *I can
come after all*, and the offer's *Cancel the meeting*."""

from __future__ import annotations

from bot.actions import AskCover, CancelMeeting, Manage, WithdrawCover
from bot.conversation.context import Context
from bot.conversation.messages import Button
from bot.usecases import covers
from bot.views.circles import meeting_cancelled, meeting_fields, when


async def pick_meeting(ctx: Context, circle_id: int) -> None:
    """The circle's menu: which meeting the facilitator cannot lead."""
    circle, ahead = await ctx.run(covers.meetings_to_cover, circle_id, ctx.person_id, ctx.now)
    if not ahead:
        ctx.say(ctx.t("There are no meetings ahead to change."))
        return
    buttons = [
        [
            Button(
                ctx.t("Meeting {number}: {when}", number=m.number, when=when(ctx.t, circle, m))[:60],
                AskCover(m.id or 0).token,
            )
        ]
        for m in ahead
    ]
    ctx.say(ctx.t("Which meeting can't you make? I'll ask who could cover it."), buttons)


async def ask(ctx: Context, meeting_id: int) -> None:
    found = await ctx.run(covers.ask, meeting_id, ctx.person_id, ctx.now)
    circle, meeting = found.circle, found.meeting
    about = meeting_fields(ctx.t, circle, meeting)
    if found.cover is None:
        ctx.say(
            ctx.t(
                "{circle} has no co-facilitator and no team organizer I could ask to cover meeting {number} "
                "({when}). You can cancel the meeting instead; your learners will be told.",
                **about,
            ),
            [[Button(ctx.t("Cancel a meeting"), CancelMeeting(meeting_id).token)]],
        )
        return
    if not found.asked:
        ctx.say(
            ctx.t(
                "{name} already asked for cover for meeting {number} of {circle} ({when}). "
                "I will tell them who covers it.",
                name=found.names.get(found.cover.asked_by, "?"),
                **about,
            )
        )
        return
    asked = ", ".join(found.names.get(p, "?") for p in found.asked)
    ctx.say(
        ctx.t(
            "I asked {names} to cover meeting {number} of {circle} ({when}). I will tell you who covers it. "
            "If nobody can, I will offer you to cancel the meeting.",
            names=asked,
            **about,
        ),
        [[Button(ctx.t("I can come after all"), WithdrawCover(meeting_id).token)]],
    )


async def answer(ctx: Context, meeting_id: int, accept: bool) -> None:
    found = await ctx.run(covers.answer, meeting_id, ctx.person_id, accept, ctx.now)
    circle, meeting = found.circle, found.meeting
    if accept:
        text = ctx.t(
            "Thank you! You lead meeting {number} of {circle} ({when}). {name} and the learners are told.",
            name=found.asker,
            **meeting_fields(ctx.t, circle, meeting),
        )
        ctx.say(text, [[Button(ctx.t("Manage the circle"), Manage(circle.id or 0).token)]], edit=True)
    else:
        ctx.say(ctx.t("All right: I told {name} that you cannot cover it.", name=found.asker), edit=True)


async def withdraw(ctx: Context, meeting_id: int) -> None:
    circle, meeting = await ctx.run(covers.withdraw, meeting_id, ctx.person_id, ctx.now)
    text = ctx.t(
        "Good: you lead meeting {number} of {circle} ({when}) after all. Nobody is asked to cover it any more.",
        **meeting_fields(ctx.t, circle, meeting),
    )
    ctx.say(text, edit=True)


async def cancel_uncovered(ctx: Context, meeting_id: int) -> None:
    circle, meeting = await ctx.run(covers.cancel_uncovered, meeting_id, ctx.person_id, ctx.now)
    ctx.say(meeting_cancelled(ctx.t, circle, meeting), edit=True)
