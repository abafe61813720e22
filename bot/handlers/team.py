"""/team: a team's card, members, circles, this week's meetings and feedback (O1, O2, O4)."""

from __future__ import annotations

from datetime import timedelta

from babel.dates import get_day_names

from bot.conversation.context import Context
from bot.conversation.dialog import DialogRunner
from bot.conversation.messages import Button
from bot.render.circles import when
from bot.usecases import summary, teams
from domain.errors import NotFound
from domain.model import CircleStatus, TeamRole
from domain.rules import check_can_organize

RECENT_FEEDBACK = timedelta(weeks=4)


async def team(ctx: Context, runner: DialogRunner, *, edit: bool = False) -> None:
    member = await ctx.unit.teams.membership(ctx.person_id)
    if member is None:
        ctx.say(
            ctx.t(
                "You are not in a team. A team lets organizers look after the circles and facilitators "
                "of a town or city. Create one, or ask an organizer for an invitation link."
            ),
            [[Button(ctx.t("Create a team"), "tc")]],
            edit=edit,
        )
        return
    mine = await teams.membership(ctx.unit, ctx.person_id)
    t, found = ctx.t, mine.team
    assert found.id is not None
    members = await ctx.unit.teams.members(found.id)
    names = await ctx.unit.people.names([m.person_id for m in members])
    organizers = [names.get(m.person_id, "?") for m in members if m.role is TeamRole.ORGANIZER]
    circles = await ctx.unit.circles.of_team(found.id)
    role = t("an organizer") if mine.role is TeamRole.ORGANIZER else t("a member")
    lines = [
        t("Team {team} — you are {role}.", team=found.name, role=role),
        t("Organizers: {names}", names=", ".join(organizers)),
        t("Members: {count}", count=len(members)),
        t("Circles: {count}", count=len(circles)),
    ]
    day = get_day_names("wide", locale=t.locale)[found.summary_weekday]
    if found.summary_chat_id:
        lines.append(
            t(
                "Weekly summary: every {day} at {time} ({zone}).",
                day=day,
                time=found.summary_time.strftime("%H:%M"),
                zone=found.timezone,
            )
        )
    else:
        lines.append(t("Weekly summary: no channel chosen yet. Run /team in the channel where it should go."))
    buttons = [
        [Button(t("This week's meetings"), "tw"), Button(t("Recent feedback"), "tf")],
        [Button(t("Circles"), "tl"), Button(t("Members"), "tm")],
    ]
    if mine.role is TeamRole.ORGANIZER:
        buttons.append([Button(t("Invite a facilitator"), "ti:m"), Button(t("Invite an organizer"), "ti:o")])
        buttons.append([Button(t("Send the weekly summary here"), "th"), Button(t("Summary day and time"), "ts")])
        buttons.append([Button(t("Leave the team"), "tx"), Button(t("Close the team"), "tz")])
    else:
        buttons.append([Button(t("Leave the team"), "tx")])
    ctx.say("\n".join(lines), buttons, edit=edit)


def _role_text(ctx: Context, role: TeamRole) -> str:
    return ctx.t("an organizer") if role is TeamRole.ORGANIZER else ctx.t("a member")


async def offer(ctx: Context, code: str) -> bool:
    """An invitation link was opened: say what joining means and ask first (False: not a team code).

    Joining moves the circles one leads into the team, where its organizers can manage them, so
    nobody joins by merely tapping a link that looks like a circle's.
    """
    offered = await teams.offered(ctx.unit, code, ctx.person_id, ctx.now)
    if offered is None:
        return False
    led = await ctx.unit.circles.facilitated_by(ctx.person_id)
    lines = [ctx.t("Join the team {team} as {role}?", team=offered.team.name, role=_role_text(ctx, offered.role))]
    if led:
        lines.append(
            ctx.t(
                "The circles you facilitate ({circles}) will belong to the team, and its organizers "
                "will be able to manage them.",
                circles=", ".join(c.name for c in led),
            )
        )
    ctx.say("\n".join(lines), [[Button(ctx.t("Join the team"), f"tj:{code}"), Button(ctx.t("No, thanks"), "tjn")]])
    return True


