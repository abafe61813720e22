"""/start, /help, /language, /cancel, /forget."""

from __future__ import annotations

from bot.actions import ChooseLanguage, Forget
from bot.conversation.context import Context
from bot.conversation.dialog import DialogRunner, explain_input
from bot.conversation.messages import Button
from bot.dialogs.timezone import save_zone
from bot.geo import parse_zone
from bot.i18n import Translator, available_languages
from bot.parsing import InputError
from bot.usecases import identity, learners, leaving
from bot.views.help import help_view, short_help


def help_text(ctx: Context) -> str:
    return help_view(ctx.t)


async def help_command(ctx: Context) -> None:
    ctx.say(help_text(ctx))


async def mention(ctx: Context) -> None:
    """Someone named the bot in a group: a few lines there, the rest in a private chat."""
    ctx.say(short_help(ctx.t))


async def language(ctx: Context) -> None:
    buttons = [[Button(ctx.t.language_name(code), ChooseLanguage(code).token)] for code in available_languages()]
    ctx.say(ctx.t("Which language should I speak with you?"), buttons)


async def choose_language(ctx: Context, code: str) -> None:
    if code not in available_languages():
        ctx.say(ctx.t("I do not speak that language yet."))
        return
    await ctx.run(identity.set_language, ctx.person_id, code)
    ctx.t = Translator(code, ctx.t.zone)
    ctx.say(ctx.t("From now on I will speak {language} with you.", language=ctx.t.language_name(code)), edit=True)


async def timezone(ctx: Context, runner: DialogRunner) -> None:
    """``/timezone America/New_York`` (or a city) sets it at once; ``/timezone`` alone asks."""
    typed = ctx.incoming.args.strip()
    if typed:
        try:
            zone = parse_zone(typed[:100])
        except InputError as error:
            ctx.say(explain_input(ctx, error))
        else:
            await save_zone(ctx, zone)
            return
    await runner.start(ctx, "timezone")


async def forget(ctx: Context) -> None:
    await ctx.run(leaving.check_can_forget, ctx.person_id)  # say so before asking, not after
    ctx.say(
        ctx.t(
            "This deletes your name, your signup answers and your link to this chat, leaves all your "
            "circles and your team, and stops every message from me. Circles you lead pass to a "
            "co-facilitator, else to your team's organizers, else they are cancelled and their learners "
            "told. It cannot be undone. Are you sure?"
        ),
        [[Button(ctx.t("Yes, forget me"), Forget(True).token), Button(ctx.t("No, keep my data"), Forget(False).token)]],
    )


async def confirm_forget(ctx: Context, confirmed: bool) -> None:
    if not confirmed:
        ctx.say(ctx.t("Nothing was deleted."), edit=True)
        return
    await ctx.run(learners.forget, ctx.person_id, ctx.now, ctx.settings.circles.waitlist_hold)
    ctx.say(ctx.t("Done: your personal data is deleted and you will get no more messages. Goodbye!"), edit=True)
