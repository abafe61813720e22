"""What learners do: browse, sign up, RSVP, leave, forget (L1–L3, L6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.geo import distance_km, find_places, normalise_place, place_key
from bot.usecases import leaving, waitlist
from bot.usecases.circles import ONLINE_KEY
from domain.errors import NotFound
from domain.model import Circle, Meeting, Rsvp, Signup
from domain.rules import check_can_rsvp, check_can_sign_up, is_listed
from domain.waitlist import DEFAULT_OFFER_HOLD
from storage.signups import RsvpSheetRows
from storage.unit import Unit


@dataclass
class Listed:
    circle: Circle
    meetings: list[Meeting]
    distance_km: float | None = None


async def browse_city(unit: Unit, city: str, now: datetime) -> list[Listed]:
    """Circles at every place the typed name can mean ("Córdoba": Argentina's, then Spain's), the
    most populous place first; and circles whose unknown place was kept under this very name."""
    if normalise_place(city) == ONLINE_KEY:
        keys = [ONLINE_KEY]
    else:
        keys = [place_key(city, place) for place in find_places(city)] + [normalise_place(city)]
    found = await unit.circles.published(keys)
    rank = {key: position for position, key in enumerate(keys)}
    found.sort(key=lambda circle: rank.get(circle.venue.place, len(keys)))  # stable: by date within a place
    return await _listed(unit, found, now)


async def browse_near(unit: Unit, latitude: float, longitude: float, now: datetime, limit: int = 10) -> list[Listed]:
    """Listed circles with a known place, nearest first."""
    found = await _listed(unit, await unit.circles.published(), now)
    placed = [entry for entry in found if entry.circle.venue.latitude is not None]
    for entry in placed:
        venue = entry.circle.venue
        assert venue.latitude is not None and venue.longitude is not None
        entry.distance_km = distance_km(latitude, longitude, venue.latitude, venue.longitude)
    placed.sort(key=lambda entry: entry.distance_km or 0.0)
    return placed[:limit]


async def _listed(unit: Unit, circles: list[Circle], now: datetime) -> list[Listed]:
    schedules = await unit.circles.meetings_of([c.id for c in circles if c.id is not None])
    return [
        Listed(circle, schedules[circle.id])
        for circle in circles
        if circle.id is not None and is_listed(circle, schedules[circle.id], now)
    ]


async def check_signup(unit: Unit, circle: Circle, person_id: int, now: datetime) -> Signup | None:
    """Raise why this person cannot sign up; return their earlier signup if they have one."""
    assert circle.id is not None
    earlier = await unit.signups.get(circle.id, person_id)
    already = earlier is not None and earlier.active
    # People on the waitlist are ahead of a newcomer: their places count as taken (L7).
    waiting = [e for e in await unit.waitlist.of_circle(circle.id) if not e.offer_lapsed(now)]
    taken = await unit.signups.count_active(circle.id) + len(waiting)
    check_can_sign_up(circle, await unit.circles.meetings(circle.id), now, taken, already)
    return earlier


async def sign_up(unit: Unit, signup: Signup, now: datetime) -> bool:
    """Save a signup (or update the earlier one); True when it is new.

    The circle's row is locked first so that two people racing for the last place of a
    limited circle cannot both get it (PostgreSQL; SQLite serialises writers anyway).
    """
    circle = await unit.circles.get_for_update(signup.circle_id)
    if circle is None:
        raise NotFound()
    earlier = await check_signup(unit, circle, signup.person_id, now)
    await unit.signups.save(signup, now)
    return earlier is None or not earlier.active


async def rsvp(
    unit: Unit, meeting_id: int, person_id: int, attending: bool, now: datetime
) -> tuple[RsvpSheetRows, Meeting]:
    """L3: answer (or change the answer) for one meeting; the circle's sheet with the new answer.

    The busiest moment the bot has (learners pressing a reminder's buttons), so it costs one read
    (the meeting with its circle, the circle's meetings, the person's signup and answers) and one
    write, whatever the circle's size."""
    found = await unit.rsvps.sheet_around(meeting_id, person_id)
    meeting = found.meeting(meeting_id) if found is not None else None
    if found is None or meeting is None:
        raise NotFound()
    check_can_rsvp(found.circle, meeting, now, signed_up=found.signed_up)
    await unit.rsvps.answer(Rsvp(meeting_id, person_id, attending, now))
    found.answers[meeting_id] = attending
    return found, meeting


async def leave(
    unit: Unit, circle_id: int, person_id: int, now: datetime, hold: timedelta = DEFAULT_OFFER_HOLD
) -> bool:
    """L6: leave a circle; the place freed goes to its waitlist (the circle's row is locked first,
    so two learners leaving at once free two places, offered to two people)."""
    await unit.circles.get_for_update(circle_id)
    left = await unit.signups.leave(circle_id, person_id, now)
    if left:
        await waitlist.places_freed(unit, [circle_id], now, hold)
    return left


async def forget(unit: Unit, person_id: int, now: datetime, hold: timedelta = DEFAULT_OFFER_HOLD) -> None:
    """L6: anonymise the person's records and stop every message to them.

    Refused (``OnlyOrganizer``) for a team's only organizer while the team has other members;
    their circles are handed over first (``bot.usecases.leaving``)."""
    await leaving.leave_for_good(unit, person_id, now)
    for identity in await unit.people.identities_of(person_id):
        await unit.kept_inputs.forget(identity.platform, identity.external_id)
    freed = [s.circle_id for s in await unit.signups.active_for_person(person_id)]
    freed += await unit.waitlist.remove_person(person_id)  # a place held for them goes on, too
    await unit.signups.anonymise_person(person_id, now)
    await waitlist.places_freed(unit, freed, now, hold)
    await unit.surveys.forget_person(person_id)
    await unit.feedback.forget_person(person_id)
    await unit.calendar_feeds.remove(person_id)  # their live calendar address answers 404 from now on
    await unit.people.anonymise(person_id)
