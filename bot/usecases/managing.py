"""What a facilitator reads before acting on a circle (F2, F8): each function checks the person's
role once (domain/roles.py, through ``load_managed``) and returns what the view needs.

The commands that change a circle live in ``bot/usecases/circles.py``; these are the questions
asked before them ("which meeting?", "cancel it?") and the overviews, so a handler or dialog
calls one function here and renders its answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.usecases.circles import Managed, cancel_meeting, load_managed, remove_cofacilitator
from bot.usecases.leaders import leaders
from domain.errors import CircleNotOpen, NotFound
from domain.model import Circle, CircleStatus, FacilitatorRole, Meeting, Rsvp, Signup
from domain.roles import Capability
from domain.rules import check_meeting_ahead, check_not_cancelled
from domain.schedule import meetings_ahead
from domain.waitlist import WaitlistEntry
from storage.unit import Unit


async def facilitated_circles(
    unit: Unit, person_id: int, *, published_only: bool = False, without_cancelled: bool = False
) -> list[Circle]:
    """The circles the person facilitates: all of them, only the published ones (someone to write
    to), or all but the cancelled ones (something left to remind of)."""
    circles = await unit.circles.facilitated_by(person_id)
    if published_only:
        return [c for c in circles if c.status is CircleStatus.PUBLISHED]
    if without_cancelled:
        return [c for c in circles if c.status is not CircleStatus.CANCELLED]
    return circles


async def _names(unit: Unit, person_ids: list[int]) -> dict[int, str]:
    return await unit.people.names(person_ids)


@dataclass
class CircleOverview:
    """F2/F8: the circle as its facilitators manage it."""

    managed: Managed
    signups: int
    names: dict[int, str]  # of the facilitators


async def circle_overview(unit: Unit, circle_id: int, person_id: int) -> CircleOverview:
    managed = await load_managed(unit, circle_id, person_id, Capability.MANAGE)
    count = await unit.signups.count_active(circle_id)
    return CircleOverview(managed, count, await _names(unit, managed.facilitator_ids))


@dataclass
class CircleSignups:
    """F2: the active signups of a circle, with the learners' names and (for the schedule) RSVPs."""

    managed: Managed
    signups: list[Signup]
    names: dict[int, str]
    rsvps: list[Rsvp]
    waiting: list[WaitlistEntry] = field(default_factory=list)  # L7: the line, first in line first
    leaders: dict[int, str] = field(default_factory=dict)  # who covers a meeting, by meeting (issue 14)


async def _signups(unit: Unit, circle_id: int, person_id: int, capability: Capability) -> CircleSignups:
    managed = await load_managed(unit, circle_id, person_id, capability)
    found = await unit.signups.active_for_circle(circle_id)
    waiting = await unit.waitlist.of_circle(circle_id)
    names = await _names(unit, [s.person_id for s in found] + [e.person_id for e in waiting])
    return CircleSignups(managed, found, names, [], waiting)


async def signups(unit: Unit, circle_id: int, person_id: int) -> CircleSignups:
    return await _signups(unit, circle_id, person_id, Capability.VIEW_SIGNUPS)


async def signups_export(unit: Unit, circle_id: int, person_id: int) -> CircleSignups:
    return await _signups(unit, circle_id, person_id, Capability.EXPORT_SIGNUPS)


async def schedule_and_rsvps(unit: Unit, circle_id: int, person_id: int) -> CircleSignups:
    found = await _signups(unit, circle_id, person_id, Capability.VIEW_SIGNUPS)
    found.rsvps = await unit.rsvps.for_circle(circle_id)
    found.leaders = await leaders(unit, (m.id for m in found.managed.meetings if m.id is not None))
    return found


async def meetings_to_change(unit: Unit, circle_id: int, person_id: int, now: datetime) -> tuple[Circle, list[Meeting]]:
    """The meetings still ahead, which a facilitator may reschedule or cancel."""
    managed = await load_managed(unit, circle_id, person_id, Capability.CHANGE_MEETINGS)
    return managed.circle, meetings_ahead(managed.meetings, now)


async def check_reschedule(unit: Unit, meeting_id: int, person_id: int, now: datetime) -> Circle:
    """Before asking for a new time: may the person move this meeting, and is it still ahead?"""
    circle, meeting = await meeting_to_change(unit, meeting_id, person_id)
    check_not_cancelled(circle)
    check_meeting_ahead(meeting, now)
    return circle