async def join(ctx: Context, code: str) -> None:
    membership = await teams.accept(ctx.unit, code, ctx.person_id, ctx.now)
    if membership is None:
        ctx.say(ctx.t("That link or code is not valid any more. Ask whoever shared it for a new one."), edit=True)
        return
    ctx.say(
        ctx.t(
            "Welcome to the team {team}! You are {role}.",
            team=membership.team.name,
            role=_role_text(ctx, membership.role),
        ),
        [[Button(ctx.t("Open the team"), "t")]],
        edit=True,
    )


async def decline(ctx: Context) -> None:
    ctx.say(ctx.t("All right: you did not join the team."), edit=True)


async def create(ctx: Context, runner: DialogRunner) -> None:
    await runner.start(ctx, "create_team")


async def invite(ctx: Context, role_code: str) -> None:
    role = TeamRole.ORGANIZER if role_code == "o" else TeamRole.MEMBER
    days = ctx.settings.circles.invite_days
    found, offer = await teams.invite(ctx.unit, ctx.person_id, role, ctx.now, days)
    text = (
        ctx.t(
            "Share this link with the organizers you want to invite to {team}. It works for {days} days:\n{link}",
            team=found.name,
            days=days,
            link=ctx.share_link(offer.code),
        )
        if role is TeamRole.ORGANIZER
        else ctx.t(
            "Share this link with the facilitators you want to invite to {team}. It works for {days} days:\n{link}",
            team=found.name,
            days=days,
            link=ctx.share_link(offer.code),
        )
    )
    ctx.say(text)


async def summary_here(ctx: Context) -> None:
    found = await teams.set_summary_chat(ctx.unit, ctx.person_id, ctx.incoming.platform, ctx.incoming.chat_id)
    ctx.say(ctx.t("The weekly summary of {team} will be posted in this chat.", team=found.name))


async def summary_time(ctx: Context, runner: DialogRunner) -> None:
    mine = await teams.membership(ctx.unit, ctx.person_id)
    check_can_organize(mine.role)
    await runner.start(ctx, "summary_time")


async def members(ctx: Context) -> None:
    mine = await teams.membership(ctx.unit, ctx.person_id)
    assert mine.team.id is not None
    found = await ctx.unit.teams.members(mine.team.id)
    names = await ctx.unit.people.names([m.person_id for m in found])
    lines = [ctx.t("Members of {team}:", team=mine.team.name)]
    buttons = []
    for member in found:
        role = ctx.t("organizer") if member.role is TeamRole.ORGANIZER else ctx.t("member")
        lines.append(f"• {names.get(member.person_id, '?')} — {role}")
        if mine.role is TeamRole.ORGANIZER and member.person_id != ctx.person_id:
            label = ctx.t("Remove {name}", name=names.get(member.person_id, "?"))
            buttons.append([Button(label[:60], f"tr:{member.person_id}")])
    ctx.say("\n".join(lines), buttons)


async def remove_ask(ctx: Context, person_id: int) -> None:
    mine = await teams.membership(ctx.unit, ctx.person_id)
    check_can_organize(mine.role)
    theirs = await ctx.unit.teams.membership(person_id)
    name = (await ctx.unit.people.names([person_id])).get(person_id)
    if name is None or theirs is None or theirs.team_id != mine.team.id:
        raise NotFound()  # never a name from outside the team
    ctx.say(
        ctx.t("Remove {name} from {team}? Their circles leave the team too.", name=name, team=mine.team.name),
        [[Button(ctx.t("Yes, remove"), f"try:{person_id}"), Button(ctx.t("No"), "t")]],
    )


async def remove(ctx: Context, person_id: int) -> None:
    name = (await ctx.unit.people.names([person_id])).get(person_id, "?")
    found = await teams.remove_member(ctx.unit, ctx.person_id, person_id)
    ctx.say(ctx.t("{name} is no longer in {team}.", name=name, team=found.name), edit=True)


async def leave_ask(ctx: Context) -> None:
    mine = await teams.membership(ctx.unit, ctx.person_id)
    ctx.say(
        ctx.t("Leave the team {team}? Your circles leave it with you.", team=mine.team.name),
        [[Button(ctx.t("Yes, leave"), "txy"), Button(ctx.t("No, stay"), "t")]],
    )


