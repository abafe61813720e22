"""F3: a facilitator writes one message to all learners of a circle."""

from __future__ import annotations

from typing import Any

from bot.conversation.context import Context
from bot.conversation.dialog import DONE, Answer, Dialog, choice
from bot.conversation.messages import Reply
from bot.parsing import InputError, clean_text
from bot.usecases import messaging as usecases

MAX_MESSAGE = 3000  # fits one Telegram message with the heading


class BroadcastDialog(Dialog):
    """``data``: ``circle_id``."""

    name = "broadcast"
    written = ("text",)
    first_step = "text"

    async def _audience(self, ctx: Context, data: dict[str, Any]) -> tuple[str, int]:
        return await ctx.run(usecases.broadcast_audience, data["circle_id"], ctx.person_id)

    async def ask_text(self, ctx: Context, data: dict[str, Any]) -> Reply:
        name, count = await self._audience(ctx, data)
        text = ctx.t.plural(
            "What do you want to tell the {n} learner of {circle}? Send your message.",
            "What do you want to tell the {n} learners of {circle}? Send your message.",
            count,
            circle=name,
        )
        return Reply(text=text, expects_text=True)

    async def take_text(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        data["text"] = clean_text(answer.text or "", max_len=MAX_MESSAGE)
        return "confirm"

    async def ask_confirm(self, ctx: Context, data: dict[str, Any]) -> Reply:
        name, count = await self._audience(ctx, data)
        heading = ctx.t.plural(
            "This goes to {n} learner of {circle}:", "This goes to {n} learners of {circle}:", count, circle=name
        )
        return Reply(
            text=f"{heading}\n\n{data['text']}",
            buttons=[[choice("confirm", "send", ctx.t("Send it")), choice("confirm", "edit", ctx.t("Change it"))]],
        )

    async def take_confirm(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        if answer.choice == "edit":
            return "text"
        if answer.choice != "send":
            raise InputError("choice.needed")
        return DONE

    async def finish(self, ctx: Context, data: dict[str, Any]) -> None:
        _, count = await ctx.run(usecases.send_broadcast, data["circle_id"], ctx.person_id, data["text"], ctx.now)
        ctx.say(
            ctx.t.plural(
                "Sending it to {n} learner. I will tell you whom it reached.",
                "Sending it to {n} learners. I will tell you whom it reached.",
                count,
            )
        )
