"""How a team's circles are doing: the early warnings for its organizers (the rules are
``domain.early_warnings``) and the team's attendance per week, for the weekly summary's chart and
/team.

How many came to a meeting is the report's notion (``bot.usecases.report.circle_figures``), read
for a whole batch of teams at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from bot.usecases.report import CircleFigures, MeetingFigures, circle_figures
from domain.early_warnings import LOOK_BACK, NO_YES_WITHIN, CircleFacts, EarlyWarning, MeetingFacts, warnings_for
from domain.model import Circle, Meeting, Team
from domain.schedule import local_to_utc, week_of
from storage.unit import Unit

WEEKS_CHARTED = 8  # the summary's chart: the team's attendance over this many weeks


@dataclass(frozen=True)
class CircleWarning:
    circle: Circle
    warning: EarlyWarning


@dataclass(frozen=True)
class WeekAttendance:
    monday: date
    came: int  # people at the team's meetings that week (the report's count)
    said_yes: int


@dataclass
class TeamHealth:
    warnings: list[CircleWarning] = field(default_factory=list)
    # The WEEKS_CHARTED weeks before the week asked for, oldest first.
    weeks: list[WeekAttendance] = field(default_factory=list)

    @property
    def charted(self) -> bool:
        """Whether the weeks hold anything worth a chart (a meeting someone came or said yes to)."""
        return any(w.came or w.said_yes for w in self.weeks)


def chart_start(team: Team, monday: date) -> datetime:
    """The first instant the chart of the week starting ``monday`` covers."""
    return local_to_utc(monday - timedelta(weeks=WEEKS_CHARTED), time(0), team.zone)


async def team_health(
    unit: Unit,
    wanted: Sequence[tuple[Team, date]],
    circles: Mapping[int, list[Circle]],
    schedules: Mapping[int, list[Meeting]],
    now: datetime,
) -> list[TeamHealth]:
    """Each team's warnings at ``now`` and its weekly attendance before its week (``monday``),
    from its published circles (``team id → circles``) and their meetings (``circle id →
    meetings``), in the order asked. The figures of all the teams' recent meetings are read
    together: a constant number of statements for the batch."""
    since = min([now - LOOK_BACK, *(chart_start(team, monday) for team, monday in wanted)])
    recent = {
        circle_id: [m for m in meetings if since <= m.start <= now + NO_YES_WITHIN]
        for circle_id, meetings in schedules.items()
    }
    figures = await circle_figures(unit, recent, now)
    return [_health(team, monday, circles.get(team.id or 0, []), schedules, figures, now) for team, monday in wanted]


def _health(
    team: Team,
    monday: date,
    circles: list[Circle],
    schedules: Mapping[int, list[Meeting]],
    figures: Mapping[int, CircleFigures],
    now: datetime,
) -> TeamHealth:
    health = TeamHealth()
    weeks = {monday - timedelta(weeks=n): [0, 0] for n in range(WEEKS_CHARTED, 0, -1)}
    for circle in circles:
        assert circle.id is not None
        found = figures.get(circle.id, CircleFigures(0, []))
        known = {f.meeting.id or 0: f for f in found.meetings}
        facts = CircleFacts(circle.id, found.signups, [_facts(m, known.get(m.id or 0)) for m in schedules[circle.id]])
        health.warnings += [CircleWarning(circle, w) for w in warnings_for(facts, now)]
        for given in known.values():
            week = weeks.get(week_of(given.meeting.start, team.timezone))
            if week is not None and given.held:
                week[0] += given.attended or 0
                week[1] += given.yes
    health.weeks = [WeekAttendance(day, came, yes) for day, (came, yes) in weeks.items()]
    return health


def _facts(meeting: Meeting, figures: MeetingFigures | None) -> MeetingFacts:
    if figures is None:  # outside the window read: nothing the rules look at
        return MeetingFacts(meeting, None, 0, False)
    return MeetingFacts(meeting, figures.attended, figures.yes, figures.feedback_given)


async def team_warnings(unit: Unit, team: Team, now: datetime) -> list[CircleWarning]:
    """One team's warnings at ``now`` (for /team)."""
    assert team.id is not None
    circles = await unit.circles.published_of_teams([team.id])
    schedules = await unit.circles.meetings_of(sorted(c.id for c in circles[team.id] if c.id is not None))
    (health,) = await team_health(unit, [(team, week_of(now, team.timezone))], circles, schedules, now)
    return health.warnings