async def leave(ctx: Context) -> None:
    found = await teams.leave(ctx.unit, ctx.person_id)
    ctx.say(ctx.t("You left the team {team}.", team=found.name), edit=True)


async def close_ask(ctx: Context) -> None:
    mine = await teams.membership(ctx.unit, ctx.person_id)
    check_can_organize(mine.role)
    ctx.say(
        ctx.t(
            "Close {team}? Every member leaves the team and is told, its invitation links stop working, "
            "and its circles go on outside any team. This cannot be undone.",
            team=mine.team.name,
        ),
        [[Button(ctx.t("Yes, close the team"), "tzy"), Button(ctx.t("No"), "t")]],
    )


async def close(ctx: Context) -> None:
    found = await teams.close(ctx.unit, ctx.person_id, ctx.now)
    ctx.say(ctx.t("The team {team} is closed.", team=found.name), edit=True)


async def circles(ctx: Context) -> None:
    """O4: the team's circles; organizers can open and manage each one."""
    mine = await teams.membership(ctx.unit, ctx.person_id)
    assert mine.team.id is not None
    found = await ctx.unit.circles.of_team(mine.team.id)
    if not found:
        ctx.say(ctx.t("The team has no circles yet."))
        return
    facilitators = {c.id: await ctx.unit.circles.facilitator_ids(c.id or 0) for c in found}
    names = await ctx.unit.people.names(sorted({p for ids in facilitators.values() for p in ids}))
    lines = [ctx.t("Circles of {team}:", team=mine.team.name)]
    buttons = []
    for circle in found:
        status = {
            CircleStatus.DRAFT: ctx.t("draft"),
            CircleStatus.PUBLISHED: ctx.t("published"),
            CircleStatus.CANCELLED: ctx.t("cancelled"),
        }[circle.status]
        led_by = ", ".join(names.get(p, "?") for p in facilitators[circle.id])
        lines.append(f"• {circle.name} ({status}) — {led_by}")
        if mine.role is TeamRole.ORGANIZER:
            buttons.append([Button(circle.name[:60], f"m:{circle.id}")])
    ctx.say("\n".join(lines), buttons)


async def this_week(ctx: Context) -> None:
    """O2: which meetings happen this week across the team."""
    mine = await teams.membership(ctx.unit, ctx.person_id)
    week = await summary.weekly_summary(ctx.unit, mine.team, summary.week_of(ctx.now, mine.team.timezone))
    found = week.meetings
    if not found:
        ctx.say(ctx.t("No meetings this week in {team}.", team=mine.team.name))
        return
    lines = [ctx.t("This week in {team}:", team=mine.team.name)]
    for entry in found:
        lines.append(
            "• "
            + ctx.t(
                "{circle}: meeting {number} of {total}, {when}",
                circle=entry.circle.name,
                number=entry.number,
                total=entry.total,
                when=when(ctx.t, entry.circle, entry.meeting),
            )
        )
    ctx.say("\n".join(lines))


async def feedback(ctx: Context) -> None:
    """O1: what facilitators said about the team's meetings of the last four weeks."""
    mine = await teams.membership(ctx.unit, ctx.person_id)
    assert mine.team.id is not None
    lines = [ctx.t("Feedback from facilitators in {team}, last four weeks:", team=mine.team.name)]
    found = 0
    for circle in await ctx.unit.circles.of_team(mine.team.id):
        assert circle.id is not None
        meetings = {m.id: m for m in await ctx.unit.circles.meetings(circle.id)}
        for given in await ctx.unit.feedback.of_circle(circle.id):
            meeting = meetings.get(given.meeting_id)
            if meeting is None or meeting.start < ctx.now - RECENT_FEEDBACK:
                continue
            found += 1
            lines.append(
                "• "
                + ctx.t(
                    "{circle}, meeting {number} ({when}): rated {rating}/5, {attendance} came. {reflection}",
                    circle=circle.name,
                    number=meeting.number,
                    when=when(ctx.t, circle, meeting),
                    rating=given.rating,
                    attendance=given.attendance,
                    reflection=given.reflection,
                )
            )
    if not found:
        ctx.say(ctx.t("No feedback from facilitators in {team} in the last four weeks.", team=mine.team.name))
        return
    ctx.say("\n".join(lines))
