"""F5: a facilitator's feedback on one meeting: rating 1–5, attendance, a reflection."""

from __future__ import annotations

from typing import Any

from bot.conversation.context import Context
from bot.conversation.dialog import DONE, Answer, Dialog, choice
from bot.conversation.messages import Reply
from bot.parsing import clean_text, parse_int_in_range
from bot.texts import readers_of_reflection
from bot.usecases import messaging as usecases
from bot.views.circles import when
from bot.views.facilitator import feedback_line

MAX_ATTENDANCE = 1000


class FeedbackDialog(Dialog):
    """``data``: ``meeting_id``."""

    name = "feedback"
    written = ("reflection",)
    first_step = "rating"

    async def _heading(self, ctx: Context, data: dict[str, Any]) -> str:
        managed, meeting = await ctx.run(usecases.feedback_meeting, data["meeting_id"], ctx.person_id)
        return ctx.t(
            "{circle}, meeting {number} ({when})",
            circle=managed.circle.name,
            number=meeting.number,
            when=when(ctx.t, managed.circle, meeting),
        )

    async def ask_rating(self, ctx: Context, data: dict[str, Any]) -> Reply:
        text = await self._heading(ctx, data) + "\n" + ctx.t("How did it go, from 1 (poorly) to 5 (very well)?")
        return Reply(text=text, buttons=[[choice("rating", str(n), str(n)) for n in range(1, 6)]])

    async def take_rating(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        data["rating"] = parse_int_in_range(answer.choice or answer.text or "", 1, 5)
        return "attendance"

    async def ask_attendance(self, ctx: Context, data: dict[str, Any]) -> Reply:
        return Reply(text=ctx.t("How many learners came?"), expects_text=True)

    async def take_attendance(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        data["attendance"] = parse_int_in_range(answer.text or "", 0, MAX_ATTENDANCE)
        return "reflection"

    async def ask_reflection(self, ctx: Context, data: dict[str, Any]) -> Reply:
        return Reply(
            text=ctx.t("A short reflection: what went well, what would you change next time?")
            + "\n"
            + readers_of_reflection(ctx.t),
            buttons=[[choice("reflection", "skip", ctx.t("Skip"))]],
            expects_text=True,
        )

    async def take_reflection(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        if answer.choice == "skip":
            data["reflection"] = ""
        else:
            data["reflection"] = clean_text(answer.text or "", max_len=ctx.settings.circles.max_answer_length)
        return DONE

    async def finish(self, ctx: Context, data: dict[str, Any]) -> None:
        given = await ctx.run(
            usecases.record_feedback,
            data["meeting_id"],
            ctx.person_id,
            int(data["rating"]),
            int(data["attendance"]),
            str(data["reflection"]),
            ctx.now,
        )
        ctx.say(
            ctx.t("Thank you! Your feedback is saved.")
            + "\n"
            + await self._heading(ctx, data)
            + "\n"
            + feedback_line(ctx.t, given)
        )
