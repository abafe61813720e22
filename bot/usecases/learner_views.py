"""What learners see and do from chat (L1–L3, L6): one use case per command, button or dialog end
of bot/handlers/learner.py and bot/dialogs/signup.py, each returning what its view needs.

The rules themselves (who may sign up, RSVP, leave) are in ``bot.usecases.learners`` and
``domain``; these gather what the views show around them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.usecases.leaders import leaders
from bot.usecases.learners import check_signup, leave, rsvp, sign_up
from domain.errors import NotFound, NotSignedUp
from domain.model import Circle, CircleStatus, Meeting, Signup
from domain.schedule import next_meeting
from domain.waitlist import place_in_line
from storage.unit import Unit


@dataclass
class CircleCard:
    """A circle's card as one person sees it: whether they facilitate it or signed up decides its buttons."""

    circle: Circle
    meetings: list[Meeting]
    facilitates: bool
    signed_up: bool
    full: bool = False  # every place taken or held for the waitlist: newcomers join the line
    place_in_line: int | None = None  # on the waitlist: 1 is next
    offered_until: datetime | None = None  # a place is held for this person until then
    leaders: dict[int, str] = field(default_factory=dict)  # who covers a meeting, by meeting (issue 14)


async def _card(unit: Unit, circle: Circle, person_id: int, now: datetime) -> CircleCard:
    assert circle.id is not None
    signup = await unit.signups.get(circle.id, person_id)
    line = [e for e in await unit.waitlist.of_circle(circle.id) if not e.offer_lapsed(now)]
    taken = await unit.signups.count_active(circle.id) + len(line)
    place = place_in_line(line, person_id)
    meetings = await unit.circles.meetings(circle.id)
    upcoming = next_meeting(meetings, now)
    return CircleCard(
        circle,
        meetings,
        facilitates=person_id in await unit.circles.facilitator_ids(circle.id),
        signed_up=signup is not None and signup.active,
        full=circle.signup_limit is not None and taken >= circle.signup_limit,
        place_in_line=place,
        offered_until=line[place - 1].offer_expires_at if place is not None else None,
        leaders=await leaders(unit, [upcoming.id] if upcoming is not None and upcoming.id is not None else []),
    )


async def circle_card(unit: Unit, circle_id: int, person_id: int, now: datetime) -> CircleCard:
    """A circle's card; drafts are nobody's business but their facilitators' (``NotFound``)."""
    circle = await unit.circles.get(circle_id)
    if circle is None or circle.status is CircleStatus.DRAFT:
        raise NotFound()
    return await _card(unit, circle, person_id, now)


async def card_by_code(unit: Unit, code: str, person_id: int, now: datetime) -> CircleCard | None:
    """The card of the circle a share link names; None when the code names no circle that is out
    of draft (it may still be an invitation)."""
    circle = await unit.circles.by_code(code)
    if circle is None or circle.status is CircleStatus.DRAFT:
        return None
    return await _card(unit, circle, person_id, now)


@dataclass
class Schedule:
    circle: Circle
    meetings: list[Meeting]
    insider: bool = False  # signed up or facilitating: sees an online circle's meeting link


async def circle_schedule(unit: Unit, circle_id: int, person_id: int) -> Schedule:
    """A circle's meetings, for a calendar file (not of drafts)."""
    circle = await unit.circles.get(circle_id)
    if circle is None or circle.status is CircleStatus.DRAFT:
        raise NotFound()
    signup = await unit.signups.get(circle_id, person_id)
    insider = (signup is not None and signup.active) or person_id in await unit.circles.facilitator_ids(circle_id)
    return Schedule(circle, await unit.circles.meetings(circle_id), insider)


@dataclass
class RsvpSheet:
    """A learner's answers to a circle's meetings (meeting id → coming), for the RSVP list, and
    who leads a meeting someone covers (meeting id → name)."""

    circle: Circle
    meetings: list[Meeting]
    answers: dict[int, bool]
    leaders: dict[int, str] = field(default_factory=dict)


async def _sheet(unit: Unit, circle: Circle, person_id: int) -> RsvpSheet:
    assert circle.id is not None
    meetings = await unit.circles.meetings(circle.id)
    answers = await unit.rsvps.of_person(person_id, [m.id for m in meetings if m.id is not None])
    return RsvpSheet(circle, meetings, answers)


async def _with_leaders(unit: Unit, sheets: list[RsvpSheet]) -> list[RsvpSheet]:
    """Who covers which of the sheets' meetings, read once for all of them."""
    found = await leaders(unit, (m.id for sheet in sheets for m in sheet.meetings if m.id is not None))
    for sheet in sheets:
        sheet.leaders = {m.id: found[m.id] for m in sheet.meetings if m.id in found}
    return sheets


