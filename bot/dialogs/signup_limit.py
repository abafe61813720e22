"""F8/L7: changing how many people may sign up for a circle; places a higher limit frees go to
the waitlist, in order."""

from __future__ import annotations

from typing import Any

from bot.conversation.context import Context
from bot.conversation.dialog import DONE, Answer, Dialog, choice
from bot.conversation.messages import Reply
from bot.dialogs.create_circle import MAX_SIGNUP_LIMIT
from bot.parsing import parse_int_in_range
from bot.usecases import circles as usecases


class SignupLimitDialog(Dialog):
    """``data``: ``circle_id``."""

    name = "signup_limit"
    first_step = "limit"

    async def ask_limit(self, ctx: Context, data: dict[str, Any]) -> Reply:
        managed = await ctx.run(usecases.check_change_limit, data["circle_id"], ctx.person_id)
        circle = managed.circle
        now = str(circle.signup_limit) if circle.signup_limit is not None else ctx.t("none")
        return Reply(
            text=ctx.t(
                "The signup limit of {circle} is now: {limit}. How many people may sign up? Send a number, "
                "or choose No limit.",
                circle=circle.name,
                limit=now,
            ),
            buttons=[[choice("limit", "none", ctx.t("No limit"))]],
            expects_text=True,
        )

    async def take_limit(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        if answer.choice == "none":
            data["limit"] = None
        else:
            data["limit"] = parse_int_in_range((answer.text or "")[:20], 1, MAX_SIGNUP_LIMIT)
        return DONE

    async def finish(self, ctx: Context, data: dict[str, Any]) -> None:
        from bot.handlers import facilitator

        limit = data["limit"]
        circle = await ctx.run(
            usecases.set_signup_limit,
            data["circle_id"],
            ctx.person_id,
            limit,
            ctx.now,
            ctx.settings.circles.waitlist_hold,
        )
        if limit is None:
            ctx.say(ctx.t("Saved: {circle} has no signup limit now.", circle=circle.name))
        else:
            ctx.say(ctx.t("Saved: up to {limit} people may sign up for {circle}.", limit=limit, circle=circle.name))
        await facilitator.manage(ctx, data["circle_id"])
