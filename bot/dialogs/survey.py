"""L4 and F6: the end-of-circle surveys, answered in the chat with 1–5 buttons and free text."""

from __future__ import annotations

from typing import Any

from bot.actions import PreviewReport
from bot.conversation.context import Context
from bot.conversation.dialog import DONE, Answer, Dialog, DialogRunner, choice
from bot.conversation.messages import Button, Reply
from bot.parsing import InputError, clean_text
from bot.texts import readers_of_learner_words, readers_of_survey_comment
from bot.usecases import managing, surveys

SCALE = [str(n) for n in range(1, 6)]


def _scale(step: str, text: str, low: str, high: str) -> Reply:
    return Reply(text=f"{text}\n(1 = {low}, 5 = {high})", buttons=[[choice(step, n, n) for n in SCALE]])


def _score(answer: Answer) -> int:
    value = answer.choice or (answer.text or "").strip()
    if value not in SCALE:
        raise InputError("number.range", lo=1, hi=5)
    return int(value)


async def _circle_name(ctx: Context, data: dict[str, Any]) -> str:
    return (await ctx.run(managing.circle, data["circle_id"])).name


class LearnerSurvey(Dialog):
    name = "learner_survey"
    written = ("comments",)
    first_step = "goal_met"

    async def ask_goal_met(self, ctx: Context, data: dict[str, Any]) -> Reply:
        circle = await _circle_name(ctx, data)
        intro = ctx.t(
            "{circle} is ending. Four quick questions help your facilitator and future circles.", circle=circle
        )
        return _scale(
            "goal_met", intro + "\n\n" + ctx.t("Did you reach the goal you had?"), ctx.t("not at all"), ctx.t("fully")
        )

    async def take_goal_met(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        data["goal_met"] = _score(answer)
        return "confidence"

    async def ask_confidence(self, ctx: Context, data: dict[str, Any]) -> Reply:
        return _scale(
            "confidence",
            ctx.t("How confident do you feel about the course material now?"),
            ctx.t("not confident"),
            ctx.t("very confident"),
        )

    async def take_confidence(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        data["confidence"] = _score(answer)
        return "recommend"

    async def ask_recommend(self, ctx: Context, data: dict[str, Any]) -> Reply:
        return _scale(
            "recommend",
            ctx.t("Would you recommend a learning circle to a friend?"),
            ctx.t("certainly not"),
            ctx.t("certainly"),
        )

    async def take_recommend(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        data["recommend"] = _score(answer)
        return "comments"

    async def ask_comments(self, ctx: Context, data: dict[str, Any]) -> Reply:
        return Reply(
            text=ctx.t("Anything else you want to tell the facilitator?") + "\n" + readers_of_learner_words(ctx.t),
            buttons=[[choice("comments", "skip", ctx.t("Skip"))]],
            expects_text=True,
        )

    async def take_comments(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        if answer.choice == "skip":
            data["comments"] = ""
        elif answer.text is None:
            raise InputError("text.empty")
        else:
            data["comments"] = clean_text(answer.text, max_len=ctx.settings.circles.max_answer_length)
        return DONE

    async def finish(self, ctx: Context, data: dict[str, Any]) -> None:
        answers = {k: data[k] for k in ("goal_met", "confidence", "recommend", "comments")}
        await ctx.run(surveys.answer_learner_survey, data["circle_id"], ctx.person_id, answers, ctx.now)
        ctx.say(
            ctx.t(
                "Thank you! Your answers are saved. Your scores count in the circle's report; your words "
                "stay with your facilitators and your team's organizers."
            )
        )


class FacilitatorSurvey(Dialog):
    name = "facilitator_survey"
    written = ("course_reason",)
    first_step = "happened"

    async def ask_happened(self, ctx: Context, data: dict[str, Any]) -> Reply:
        circle = await _circle_name(ctx, data)
        return Reply(
            text=ctx.t("How did {circle} go? First: did the circle take place?", circle=circle),
            buttons=[
                [
                    choice("happened", "yes", ctx.t("Yes, it took place")),
                    choice("happened", "no", ctx.t("It did not happen")),
                ]
            ],
        )

    async def take_happened(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        if answer.choice not in ("yes", "no"):
            raise InputError("choice.needed")
        data["happened"] = answer.choice == "yes"
        return "goal_met" if data["happened"] else DONE

    async def ask_goal_met(self, ctx: Context, data: dict[str, Any]) -> Reply:
        return _scale(
            "goal_met", ctx.t("Did the circle reach the goal you had for it?"), ctx.t("not at all"), ctx.t("fully")
        )

    async def take_goal_met(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        data["goal_met"] = _score(answer)
        return "course_rating"

    async def ask_course_rating(self, ctx: Context, data: dict[str, Any]) -> Reply:
        return _scale(
            "course_rating", ctx.t("How good was the course for a learning circle?"), ctx.t("poor"), ctx.t("excellent")
        )

    async def take_course_rating(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        data["course_rating"] = _score(answer)
        return "course_reason"

    async def ask_course_reason(self, ctx: Context, data: dict[str, Any]) -> Reply:
        text = ctx.t("Why that rating for the course?") + "\n" + readers_of_survey_comment(ctx.t)
        return Reply(text=text, expects_text=True)

    async def take_course_reason(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        if answer.text is None:
            raise InputError("text.empty")
        data["course_reason"] = clean_text(answer.text, max_len=ctx.settings.circles.max_answer_length)
        return DONE

    async def finish(self, ctx: Context, data: dict[str, Any]) -> None:
        keys = ("happened", "goal_met", "course_rating", "course_reason")
        answers = {k: data[k] for k in keys if k in data}
        await ctx.run(surveys.answer_facilitator_survey, data["circle_id"], ctx.person_id, answers, ctx.now)
        ctx.say(
            ctx.t("Thank you! Your answers are in the circle's report."),
            [[Button(ctx.t("See the report"), PreviewReport(data["circle_id"]).token)]],
        )


async def start_survey(ctx: Context, runner: DialogRunner, kind: str, circle_id: int) -> None:
    """Open a survey for someone it is meant for: a learner of the circle, or one of its facilitators."""
    facilitator = kind == "f"
    await ctx.run(surveys.open_survey, circle_id, ctx.person_id, facilitator=facilitator, now=ctx.now)
    survey = FacilitatorSurvey if facilitator else LearnerSurvey
    await runner.start(ctx, survey.name, {"circle_id": circle_id})
