"""Creating, publishing and managing circles (F1, F8)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.delivery import notices
from bot.delivery.offers import offer_free_places
from bot.geo import city_by_id, find_city, place_key
from bot.usecases.codes import new_code
from domain.errors import NotFound
from domain.model import Circle, Facilitator, FacilitatorRole, Meeting, Venue
from domain.roles import Capability, Role, check_for_meeting, roles_in_circle
from domain.schedule import local_to_utc, weekly_starts
from storage.invites import Invite
from storage.unit import Unit

ONLINE_KEY = "online"
COFACILITATOR_INVITE = "cofacilitator"


def city_key(venue: Venue) -> str:
    """How browse finds a circle: the place its city is (resolved once, through the gazetteer, so
    that any name of it finds the circle); online circles without a city under 'online'."""
    if venue.city:
        if not venue.place:
            venue.place = place_key(venue.city)
        return venue.place
    return ONLINE_KEY if venue.online else ""


def locate(venue: Venue) -> Venue:
    """Coordinates for browsing by location, from the place (or city) through the offline gazetteer."""
    if venue.latitude is None and venue.city:
        chosen = venue.place.removeprefix("geo:")
        city = city_by_id(int(chosen)) if venue.place.startswith("geo:") and chosen.isdigit() else None
        city = city or find_city(venue.city)
        if city is not None:
            venue.latitude, venue.longitude = city.latitude, city.longitude
    return venue


async def create(unit: Unit, circle: Circle, now: datetime) -> Circle:
    """Store a new circle (draft or published) with its weekly meetings and a fresh share code."""
    starts = weekly_starts(circle.first_date, circle.meeting_time, circle.timezone, circle.weeks)
    circle.code = await _unique_code(unit)
    circle.created_at = now
    if circle.created_by is not None:
        team = await unit.teams.membership(circle.created_by)
        circle.team_id = team.team_id if team else None
    locate(circle.venue)
    return await unit.circles.add(circle, city_key(circle.venue), starts)


async def _unique_code(unit: Unit) -> str:
    while True:
        code = new_code()
        if not await unit.circles.count_with_code(code):
            return code


@dataclass
class Managed:
    """A circle loaded for someone who runs it, after checking what they asked to do."""

    circle: Circle
    meetings: list[Meeting]
    facilitators: list[Facilitator]
    roles: frozenset[Role]

    @property
    def facilitator_ids(self) -> list[int]:
        return [f.person_id for f in self.facilitators]


async def circle_roles(unit: Unit, circle: Circle, person_id: int, facilitators: list[Facilitator]) -> frozenset[Role]:
    """What the person is to this circle (domain/roles.py), from the facts stored."""
    assert circle.id is not None
    organizer_ids = await unit.teams.organizer_ids(circle.team_id) if circle.team_id else []
    signup = await unit.signups.get(circle.id, person_id)
    return roles_in_circle(person_id, facilitators, organizer_ids, signed_up=signup is not None and signup.active)


async def load_managed(
    unit: Unit, circle_id: int, person_id: int, capability: Capability, *, covers: bool = False
) -> Managed:
    """The circle, once the role model allows this person ``capability`` on it (else a refusal);
    ``covers``: for a meeting the person covers, which they act for as its facilitator."""
    circle = await unit.circles.get(circle_id)
    if circle is None or circle.id is None:
        raise NotFound()
    facilitators = await unit.circles.facilitators(circle.id)
    roles = await circle_roles(unit, circle, person_id, facilitators)
    check_for_meeting(roles, capability, covers=covers)
    return Managed(circle, await unit.circles.meetings(circle.id), facilitators, roles)


# The commands below follow one shape: load what the person may change (the role model), let
# the aggregate apply its rule (domain/model.py), save it, and announce what happened.


async def _save(unit: Unit, circle: Circle) -> None:
    await unit.circles.save(circle, city_key(circle.venue))


async def publish(unit: Unit, circle_id: int, person_id: int) -> Circle:
    """Publish a draft; publishing again changes nothing, and a cancelled circle stays cancelled.
    Nobody is sent a message about it (``notices.announce`` tells no one of ``CirclePublished``):
    the circle appears in browse."""
    managed = await load_managed(unit, circle_id, person_id, Capability.PUBLISH)
    managed.circle.publish()
    await _save(unit, managed.circle)
    return managed.circle


async def cancel_circle(unit: Unit, circle_id: int, person_id: int, now: datetime) -> Circle:
    """Cancel the whole circle: it leaves browse, takes no signups, and its meetings are off."""
    managed = await load_managed(unit, circle_id, person_id, Capability.CANCEL_CIRCLE)
    happened = managed.circle.cancel()
    await _save(unit, managed.circle)
    await notices.announce(unit, happened, now)
    return managed.circle


async def change_venue(unit: Unit, circle_id: int, person_id: int, venue: Venue, now: datetime) -> Circle:
    """Move the circle to another venue. Reminders not sent yet show it (they are rendered when
    sent); learners are told if meetings are still ahead."""
    managed = await load_managed(unit, circle_id, person_id, Capability.CHANGE_VENUE)
    managed.circle.check_not_cancelled()  # before looking the new place up
    happened = managed.circle.move_to(locate(venue))
    await _save(unit, managed.circle)
    await notices.announce(unit, happened, now)
    return managed.circle


async def set_signup_open(
    unit: Unit, circle_id: int, person_id: int, is_open: bool, now: datetime, hold: timedelta
) -> Circle:
    """Close or reopen signup; as with publishing, nobody is sent a message about it, except
    the waitlist: reopening offers the places that are free (L7)."""
    managed = await load_managed(unit, circle_id, person_id, Capability.OPEN_SIGNUP)
    await unit.circles.get_for_update(circle_id)
    managed.circle.reopen_signup() if is_open else managed.circle.close_signup()
    await _save(unit, managed.circle)
    await offer_free_places(unit, circle_id, now, hold)
    return managed.circle


async def check_change_limit(unit: Unit, circle_id: int, person_id: int) -> Managed:
    """Before asking for a new signup limit: the person may change it, and the circle may change."""
    managed = await load_managed(unit, circle_id, person_id, Capability.OPEN_SIGNUP)
    managed.circle.check_not_cancelled()
    return managed


async def set_signup_limit(
    unit: Unit, circle_id: int, person_id: int, limit: int | None, now: datetime, hold: timedelta
) -> Circle:
    """Change how many may sign up; the places a higher limit frees go to the waitlist (L7)."""
    managed = await load_managed(unit, circle_id, person_id, Capability.OPEN_SIGNUP)
    await unit.circles.get_for_update(circle_id)
    managed.circle.change_limit(limit)
    await _save(unit, managed.circle)
    await offer_free_places(unit, circle_id, now, hold)
    return managed.circle


async def _managed_meeting(unit: Unit, meeting_id: int, person_id: int, now: datetime) -> tuple[Managed, Meeting]:
    """A meeting to change, once the person may change the circle's meetings and it may change."""
    meeting = await unit.circles.meeting(meeting_id)
    if meeting is None:
        raise NotFound()
    managed = await load_managed(unit, meeting.circle_id, person_id, Capability.CHANGE_MEETINGS)
    managed.circle.check_not_cancelled()
    meeting.check_ahead(now)
    return managed, meeting


