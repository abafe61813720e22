"""/team: a team's card, members, circles, this week's meetings and feedback (O1, O2, O4)."""

from __future__ import annotations

from bot.actions import CloseTeamConfirmed, LeaveTeamConfirmed, RemoveMemberConfirmed, ShowTeam
from bot.conversation.context import Context
from bot.conversation.dialog import DialogRunner
from bot.conversation.messages import Button
from bot.usecases import team_views, teams
from bot.views import team as views
from domain.model import TeamRole
from domain.roles import Capability


async def team(ctx: Context, runner: DialogRunner, *, edit: bool = False) -> None:
    reply = views.team_card(ctx.t, await ctx.run(team_views.team_card, ctx.person_id, ctx.now))
    reply.edit = edit
    ctx.replies.append(reply)


async def offer(ctx: Context, code: str) -> bool:
    """An invitation link was opened: say what joining means and ask first (False: not a team code).

    Joining moves the circles one leads into the team, where its organizers can manage them, so
    nobody joins by merely tapping a link that looks like a circle's.
    """
    opened = await ctx.run(team_views.team_offer, code, ctx.person_id, ctx.now)
    if opened is None:
        return False
    ctx.replies.append(views.offer_question(ctx.t, opened, code))
    return True


async def join(ctx: Context, code: str) -> None:
    membership = await ctx.run(teams.accept, code, ctx.person_id, ctx.now)
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
            role=views.role_text(ctx.t, membership.role),
        ),
        [[Button(ctx.t("Open the team"), ShowTeam().token)]],
        edit=True,
    )


async def decline(ctx: Context) -> None:
    ctx.say(ctx.t("All right: you did not join the team."), edit=True)


async def create(ctx: Context, runner: DialogRunner) -> None:
    await ctx.run(teams.check_can_create, ctx.person_id)
    await runner.start(ctx, "create_team")


async def invite(ctx: Context, kind: str) -> None:
    """``m``: a one-time link for a facilitator; ``a``: a link for several facilitators, each let
    in by an organizer; ``o``: a one-time link for an organizer."""
    role = TeamRole.ORGANIZER if kind == "o" else TeamRole.MEMBER
    days = ctx.settings.circles.invite_days
    found, offer = await ctx.run(teams.invite, ctx.person_id, role, ctx.now, days, approval=kind == "a")
    ctx.replies.append(views.invitation(ctx.t, kind, found, days, ctx.share_link(offer.code)))


async def decide(ctx: Context, request_id: int, approve: bool) -> None:
    """An organizer answers a request to join the team."""
    named = await ctx.run(team_views.decide_request, ctx.person_id, request_id, approve, ctx.now)
    decision, name = named.decision, named.name
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
    found = await ctx.run(teams.set_summary_chat, ctx.person_id, ctx.incoming.platform, ctx.incoming.chat_id)
    lines = [ctx.t("The weekly summary of {team} will be posted in this chat.", team=found.name)]
    if ctx.incoming.in_group:
        # On Slack the bot may post in a public channel without being invited (and joins it for
        # the chart), but a private channel stays closed to it until someone invites it.
        lines.append(
            ctx.t("If this is a private channel, invite me to it (on Slack: /invite @Circles), or I cannot post there.")
        )
    ctx.say("\n".join(lines))


async def summary_time(ctx: Context, runner: DialogRunner) -> None:
    await ctx.run(teams.authorized, ctx.person_id, Capability.CHOOSE_SUMMARY)
    await runner.start(ctx, "summary_time")


async def members(ctx: Context) -> None:
    found = await ctx.run(team_views.team_members, ctx.person_id)
    ctx.replies.append(views.members_list(ctx.t, found, ctx.person_id))


async def remove_ask(ctx: Context, person_id: int) -> None:
    named = await ctx.run(team_views.member_to_remove, ctx.person_id, person_id)
    ctx.say(
        ctx.t("Remove {name} from {team}? Their circles leave the team too.", name=named.name, team=named.team.name),
        [[Button(ctx.t("Yes, remove"), RemoveMemberConfirmed(person_id).token), Button(ctx.t("No"), ShowTeam().token)]],
    )


async def remove(ctx: Context, person_id: int) -> None:
    removed = await ctx.run(team_views.remove_named_member, ctx.person_id, person_id)
    ctx.say(ctx.t("{name} is no longer in {team}.", name=removed.name, team=removed.team.name), edit=True)


async def leave_ask(ctx: Context) -> None:
    mine = await ctx.run(teams.authorized, ctx.person_id, Capability.LEAVE_TEAM)
    ctx.say(
        ctx.t("Leave the team {team}? Your circles leave it with you.", team=mine.team.name),
        [[Button(ctx.t("Yes, leave"), LeaveTeamConfirmed().token), Button(ctx.t("No, stay"), ShowTeam().token)]],
    )


async def leave(ctx: Context) -> None:
    found = await ctx.run(teams.leave, ctx.person_id)
    ctx.say(ctx.t("You left the team {team}.", team=found.name), edit=True)


async def close_ask(ctx: Context) -> None:
    mine = await ctx.run(teams.authorized, ctx.person_id, Capability.CLOSE_TEAM)
    ctx.say(
        ctx.t(
            "Close {team}? Every member leaves the team and is told, its invitation links stop working, "
            "and its circles go on outside any team. This cannot be undone.",
            team=mine.team.name,
        ),
        [[Button(ctx.t("Yes, close the team"), CloseTeamConfirmed().token), Button(ctx.t("No"), ShowTeam().token)]],
    )


async def close(ctx: Context) -> None:
    found = await ctx.run(teams.close, ctx.person_id, ctx.now)
    ctx.say(ctx.t("The team {team} is closed.", team=found.name), edit=True)


async def circles(ctx: Context) -> None:
    """O4: the team's circles; organizers can open and manage each one."""
    ctx.replies.append(views.circles_list(ctx.t, await ctx.run(team_views.team_circles, ctx.person_id)))


async def this_week(ctx: Context) -> None:
    """O2: which meetings happen this week across the team."""
    ctx.say(views.week_text(ctx.t, await ctx.run(team_views.team_week, ctx.person_id, ctx.now)))


async def feedback(ctx: Context) -> None:
    """O1: what facilitators said about the team's meetings of the last four weeks."""
    ctx.say(views.feedback_text(ctx.t, await ctx.run(team_views.team_feedback, ctx.person_id, ctx.now)))
