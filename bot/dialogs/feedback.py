"""F5: a facilitator's feedback on one meeting: who came, a rating 1–5, a reflection.

It begins with who came, what the facilitator knows best right after the meeting and what the
report, its chart and the warnings read. The list starts from what the learners said: those who
checked in (*I'm here*) and those who said yes are ticked (or, when the meeting's attendance was
confirmed before, that list). The facilitator taps names to correct it and presses Done; people
who came without being on Circles are a typed number. What they confirm is the meeting's
attendance, and its head count is the learners confirmed plus those others. A circle without
learners on Circles (or too many for buttons) is asked for the typed head count instead.
"""

from __future__ import annotations

from typing import Any

from bot.conversation.context import Context
from bot.conversation.dialog import DONE, Answer, Dialog, choice
from bot.conversation.messages import Reply
from bot.parsing import clean_text, parse_int_in_range
from bot.texts import readers_of_reflection
from bot.usecases import messaging as usecases
from bot.usecases.attendance import Roster
from bot.views.circles import when
from bot.views.facilitator import feedback_line
from domain.model import Circle, Meeting

MAX_ATTENDANCE = 1000


class FeedbackDialog(Dialog):
    """``data``: ``meeting_id``, and ``rating`` when a button already chose it (a prompt sent
    before the dialog began with who came)."""

    name = "feedback"
    written = ("reflection",)
    first_step = "attendance"

    async def _heading(self, ctx: Context, data: dict[str, Any]) -> str:
        managed, meeting = await ctx.run(usecases.feedback_meeting, data["meeting_id"], ctx.person_id)
        return heading(ctx, managed.circle, meeting)

    async def begin(self, ctx: Context, data: dict[str, Any]) -> None:
        # The list starts once: going back and forth keeps the facilitator's corrections.
        _, _, roster = await ctx.run(usecases.feedback_roster, data["meeting_id"], ctx.person_id)
        data["present"] = sorted(roster.starting) if roster.listed else None
        data["guests"] = 0

    async def ask_attendance(self, ctx: Context, data: dict[str, Any]) -> Reply:
        if data.get("present") is None:
            named = await self._heading(ctx, data)
            return Reply(text=named + "\n" + ctx.t("How many learners came?"), expects_text=True)
        managed, meeting, roster = await ctx.run(usecases.feedback_roster, data["meeting_id"], ctx.person_id)
        reply = attendance_question(ctx, roster, set(data["present"]), int(data.get("guests", 0)))
        reply.text = heading(ctx, managed.circle, meeting) + "\n" + reply.text
        return reply

    async def take_attendance(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        if data.get("present") is None:
            data["guests"] = parse_int_in_range(answer.text or "", 0, MAX_ATTENDANCE)
            return "rating"
        if answer.choice == "done":
            return "rating"
        if answer.choice is not None and answer.choice[:1] == "p" and answer.choice[1:].isdigit():
            # A learner's button, which the question offered (the runner checked): tick or untick.
            data["present"] = sorted(set(data["present"]) ^ {int(answer.choice[1:])})
            return "attendance"
        data["guests"] = parse_int_in_range(answer.text or "", 0, MAX_ATTENDANCE)
        return "attendance"

    async def ask_rating(self, ctx: Context, data: dict[str, Any]) -> Reply:
        chosen = data.get("rating")  # ticked when chosen before (back, or an older prompt's button)
        return Reply(
            text=ctx.t("How did it go, from 1 (poorly) to 5 (very well)?"),
            buttons=[[choice("rating", str(n), ("✓ " if n == chosen else "") + str(n)) for n in range(1, 6)]],
        )

    async def take_rating(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        data["rating"] = parse_int_in_range(answer.choice or answer.text or "", 1, 5)
        if "present" not in data:
            # A dialog stored when it still began with the rating: who came is asked now.
            await self.begin(ctx, data)
            return "attendance"
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
            None if data.get("present") is None else [int(p) for p in data["present"]],
            int(data.get("guests", 0)),
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


def heading(ctx: Context, circle: Circle, meeting: Meeting) -> str:
    """Which meeting the feedback is about, atop its first question and its thanks."""
    return ctx.t(
        "{circle}, meeting {number} ({when})",
        circle=circle.name,
        number=meeting.number,
        when=when(ctx.t, circle, meeting),
    )


def attendance_question(ctx: Context, roster: Roster, present: set[int], guests: int) -> Reply:
    """Who came, as ticked now: a button per learner (tap to change), Done, and a typed number for others."""
    t = ctx.t
    lines = [t("Who came? Tap a name to correct the list, then press Done.")]
    checked_in = [name for p, name in roster.learners.items() if p in roster.checked_in]
    said_yes = [name for p, name in roster.learners.items() if p in roster.said_yes]
    if checked_in:
        lines.append(t("Checked in: {names}", names=", ".join(checked_in)))
    if said_yes:
        lines.append(t("Said yes: {names}", names=", ".join(said_yes)))
    came = len(present & set(roster.learners))
    lines.append(
        t(
            "Came: {learners} of {total} learners, plus {guests} not on Circles.",
            learners=came,
            total=len(roster.learners),
            guests=guests,
        )
    )
    lines.append(t("Others came who are not on Circles? Type how many."))
    buttons = [
        [choice("attendance", f"p{person_id}", ("✓ " if person_id in present else "") + name)]
        for person_id, name in roster.learners.items()
    ]
    buttons.append([choice("attendance", "done", t("Done"))])
    return Reply(text="\n".join(lines), buttons=buttons, expects_text=True)
