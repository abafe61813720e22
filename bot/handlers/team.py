"""/team: a team's card, members, circles, this week's meetings and feedback (O1, O2, O4)."""

from __future__ import annotations

from datetime import timedelta

from babel.dates import get_day_names

from bot.actions import (
    CloseTeam,
    CloseTeamConfirmed,
    CreateTeam,
    DeclineTeam,
    InviteToTeam,
    JoinTeam,
    LeaveTeam,
    LeaveTeamConfirmed,
    Manage,
    RemoveMember,
    RemoveMemberConfirmed,
    ShowTeam,
    SummaryHere,
    SummaryTime,
    TeamCircles,
    TeamFeedback,
    TeamMembers,
    TeamWeek,
    stored,
)
from bot.conversation.context import Context
from bot.conversation.dialog import DialogRunner
from bot.conversation.messages import Button
from bot.render.circles import when
from bot.usecases import summary, teams
from domain.errors import NotFound
from domain.model import CircleStatus, TeamRole
from domain.roles import Capability

RECENT_FEEDBACK = timedelta(weeks=4)


async def team(ctx: Context, runner: DialogRunner, *, edit: bool = False) -> None:
    member = await ctx.unit.teams.membership(ctx.person_id)
    if member is None:
        ctx.say(
            ctx.t(
                "You are not in a team. A team lets organizers look after the circles and facilitators "
                "of a town or city. Create one, or ask an organizer for an invitation link."
            ),
            [[Button(ctx.t("Create a team"), CreateTeam().token)]],
            edit=edit,
        )
        return
    mine = await teams.authorized(ctx.unit, ctx.person_id, Capability.VIEW_TEAM)
    t, found = ctx.t, mine.team
    assert found.id is not None
    members = await ctx.unit.teams.members(found.id)
    names = await ctx.unit.people.names([m.person_id for m in members])
    organizers = [names.get(m.person_id, "?") for m in members if m.role is TeamRole.ORGANIZER]
    circles = await ctx.unit.circles.of_team(found.id)
    lines = [
        t("Team {team} — you are {role}.", team=found.name, role=_role_text(ctx, mine.role)),
        t("Organizers: {names}", names=", ".join(organizers)),
    ]
    if mine.role is not TeamRole.ORGANIZER:
        # A member sees the team, its organizers and their own circles: not the others' (docs/roles.md).
        own = {c.id for c in await ctx.unit.circles.facilitated_by(ctx.person_id)}
        mine_in_team = [c.name for c in circles if c.id in own]
        lines.append(t("Your circles in the team: {circles}", circles=", ".join(mine_in_team) or "—"))
        ctx.say("\n".join(lines), [[Button(t("Leave the team"), LeaveTeam().token)]], edit=edit)
        return
    lines += [t("Members: {count}", count=len(members)), t("Circles: {count}", count=len(circles))]
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
        [Button(t("This week's meetings"), TeamWeek().token), Button(t("Recent feedback"), TeamFeedback().token)],
        [Button(t("Circles"), TeamCircles().token), Button(t("Members"), TeamMembers().token)],
        [
            Button(t("Invite a facilitator"), InviteToTeam("m").token),
            Button(t("Invite an organizer"), InviteToTeam("o").token),
        ],
        [
            Button(t("Send the weekly summary here"), SummaryHere().token),
            Button(t("Summary day and time"), SummaryTime().token),
        ],
        [Button(t("Leave the team"), LeaveTeam().token), Button(t("Close the team"), CloseTeam().token)],
    ]
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
    if offered.needs_approval:
        lines.append(ctx.t("An organizer of the team will be asked to let you in."))
    if led:
        lines.append(
            ctx.t(
                "The circles you facilitate ({circles}) will belong to the team, and its organizers "
                "will be able to manage them.",
                circles=", ".join(c.name for c in led),
            )
        )
    ctx.say(
        "\n".join(lines),
        [[Button(ctx.t("Join the team"), JoinTeam(code).token), Button(ctx.t("No, thanks"), DeclineTeam().token)]],
    )
    return True


