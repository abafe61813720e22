"""O4: creating a team, and choosing when its weekly summary goes out."""

from __future__ import annotations

from datetime import time
from typing import Any

from babel.dates import get_day_names

from bot.actions import ShowTeam
from bot.conversation.context import Context
from bot.conversation.dialog import DONE, Answer, Dialog, choice
from bot.conversation.messages import Button, Reply
from bot.geo import parse_zone
from bot.parsing import InputError, clean_name, parse_time
from bot.usecases import teams


def _zone(answer: Answer) -> str:
    typed = answer.choice or answer.text
    if typed is None:
        raise InputError("text.empty")
    return parse_zone(typed)


class CreateTeam(Dialog):
    name = "create_team"
    first_step = "team_name"

    async def ask_team_name(self, ctx: Context, data: dict[str, Any]) -> Reply:
        return Reply(
            text=ctx.t(
                "What is the team called? Usually the town, city or organisation, e.g. Learning Circles Berlin."
            ),
            expects_text=True,
        )

    async def take_team_name(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        if answer.text is None:
            raise InputError("text.empty")
        data["team_name"] = clean_name(answer.text, max_len=200)
        return "team_timezone"

    async def ask_team_timezone(self, ctx: Context, data: dict[str, Any]) -> Reply:
        return Reply(
            text=ctx.t("Which time zone does the team work in? Send its name, like Europe/Berlin, or your city."),
            expects_text=True,
        )

    async def take_team_timezone(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        data["team_timezone"] = _zone(answer)
        return DONE

    async def finish(self, ctx: Context, data: dict[str, Any]) -> None:
        team = await ctx.run(teams.create_team, ctx.person_id, data["team_name"], data["team_timezone"], ctx.now)
        ctx.say(
            ctx.t(
                "The team {team} is created and you are its organizer. Invite facilitators from /team, "
                "and run /team in the channel where the weekly summary should go.",
                team=team.name,
            ),
            [[Button(ctx.t("Open the team"), ShowTeam().token)]],
        )


class SummaryTime(Dialog):
    name = "summary_time"
    first_step = "weekday"

    async def ask_weekday(self, ctx: Context, data: dict[str, Any]) -> Reply:
        names = get_day_names("wide", locale=ctx.t.locale)
        rows = [[choice("weekday", str(day), names[day]) for day in range(row, min(row + 4, 7))] for row in (0, 4)]
        return Reply(text=ctx.t("On which day of the week should the summary go out?"), buttons=rows)

    async def take_weekday(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        if answer.choice is None or answer.choice not in {str(d) for d in range(7)}:
            raise InputError("choice.needed")
        data["weekday"] = int(answer.choice)
        return "at"

    async def ask_at(self, ctx: Context, data: dict[str, Any]) -> Reply:
        return Reply(
            text=ctx.t("At what time? For example 10:00."),
            buttons=[[choice("at", "10:00", "10:00")]],
            expects_text=True,
        )

    async def take_at(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        typed = answer.choice or answer.text
        if typed is None:
            raise InputError("text.empty")
        data["at"] = parse_time(typed).isoformat(timespec="minutes")
        return "zone"

    async def ask_zone(self, ctx: Context, data: dict[str, Any]) -> Reply:
        mine = await ctx.run(teams.membership, ctx.person_id)
        return Reply(
            text=ctx.t("In which time zone? Keep the team's, or send another."),
            buttons=[[choice("zone", mine.team.timezone, mine.team.timezone)]],
            expects_text=True,
        )

    async def take_zone(self, ctx: Context, data: dict[str, Any], answer: Answer) -> str:
        data["zone"] = _zone(answer)
        return DONE

    async def finish(self, ctx: Context, data: dict[str, Any]) -> None:
        team = await ctx.run(
            teams.set_summary_time, ctx.person_id, data["weekday"], time.fromisoformat(data["at"]), data["zone"]
        )
        day = get_day_names("wide", locale=ctx.t.locale)[team.summary_weekday]
        ctx.say(
            ctx.t(
                "The weekly summary of {team} goes out every {day} at {time} ({zone}).",
                team=team.name,
                day=day,
                time=team.summary_time.strftime("%H:%M"),
                zone=team.timezone,
            )
        )
