"""Entities of a learning circle. Dataclasses that storage maps to tables; the aggregates
(``Circle``, ``Meeting``, ``Team``) enforce their own rules when they change and return the
events (``domain/events.py``) that say what happened.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain import events
from domain.errors import CircleCancelled, InvalidSchedule, LastOrganizer, MeetingCancelled, MeetingPast, NotFound

# The limits of a circle, stated once: the dialogs, the parsers, the refusal texts and the
# delivery planner all read them from here.
DEFAULT_DURATION_MINUTES = 90
MIN_DURATION_MINUTES = 15
MAX_DURATION_MINUTES = 8 * 60
DEFAULT_WEEKS = 6
MAX_WEEKS = 52
DEFAULT_REMINDER_LEAD = timedelta(days=2)
MAX_REMINDER_LEAD = timedelta(days=14)  # the longest a reminder may go out before its meeting
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
    timezone: str | None = None  # the IANA zone the person chose (/timezone)
    platform_timezone: str | None = None  # the zone their platform's profile states (Slack's ``tz``)

    @property
    def zone(self) -> str | None:
        """The zone times are shown to this person in, besides the circle's own: theirs, if chosen."""
        return self.timezone or self.platform_timezone


@dataclass
class Venue:
    name: str
    address: str = ""
    details: str = ""
    city: str = ""
    latitude: float | None = None
    longitude: float | None = None
    link: str = ""  # an online circle's meeting link (https), shown to its learners only
    # Which place the city is (e.g. "geo:2867714" for München / Munich), as browse finds it;
    # empty until the application resolves the typed name through its gazetteer.
    place: str = ""

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

    # What a facilitator may change, and what it means. A cancelled circle stays as it was.

    def check_not_cancelled(self) -> None:
        """A cancelled circle stays as it was: no publishing, signup changes or new meetings."""
        if self.status is CircleStatus.CANCELLED:
            raise CircleCancelled(circle=self.name)

    def publish(self) -> list[events.Event]:
        """A draft goes public; publishing again changes nothing."""
        self.check_not_cancelled()
        if self.status is CircleStatus.PUBLISHED:
            return []
        self.status = CircleStatus.PUBLISHED
        return [events.CirclePublished(self._id)]

    def cancel(self) -> list[events.Event]:
        """The whole circle is off: it leaves browse, takes no signups, and its meetings are off."""
        self.check_not_cancelled()
        self.status, self.signup_open = CircleStatus.CANCELLED, False
        return [events.CircleCancelled(self._id)]

    def close_signup(self) -> list[events.Event]:
        """No new signups; learners already signed up stay."""
        self.check_not_cancelled()
        self.signup_open = False
        return [events.SignupClosed(self._id)]

    def reopen_signup(self) -> list[events.Event]:
        self.check_not_cancelled()
        self.signup_open = True
        return [events.SignupOpened(self._id)]

    def change_limit(self, limit: int | None) -> list[events.Event]:
        """How many may sign up (None: anyone). Learners already signed up stay even when a
        lower limit leaves them over it; a higher one frees places for the waitlist."""
        self.check_not_cancelled()
        self.signup_limit = limit
        return [events.SignupLimitChanged(self._id)]

    def move_to(self, venue: Venue) -> list[events.Event]:
        """The circle meets somewhere else from now on."""
        self.check_not_cancelled()
        self.venue = venue
        return [events.VenueChanged(self._id)]

    def new_meeting(self, meetings: Sequence[Meeting], start: datetime) -> Meeting:
        """One more meeting (not stored yet, numbered by storage) at ``start``: a circle meets
        at most MAX_WEEKS times, counting cancelled meetings, which keep their place."""
        self.check_not_cancelled()
        if len(meetings) >= MAX_WEEKS:
            raise InvalidSchedule(weeks=len(meetings) + 1)
        return Meeting(None, self._id, 0, start, self.duration_minutes)

    @property
    def _id(self) -> int:
        assert self.id is not None, "only a stored circle changes"
        return self.id


@dataclass
class Meeting:
    id: int | None
    circle_id: int
    number: int
    start: datetime  # aware, UTC
    duration_minutes: int
    cancelled: bool = False
    sequence: int = 0  # revision for calendars (iCalendar SEQUENCE); storage raises it on changes

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.duration_minutes)

    def check_ahead(self, now: datetime) -> None:
        """Rescheduling or cancelling is for meetings that have not started yet."""
        if self.cancelled:
            raise MeetingCancelled()
        if self.start <= now:
            raise MeetingPast()

    def reschedule(self, start: datetime, now: datetime) -> list[events.Event]:
        """Move a meeting still ahead to ``start`` (UTC)."""
        self.check_ahead(now)
        old, self.start = self.start, start
        return [events.MeetingMoved(self.circle_id, self._id, old, start)]

    def cancel(self, now: datetime) -> list[events.Event]:
        """Call off a meeting still ahead; it keeps its place (and number) in the schedule."""
        self.check_ahead(now)
        self.cancelled = True
        return [events.MeetingCancelled(self.circle_id, self._id, self.start)]

    @property
    def _id(self) -> int:
        assert self.id is not None, "only a stored meeting changes"
        return self.id


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

    # Who is in the team changes by these rules; ``members`` are the team's members as stored.

    def check_can_leave(self, members: Sequence[TeamMember], person_id: int) -> None:
        """A team keeps an organizer while it has other members: its only organizer invites
        another one (or closes the team) before leaving."""
        organizers = [m for m in members if m.role is TeamRole.ORGANIZER]
        leaving = next((m for m in members if m.person_id == person_id), None)
        if leaving is not None and leaving.role is TeamRole.ORGANIZER and len(organizers) == 1 and len(members) > 1:
            raise LastOrganizer()

    def leave(self, members: Sequence[TeamMember], person_id: int) -> list[events.Event]:
        self.check_can_leave(members, person_id)
        return [events.MemberLeft(self._id, person_id)]

    def remove_member(self, members: Sequence[TeamMember], by: int, person_id: int) -> list[events.Event]:
        """An organizer removes a member; removing oneself is leaving, with its rule."""
        if not any(m.person_id == person_id and m.team_id == self.id for m in members):
            raise NotFound()
        if person_id == by:
            return self.leave(members, person_id)
        return [events.MemberRemoved(self._id, person_id, by)]

    @property
    def _id(self) -> int:
        assert self.id is not None, "only a stored team changes"
        return self.id


@dataclass
class TeamMember:
    team_id: int
    person_id: int
    role: TeamRole


@dataclass
class MeetingFeedback:
    """F5: a facilitator's account of one meeting they ran."""

    meeting_id: int
    person_id: int
    rating: int
    attendance: int
    reflection: str
    created_at: datetime | None = None


@dataclass
class SurveyResponse:
    """L4 / F6: one person's answers to a circle's end-of-circle survey (``kind``: learner or facilitator)."""

    circle_id: int
    person_id: int
    kind: str
    answers: dict[str, Any]
    answered_at: datetime
