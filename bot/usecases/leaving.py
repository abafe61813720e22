"""Leaving for good (L6, /forget): nobody's circle or team is left without someone to run it.

- A team's only organizer cannot leave for good while the team has other members: they name
  another organizer first, or close the team.
- A forgotten person leaves every team and stops facilitating every circle; the invitation links
  they made stop working.
- The circles they led pass to a co-facilitator (of several, the one who came to Circles first
  becomes lead, and is told); without one, to the team's organizers (they are told; the circle
  stays manageable by them); without a team either, the circle is cancelled and its learners
  are told.
"""

from __future__ import annotations

from datetime import datetime

from bot.delivery import notices
from bot.usecases.circles import COFACILITATOR_INVITE, city_key
from bot.usecases.teams import TEAM_INVITE
from domain.errors import DomainError
from domain.model import Circle, CircleStatus, TeamRole
from storage.unit import Unit


class OnlyOrganizer(DomainError):
    """Forgetting the only organizer of a team with other members would orphan the team."""

    reason = "forget.only_organizer"


async def check_can_forget(unit: Unit, person_id: int) -> None:
    member = await unit.teams.membership(person_id)
    if member is None or member.role is not TeamRole.ORGANIZER:
        return
    members = await unit.teams.members(member.team_id)
    organizers = [m for m in members if m.role is TeamRole.ORGANIZER]
    if len(organizers) == 1 and len(members) > 1:
        team = await unit.teams.get(member.team_id)
        raise OnlyOrganizer(team=team.name if team else "")


async def leave_for_good(unit: Unit, person_id: int, now: datetime) -> None:
    """Hand over the person's circles and leave their team (refused by ``check_can_forget``)."""
    await check_can_forget(unit, person_id)
    for circle in await unit.circles.led_by(person_id):
        await _hand_over(unit, circle, person_id, now)
    await unit.circles.stop_facilitating(person_id)
    for kind in (COFACILITATOR_INVITE, TEAM_INVITE):
        await unit.invites.expire_unused(kind, person_id, now)  # their links stop working
    member = await unit.teams.membership(person_id)
    if member is not None:
        await unit.teams.remove_member(member.team_id, person_id)
        if not await unit.teams.members(member.team_id):
            await unit.teams.delete(member.team_id)  # nobody left to look after it


async def _hand_over(unit: Unit, circle: Circle, leaving: int, now: datetime) -> None:
    assert circle.id is not None
    running = circle.status is not CircleStatus.CANCELLED
    others = [p for p in await unit.circles.facilitator_ids(circle.id) if p != leaving]
    if others:
        await unit.circles.make_lead(circle.id, others[0])
        if running:
            await notices.lead_passed(unit, circle.id, others[0], now)
        return
    if not running:
        return
    organizers = await unit.teams.organizer_ids(circle.team_id) if circle.team_id is not None else []
    organizers = [p for p in organizers if p != leaving]
    if organizers:
        await notices.lead_left(unit, circle.id, organizers, now)
        return
    happened = circle.cancel()
    await unit.circles.save(circle, city_key(circle.venue))
    await notices.announce(unit, happened, now)
