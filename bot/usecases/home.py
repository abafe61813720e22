"""A person's home (Slack's App Home tab): what they take part in, gathered in one place.

Three parts, each shown only to whom the role model (domain/roles.py) allows it:

- the circles they signed up for, with the next meeting and their answer to it (learners RSVP);
- the circles they facilitate, with the number of signups and who said yes to the next meeting
  (``Capability.VIEW_SIGNUPS``, asked for each circle);
- for organizers, the team's meetings of this week (``Capability.VIEW_TEAM_WEEK``), the same
  computation as ``/team`` → *This week's meetings*.

Each part lists at most ``HOME_CIRCLES`` circles (the soonest first), so that a home always fits
the platform's limits; ``more_*`` says how many were left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.usecases import summary
from bot.usecases.circles import circle_roles
from bot.usecases.leaders import leaders
from domain.model import Circle, CircleStatus, Meeting
from domain.roles import Capability, may, roles_in_team
from domain.schedule import next_meeting, week_of
from storage.unit import Unit

HOME_CIRCLES = 8  # per part: three blocks each keeps a home far within Slack's 100 blocks


@dataclass
class LearnerCircle:
    circle: Circle
    upcoming: Meeting | None
    answer: bool | None  # the person's RSVP to ``upcoming``; None: not answered


@dataclass
class RunCircle:
    circle: Circle
    signups: int
    upcoming: Meeting | None
    coming: list[str]  # the names of those who said yes to ``upcoming``


@dataclass
class Home:
    learning: list[LearnerCircle] = field(default_factory=list)
    running: list[RunCircle] = field(default_factory=list)
    week: summary.WeeklySummary | None = None  # organizers only
    more_learning: int = 0
    more_running: int = 0
    leaders: dict[int, str] = field(default_factory=dict)  # who covers a next meeting shown, by meeting


async def home(unit: Unit, person_id: int, now: datetime) -> Home:
    found = Home()
    learning = await _learning(unit, person_id, now)
    found.learning, found.more_learning = learning[:HOME_CIRCLES], max(0, len(learning) - HOME_CIRCLES)
    running = await _running(unit, person_id, now)
    found.running, found.more_running = running[:HOME_CIRCLES], max(0, len(running) - HOME_CIRCLES)
    shown = [e.upcoming for e in found.learning] + [e.upcoming for e in found.running]
    found.leaders = await leaders(unit, (m.id for m in shown if m is not None and m.id is not None))
    found.week = await _week(unit, person_id, now)
    return found


async def _learning(unit: Unit, person_id: int, now: datetime) -> list[LearnerCircle]:
    """The published circles the person signed up for, the next meeting first."""
    entries = []
    for signup in await unit.signups.active_for_person(person_id):
        circle = await unit.circles.get(signup.circle_id)
        if circle is None or circle.id is None or circle.status is not CircleStatus.PUBLISHED:
            continue
        upcoming = next_meeting(await unit.circles.meetings(circle.id), now)
        answer = None
        if upcoming is not None and upcoming.id is not None:
            answer = (await unit.rsvps.of_person(person_id, [upcoming.id])).get(upcoming.id)
        entries.append(LearnerCircle(circle, upcoming, answer))
    entries.sort(key=lambda e: (e.upcoming is None, e.upcoming.start if e.upcoming else now))
    return entries


async def _running(unit: Unit, person_id: int, now: datetime) -> list[RunCircle]:
    """The circles the person facilitates (not the cancelled ones), with signups and who comes."""
    entries = []
    for circle in await unit.circles.facilitated_by(person_id):
        if circle.id is None or circle.status is CircleStatus.CANCELLED:
            continue
        roles = await circle_roles(unit, circle, person_id, await unit.circles.facilitators(circle.id))
        if not may(roles, Capability.VIEW_SIGNUPS):
            continue
        upcoming = next_meeting(await unit.circles.meetings(circle.id), now)
        coming: list[str] = []
        if upcoming is not None:
            answers = await unit.rsvps.for_circle(circle.id)
            yes = [r.person_id for r in answers if r.meeting_id == upcoming.id and r.attending]
            names = await unit.people.names(yes)
            coming = sorted(names.get(p, "?") for p in yes)
        entries.append(RunCircle(circle, await unit.signups.count_active(circle.id), upcoming, coming))
    entries.sort(key=lambda e: (e.upcoming is None, e.upcoming.start if e.upcoming else now))
    return entries


async def _week(unit: Unit, person_id: int, now: datetime) -> summary.WeeklySummary | None:
    """The team's meetings this week, for an organizer; None for anyone else."""
    member = await unit.teams.membership(person_id)
    if member is None or not may(roles_in_team(member.role), Capability.VIEW_TEAM_WEEK):
        return None
    team = await unit.teams.get(member.team_id)
    if team is None:
        return None
    return await summary.weekly_summary(unit, team, week_of(now, team.timezone), now)