async def check_change_venue(unit: Unit, circle_id: int, person_id: int) -> Circle:
    managed = await load_managed(unit, circle_id, person_id, Capability.CHANGE_VENUE)
    check_not_cancelled(managed.circle)
    return managed.circle


async def check_add_meeting(unit: Unit, circle_id: int, person_id: int) -> Circle:
    managed = await load_managed(unit, circle_id, person_id, Capability.CHANGE_MEETINGS)
    check_not_cancelled(managed.circle)
    return managed.circle


async def meeting_to_change(unit: Unit, meeting_id: int, person_id: int) -> tuple[Circle, Meeting]:
    """A meeting the person may change, with its circle: the one a facilitator is asked to confirm
    cancelling (the confirmation checks the rest)."""
    meeting = await unit.circles.meeting(meeting_id)
    if meeting is None:
        raise NotFound()
    managed = await load_managed(unit, meeting.circle_id, person_id, Capability.CHANGE_MEETINGS)
    return managed.circle, meeting


async def cancel_one_meeting(unit: Unit, meeting_id: int, person_id: int, now: datetime) -> tuple[Circle, Meeting]:
    """Cancel one meeting (``circles.cancel_meeting``); returns it with its circle, for the answer."""
    meeting = await cancel_meeting(unit, meeting_id, person_id, now)
    circle = await unit.circles.get(meeting.circle_id)
    if circle is None:
        raise NotFound()
    return circle, meeting


async def circle_to_cancel(unit: Unit, circle_id: int, person_id: int) -> Circle:
    return (await load_managed(unit, circle_id, person_id, Capability.CANCEL_CIRCLE)).circle


async def cofacilitator_to_remove(unit: Unit, circle_id: int, person_id: int, co_id: int) -> tuple[Circle, str]:
    """The circle and the name of the co-facilitator someone asks to remove."""
    managed = await load_managed(unit, circle_id, person_id, Capability.REMOVE_FACILITATOR)
    if not any(f.person_id == co_id and f.role is FacilitatorRole.CO for f in managed.facilitators):
        raise NotFound()
    return managed.circle, (await _names(unit, [co_id])).get(co_id, "?")


async def remove_named_cofacilitator(
    unit: Unit, circle_id: int, person_id: int, co_id: int, now: datetime
) -> tuple[Circle, str]:
    """Remove a co-facilitator (``circles.remove_cofacilitator``); returns the circle and their name."""
    name = (await _names(unit, [co_id])).get(co_id, "?")
    return await remove_cofacilitator(unit, circle_id, person_id, co_id, now), name


async def circle_to_step_down_from(unit: Unit, circle_id: int, person_id: int) -> Circle:
    return (await load_managed(unit, circle_id, person_id, Capability.STEP_DOWN)).circle


async def circle(unit: Unit, circle_id: int) -> Circle:
    """A circle by id, for the questions of a dialog already begun (its last step checks roles)."""
    found = await unit.circles.get(circle_id)
    if found is None:
        raise NotFound()
    return found


async def circle_and_meeting(unit: Unit, circle_id: int, meeting_id: int | None) -> tuple[Circle, Meeting | None]:
    """A circle and, when asked for, one of its meetings (None when not asked for)."""
    found = await circle(unit, circle_id)
    if meeting_id is None:
        return found, None
    meeting = await unit.circles.meeting(meeting_id)
    if meeting is None:
        raise NotFound()
    return found, meeting


@dataclass
class Shared:
    """A circle whose card someone who manages it posts in a channel."""

    circle: Circle
    meetings: list[Meeting]


async def circle_to_share(unit: Unit, circle_id: int, person_id: int) -> Shared:
    """The circle, if the person manages it and it is out in the open (published, not cancelled):
    a draft's card is nobody else's business, and nobody can sign up for a cancelled circle."""
    managed = await load_managed(unit, circle_id, person_id, Capability.MANAGE)
    if managed.circle.status is not CircleStatus.PUBLISHED:
        raise CircleNotOpen(circle=managed.circle.name)
    return Shared(managed.circle, managed.meetings)
