"""Dialogs written once as small state machines whose state lives in the database.

A dialog is a sequence of named steps. Each step *asks* (a Reply, possibly with buttons) and
*takes* an answer (typed text, a pressed button, a shared location), which it validates and
stores in the dialog's data before naming the next step. ``back`` returns to the previous
step and ``/cancel`` leaves the dialog at any step. Because the state is saved after every
answer, a restart of the bot continues where the person was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from bot.actions import DialogChoice, decode
from bot.conversation.context import Context
from bot.conversation.messages import Button, Location, Reply
from bot.parsing import InputError
from bot.texts import domain_error_text, input_error_text
from bot.usecases.dialogs import (
    DialogState,
    cancel_dialog,
    dialog_state,
    end_dialog,
    finish_dialog,
    save_dialog,
)
from bot.usecases.offered import same_label
from domain.errors import DomainError

HISTORY = "_history"
DONE = "__done__"


@dataclass(frozen=True)
class Answer:
    text: str | None = None
    choice: str | None = None
    location: Location | None = None


def choice(step: str, value: str, label: str) -> Button:
    """A button answering ``step`` of the current dialog with ``value``."""
    return Button(label, DialogChoice(step, value).token)


class Dialog:
    """Subclasses define ``name``, ``first_step`` and, per step, ``ask_<step>`` and ``take_<step>``.

    ``ask_<step>(ctx, data) -> Reply`` builds the question; ``take_<step>(ctx, data, answer)``
    stores the answer in ``data`` and returns the next step's name (or ``DONE``), raising
    ``InputError`` when the answer is not acceptable. ``finish(ctx, data)`` runs after ``DONE``.
    """

    name: ClassVar[str]
    first_step: ClassVar[str]
    # Keys of ``data`` holding words the person wrote (a message, a reflection): when the rules
    # refuse the dialog, these are given back so that nothing they wrote is lost.
    written: ClassVar[tuple[str, ...]] = ()

    async def begin(self, ctx: Context, data: dict[str, Any]) -> None:
        """Fill ``data`` once before the first question (what a step starts from, loaded once so
        that going back and forth keeps the person's corrections). Most dialogs need nothing."""

    async def ask(self, ctx: Context, step: str, data: dict[str, Any]) -> Reply:
        reply: Reply = await getattr(self, f"ask_{step}")(ctx, data)
        return reply

    async def take(self, ctx: Context, step: str, data: dict[str, Any], answer: Answer) -> str:
        following: str = await getattr(self, f"take_{step}")(ctx, data, answer)
        return following

    async def finish(self, ctx: Context, data: dict[str, Any]) -> None:
        raise NotImplementedError


class DialogRunner:
    """Moves a person through whichever dialog they are in."""

    def __init__(self, dialogs: list[Dialog]) -> None:
        self.dialogs = {dialog.name: dialog for dialog in dialogs}

    def get(self, name: str) -> Dialog:
        return self.dialogs[name]

    async def start(self, ctx: Context, name: str, data: dict[str, Any] | None = None) -> None:
        dialog = self.dialogs[name]
        state = DialogState(name, dialog.first_step, {**(data or {}), HISTORY: []})
        await dialog.begin(ctx, state.data)
        await self._ask(ctx, dialog, state)

    async def active(self, ctx: Context) -> DialogState | None:
        return await ctx.run(dialog_state, ctx.person_id)

    async def cancel(self, ctx: Context) -> bool:
        return await ctx.run(cancel_dialog, ctx.person_id)

    async def answer(self, ctx: Context, state: DialogState, answer: Answer) -> None:
        dialog = self.dialogs.get(state.name)
        if dialog is None:  # a dialog removed by an upgrade: start over rather than fail
            await ctx.run(end_dialog, ctx.person_id)
            ctx.say(ctx.t("That conversation has expired. Please start again."))
            return
        said = len(ctx.replies)
        try:
            await self._answer(ctx, dialog, state, answer)
        except DomainError as error:
            # The rules refuse what the dialog was for (the meeting was cancelled meanwhile, the
            # circle is gone): answering again cannot help. Raising would roll back the dialog's
            # end with everything else, and every later answer would be refused the same way.
            del ctx.replies[said:]
            typed = answer.text if state.step in dialog.written else None
            await self._refused(ctx, dialog, state, error, typed)

    async def _answer(self, ctx: Context, dialog: Dialog, state: DialogState, answer: Answer) -> None:
        if answer.choice == "back" or (answer.text is not None and answer.text.strip().casefold() in BACK_WORDS):
            await self.back(ctx, dialog, state)
            return
        answer = await self._as_choice(ctx, dialog, state, answer)
        try:
            following = await dialog.take(ctx, state.step, state.data, answer)
        except InputError as error:
            prompt = await dialog.ask(ctx, state.step, state.data)
            prompt.text = f"{explain_input(ctx, error)}\n\n{prompt.text}"
            ctx.replies.append(prompt)
            return
        if following == DONE:
            said = len(ctx.replies)
            try:
                # A refusal undoes what finish() had begun, and only that (finish_dialog).
                await ctx.run(finish_dialog, ctx.person_id, lambda: dialog.finish(ctx, state.data))
            except InputError as error:
                # Something changed while the person was answering (a date passed, a circle
                # filled up): keep them at this step with their answers and say what is wrong.
                del ctx.replies[said:]
                await ctx.run(save_dialog, ctx.person_id, state, ctx.now)
                prompt = await dialog.ask(ctx, state.step, state.data)
                prompt.text = f"{explain_input(ctx, error)}\n\n{prompt.text}"
                ctx.replies.append(prompt)
            return
        if following == state.step:
            # A step that stays (a list of toggles): no history entry, and a pressed button's
            # question is redrawn in place of the message it was on.
            await self._ask(ctx, dialog, state, edit=answer.choice is not None)
            return
        state.data[HISTORY] = [*state.data.get(HISTORY, []), state.step]
        state.step = following
        await self._ask(ctx, dialog, state)

    async def _refused(
        self, ctx: Context, dialog: Dialog, state: DialogState, error: DomainError, typed: str | None = None
    ) -> None:
        """End the dialog, say why, and give back what the person wrote in it."""
        await ctx.run(end_dialog, ctx.person_id)
        text = domain_error_text(ctx.t, error) + " " + ctx.t("(I stopped the conversation; nothing was saved.)")
        words = [str(state.data[key]) for key in dialog.written if state.data.get(key)]
        if typed and typed.strip() and typed not in words:
            words.append(typed.strip())
        if words:
            text += "\n\n" + ctx.t("Your answers, so they are not lost:") + "\n" + "\n".join(f"• {w}" for w in words)
        ctx.say(text)

    async def press(self, ctx: Context, step: str, value: str) -> None:
        """A dialog button. Only a button the current question offers counts; anything else
        (an older question's button, a forged token) is explained and the question asked again."""
        state = await ctx.run(dialog_state, ctx.person_id)
        if state is None:
            ctx.say(ctx.t("That button belongs to a conversation that has ended."))
            return
        dialog = self.dialogs.get(state.name)
        if dialog is None:
            await self.answer(ctx, state, Answer(choice=value))  # explains the expired dialog
            return
        try:
            prompt = await dialog.ask(ctx, state.step, state.data)
        except DomainError as error:  # the question itself is refused now: see ``answer``
            await self._refused(ctx, dialog, state, error)
            return
        offered = {button.token for row in prompt.buttons for button in row}
        if state.step != step or DialogChoice(step, value).token not in offered:
            prompt.text = ctx.t("That button is from an earlier question.") + "\n\n" + prompt.text
            ctx.replies.append(prompt)
            return
        await self.answer(ctx, state, Answer(choice=value))

    async def back(self, ctx: Context, dialog: Dialog, state: DialogState) -> None:
        history = list(state.data.get(HISTORY, []))
        if history:
            state.step = history.pop()
            state.data[HISTORY] = history
        await self._ask(ctx, dialog, state)

    async def _ask(self, ctx: Context, dialog: Dialog, state: DialogState, *, edit: bool = False) -> None:
        await ctx.run(save_dialog, ctx.person_id, state, ctx.now)
        reply = await dialog.ask(ctx, state.step, state.data)
        reply.edit = reply.edit or edit
        ctx.replies.append(reply)

    async def _as_choice(self, ctx: Context, dialog: Dialog, state: DialogState, answer: Answer) -> Answer:
        """Typing a button's label counts as pressing it (plain-text chats, Slack DMs)."""
        if answer.text is None:
            return answer
        prompt = await dialog.ask(ctx, state.step, state.data)
        for row in prompt.buttons:
            for button in row:
                offered = decode(button.token)
                mine = isinstance(offered, DialogChoice) and offered.step == state.step
                if mine and same_label(answer.text, button.label):
                    assert isinstance(offered, DialogChoice)
                    return Answer(choice=offered.value)
        return answer


BACK_WORDS = {"back", "/back"}


def explain_input(ctx: Context, error: InputError) -> str:
    return input_error_text(ctx.t, error)
