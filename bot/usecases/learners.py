"""What learners do: browse, sign up, RSVP, leave, forget (L1–L3, L6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.geo import distance_km, normalise_place
from bot.usecases import leaving
from bot.usecases.circles import city_key
from domain.errors import NotFound
from domain.model import Circle, Meeting, Rsvp, Signup, Venue
from domain.rules import check_can_rsvp, check_can_sign_up, is_listed
from storage.signups import RsvpSheetRows
from storage.unit import Unit


@dataclass
class Listed:
    circle: Circle
    meetings: list[Meeting]
    distance_km: float | None = None


async def browse_city(unit: Unit, city: str, now: datetime) -> list[Listed]:
    key = city_key(Venue(name=city, city=city)) if normalise_place(city) != "online" else "online"
    return await _listed(unit, await unit.circles.published(key), now)


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
    check_can_sign_up(
        circle, await unit.circles.meetings(circle.id), now, await unit.signups.count_active(circle.id), already
    )
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


async def leave(unit: Unit, circle_id: int, person_id: int, now: datetime) -> bool:
    return await unit.signups.leave(circle_id, person_id, now)


async def forget(unit: Unit, person_id: int, now: datetime) -> None:
    """L6: anonymise the person's records and stop every message to them.

    Refused (``OnlyOrganizer``) for a team's only organizer while the team has other members;
    their circles are handed over first (``bot.usecases.leaving``)."""
    await leaving.leave_for_good(unit, person_id, now)
    for identity in await unit.people.identities_of(person_id):
        await unit.kept_inputs.forget(identity.platform, identity.external_id)
    await unit.signups.anonymise_person(person_id, now)
    await unit.surveys.forget_person(person_id)
    await unit.feedback.forget_person(person_id)
    await unit.people.anonymise(person_id)
