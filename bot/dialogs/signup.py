"""L2: signing up for a circle: consent, the signup questions, confirmation."""

from __future__ import annotations

from typing import Any

from bot.actions import JoinWaitlist
from bot.conversation.context import Context
from bot.conversation.dialog import DONE, Answer, Dialog, DialogRunner, choice
from bot.conversation.messages import Button, Reply
from bot.parsing import InputError, clean_text
from bot.texts import domain_error_text, readers_of_goal, readers_of_learner_words
from bot.usecases import learner_views, waitlist
from bot.views.learner import signup_confirmation, waiting_reply
from domain.errors import CircleFull, DomainError, NotFound
from domain.model import Signup


def _answer(ctx: Context, answer: Answer) -> str:
    if answer.text is None:
        raise InputError("choice.needed")
    return clean_text(answer.text, max_len=ctx.settings.circles.max_answer_length)


class SignupDialog(Dialog):
    name = "signup"
    first_step = "consent"

    async def _circle_name(self, ctx: Context, data: dict[str, Any]) -> str:
        circle = await ctx.run(learner_views.find_circle, data["circle_id"])
        if circle is None:
            raise NotFound()
        return circle.name

    def _question(self, ctx: Context, step: str, text: str, data: dict[str, Any]) -> Reply:
        """A signup question, saying who reads the answer; someone signing up again may keep their
        earlier answer."""
        readers = readers_of_goal(ctx.t) if step == "goal" else readers_of_learner_words(ctx.t)
        text += "\n" + readers
        buttons = []
        earlier = data.get(f"earlier_{step}")
        if earlier:
            text += "\n" + ctx.t("Your earlier answer: {answer}", answer=earlier)
            buttons.append([choice(step, "keep", ctx.t("Keep my answer"))])
        return Reply(text=text, buttons=buttons, expects_text=True)

    def _take(self, ctx: Context, step: str, data: dict[str, Any], answer: Answer) -> str:
        if answer.choice == "keep" and data.get(f"earlier_{step}"):
            return str(data[f"earlier_{step}"])
        return _answer(ctx, answer)

    async def ask_consent(self, ctx: Context, data: dict[str, Any]) -> Reply:
        name = await self._circle_name(ctx, data)
        text = ctx.t(
            "To sign up for {circle}, Circles keeps your name and your answers and shares them with "
            "the circle's facilitators and its team's organizers, and sends you reminders before each "
            "meeting. You can leave the circle with /leave, or delete all your data with /forget, "
            "at any time. Do you agree?",
            circle=name,
        )
        return Reply(
            text=text,
            buttons=[[choice("consent", "yes", ctx.t("I agree")), choice("consent", "no", ctx.t("No, thanks"))]],
        )

    async def take_consent(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        if answer.choice not in ("yes", "no"):
            raise InputError("choice.needed")
        data["consent"] = answer.choice == "yes"
        return "goal" if data["consent"] else DONE

    async def ask_goal(self, ctx: Context, data: dict[str, Any]) -> Reply:
        return self._question(ctx, "goal", ctx.t("What do you hope to get out of this learning circle?"), data)

    async def take_goal(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        data["goal"] = self._take(ctx, "goal", data, answer)
        return "help_peers"

    async def ask_help_peers(self, ctx: Context, data: dict[str, Any]) -> Reply:
        return self._question(
            ctx, "help_peers", ctx.t("Learning circles are peer learning: how could you help the others?"), data
        )

    async def take_help_peers(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        data["help_peers"] = self._take(ctx, "help_peers", data, answer)
        circle = await ctx.run(learner_views.find_circle, data["circle_id"])
        return "custom" if circle is not None and circle.custom_question else DONE

    async def ask_custom(self, ctx: Context, data: dict[str, Any]) -> Reply:
        circle = await ctx.run(learner_views.find_circle, data["circle_id"])
        question = circle.custom_question if circle and circle.custom_question else ""
        return self._question(ctx, "custom", ctx.t("The facilitator asks: {question}", question=question), data)

    async def take_custom(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        data["custom"] = self._take(ctx, "custom", data, answer)
        return DONE

    async def finish(self, ctx: Context, data: dict[str, Any]) -> None:
        if not data.get("consent"):
            ctx.say(ctx.t("No problem: you are not signed up, and nothing was saved."))
            return
        signup = Signup(
            id=None,
            circle_id=data["circle_id"],
            person_id=ctx.person_id,
            goal=data["goal"],
            help_peers=data["help_peers"],
            custom_answer=data.get("custom"),
        )
        try:
            if data.get("waitlist"):
                hold = ctx.settings.circles.waitlist_hold
                ctx.replies.append(waiting_reply(ctx.t, await ctx.run(waitlist.join, signup, ctx.now, hold), hold))
                return
            signed = await ctx.run(learner_views.sign_up_for, signup, ctx.now)
        except DomainError as error:
            answers = "\n".join(f"• {data[k]}" for k in ("goal", "help_peers", "custom") if data.get(k))
            reply = ctx.say(
                domain_error_text(ctx.t, error) + "\n\n" + ctx.t("Your answers, so they are not lost:") + "\n" + answers
            )
            if isinstance(error, CircleFull):  # filled up while they answered: the line is open
                reply.buttons = [[Button(ctx.t("Join the waitlist"), JoinWaitlist(signup.circle_id).token)]]
            return
        ctx.replies.append(signup_confirmation(ctx.t, signed, ctx.now))


async def start_signup(ctx: Context, runner: DialogRunner, circle_id: int) -> None:
    """Begin the signup dialog, after checking the person may sign up at all."""
    earlier = await ctx.run(learner_views.begin_signup, circle_id, ctx.person_id, ctx.now)
    data: dict[str, Any] = {"circle_id": circle_id}
    if earlier is not None and earlier.active:
        data.update(
            earlier_goal=earlier.goal, earlier_help_peers=earlier.help_peers, earlier_custom=earlier.custom_answer
        )
    await runner.start(ctx, "signup", data)