async def rsvp_sheet(unit: Unit, circle_id: int, person_id: int) -> RsvpSheet:
    circle = await unit.circles.get(circle_id)
    signup = await unit.signups.get(circle_id, person_id)
    if circle is None or signup is None or not signup.active:
        raise NotSignedUp()
    return (await _with_leaders(unit, [await _sheet(unit, circle, person_id)]))[0]


async def rsvp_sheets(unit: Unit, person_id: int) -> list[RsvpSheet] | None:
    """/rsvp: a sheet per published circle the person signed up for; None when they signed up for none."""
    signups = await unit.signups.active_for_person(person_id)
    if not signups:
        return None
    sheets = []
    for signup in signups:
        circle = await unit.circles.get(signup.circle_id)
        if circle is not None and circle.status is CircleStatus.PUBLISHED:
            sheets.append(await _sheet(unit, circle, person_id))
    return await _with_leaders(unit, sheets)


@dataclass
class Answered:
    sheet: RsvpSheet  # with the new answer
    meeting: Meeting


async def answer_rsvp(unit: Unit, meeting_id: int, person_id: int, attending: bool, now: datetime) -> Answered:
    """L3: answer (or change the answer) for one meeting, and the sheet that shows it."""
    found, meeting = await rsvp(unit, meeting_id, person_id, attending, now)
    return Answered(RsvpSheet(found.circle, found.meetings, found.answers, found.leaders), meeting)


@dataclass
class SignedUpFor:
    circle: Circle
    upcoming: Meeting | None


@dataclass
class MyCircles:
    facilitated: list[Circle]
    signed_up: list[SignedUpFor]


async def my_circles(unit: Unit, person_id: int, now: datetime) -> MyCircles:
    facilitated = await unit.circles.facilitated_by(person_id)
    signed_up = []
    for circle in await circles_signed_up(unit, person_id):
        assert circle.id is not None
        signed_up.append(SignedUpFor(circle, next_meeting(await unit.circles.meetings(circle.id), now)))
    return MyCircles(facilitated, signed_up)


async def circles_signed_up(unit: Unit, person_id: int) -> list[Circle]:
    """The circles the person is signed up for, in the order they signed up."""
    circles = []
    for signup in await unit.signups.active_for_person(person_id):
        circle = await unit.circles.get(signup.circle_id)
        if circle is not None and circle.id is not None:
            circles.append(circle)
    return circles


async def circles_waiting(unit: Unit, person_id: int) -> list[Circle]:
    """The circles whose waitlist the person is on (L7)."""
    circles = []
    for entry in await unit.waitlist.of_person(person_id):
        circle = await unit.circles.get(entry.circle_id)
        if circle is not None:
            circles.append(circle)
    return circles


async def circle_to_leave(unit: Unit, circle_id: int, person_id: int) -> Circle:
    """The circle the person asks to leave, if they are signed up for it (else ``NotFound``)."""
    circle = await unit.circles.get(circle_id)
    signup = await unit.signups.get(circle_id, person_id)
    if circle is None or signup is None or not signup.active:
        raise NotFound()
    return circle


@dataclass
class Left:
    circle: Circle
    left: bool  # False: they were not signed up (any more)


async def leave_circle(unit: Unit, circle_id: int, person_id: int, now: datetime, hold: timedelta) -> Left:
    circle = await unit.circles.get(circle_id)
    if circle is None:
        raise NotFound()
    return Left(circle, await leave(unit, circle_id, person_id, now, hold))


async def find_circle(unit: Unit, circle_id: int) -> Circle | None:
    return await unit.circles.get(circle_id)


async def begin_signup(unit: Unit, circle_id: int, person_id: int, now: datetime) -> Signup | None:
    """Check that the person may sign up at all (else a refusal); their earlier signup, if any."""
    circle = await unit.circles.get(circle_id)
    if circle is None:
        raise NotFound()
    return await check_signup(unit, circle, person_id, now)


@dataclass
class SignedUp:
    """What the confirmation of a signup shows."""

    circle: Circle
    meetings: list[Meeting]
    upcoming: Meeting | None
    is_new: bool  # False: an earlier signup was updated


async def sign_up_for(unit: Unit, signup: Signup, now: datetime) -> SignedUp:
    """L2: save the signup (see ``sign_up``) and return what its confirmation shows."""
    is_new = await sign_up(unit, signup, now)
    circle = await unit.circles.get(signup.circle_id)
    assert circle is not None and circle.id is not None
    meetings = await unit.circles.meetings(circle.id)
    return SignedUp(circle, meetings, next_meeting(meetings, now), is_new)
