"""Learners check in: *I'm here* under a reminder, and ``/here``."""

from __future__ import annotations

from bot.conversation.context import Context
from bot.usecases import attendance as usecases
from bot.views.attendance import check_in_reply, here_reply


async def check_in(ctx: Context, meeting_id: int) -> None:
    done = await ctx.run(usecases.check_in, meeting_id, ctx.person_id, ctx.now)
    ctx.replies.append(check_in_reply(ctx.t, done))


async def here_command(ctx: Context) -> None:
    """One circle meeting now: checked in at once; several: which one; none: when the next is."""
    found = await ctx.run(usecases.here, ctx.person_id, ctx.now)
    if len(found.open) == 1:
        _, meeting = found.open[0]
        await check_in(ctx, meeting.id or 0)
        return
    ctx.replies.append(here_reply(ctx.t, found))
