"""What the people of a team see from /team (O1, O2, O4): one use case per command or button of
bot/handlers/team.py, each returning what its view needs.

Who may see what is decided once, by ``teams.authorized`` (the role model in domain/roles.py);
the team's own rules (joining, leaving, removing, closing) are in ``bot.usecases.teams``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.usecases import summary, team_health, teams
from domain.errors import NotFound
from domain.model import Circle, Meeting, MeetingFeedback, Team, TeamRole
from domain.roles import Capability, may, roles_in_team
from domain.schedule import week_of
from storage.unit import Unit

RECENT_FEEDBACK = timedelta(weeks=4)


@dataclass
class TeamCard:
    """The team as one of its people sees it. A member sees the team, its organizers and their own
    circles in it, not the others' (docs/roles.md); an organizer sees the counts and the summary."""

    team: Team
    role: TeamRole
    organizers: list[str]  # names
    member_count: int
    circle_count: int
    own_circles: list[str]  # names of the circles in the team the person facilitates (members only)
    # Early warnings about the team's circles, for those who may see all of them (organizers).
    warnings: list[team_health.CircleWarning] = field(default_factory=list)


async def team_card(unit: Unit, person_id: int, now: datetime) -> TeamCard | None:
    """/team; None when the person is in no team."""
    if await unit.teams.membership(person_id) is None:
        return None
    mine = await teams.authorized(unit, person_id, Capability.VIEW_TEAM)
    assert mine.team.id is not None
    members = await unit.teams.members(mine.team.id)
    names = await unit.people.names([m.person_id for m in members])
    organizers = [names.get(m.person_id, "?") for m in members if m.role is TeamRole.ORGANIZER]
    circles = await unit.circles.of_team(mine.team.id)
    own: list[str] = []
    if mine.role is not TeamRole.ORGANIZER:
        facilitated = {c.id for c in await unit.circles.facilitated_by(person_id)}
        own = [c.name for c in circles if c.id in facilitated]
    warnings = []
    if may(roles_in_team(mine.role), Capability.VIEW_TEAM_CIRCLES):
        warnings = await team_health.team_warnings(unit, mine.team, now)
    return TeamCard(mine.team, mine.role, organizers, len(members), len(circles), own, warnings)


@dataclass
class TeamOffer:
    """An invitation opened: what it offers, and the circles that would join the team with the person."""

    offer: teams.Offer
    led: list[str]  # names of the circles the person facilitates


async def team_offer(unit: Unit, code: str, person_id: int, now: datetime) -> TeamOffer | None:
    """None when the code is no (valid) team invitation."""
    offer = await teams.offered(unit, code, person_id, now)
    if offer is None:
        return None
    return TeamOffer(offer, [c.name for c in await unit.circles.facilitated_by(person_id)])


@dataclass
class NamedDecision:
    decision: teams.Decision
    name: str  # of the person who asked to join


async def decide_request(unit: Unit, organizer_id: int, request_id: int, approve: bool, now: datetime) -> NamedDecision:
    """An organizer answers a request to join (``teams.decide``), with the name of who asked."""
    decision = await teams.decide(unit, organizer_id, request_id, approve, now)
    names = await unit.people.names([decision.person_id])
    return NamedDecision(decision, names.get(decision.person_id, "?"))


@dataclass
class Member:
    person_id: int
    name: str
    role: TeamRole


@dataclass
class TeamMembers:
    team: Team
    members: list[Member]


async def team_members(unit: Unit, person_id: int) -> TeamMembers:
    mine = await teams.authorized(unit, person_id, Capability.VIEW_TEAM_MEMBERS)
    assert mine.team.id is not None
    found = await unit.teams.members(mine.team.id)
    names = await unit.people.names([m.person_id for m in found])
    return TeamMembers(mine.team, [Member(m.person_id, names.get(m.person_id, "?"), m.role) for m in found])


@dataclass
class NamedMember:
    team: Team
    name: str


async def member_to_remove(unit: Unit, organizer_id: int, person_id: int) -> NamedMember:
    """The member an organizer asks to remove; never a name from outside the team (``NotFound``)."""
    mine = await teams.authorized(unit, organizer_id, Capability.REMOVE_FROM_TEAM)
    theirs = await unit.teams.membership(person_id)
    name = (await unit.people.names([person_id])).get(person_id)
    if name is None or theirs is None or theirs.team_id != mine.team.id:
        raise NotFound()
    return NamedMember(mine.team, name)


async def remove_named_member(unit: Unit, organizer_id: int, person_id: int) -> NamedMember:
    """``teams.remove_member``, with the removed person's name for the confirmation."""
    name = (await unit.people.names([person_id])).get(person_id, "?")
    return NamedMember(await teams.remove_member(unit, organizer_id, person_id), name)


@dataclass
class TeamCircle:
    circle: Circle
    facilitators: list[str]  # names


@dataclass
class TeamCircles:
    team: Team
    circles: list[TeamCircle]


async def team_circles(unit: Unit, person_id: int) -> TeamCircles:
    """O4: the team's circles with who facilitates each."""
    mine = await teams.authorized(unit, person_id, Capability.VIEW_TEAM_CIRCLES)
    assert mine.team.id is not None
    found = await unit.circles.of_team(mine.team.id)
    facilitators = {c.id: await unit.circles.facilitator_ids(c.id or 0) for c in found}
    names = await unit.people.names(sorted({p for ids in facilitators.values() for p in ids}))
    return TeamCircles(mine.team, [TeamCircle(c, [names.get(p, "?") for p in facilitators[c.id]]) for c in found])


async def team_week(unit: Unit, person_id: int, now: datetime) -> summary.WeeklySummary:
    """O2: which meetings happen this week (the team's own week, in its time zone) across the team."""
    mine = await teams.authorized(unit, person_id, Capability.VIEW_TEAM_WEEK)
    return await summary.weekly_summary(unit, mine.team, week_of(now, mine.team.timezone), now)


@dataclass
class FeedbackEntry:
    circle: Circle
    meeting: Meeting
    given: MeetingFeedback


@dataclass
class TeamFeedback:
    team: Team
    entries: list[FeedbackEntry]


async def team_feedback(unit: Unit, person_id: int, now: datetime) -> TeamFeedback:
    """O1: what facilitators said about the team's meetings of the last four weeks."""
    mine = await teams.authorized(unit, person_id, Capability.VIEW_TEAM_FEEDBACK)
    assert mine.team.id is not None
    entries = []
    for circle in await unit.circles.of_team(mine.team.id):
        assert circle.id is not None
        meetings = {m.id: m for m in await unit.circles.meetings(circle.id)}
        for given in await unit.feedback.of_circle(circle.id):
            meeting = meetings.get(given.meeting_id)
            if meeting is None or meeting.start < now - RECENT_FEEDBACK:
                continue
            entries.append(FeedbackEntry(circle, meeting, given))
    return TeamFeedback(mine.team, entries)
