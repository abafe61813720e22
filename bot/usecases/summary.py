"""O3: what a team's weekly summary says — this week's meetings, last week's feedback, new
signups with their goals, and circles that started or ended."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.model import Circle, CircleStatus, Meeting, MeetingFeedback, Signup, Team
from domain.schedule import active, local_to_utc
from storage.unit import Unit


def week_of(instant: datetime, timezone: str) -> date:
    """The Monday of the team's local week that contains ``instant``."""
    local = instant.astimezone(ZoneInfo(timezone)).date()
    return local - timedelta(days=local.weekday())


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

    @property
    def empty(self) -> bool:
        """No activity at all: then no message is sent (SPEC §2)."""
        return not (self.meetings or self.feedback or self.signups or self.started or self.ended)


async def weekly_summary(unit: Unit, team: Team, monday: date) -> WeeklySummary:
    assert team.id is not None
    this_week = (
        local_to_utc(monday, time(0), team.zone),
        local_to_utc(monday + timedelta(weeks=1), time(0), team.zone),
    )
    last_week = (local_to_utc(monday - timedelta(weeks=1), time(0), team.zone), this_week[0])
    summary = WeeklySummary(team, monday)
    circles = [c for c in await unit.circles.of_team(team.id) if c.status is CircleStatus.PUBLISHED]
    schedules = await unit.circles.meetings_of([c.id for c in circles if c.id is not None])
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
        for given in await unit.feedback.of_circle(circle.id):
            about = by_id.get(given.meeting_id)
            if about is not None and last_week[0] <= about.start < last_week[1]:
                summary.feedback.append((circle, about, given))
        for signup in await unit.signups.active_for_circle(circle.id):
            if signup.created_at is not None and last_week[0] <= signup.created_at < last_week[1]:
                summary.signups.append((circle, signup, ""))
    names = await unit.people.names(sorted({s.person_id for _, s, _ in summary.signups}))
    summary.signups = [(c, s, names.get(s.person_id, "?")) for c, s, _ in summary.signups]
    summary.meetings.sort(key=lambda entry: entry.meeting.start)
    summary.feedback.sort(key=lambda entry: entry[1].start)
    return summary
