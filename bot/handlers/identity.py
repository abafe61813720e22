"""/link: one person on Telegram, Slack and the terminal (SPEC §2, "Identity")."""

from __future__ import annotations

from bot.actions import ConfirmLink, DeclineLink
from bot.conversation.context import Context
from bot.conversation.messages import Button
from bot.i18n import Translator
from bot.texts import N_
from bot.usecases import identity
from bot.usecases.identity import LinkRefused

PLATFORM_NAMES = {"telegram": N_("Telegram"), "slack": N_("Slack"), "console": N_("the terminal")}

REFUSALS = {
    "invalid": N_("That code is not valid (any more). Send /link on your other account for a new one."),
    "own": N_("That is the code of this account. Type it on your account on the other platform."),
    "same_platform": N_(
        "Both accounts are on {platform}, and I can link only accounts on different platforms. "
        "Type the code on your account on the other platform."
    ),
}


def platform_names(t: Translator, platforms: list[str]) -> str:
    return t(" and ").join(t(PLATFORM_NAMES.get(platform, platform)) for platform in platforms)


def refusal(t: Translator, refused: LinkRefused) -> str:
    params = dict(refused.params)
    if "platform" in params:
        params["platform"] = platform_names(t, [params["platform"]])
    return t(REFUSALS.get(refused.reason, REFUSALS["invalid"]), **params)


async def link_command(ctx: Context) -> None:
    """``/link`` makes a code; ``/link <code>`` asks to confirm linking with the code's maker."""
    typed = ctx.incoming.args.strip()
    if not typed:
        invite = await identity.new_link_code(ctx.unit, ctx.person_id, ctx.now)
        ctx.say(
            ctx.t("Your link code is {code}", code=invite.code)
            + "\n\n"
            + ctx.t(
                "To be one person on Telegram and Slack, send me this from your other account, "
                "in its private chat with me, within {minutes} minutes:",
                minutes=identity.LINK_MINUTES,
            )
            + f"\n\nlink {invite.code}\n\n"
            + ctx.t("The code works once. Never give it to anyone else: it opens your circles to them.")
        )
        return
    try:
        preview = await identity.preview_link(ctx.unit, typed, ctx.person_id, ctx.now)
    except LinkRefused as refused:
        ctx.say(refusal(ctx.t, refused))
        return
    ctx.say(
        ctx.t(
            "Link this account with {name} on {platforms}? Your circles, signups and RSVPs become one, "
            "and I will write to you on either. This cannot be undone.",
            name=preview.other.name,
            platforms=platform_names(ctx.t, preview.other_platforms),
        ),
        [[Button(ctx.t("Yes, link them"), ConfirmLink(preview.code).token), Button(ctx.t("No"), DeclineLink().token)]],
    )


async def confirm(ctx: Context, code: str) -> None:
    """The "Yes" button: the acting account comes from the event, the code is checked again."""
    try:
        person = await identity.link(ctx.unit, code, ctx.person_id, ctx.now)
    except LinkRefused as refused:
        ctx.say(refusal(ctx.t, refused), edit=True)
        return
    ctx.person = person
    platforms = sorted({i.platform for i in await ctx.unit.people.identities_of(ctx.person_id)})
    ctx.say(
        ctx.t(
            "Done: your accounts on {platforms} are linked. Your circles, signups and RSVPs are together, "
            "and you can use either account.",
            platforms=platform_names(ctx.t, platforms),
        ),
        edit=True,
    )


async def decline(ctx: Context) -> None:
    ctx.say(ctx.t("Nothing was linked."), edit=True)
