"""Teams (O1–O4): organizers look after the circles and facilitators of a team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot.delivery import notices
from bot.usecases.codes import new_code
from domain.errors import AlreadyInTeam, DomainError, NotFound, NotInTeam
from domain.model import Team, TeamMember, TeamRole
from domain.rules import check_can_organize
from storage.inbox import Invite
from storage.unit import Unit

TEAM_INVITE = "team"


class LastOrganizer(DomainError):
    """A team must keep an organizer while it has other members."""

    reason = "team.last_organizer"


@dataclass
class Membership:
    team: Team
    role: TeamRole


async def membership(unit: Unit, person_id: int) -> Membership:
    member = await unit.teams.membership(person_id)
    if member is None:
        raise NotInTeam()
    team = await unit.teams.get(member.team_id)
    assert team is not None
    return Membership(team, member.role)


async def create_team(unit: Unit, person_id: int, name: str, timezone: str, now: datetime) -> Team:
    """The creator becomes the team's first organizer, and the circles they lead join it."""
    existing = await unit.teams.membership(person_id)
    if existing is not None:
        team = await unit.teams.get(existing.team_id)
        raise AlreadyInTeam(team=team.name if team else "")
    team = await unit.teams.add(Team(id=None, name=name, timezone=timezone, created_at=now))
    assert team.id is not None
    await unit.teams.add_member(TeamMember(team.id, person_id, TeamRole.ORGANIZER), now)
    await unit.circles.join_team(person_id, team.id)
    return team


async def invite(unit: Unit, person_id: int, role: TeamRole, now: datetime, days: int) -> tuple[Team, Invite]:
    """A code (or link) anyone can use to join the team until it expires."""
    mine = await membership(unit, person_id)
    check_can_organize(mine.role)
    code = new_code(10, prefix="t")
    offer = Invite(code, TEAM_INVITE, None, person_id, now + timedelta(days=days), None, mine.team.id, role.value)
    await unit.invites.add(offer)
    return mine.team, offer


async def offered(unit: Unit, code: str, person_id: int, now: datetime) -> Membership | None:
    """What an invitation offers this person (team and role), without joining; None when the code
    is unknown or expired. Someone in another team is told to leave it first."""
    offer = await unit.invites.get(code)
    if offer is None or offer.kind != TEAM_INVITE or offer.team_id is None or offer.expires_at <= now:
        return None
    if offer.role == TeamRole.ORGANIZER.value and offer.used_by is not None:
        return None  # organizer invitations work once
    team = await unit.teams.get(offer.team_id)
    if team is None:
        return None
    existing = await unit.teams.membership(person_id)
    if existing is not None and existing.team_id != team.id:
        other = await unit.teams.get(existing.team_id)
        raise AlreadyInTeam(team=other.name if other else "")
    return Membership(team, TeamRole(offer.role or TeamRole.MEMBER.value))


async def accept(unit: Unit, code: str, person_id: int, now: datetime) -> Membership | None:
    """Join with an invitation (after the person confirmed); None when it is not valid (any more).

    Facilitator invitations can be shared with several people until they expire; an organizer
    invitation gives organizer rights to one person only.
    """
    offer = await offered(unit, code, person_id, now)
    if offer is None:
        return None
    team, role = offer.team, offer.role
    assert team.id is not None
    if role is TeamRole.ORGANIZER and not await unit.invites.use(code, person_id):
        return None
    existing = await unit.teams.membership(person_id)
    if existing is not None:
        if existing.role is TeamRole.MEMBER and role is TeamRole.ORGANIZER:
            await unit.teams.remove_member(team.id, person_id)
            await unit.teams.add_member(TeamMember(team.id, person_id, role), now)
            return Membership(team, role)
        return Membership(team, existing.role)
    await unit.teams.add_member(TeamMember(team.id, person_id, role), now)
    await unit.circles.join_team(person_id, team.id)
    return Membership(team, role)


async def leave(unit: Unit, person_id: int) -> Team:
    mine = await membership(unit, person_id)
    assert mine.team.id is not None
    members = await unit.teams.members(mine.team.id)
    organizers = [m for m in members if m.role is TeamRole.ORGANIZER]
    if mine.role is TeamRole.ORGANIZER and len(organizers) == 1 and len(members) > 1:
        raise LastOrganizer()
    await unit.teams.remove_member(mine.team.id, person_id)
    await unit.circles.join_team(person_id, None)
    return mine.team


async def close(unit: Unit, person_id: int, now: datetime) -> Team:
    """An organizer closes the team: every member leaves it (and is told), its invitations end,
    and its circles go on outside any team."""
    mine = await membership(unit, person_id)
    check_can_organize(mine.role)
    assert mine.team.id is not None
    others = [m.person_id for m in await unit.teams.members(mine.team.id) if m.person_id != person_id]
    await notices.team_closed(unit, mine.team.id, mine.team.name, others, now)
    await unit.teams.delete(mine.team.id)
    return mine.team


async def remove_member(unit: Unit, organizer_id: int, member_id: int) -> Team:
    mine = await membership(unit, organizer_id)
    check_can_organize(mine.role)
    assert mine.team.id is not None
    theirs = await unit.teams.membership(member_id)
    if theirs is None or theirs.team_id != mine.team.id:
        raise NotFound()
    if member_id == organizer_id:
        return await leave(unit, organizer_id)
    await unit.teams.remove_member(mine.team.id, member_id)
    await unit.circles.join_team(member_id, None)
    return mine.team


async def set_summary_chat(unit: Unit, person_id: int, platform: str, chat_id: str) -> Team:
    mine = await membership(unit, person_id)
    check_can_organize(mine.role)
    mine.team.summary_platform, mine.team.summary_chat_id = platform, chat_id
    await unit.teams.save_summary(mine.team)
    return mine.team


async def set_summary_time(unit: Unit, person_id: int, weekday: int, at: time, timezone: str) -> Team:
    mine = await membership(unit, person_id)
    check_can_organize(mine.role)
    mine.team.summary_weekday, mine.team.summary_time, mine.team.timezone = weekday, at, timezone
    await unit.teams.save_summary(mine.team)
    return mine.team
