"""F4: the facilitator edits a reminder's text, the circle's default text, or the lead time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.conversation.context import Context
from bot.conversation.dialog import DONE, Answer, Dialog, choice
from bot.conversation.messages import Reply
from bot.parsing import clean_text, parse_int_in_range
from bot.usecases import messaging as usecases
from bot.views.circles import when
from bot.views.facilitator import lead_text
from domain.model import MAX_REMINDER_LEAD

MAX_REMINDER_TEXT = 1000
MAX_LEAD_HOURS = MAX_REMINDER_LEAD // timedelta(hours=1)
LEAD_CHOICES = (24, 48, 72, 168)


class ReminderTextDialog(Dialog):
    """``data``: ``circle_id`` and, for one meeting's reminder, ``meeting_id`` (else: the default)."""

    name = "reminder_text"
    written = ("text",)
    first_step = "text"

    async def ask_text(self, ctx: Context, data: dict[str, Any]) -> Reply:
        circle, meeting = await ctx.run(
            usecases.reminder_text_target, data["circle_id"], ctx.person_id, data.get("meeting_id")
        )
        if meeting is not None:
            text = ctx.t(
                "Send the text of the reminder for meeting {number} ({when}).",
                number=meeting.number,
                when=when(ctx.t, circle, meeting),
            )
        else:
            text = ctx.t("Send the text every reminder of {circle} should start with.", circle=circle.name)
        text += "\n" + ctx.t("The time, the place and the RSVP buttons are added below it.")
        return Reply(text=text, expects_text=True)

    async def take_text(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        data["text"] = clean_text(answer.text or "", max_len=MAX_REMINDER_TEXT)
        return DONE

    async def finish(self, ctx: Context, data: dict[str, Any]) -> None:
        from bot.handlers import messaging as handlers

        if "meeting_id" in data:
            saved = await ctx.run(usecases.set_reminder_text, data["meeting_id"], ctx.person_id, data["text"], ctx.now)
            if not saved:
                ctx.say(ctx.t("That reminder has already gone out, so it cannot be changed any more."))
                return
            ctx.say(ctx.t("Saved: this reminder will go out with your text."))
        else:
            await ctx.run(usecases.set_default_reminder_text, data["circle_id"], ctx.person_id, data["text"])
            ctx.say(ctx.t("Saved: reminders of this circle start with your text, unless you wrote one for a meeting."))
        await handlers.show_reminder(ctx, data["circle_id"])


class ReminderLeadDialog(Dialog):
    """``data``: ``circle_id``."""

    name = "reminder_lead"
    first_step = "hours"

    async def ask_hours(self, ctx: Context, data: dict[str, Any]) -> Reply:
        circle = await ctx.run(usecases.check_edit_reminders, data["circle_id"], ctx.person_id)
        hours = int(circle.reminder_lead.total_seconds() // 3600)
        return Reply(
            text=ctx.t(
                "Reminders of {circle} go out {lead} before each meeting. How many hours before should they go out?",
                circle=circle.name,
                lead=lead_text(ctx.t, hours),
            ),
            buttons=[[choice("hours", str(h), lead_text(ctx.t, h)) for h in LEAD_CHOICES]],
            expects_text=True,
        )

    async def take_hours(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        data["hours"] = parse_int_in_range(answer.choice or answer.text or "", 1, MAX_LEAD_HOURS)
        return DONE

    async def finish(self, ctx: Context, data: dict[str, Any]) -> None:
        from bot.handlers import messaging as handlers

        hours = int(data["hours"])
        await ctx.run(usecases.set_reminder_lead, data["circle_id"], ctx.person_id, timedelta(hours=hours))
        ctx.say(ctx.t("Saved: reminders go out {lead} before each meeting.", lead=lead_text(ctx.t, hours)))
        await handlers.show_reminder(ctx, data["circle_id"])
