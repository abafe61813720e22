"""/link: one person on Telegram, Slack and the terminal (SPEC §2, "Identity")."""

from __future__ import annotations

from bot.actions import ConfirmLink, DeclineLink
from bot.conversation.context import Context
from bot.conversation.messages import Button
from bot.usecases import identity
from bot.usecases.identity import LinkRefused
from bot.views.identity import link_code_text, link_question, linked_text, refusal


async def link_command(ctx: Context) -> None:
    """``/link`` makes a code; ``/link <code>`` asks to confirm linking with the code's maker."""
    typed = ctx.incoming.args.strip()
    if not typed:
        invite = await ctx.run(identity.new_link_code, ctx.person_id, ctx.now)
        ctx.say(link_code_text(ctx.t, invite.code, identity.LINK_MINUTES))
        return
    try:
        preview = await ctx.run(identity.preview_link, typed, ctx.person_id, ctx.now)
    except LinkRefused as refused:
        ctx.say(refusal(ctx.t, refused))
        return
    ctx.say(
        link_question(ctx.t, preview),
        [[Button(ctx.t("Yes, link them"), ConfirmLink(preview.code).token), Button(ctx.t("No"), DeclineLink().token)]],
    )


async def confirm(ctx: Context, code: str) -> None:
    """The "Yes" button: the acting account comes from the event, the code is checked again."""
    try:
        linked = await ctx.run(identity.link_accounts, code, ctx.person_id, ctx.now)
    except LinkRefused as refused:
        ctx.say(refusal(ctx.t, refused), edit=True)
        return
    ctx.person = linked.person
    ctx.say(linked_text(ctx.t, linked.platforms), edit=True)


async def decline(ctx: Context) -> None:
    ctx.say(ctx.t("Nothing was linked."), edit=True)
