"""Cover for a missed meeting (issue 14): asking, answering, withdrawing, and cancelling a meeting
nobody covers.

Each use case first loads the meeting for the capability its button names (domain/roles.py), so
a forged press is refused before anything else is said; then the request's own rules
(domain/cover.py) answer stale presses — covered already, withdrawn, the asker's own — and
change nothing. Everyone else hears through the outbox (bot/delivery/covers.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.delivery import covers as cover_messages
from bot.usecases.circles import Managed, load_managed
from bot.usecases.managing import cancel_one_meeting
from domain import cover as cover_rules
from domain.cover import Cover
from domain.errors import CoverNotAsked, CoverTaken, NotFound
from domain.model import Circle, Meeting
from domain.roles import Capability
from domain.rules import check_not_cancelled
from domain.schedule import meetings_ahead
from storage.unit import Unit


@dataclass
class CoverAsked:
    """A request for cover as the asker sees it: ``asked`` are the people asked now (none when
    another facilitator's request already stands, or when there is nobody to ask)."""

    circle: Circle
    meeting: Meeting
    cover: Cover | None
    asked: list[int] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)


async def _meeting_ahead(
    unit: Unit, meeting_id: int, person_id: int, capability: Capability, now: datetime
) -> tuple[Managed, Meeting]:
    meeting = await unit.circles.meeting(meeting_id)
    if meeting is None:
        raise NotFound()
    managed = await load_managed(unit, meeting.circle_id, person_id, capability)
    check_not_cancelled(managed.circle)
    meeting.check_ahead(now)
    return managed, meeting


async def helpers(unit: Unit, managed: Managed) -> list[int]:
    """Who may cover a meeting of this circle: its facilitators and its team's organizers."""
    organizers = await unit.teams.organizer_ids(managed.circle.team_id) if managed.circle.team_id else []
    return list(dict.fromkeys([*managed.facilitator_ids, *organizers]))


async def meetings_to_cover(unit: Unit, circle_id: int, person_id: int, now: datetime) -> tuple[Circle, list[Meeting]]:
    """The meetings still ahead, for the facilitator to choose the one they cannot lead."""
    managed = await load_managed(unit, circle_id, person_id, Capability.ASK_COVER)
    check_not_cancelled(managed.circle)
    return managed.circle, meetings_ahead(managed.meetings, now)


async def ask(unit: Unit, meeting_id: int, person_id: int, now: datetime) -> CoverAsked:
    """*I can't make it*: ask the circle's other facilitators and the team's organizers, once each."""
    managed, meeting = await _meeting_ahead(unit, meeting_id, person_id, Capability.ASK_COVER, now)
    earlier = await unit.covers.get(meeting_id)
    cover = cover_rules.ask(meeting_id, meeting.circle_id, person_id, now, earlier)
    names = await unit.people.names([cover.asked_by])
    if cover is earlier:
        return CoverAsked(managed.circle, meeting, cover, names=names)  # asked already: it stands
    asked = [p for p in await helpers(unit, managed) if p != person_id]
    if not asked:
        return CoverAsked(managed.circle, meeting, None)  # nobody to ask: nothing is stored
    if not await unit.covers.ask(cover):
        # Another facilitator asked in the same instant (their row is committed by now): it stands.
        standing = await unit.covers.get(meeting_id)
        if standing is None or not standing.open:
            raise CoverTaken()
        names = await unit.people.names([standing.asked_by])
        return CoverAsked(managed.circle, meeting, standing, names=names)
    await unit.outbox.add(cover_messages.asked(cover, asked, now), now)
    return CoverAsked(managed.circle, meeting, cover, asked, await unit.people.names([*asked, person_id]))


@dataclass
class CoverAnswered:
    circle: Circle
    meeting: Meeting
    cover: Cover
    asker: str


async def answer(unit: Unit, meeting_id: int, person_id: int, accept: bool, now: datetime) -> CoverAnswered:
    """*I'll cover it* / *I can't*. Of two people accepting at once, the first leads the meeting
    (``Covers.accept`` is a conditional update); the other is told someone already covers it."""
    managed, meeting = await _meeting_ahead(unit, meeting_id, person_id, Capability.COVER_MEETING, now)
    cover = await unit.covers.get(meeting_id)
    if cover is None:
        raise CoverNotAsked()
    asker = (await unit.people.names([cover.asked_by])).get(cover.asked_by, "?")
    if not accept:
        cover.check_can_cover(person_id)
        await unit.outbox.add([cover_messages.declined(cover, person_id, now)], now)
        return CoverAnswered(managed.circle, meeting, cover, asker)
    cover.accept(person_id, now)
    if not await unit.covers.accept(cover):
        raise CoverTaken()  # another acceptance won the row
    learners = [s.person_id for s in await unit.signups.active_for_circle(meeting.circle_id)]
    told = cover_messages.covered(cover, await helpers(unit, managed), learners, now)
    await unit.outbox.add(told, now)
    return CoverAnswered(managed.circle, meeting, cover, asker)


async def withdraw(unit: Unit, meeting_id: int, person_id: int, now: datetime) -> tuple[Circle, Meeting]:
    """The facilitator can come after all: the request (and the offer to cancel) is dropped."""
    managed, meeting = await _meeting_ahead(unit, meeting_id, person_id, Capability.ASK_COVER, now)
    cover = await unit.covers.get(meeting_id)
    if cover is None:
        raise CoverNotAsked()
    cover.withdraw()
    if not await unit.covers.withdraw(cover):
        raise CoverTaken()
    return managed.circle, meeting


async def cancel_uncovered(unit: Unit, meeting_id: int, person_id: int, now: datetime) -> tuple[Circle, Meeting]:
    """The offer's *Cancel the meeting*: while nobody covers it, cancel it the usual way
    (``circles.cancel_meeting``: the learners are told)."""
    await _meeting_ahead(unit, meeting_id, person_id, Capability.CHANGE_MEETINGS, now)
    cover = await unit.covers.get(meeting_id)
    if cover is None:
        raise CoverNotAsked()
    cover.withdraw()  # refuses a covered or withdrawn request: the press is stale
    if not await unit.covers.withdraw(cover):
        raise CoverTaken()
    return await cancel_one_meeting(unit, meeting_id, person_id, now)
