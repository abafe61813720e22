"""O3: what a team's weekly summary says — this week's meetings, last week's feedback, new
signups with their goals, circles that started or ended, early warnings for the organizers and
the team's attendance over the last weeks (``bot.usecases.team_health``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from bot.usecases.team_health import TeamHealth, team_health
from domain.model import Circle, Meeting, MeetingFeedback, Signup, Team
from domain.schedule import active, local_to_utc
from storage.unit import Unit


def summary_due(team: Team, monday: date) -> datetime:
    """When the summary of the week starting ``monday`` goes out (team's day and time, local)."""
    return local_to_utc(monday + timedelta(days=team.summary_weekday), team.summary_time, team.zone)


@dataclass
class TeamMeeting:
    circle: Circle
    meeting: Meeting
    total: int  # meetings planned, cancelled ones included: "meeting 3 of 6"

    @property
    def number(self) -> int:
        return self.meeting.number


@dataclass
class WeeklySummary:
    team: Team
    monday: date
    meetings: list[TeamMeeting] = field(default_factory=list)
    feedback: list[tuple[Circle, Meeting, MeetingFeedback]] = field(default_factory=list)
    signups: list[tuple[Circle, Signup, str]] = field(default_factory=list)
    started: list[Circle] = field(default_factory=list)
    ended: list[Circle] = field(default_factory=list)
    health: TeamHealth = field(default_factory=TeamHealth)

    @property
    def empty(self) -> bool:
        """No activity at all: then no message is sent (SPEC §2). A warning counts: a week in
        which nothing happened may be the very week the organizers should hear of."""
        return not (
            self.meetings or self.feedback or self.signups or self.started or self.ended or self.health.warnings
        )


async def weekly_summary(unit: Unit, team: Team, monday: date, now: datetime) -> WeeklySummary:
    (summary,) = await weekly_summaries(unit, [(team, monday)], now)
    return summary


@dataclass(frozen=True)
class _Weeks:
    """A team's week (``this``) and the week before (``last``), as UTC bounds."""

    this: tuple[datetime, datetime]
    last: tuple[datetime, datetime]

    @classmethod
    def of(cls, team: Team, monday: date) -> _Weeks:
        this = (
            local_to_utc(monday, time(0), team.zone),
            local_to_utc(monday + timedelta(weeks=1), time(0), team.zone),
        )
        return cls(this, (local_to_utc(monday - timedelta(weeks=1), time(0), team.zone), this[0]))


async def weekly_summaries(unit: Unit, wanted: Sequence[tuple[Team, date]], now: datetime) -> list[WeeklySummary]:
    """The summaries of many teams (each for its week, warnings as of ``now``), in the order asked.

    Read in eight statements for the whole batch (more only past ``storage.circles.CHUNK`` teams
    or circles), however many teams and circles: the teams' published circles, their meetings,
    the feedback and the signups of the batch's widest "last week" (each team then keeps its own),
    the signed-up learners' names, and the three of the recent meetings' figures (``team_health``).
    """
    weeks = [_Weeks.of(team, monday) for team, monday in wanted]
    team_ids = [team.id for team, _ in wanted if team.id is not None]
    assert len(team_ids) == len(wanted)
    circles = await unit.circles.published_of_teams(team_ids)
    circle_ids = sorted({c.id for found in circles.values() for c in found if c.id is not None})
    schedules = await unit.circles.meetings_of(circle_ids)
    since = min((w.last[0] for w in weeks), default=datetime.min.replace(tzinfo=UTC))
    until = max((w.last[1] for w in weeks), default=since)
    feedback = await unit.feedback.of_circles(circle_ids, since, until)
    signups = await unit.signups.active_of_circles(circle_ids, since, until)
    summaries = [
        _summary(team, monday, week, circles[team_id], schedules, feedback, signups)
        for (team, monday), week, team_id in zip(wanted, weeks, team_ids, strict=True)
    ]
    for summary, health in zip(summaries, await team_health(unit, wanted, circles, schedules, now), strict=True):
        summary.health = health
    names = await unit.people.names(sorted({s.person_id for summary in summaries for _, s, _ in summary.signups}))
    for summary in summaries:
        summary.signups = [(c, s, names.get(s.person_id, "?")) for c, s, _ in summary.signups]
    return summaries


def _summary(
    team: Team,
    monday: date,
    weeks: _Weeks,
    circles: list[Circle],
    schedules: Mapping[int, list[Meeting]],
    feedback: Mapping[int, list[MeetingFeedback]],
    signups: Mapping[int, list[Signup]],
) -> WeeklySummary:
    """One team's summary from what the batch read (names are filled in afterwards)."""
    this_week, last_week = weeks.this, weeks.last
    summary = WeeklySummary(team, monday)
    for circle in circles:
        assert circle.id is not None
        planned = schedules[circle.id]
        held = active(planned)
        for meeting in held:
            if this_week[0] <= meeting.start < this_week[1]:
                summary.meetings.append(TeamMeeting(circle, meeting, len(planned)))
        if held and last_week[0] <= held[0].start < last_week[1]:
            summary.started.append(circle)
        if held and last_week[0] <= held[-1].end < last_week[1]:
            summary.ended.append(circle)
        by_id = {m.id: m for m in held}
        for given in feedback[circle.id]:
            about = by_id.get(given.meeting_id)
            if about is not None and last_week[0] <= about.start < last_week[1]:
                summary.feedback.append((circle, about, given))
        for signup in signups[circle.id]:
            if signup.created_at is not None and last_week[0] <= signup.created_at < last_week[1]:
                summary.signups.append((circle, signup, ""))
    summary.meetings.sort(key=lambda entry: entry.meeting.start)
    summary.feedback.sort(key=lambda entry: entry[1].start)
    return summary
