"""Teams (O1–O4): organizers look after the circles and facilitators of a team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot.delivery import notices
from bot.usecases.codes import new_code
from domain.errors import AlreadyInTeam, NotFound, NotInTeam
from domain.model import Team, TeamMember, TeamRole
from domain.roles import Capability, check, roles_in_team
from storage.invites import Invite
from storage.unit import Unit

TEAM_INVITE = "team"  # works once
TEAM_APPROVAL = "team_approval"  # works for several people until it expires; an organizer approves each


@dataclass
class Membership:
    team: Team
    role: TeamRole


@dataclass
class Offer:
    """What an invitation offers: a role in a team, at once or once an organizer approves."""

    team: Team
    role: TeamRole
    needs_approval: bool = False


@dataclass
class Joined:
    """The outcome of using an invitation: a membership, or a request waiting for an organizer."""

    team: Team
    role: TeamRole
    waiting: bool = False


async def membership(unit: Unit, person_id: int) -> Membership:
    member = await unit.teams.membership(person_id)
    if member is None:
        raise NotInTeam()
    team = await unit.teams.get(member.team_id)
    assert team is not None
    return Membership(team, member.role)


async def authorized(unit: Unit, person_id: int, capability: Capability) -> Membership:
    """The person's team, once the role model allows them ``capability`` in it (else a refusal)."""
    mine = await membership(unit, person_id)
    check(roles_in_team(mine.role), capability)
    return mine


async def check_can_create(unit: Unit, person_id: int) -> None:
    """A person belongs to one team at most: someone in a team leaves it before creating another."""
    existing = await unit.teams.membership(person_id)
    if existing is not None:
        team = await unit.teams.get(existing.team_id)
        raise AlreadyInTeam(team=team.name if team else "")


async def create_team(unit: Unit, person_id: int, name: str, timezone: str, now: datetime) -> Team:
    """The creator becomes the team's first organizer, and the circles they lead join it."""
    await check_can_create(unit, person_id)
    team = await unit.teams.add(Team(id=None, name=name, timezone=timezone, created_at=now))
    assert team.id is not None
    await unit.teams.add_member(TeamMember(team.id, person_id, TeamRole.ORGANIZER), now)
    await unit.circles.join_team(person_id, team.id)
    return team


async def invite(
    unit: Unit, person_id: int, role: TeamRole, now: datetime, days: int, *, approval: bool = False
) -> tuple[Team, Invite]:
    """A code (or link) to join the team until it expires: for one person, or — members only, with
    ``approval`` — for several people, each of whom an organizer lets in."""
    mine = await authorized(unit, person_id, Capability.INVITE_TO_TEAM)
    kind = TEAM_APPROVAL if approval and role is TeamRole.MEMBER else TEAM_INVITE
    code = new_code(10, prefix="t")
    offer = Invite(code, kind, None, person_id, now + timedelta(days=days), None, mine.team.id, role.value)
    await unit.invites.add(offer)
    return mine.team, offer


async def offered(unit: Unit, code: str, person_id: int, now: datetime) -> Offer | None:
    """What an invitation offers this person (team and role), without joining; None when the code
    is unknown, used or expired. Someone in another team is told to leave it first."""
    invite = await unit.invites.get(code)
    if invite is None or invite.kind not in (TEAM_INVITE, TEAM_APPROVAL) or invite.team_id is None:
        return None
    if invite.expires_at <= now or (invite.kind == TEAM_INVITE and invite.used_by is not None):
        return None
    team = await unit.teams.get(invite.team_id)
    if team is None:
        return None
    existing = await unit.teams.membership(person_id)
    if existing is not None and existing.team_id != team.id:
        other = await unit.teams.get(existing.team_id)
        raise AlreadyInTeam(team=other.name if other else "")
    role = TeamRole(invite.role or TeamRole.MEMBER.value)
    return Offer(team, role, needs_approval=invite.kind == TEAM_APPROVAL and existing is None)


