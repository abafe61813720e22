"""L8: a person tells Circles their time zone, so that circles' times are shown in it too."""

from __future__ import annotations

from typing import Any

from bot.conversation.context import Context
from bot.conversation.dialog import DONE, Answer, Dialog, choice
from bot.conversation.messages import Reply
from bot.geo import parse_zone
from bot.i18n import Translator
from bot.parsing import InputError
from bot.usecases import identity

NO_ZONE = "none"  # the button's value: forget the zone the person chose


class TimezoneDialog(Dialog):
    """One question: which zone (an IANA name or a city). ``data["zone"]``: the answer."""

    name = "timezone"
    first_step = "zone"

    async def ask_zone(self, ctx: Context, data: dict[str, Any]) -> Reply:
        lines = [current_zone_text(ctx)]
        lines.append(
            ctx.t("Which time zone are you in? Send a city or a zone name, e.g. New York or America/New_York.")
        )
        buttons = [[choice("zone", NO_ZONE, ctx.t("Forget my time zone"))]] if ctx.person.timezone else []
        return Reply(text="\n".join(lines), buttons=buttons, expects_text=True)

    async def take_zone(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        if answer.choice == NO_ZONE:
            data["zone"] = None
            return DONE
        typed = (answer.text or "").strip()
        if not typed:
            raise InputError("timezone.unknown", text=typed, suggestions=[])
        data["zone"] = parse_zone(typed[:100])
        return DONE

    async def finish(self, ctx: Context, data: dict[str, Any]) -> None:
        await save_zone(ctx, data["zone"])


def current_zone_text(ctx: Context) -> str:
    person = ctx.person
    if person.timezone:
        return ctx.t("Your time zone: {zone}.", zone=person.timezone)
    if person.platform_timezone:
        return ctx.t("Your time zone: {zone} (from your profile).", zone=person.platform_timezone)
    return ctx.t("I do not know your time zone yet: times are shown in each circle's own zone.")


async def save_zone(ctx: Context, zone: str | None) -> None:
    """Store the chosen zone (or forget it) and say what times will look like from now on."""
    await ctx.run(identity.set_timezone, ctx.person_id, zone)
    ctx.person.timezone = zone
    ctx.t = Translator(ctx.t.language, ctx.person.zone)  # this answer already reads in the new zone
    if zone is not None:
        ctx.say(ctx.t("Saved: times of circles in other zones are shown in {zone} too.", zone=zone))
    elif ctx.person.platform_timezone:
        ctx.say(
            ctx.t("Forgotten: times are shown in your profile's zone ({zone}) too.", zone=ctx.person.platform_timezone)
        )
    else:
        ctx.say(ctx.t("Forgotten: times are shown in each circle's own zone."))
