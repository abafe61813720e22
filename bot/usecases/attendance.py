"""Attendance: learners check in (*I'm here*, ``/here``), facilitators confirm who came, and the
one count of how many came to a meeting that the report, its chart and the warnings read.

The rules (the check-in window, what counts as having come, a run of absences) are in
``domain/attendance.py``; this module loads and stores around them.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from bot.delivery.attendance import queue_missed_notes
from bot.usecases.report import circle_figures
from domain.attendance import Window, check_can_check_in, check_in_window, listed
from domain.errors import NotFound
from domain.model import Circle, CircleStatus, Meeting
from domain.schedule import next_meeting
from storage.unit import Unit


@dataclass
class CheckIn:
    """What a press of *I'm here* (or ``/here``) came to."""

    circle: Circle
    meeting: Meeting
    window: Window  # OPEN: checked in; EARLY or CLOSED: nothing changed
    first: bool = False  # the first check-in (False: they had checked in already)


async def check_in(unit: Unit, meeting_id: int, person_id: int, now: datetime) -> CheckIn:
    """A learner's own *I'm here*. Outside the window it changes nothing and says why."""
    meeting = await unit.circles.meeting(meeting_id)
    circle = await unit.circles.get(meeting.circle_id) if meeting is not None else None
    if meeting is None or circle is None or circle.id is None:
        raise NotFound()
    signup = await unit.signups.get(circle.id, person_id)
    check_can_check_in(circle, meeting, signed_up=signup is not None and signup.active)
    window = check_in_window(meeting, now)
    if window is not Window.OPEN:
        return CheckIn(circle, meeting, window)
    return CheckIn(circle, meeting, window, first=await unit.attendance.check_in(meeting_id, person_id, now))


@dataclass
class Here:
    """``/here``: the meetings of the person's circles open for check-in now, else their next one."""

    open: list[tuple[Circle, Meeting]]
    upcoming: tuple[Circle, Meeting] | None = None
    learner: bool = True  # signed up for some published circle


async def here(unit: Unit, person_id: int, now: datetime) -> Here:
    circles = [await unit.circles.get(s.circle_id) for s in await unit.signups.active_for_person(person_id)]
    published = [c for c in circles if c is not None and c.id is not None and c.status is CircleStatus.PUBLISHED]
    schedules = await unit.circles.meetings_of([c.id for c in published if c.id is not None])
    found = Here(open=[], learner=bool(published))
    for circle in published:
        meetings = schedules.get(circle.id or 0, [])
        found.open += [(circle, m) for m in meetings if not m.cancelled and check_in_window(m, now) is Window.OPEN]
        ahead = next_meeting(meetings, now)
        if ahead is not None and (found.upcoming is None or ahead.start < found.upcoming[1].start):
            found.upcoming = (circle, ahead)
    found.open.sort(key=lambda cm: cm[1].start)
    return found


@dataclass
class Roster:
    """The facilitator's starting point for confirming who came to a meeting."""

    learners: dict[int, str]  # the circle's learners, id → name
    checked_in: set[int] = field(default_factory=set)
    said_yes: set[int] = field(default_factory=set)
    confirmed: set[int] | None = None  # present by an earlier confirmation of this meeting

    @property
    def starting(self) -> set[int]:
        """Ticked to begin with: an earlier confirmation, else whoever checked in or said yes."""
        if self.confirmed is not None:
            return set(self.confirmed)
        return (self.checked_in | self.said_yes) & set(self.learners)

    @property
    def listed(self) -> bool:
        """Confirmed name by name (``domain.attendance.listed``), else a typed head count."""
        return listed(len(self.learners))


async def roster(unit: Unit, meeting: Meeting) -> Roster:
    """Who may have come to ``meeting`` (read after the facilitator's permission was checked)."""
    assert meeting.id is not None
    learners = [s.person_id for s in await unit.signups.active_for_circle(meeting.circle_id)]
    names = await unit.people.names(learners)
    rows = await unit.attendance.of_meetings([meeting.id])
    said = {
        r.person_id
        for r in await unit.rsvps.for_circle(meeting.circle_id)
        if r.meeting_id == meeting.id and r.attending
    }
    confirmed = {r.person_id for r in rows if r.present}
    was_confirmed = any(r.present is not None for r in rows)
    return Roster(
        learners={p: names.get(p, "?") for p in sorted(learners, key=lambda p: (names.get(p, "?").casefold(), p))},
        checked_in={r.person_id for r in rows if r.checked_in_at is not None},
        said_yes=said,
        confirmed=confirmed if was_confirmed else None,
    )


async def confirm(unit: Unit, meeting: Meeting, facilitator_id: int, present: Collection[int], now: datetime) -> int:
    """Store the facilitator's list (every learner of the circle: came or not) and queue the
    "we missed you" notes it calls for; returns how many of the circle's learners came."""
    assert meeting.id is not None
    learners = {s.person_id for s in await unit.signups.active_for_circle(meeting.circle_id)}
    await unit.attendance.confirm(meeting.id, {p: p in present for p in learners}, facilitator_id, now)
    await queue_missed_notes(unit, meeting.circle_id, now)
    return len(learners & set(present))


async def how_many_came(unit: Unit, circle_id: int, now: datetime) -> dict[int, int | None]:
    """How many came to each meeting of a circle (None: not known, or not held yet), counted as
    the report counts it (``bot.usecases.report.circle_figures``)."""
    figures = await circle_figures(unit, {circle_id: await unit.circles.meetings(circle_id)}, now)
    return {f.meeting.id: f.attended for f in figures[circle_id].meetings if f.meeting.id is not None}