async def join(ctx: Context, code: str) -> None:
    membership = await teams.accept(ctx.unit, code, ctx.person_id, ctx.now)
    if membership is None:
        ctx.say(ctx.t("That link or code is not valid any more. Ask whoever shared it for a new one."), edit=True)
        return
    if membership.waiting:
        ctx.say(
            ctx.t(
                "I asked the organizers of {team} to let you in. I will tell you when they answer.",
                team=membership.team.name,
            ),
            edit=True,
        )
        return
    ctx.say(
        ctx.t(
            "Welcome to the team {team}! You are {role}.",
            team=membership.team.name,
            role=_role_text(ctx, membership.role),
        ),
        [[Button(ctx.t("Open the team"), ShowTeam().token)]],
        edit=True,
    )


async def decline(ctx: Context) -> None:
    ctx.say(ctx.t("All right: you did not join the team."), edit=True)


async def create(ctx: Context, runner: DialogRunner) -> None:
    await teams.check_can_create(ctx.unit, ctx.person_id)
    await runner.start(ctx, "create_team")


async def invite(ctx: Context, kind: str) -> None:
    """``m``: a one-time link for a facilitator; ``a``: a link for several facilitators, each let
    in by an organizer; ``o``: a one-time link for an organizer."""
    role = TeamRole.ORGANIZER if kind == "o" else TeamRole.MEMBER
    days = ctx.settings.circles.invite_days
    found, offer = await teams.invite(ctx.unit, ctx.person_id, role, ctx.now, days, approval=kind == "a")
    link = ctx.share_link(offer.code)
    if role is TeamRole.ORGANIZER:
        text = ctx.t(
            "Send this link to the organizer you want to invite to {team}. It works once, for {days} days:\n{link}",
            team=found.name,
            days=days,
            link=link,
        )
        ctx.say(text)
    elif kind == "a":
        text = ctx.t(
            "Share this link with the facilitators you want to invite to {team}. It works for {days} days, "
            "and you or another organizer let each person in:\n{link}",
            team=found.name,
            days=days,
            link=link,
        )
        ctx.say(text)
    else:
        text = ctx.t(
            "Send this link to the facilitator you want to invite to {team}. It works once, for {days} days:\n{link}",
            team=found.name,
            days=days,
            link=link,
        )
        ctx.say(text, [[Button(ctx.t("A link for several people, with my approval"), InviteToTeam("a").token)]])


async def decide(ctx: Context, request_id: int, approve: bool) -> None:
    """An organizer answers a request to join the team."""
    decision = await teams.decide(ctx.unit, ctx.person_id, request_id, approve, ctx.now)
    name = (await ctx.unit.people.names([decision.person_id])).get(decision.person_id, "?")
    if decision.unchanged == "elsewhere":
        ctx.say(ctx.t("{name} has joined another team in the meantime.", name=name), edit=True)
        return
    if decision.unchanged == "answered":
        ctx.say(ctx.t("Another organizer has answered this request already."), edit=True)
        return
    if approve:
        ctx.say(ctx.t("{name} is now a member of {team}.", name=name, team=decision.team.name), edit=True)
    else:
        ctx.say(ctx.t("You declined {name}'s request to join {team}.", name=name, team=decision.team.name), edit=True)


async def summary_here(ctx: Context) -> None:
    found = await teams.set_summary_chat(ctx.unit, ctx.person_id, ctx.incoming.platform, ctx.incoming.chat_id)
    ctx.say(ctx.t("The weekly summary of {team} will be posted in this chat.", team=found.name))


async def summary_time(ctx: Context, runner: DialogRunner) -> None:
    await teams.authorized(ctx.unit, ctx.person_id, Capability.CHOOSE_SUMMARY)
    await runner.start(ctx, "summary_time")


