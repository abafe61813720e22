"""L7: joining a full circle's waitlist, leaving it, and claiming a place offered from it.

The rules of the line are in ``domain/waitlist.py``; offering freed places (and the offers'
deadlines) in ``bot/delivery/offers.py``. Each use case here locks the circle's row first, like
signing up, so that a claim, a leave and a new signup of the same circle happen one at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.delivery.offers import offer_free_places
from domain.errors import CircleFinished, CircleNotOpen, NoOffer, NotFound, SignupClosed
from domain.model import Circle, CirclePhase, CircleStatus, Meeting, Signup
from domain.schedule import next_meeting, phase
from domain.waitlist import WaitlistEntry, place_in_line
from storage.unit import Unit


async def _locked(unit: Unit, circle_id: int) -> Circle:
    circle = await unit.circles.get_for_update(circle_id)
    if circle is None or circle.status is CircleStatus.DRAFT:
        raise NotFound()
    return circle


def _check_open(circle: Circle, meetings: list[Meeting], now: datetime) -> None:
    if circle.status is not CircleStatus.PUBLISHED:
        raise CircleNotOpen(circle=circle.name)
    if phase(meetings, now) is CirclePhase.FINISHED:
        raise CircleFinished(circle=circle.name)


async def begin_waiting(unit: Unit, circle_id: int, person_id: int, now: datetime) -> Circle:
    """Check that the person may join the line at all, before they answer the signup questions."""
    circle = await unit.circles.get(circle_id)
    if circle is None or circle.status is CircleStatus.DRAFT:
        raise NotFound()
    _check_open(circle, await unit.circles.meetings(circle_id), now)
    if not circle.signup_open:
        raise SignupClosed(circle=circle.name)
    return circle


@dataclass
class Waiting:
    circle: Circle
    place: int  # 1: first in line
    offered_until: datetime | None  # a place was offered at once (one freed meanwhile)


async def join(unit: Unit, signup: Signup, now: datetime, hold: timedelta) -> Waiting:
    """Join the line with one's answers to the signup questions; joining again keeps one's place."""
    circle = await _locked(unit, signup.circle_id)
    _check_open(circle, await unit.circles.meetings(signup.circle_id), now)
    if not circle.signup_open:
        raise SignupClosed(circle=circle.name)
    if await unit.waitlist.get(signup.circle_id, signup.person_id) is None:
        entry = WaitlistEntry(
            None, signup.circle_id, signup.person_id, signup.goal, signup.help_peers, signup.custom_answer, now
        )
        await unit.waitlist.add(entry)
        await offer_free_places(unit, signup.circle_id, now, hold)  # a place may have freed meanwhile
    return await _where(unit, circle, signup.person_id)


async def _where(unit: Unit, circle: Circle, person_id: int) -> Waiting:
    assert circle.id is not None
    line = await unit.waitlist.of_circle(circle.id)
    place = place_in_line(line, person_id)
    assert place is not None
    entry = line[place - 1]
    return Waiting(circle, place, entry.offer_expires_at)


@dataclass
class Claimed:
    circle: Circle
    meetings: list[Meeting]
    upcoming: Meeting | None


async def claim(unit: Unit, circle_id: int, person_id: int, now: datetime) -> Claimed:
    """Take the place held for one: it becomes a signup with the answers given when joining."""
    circle = await _locked(unit, circle_id)
    meetings = await unit.circles.meetings(circle_id)
    _check_open(circle, meetings, now)
    entry = await unit.waitlist.get(circle_id, person_id)
    if entry is None or not entry.holds_offer(now):
        raise NoOffer(circle=circle.name)
    signup = Signup(None, circle_id, person_id, entry.goal, entry.help_peers, entry.custom_answer)
    await unit.signups.save(signup, now)
    await unit.waitlist.remove(circle_id, person_id)
    return Claimed(circle, meetings, next_meeting(meetings, now))


async def leave_line(unit: Unit, circle_id: int, person_id: int, now: datetime, hold: timedelta) -> Circle:
    """Leave the line; a place held for one goes to the next in line."""
    circle = await _locked(unit, circle_id)
    if not await unit.waitlist.remove(circle_id, person_id):
        raise NotFound()
    await offer_free_places(unit, circle_id, now, hold)
    return circle


async def places_freed(unit: Unit, circle_ids: list[int], now: datetime, hold: timedelta) -> int:
    """After learners left or were forgotten: offer what freed, circle by circle."""
    offered = 0
    for circle_id in sorted(set(circle_ids)):
        offered += await offer_free_places(unit, circle_id, now, hold)
    return offered