async def accept(unit: Unit, code: str, person_id: int, now: datetime) -> Joined | None:
    """Use an invitation (after the person confirmed); None when it is not valid (any more).

    A one-time invitation is used up by the first person who joins with it. An invitation that
    needs approval records a request and tells the team's organizers, who let the person in.
    """
    offer = await offered(unit, code, person_id, now)
    if offer is None:
        return None
    team, role = offer.team, offer.role
    assert team.id is not None
    existing = await unit.teams.membership(person_id)
    if existing is not None and not (existing.role is TeamRole.MEMBER and role is TeamRole.ORGANIZER):
        return Joined(team, existing.role)  # already in: nothing to use up
    if offer.needs_approval:
        request, fresh = await unit.join_requests.ask(team.id, person_id, now)
        if fresh:
            await notices.join_requested(unit, team.id, request.id, person_id, now)
        return Joined(team, role, waiting=True)
    if not await unit.invites.use(code, person_id):
        return None
    if existing is not None:
        await unit.teams.remove_member(team.id, person_id)
        await unit.teams.add_member(TeamMember(team.id, person_id, role), now)
        return Joined(team, role)
    await unit.teams.add_member(TeamMember(team.id, person_id, role), now)
    await unit.circles.join_team(person_id, team.id)
    return Joined(team, role)


@dataclass
class Decision:
    team: Team
    person_id: int
    approved: bool
    # Why nothing changed: another organizer answered first ("answered"), or the person joined
    # another team meanwhile ("elsewhere"); None when this answer took effect.
    unchanged: str | None = None


async def decide(unit: Unit, organizer_id: int, request_id: int, approve: bool, now: datetime) -> Decision:
    """An organizer lets someone in (or not); the person is told either way."""
    request = await unit.join_requests.get(request_id)
    mine = await authorized(unit, organizer_id, Capability.APPROVE_JOINING)
    if request is None or request.team_id != mine.team.id:
        raise NotFound()
    elsewhere = await unit.teams.membership(request.person_id)
    if approve and elsewhere is not None:
        return Decision(mine.team, request.person_id, approve, unchanged="elsewhere")
    if not await unit.join_requests.decide(request_id, approve, organizer_id, now):
        return Decision(mine.team, request.person_id, bool(request.approved), unchanged="answered")
    if approve:
        await unit.teams.add_member(TeamMember(mine.team.id or 0, request.person_id, TeamRole.MEMBER), now)
        await unit.circles.join_team(request.person_id, mine.team.id)
    await notices.join_answered(unit, mine.team.id or 0, request_id, request.person_id, approve, now)
    return Decision(mine.team, request.person_id, approve)


async def leave(unit: Unit, person_id: int) -> Team:
    mine = await authorized(unit, person_id, Capability.LEAVE_TEAM)
    assert mine.team.id is not None
    mine.team.leave(await unit.teams.members(mine.team.id), person_id)  # the last organizer stays
    await unit.teams.remove_member(mine.team.id, person_id)
    await unit.circles.join_team(person_id, None)
    return mine.team


async def close(unit: Unit, person_id: int, now: datetime) -> Team:
    """An organizer closes the team: every member leaves it (and is told), its invitations end,
    and its circles go on outside any team."""
    mine = await authorized(unit, person_id, Capability.CLOSE_TEAM)
    assert mine.team.id is not None
    others = [m.person_id for m in await unit.teams.members(mine.team.id) if m.person_id != person_id]
    await notices.team_closed(unit, mine.team.id, mine.team.name, others, now)
    await unit.teams.delete(mine.team.id)
    return mine.team


async def remove_member(unit: Unit, organizer_id: int, member_id: int) -> Team:
    """An organizer removes a member (``Team.remove_member`` says who may be removed; removing
    oneself is leaving). Nobody is sent a message about it: ``MemberRemoved`` tells no one."""
    mine = await authorized(unit, organizer_id, Capability.REMOVE_FROM_TEAM)
    assert mine.team.id is not None
    mine.team.remove_member(await unit.teams.members(mine.team.id), organizer_id, member_id)
    await unit.teams.remove_member(mine.team.id, member_id)
    await unit.circles.join_team(member_id, None)  # the circles they lead leave the team with them
    return mine.team


async def set_summary_chat(unit: Unit, person_id: int, platform: str, chat_id: str) -> Team:
    mine = await authorized(unit, person_id, Capability.CHOOSE_SUMMARY)
    mine.team.summary_platform, mine.team.summary_chat_id = platform, chat_id
    await unit.teams.save_summary(mine.team)
    return mine.team


async def set_summary_time(unit: Unit, person_id: int, weekday: int, at: time, timezone: str) -> Team:
    mine = await authorized(unit, person_id, Capability.CHOOSE_SUMMARY)
    mine.team.summary_weekday, mine.team.summary_time, mine.team.timezone = weekday, at, timezone
    await unit.teams.save_summary(mine.team)
    return mine.team
