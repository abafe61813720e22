"""F8: choosing a new date and time for one meeting, or for an added meeting."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from bot.conversation.context import Context
from bot.conversation.dialog import DONE, Answer, Dialog, choice
from bot.conversation.messages import Reply
from bot.parsing import InputError, clean_text, parse_date, parse_time, require_future_date
from bot.usecases import circles as circle_cases
from bot.usecases import managing
from bot.views.circles import moment_for, when
from domain.model import Circle, Meeting
from domain.schedule import local_to_utc


async def _circle(ctx: Context, data: dict[str, Any]) -> Circle:
    return await ctx.run(managing.circle, data["circle_id"])


class MeetingTimeDialog(Dialog):
    """``data``: ``circle_id`` and, to reschedule, ``meeting_id`` (absent: add a meeting)."""

    name = "meeting_time"
    first_step = "day"

    async def ask_day(self, ctx: Context, data: dict[str, Any]) -> Reply:
        circle, meeting = await ctx.run(managing.circle_and_meeting, data["circle_id"], data.get("meeting_id"))
        if meeting is not None:
            text = ctx.t(
                "Meeting {number} is on {when}. On which date should it be instead?",
                number=meeting.number,
                when=when(ctx.t, circle, meeting),
            )
        else:
            text = ctx.t("On which date is the new meeting of {circle}?", circle=circle.name)
        return Reply(text=text, expects_text=True)

    async def take_day(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        circle = await _circle(ctx, data)
        today = ctx.now.astimezone(circle.zone).date()
        if answer.text is None:
            raise InputError("text.empty")
        day = require_future_date(parse_date(clean_text(answer.text, max_len=40), today), today)
        data["day"] = day.isoformat()
        return "at"

    async def ask_at(self, ctx: Context, data: dict[str, Any]) -> Reply:
        circle = await _circle(ctx, data)
        usual = circle.meeting_time.strftime("%H:%M")
        return Reply(
            text=ctx.t("At what time? The circle usually meets at {time}.", time=usual),
            buttons=[[choice("at", usual, usual)]],
            expects_text=True,
        )

    async def take_at(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        circle = await _circle(ctx, data)
        text = answer.choice or answer.text
        if text is None:
            raise InputError("text.empty")
        at = parse_time(text)
        if local_to_utc(date.fromisoformat(data["day"]), at, circle.zone) <= ctx.now:
            raise InputError("time.past")
        data["at"] = at.isoformat(timespec="minutes")
        return DONE

    async def finish(self, ctx: Context, data: dict[str, Any]) -> None:
        circle = await _circle(ctx, data)
        day, at = date.fromisoformat(data["day"]), time.fromisoformat(data["at"])
        meeting: Meeting
        if "meeting_id" in data:
            meeting, old = await ctx.run(
                circle_cases.reschedule_meeting, data["meeting_id"], ctx.person_id, day, at, ctx.now
            )
            ctx.say(
                ctx.t(
                    "Meeting {number} moved from {old} to {new}.",
                    number=meeting.number,
                    old=moment_for(ctx.t, old, circle.timezone),
                    new=when(ctx.t, circle, meeting),
                )
            )
        else:
            meeting = await ctx.run(circle_cases.add_meeting, data["circle_id"], ctx.person_id, day, at, ctx.now)
            ctx.say(ctx.t("Meeting {number} added: {when}.", number=meeting.number, when=when(ctx.t, circle, meeting)))
