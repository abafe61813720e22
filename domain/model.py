"""Entities of a learning circle. Plain dataclasses; storage maps them to tables."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_DURATION_MINUTES = 90
DEFAULT_WEEKS = 6
DEFAULT_REMINDER_LEAD = timedelta(days=2)
MAX_WEEKS = 52
# How far ahead any date a person gives (a first meeting, a moved or added meeting) may lie.
# Circles are planned weeks ahead, not decades; a bound also keeps every derived date (the last
# meeting, reminders, calendar files) far from the year 9999 where Python's dates end.
MAX_YEARS_AHEAD = 2


class CircleStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class CirclePhase(enum.StrEnum):
    """Where a circle stands in time, derived from its meetings."""

    UPCOMING = "upcoming"
    IN_PROGRESS = "in_progress"
    FINISHED = "finished"


class TeamRole(enum.StrEnum):
    ORGANIZER = "organizer"
    MEMBER = "member"


class FacilitatorRole(enum.StrEnum):
    LEAD = "lead"
    CO = "co"


@dataclass
class Identity:
    """One person's account on one platform; ``chat_id`` is where the bot can write to them."""

    platform: str
    external_id: str
    chat_id: str | None = None


@dataclass
class Person:
    id: int | None
    name: str
    language: str = "en"
    unreachable_reason: str | None = None
    forgotten: bool = False


@dataclass
class Venue:
    name: str
    address: str = ""
    details: str = ""
    city: str = ""
    latitude: float | None = None
    longitude: float | None = None

    @property
    def online(self) -> bool:
        return self.name.strip().casefold() == "online"


@dataclass
class Circle:
    id: int | None
    code: str
    name: str
    course_title: str
    course_link: str
    description: str
    venue: Venue
    language: str
    timezone: str
    first_date: date
    meeting_time: time
    duration_minutes: int = DEFAULT_DURATION_MINUTES
    weeks: int = DEFAULT_WEEKS
    signup_limit: int | None = None
    custom_question: str | None = None
    status: CircleStatus = CircleStatus.DRAFT
    signup_open: bool = True
    reminder_lead: timedelta = DEFAULT_REMINDER_LEAD
    reminder_text: str | None = None
    created_by: int | None = None
    created_at: datetime | None = None
    team_id: int | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)


@dataclass
class Meeting:
    id: int | None
    circle_id: int
    number: int
    start: datetime  # aware, UTC
    duration_minutes: int
    cancelled: bool = False

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.duration_minutes)


@dataclass
class Signup:
    id: int | None
    circle_id: int
    person_id: int
    goal: str
    help_peers: str
    custom_answer: str | None = None
    active: bool = True
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass
class Rsvp:
    meeting_id: int
    person_id: int
    attending: bool
    answered_at: datetime | None = None


@dataclass
class Facilitator:
    circle_id: int
    person_id: int
    role: FacilitatorRole = FacilitatorRole.LEAD


@dataclass
class RsvpTally:
    """Who answered what for one meeting: the facilitator's per-meeting view (F2)."""

    meeting: Meeting
    yes: list[int] = field(default_factory=list)
    no: list[int] = field(default_factory=list)
    no_answer: list[int] = field(default_factory=list)


@dataclass
class Team:
    """Organizers and facilitators of a town, city or country, and the circles they run."""

    id: int | None
    name: str
    timezone: str
    summary_weekday: int = 0  # Monday
    summary_time: time = time(10, 0)
    summary_platform: str | None = None
    summary_chat_id: str | None = None
    created_at: datetime | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass
class TeamMember:
    team_id: int
    person_id: int
    role: TeamRole
