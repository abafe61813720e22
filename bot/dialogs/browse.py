"""L1: finding circles by city name or by a shared location."""

from __future__ import annotations

from typing import Any

from bot.actions import ShowCircle, stored
from bot.conversation.context import Context
from bot.conversation.dialog import DONE, Answer, Dialog
from bot.conversation.messages import Button, Reply
from bot.parsing import InputError, clean_text
from bot.usecases import learners
from bot.views.circles import listing


async def show_results(ctx: Context, found: list[learners.Listed], where: str) -> None:
    if not found:
        if ctx.incoming.can_share_location:
            text = ctx.t(
                "No circles are open for signup in {place} right now. Try another city, or share your location.",
                place=where,
            )
        else:
            text = ctx.t("No circles are open for signup in {place} right now. Try another city.", place=where)
        ctx.say(text)
        return
    lines = [ctx.t("Circles open for signup in {place}:", place=where), ""]
    lines += [listing(ctx.t, entry.circle, entry.meetings, ctx.now, entry.distance_km) for entry in found]
    buttons = [[Button(entry.circle.name[:60], ShowCircle(stored(entry.circle.id)).token)] for entry in found]
    ctx.say("\n".join(lines), buttons)


async def browse_city(ctx: Context, city: str) -> None:
    await show_results(ctx, await ctx.run(learners.browse_city, city, ctx.now), city)


class BrowseDialog(Dialog):
    name = "browse"
    first_step = "place"

    async def ask_place(self, ctx: Context, data: dict[str, Any]) -> Reply:
        if not ctx.incoming.can_share_location:
            return Reply(text=ctx.t("Where are you? Type a city, or online."), expects_text=True)
        return Reply(
            text=ctx.t("Where are you? Type a city (or online), or share your location to see the nearest circles."),
            expects_text=True,
            ask_location=True,
        )

    async def take_place(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        if answer.location is not None:
            data["latitude"], data["longitude"] = answer.location.latitude, answer.location.longitude
        elif answer.text is not None:
            data["city"] = clean_text(answer.text, max_len=100)
        else:
            raise InputError("text.empty")
        return DONE

    async def finish(self, ctx: Context, data: dict[str, Any]) -> None:
        if "city" in data:
            await browse_city(ctx, data["city"])
            return
        found = await ctx.run(learners.browse_near, data["latitude"], data["longitude"], ctx.now)
        await show_results(ctx, found, ctx.t("your area"))