async def reschedule_meeting(
    unit: Unit, meeting_id: int, person_id: int, day: date, at: time, now: datetime
) -> tuple[Meeting, datetime]:
    """Move one meeting that is still ahead to a new local date and time; returns it and its old start."""
    managed, meeting = await _managed_meeting(unit, meeting_id, person_id, now)
    old = meeting.start
    happened = meeting.reschedule(local_to_utc(day, at, managed.circle.zone), now)
    moved = await unit.circles.move_meeting(meeting_id, meeting.start)  # renumbered by date
    await notices.announce(unit, happened, now)
    return moved, old


async def cancel_meeting(unit: Unit, meeting_id: int, person_id: int, now: datetime) -> Meeting:
    _, meeting = await _managed_meeting(unit, meeting_id, person_id, now)
    happened = meeting.cancel(now)
    await unit.circles.cancel_meeting(meeting_id)
    await notices.announce(unit, happened, now)
    return meeting


async def add_meeting(unit: Unit, circle_id: int, person_id: int, day: date, at: time, now: datetime) -> Meeting:
    managed = await load_managed(unit, circle_id, person_id, Capability.CHANGE_MEETINGS)
    meeting = managed.circle.new_meeting(managed.meetings, local_to_utc(day, at, managed.circle.zone))
    return await unit.circles.add_meeting(circle_id, meeting.start, meeting.duration_minutes)


async def invite_cofacilitator(unit: Unit, circle_id: int, person_id: int, now: datetime, days: int) -> Invite:
    await load_managed(unit, circle_id, person_id, Capability.INVITE_FACILITATOR)
    invite = Invite(
        new_code(10, prefix="f"), COFACILITATOR_INVITE, circle_id, person_id, now + timedelta(days=days), None
    )
    await unit.invites.add(invite)
    return invite


@dataclass
class CoInvitation:
    """What opening a co-facilitator link did: ``joined`` (the link is used up now), or nothing
    because it is the person's ``own`` link or they ``already`` facilitate the circle (the link
    stays unused, for the person it was meant for)."""

    circle: Circle
    outcome: str


async def accept_cofacilitator(unit: Unit, code: str, person_id: int, now: datetime) -> CoInvitation | None:
    """Use a co-facilitator invitation; None when the code is unknown, used or expired."""
    invite = await unit.invites.get(code)
    if invite is None or invite.kind != COFACILITATOR_INVITE or invite.circle_id is None:
        return None
    if invite.expires_at <= now or invite.used_by is not None:
        return None
    circle = await unit.circles.get(invite.circle_id)
    if circle is None:
        return None
    if invite.created_by == person_id:
        return CoInvitation(circle, "own")
    if person_id in await unit.circles.facilitator_ids(invite.circle_id):
        return CoInvitation(circle, "already")
    if not await unit.invites.use(code, person_id):
        return None
    await unit.circles.add_facilitator(Facilitator(invite.circle_id, person_id, FacilitatorRole.CO))
    return CoInvitation(circle, "joined")


async def remove_cofacilitator(unit: Unit, circle_id: int, person_id: int, co_id: int, now: datetime) -> Circle:
    """The lead (or an organizer) removes a co-facilitator, who is told and loses access at once:
    every action is authorised on arrival, and prompts still queued for them are dropped at send time."""
    managed = await load_managed(unit, circle_id, person_id, Capability.REMOVE_FACILITATOR)
    if not await unit.circles.remove_facilitator(circle_id, co_id):
        raise NotFound()  # not a co-facilitator of this circle (the lead cannot be removed)
    await notices.facilitator_removed(unit, circle_id, co_id, person_id, now)
    return managed.circle


async def step_down(unit: Unit, circle_id: int, person_id: int, now: datetime) -> Circle:
    """A co-facilitator leaves the circle's team of facilitators; the others are told."""
    managed = await load_managed(unit, circle_id, person_id, Capability.STEP_DOWN)
    await unit.circles.remove_facilitator(circle_id, person_id)
    await notices.stepped_down(unit, circle_id, person_id, now)
    return managed.circle