async def members(ctx: Context) -> None:
    mine = await teams.authorized(ctx.unit, ctx.person_id, Capability.VIEW_TEAM_MEMBERS)
    assert mine.team.id is not None
    found = await ctx.unit.teams.members(mine.team.id)
    names = await ctx.unit.people.names([m.person_id for m in found])
    lines = [ctx.t("Members of {team}:", team=mine.team.name)]
    buttons = []
    for member in found:
        role = ctx.t("organizer") if member.role is TeamRole.ORGANIZER else ctx.t("member")
        lines.append(f"• {names.get(member.person_id, '?')} — {role}")
        if member.person_id != ctx.person_id:
            label = ctx.t("Remove {name}", name=names.get(member.person_id, "?"))
            buttons.append([Button(label[:60], RemoveMember(member.person_id).token)])
    ctx.say("\n".join(lines), buttons)


async def remove_ask(ctx: Context, person_id: int) -> None:
    mine = await teams.authorized(ctx.unit, ctx.person_id, Capability.REMOVE_FROM_TEAM)
    theirs = await ctx.unit.teams.membership(person_id)
    name = (await ctx.unit.people.names([person_id])).get(person_id)
    if name is None or theirs is None or theirs.team_id != mine.team.id:
        raise NotFound()  # never a name from outside the team
    ctx.say(
        ctx.t("Remove {name} from {team}? Their circles leave the team too.", name=name, team=mine.team.name),
        [[Button(ctx.t("Yes, remove"), RemoveMemberConfirmed(person_id).token), Button(ctx.t("No"), ShowTeam().token)]],
    )


async def remove(ctx: Context, person_id: int) -> None:
    name = (await ctx.unit.people.names([person_id])).get(person_id, "?")
    found = await teams.remove_member(ctx.unit, ctx.person_id, person_id)
    ctx.say(ctx.t("{name} is no longer in {team}.", name=name, team=found.name), edit=True)


async def leave_ask(ctx: Context) -> None:
    mine = await teams.authorized(ctx.unit, ctx.person_id, Capability.LEAVE_TEAM)
    ctx.say(
        ctx.t("Leave the team {team}? Your circles leave it with you.", team=mine.team.name),
        [[Button(ctx.t("Yes, leave"), LeaveTeamConfirmed().token), Button(ctx.t("No, stay"), ShowTeam().token)]],
    )


async def leave(ctx: Context) -> None:
    found = await teams.leave(ctx.unit, ctx.person_id)
    ctx.say(ctx.t("You left the team {team}.", team=found.name), edit=True)


async def close_ask(ctx: Context) -> None:
    mine = await teams.authorized(ctx.unit, ctx.person_id, Capability.CLOSE_TEAM)
    ctx.say(
        ctx.t(
            "Close {team}? Every member leaves the team and is told, its invitation links stop working, "
            "and its circles go on outside any team. This cannot be undone.",
            team=mine.team.name,
        ),
        [[Button(ctx.t("Yes, close the team"), CloseTeamConfirmed().token), Button(ctx.t("No"), ShowTeam().token)]],
    )


async def close(ctx: Context) -> None:
    found = await teams.close(ctx.unit, ctx.person_id, ctx.now)
    ctx.say(ctx.t("The team {team} is closed.", team=found.name), edit=True)


async def circles(ctx: Context) -> None:
    """O4: the team's circles; organizers can open and manage each one."""
    mine = await teams.authorized(ctx.unit, ctx.person_id, Capability.VIEW_TEAM_CIRCLES)
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
        buttons.append([Button(circle.name[:60], Manage(stored(circle.id)).token)])
    ctx.say("\n".join(lines), buttons)


async def this_week(ctx: Context) -> None:
    """O2: which meetings happen this week across the team."""
    mine = await teams.authorized(ctx.unit, ctx.person_id, Capability.VIEW_TEAM_WEEK)
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
    mine = await teams.authorized(ctx.unit, ctx.person_id, Capability.VIEW_TEAM_FEEDBACK)
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
