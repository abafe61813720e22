"""F8: learners are told when a meeting that was still ahead moves or is cancelled.

The use cases hand what an aggregate reported (domain/events.py) to ``announce`` inside
their transaction, so the notices exist exactly when the change does. A notice's key names
the change: "cancelled" (a meeting is cancelled once), or for a move the new start and the
instant of the change, so that moving a meeting there and back and there again notifies each
time. A double-tapped button is no second change: the platform's update id is recorded and its
repeat ignored before any use case runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from bot.delivery.messages import FACILITATOR_REMOVED, JOIN_ANSWER, JOIN_REQUEST, NOTICE, STEPPED_DOWN
from domain import events
from domain.delivery import needs_new_round, reminder_due, worth_telling_learners
from domain.model import CircleStatus, Meeting
from storage.outbox import NewMessage
from storage.unit import Unit


async def announce(unit: Unit, happened: Sequence[events.Event], now: datetime) -> int:
    """Turn what an aggregate reported (domain/events.py) into notices; returns how many.

    The one place that decides who hears of a change to a circle, a meeting or a team. It runs
    after the change is saved, in the same transaction, and reads the saved state (a moved
    meeting's new number, the circle's new venue).
    """
    told = 0
    for event in happened:
        match event:
            case events.CircleCancelled(circle_id=circle_id):
                told += await circle_cancelled(unit, circle_id, now)
            case events.VenueChanged(circle_id=circle_id):
                told += await venue_changed(unit, circle_id, now)
            case events.MeetingMoved(meeting_id=meeting_id, old_start=old_start):
                told += await _meeting_event(unit, meeting_id, old_start, now)
            case events.MeetingCancelled(meeting_id=meeting_id, start=start):
                told += await _meeting_event(unit, meeting_id, start, now)
            case _:
                # Publishing, opening or closing signup and changes of a team's members are
                # seen where they matter (browse, /team); nobody is sent a message about them.
                pass
    return told


async def _meeting_event(unit: Unit, meeting_id: int, old_start: datetime, now: datetime) -> int:
    meeting = await unit.circles.meeting(meeting_id)
    return await meeting_changed(unit, meeting, old_start, now) if meeting is not None else 0


async def meeting_changed(unit: Unit, meeting: Meeting, old_start: datetime, now: datetime) -> int:
    """Enqueue change notices for ``meeting`` (already saved as moved or cancelled); returns how many.

    A meeting that moved after its reminder went out, to a time whose reminder is still ahead,
    gets a new round of reminders; its unsent reminders need nothing: they are rendered when
    sent, with the new time, and keep any text the facilitator wrote.
    """
    assert meeting.id is not None
    circle = await unit.circles.get(meeting.circle_id)
    if circle is None or circle.status is not CircleStatus.PUBLISHED:
        return 0
    if not meeting.cancelled:
        state = await unit.reminders.get(meeting.id)
        meetings = await unit.circles.meetings(meeting.circle_id)
        if needs_new_round(state.went_out_at, reminder_due(meetings, meeting, circle.reminder_lead), now):
            await unit.reminders.new_round(meeting.id)
    if meeting.cancelled:
        change, payload = "cancelled", {"change": "cancelled", "start": old_start.isoformat()}
    else:
        change = f"moved-{int(meeting.start.timestamp())}-at-{int(now.timestamp() * 1_000_000)}"
        payload = {"change": "moved", "old": old_start.isoformat(), "new": meeting.start.isoformat()}
    learners = [s.person_id for s in await unit.signups.active_for_circle(meeting.circle_id)]
    return await _tell(
        unit, learners, f"{meeting.id}:{change}", payload, now, circle_id=meeting.circle_id, meeting_id=meeting.id
    )


async def _tell_learners_of_circle(unit: Unit, circle_id: int, change: str, now: datetime) -> int:
    """A circle-wide notice (``change`` names it in the key and the payload) to every learner,
    when the circle still has meetings ahead — after its last meeting there is nothing to say."""
    meetings = await unit.circles.meetings(circle_id)
    if not worth_telling_learners(meetings, now):
        return 0
    learners = [s.person_id for s in await unit.signups.active_for_circle(circle_id)]
    stamp = int(now.timestamp() * 1_000_000)  # each change is news, even the same one again
    key, payload = f"circle:{circle_id}:{change}-at-{stamp}", {"change": change}
    return await _tell(unit, learners, key, payload, now, circle_id=circle_id)


async def circle_cancelled(unit: Unit, circle_id: int, now: datetime) -> int:
    """Tell the learners that the whole circle is off."""
    return await _tell_learners_of_circle(unit, circle_id, "circle_cancelled", now)


async def venue_changed(unit: Unit, circle_id: int, now: datetime) -> int:
    """Tell the learners where the circle meets from now on."""
    circle = await unit.circles.get(circle_id)
    if circle is None or circle.status is not CircleStatus.PUBLISHED:
        return 0
    return await _tell_learners_of_circle(unit, circle_id, "venue", now)


async def _tell(
    unit: Unit, person_ids: list[int], key: str, payload: Mapping[str, object], now: datetime, **about: int
) -> int:
    """One notice to each of ``person_ids``; ``key`` names the change, so it is queued once."""
    return await unit.outbox.add(
        [
            NewMessage(key=f"notice:{key}:{p}", kind=NOTICE, person_id=p, due_at=now, payload=dict(payload), **about)
            for p in person_ids
        ],
        now,
    )


async def join_requested(unit: Unit, team_id: int, request_id: int, person_id: int, now: datetime) -> int:
    """The team's organizers are asked to let someone in (buttons to approve or decline)."""
    stamp = int(now.timestamp() * 1_000_000)  # asked again after a refusal: news again
    payload: dict[str, object] = {"change": JOIN_REQUEST, "request": request_id, "about": person_id}
    organizers = await unit.teams.organizer_ids(team_id)
    return await _tell(unit, organizers, f"join:{request_id}-at-{stamp}", payload, now, team_id=team_id)


async def join_answered(
    unit: Unit, team_id: int, request_id: int, person_id: int, approved: bool, now: datetime
) -> int:
    stamp = int(now.timestamp() * 1_000_000)
    payload: dict[str, object] = {"change": JOIN_ANSWER, "approved": approved}
    return await _tell(unit, [person_id], f"joined:{request_id}-at-{stamp}", payload, now, team_id=team_id)


async def facilitator_removed(unit: Unit, circle_id: int, person_id: int, by: int, now: datetime) -> int:
    """A co-facilitator is told that they no longer facilitate the circle."""
    stamp = int(now.timestamp() * 1_000_000)
    payload: dict[str, object] = {"change": FACILITATOR_REMOVED, "about": by}
    return await _tell(unit, [person_id], f"removed:{circle_id}-at-{stamp}", payload, now, circle_id=circle_id)


async def stepped_down(unit: Unit, circle_id: int, person_id: int, now: datetime) -> int:
    """The circle's other facilitators hear that a co-facilitator stepped down."""
    stamp = int(now.timestamp() * 1_000_000)
    payload: dict[str, object] = {"change": STEPPED_DOWN, "about": person_id}
    others = [p for p in await unit.circles.facilitator_ids(circle_id) if p != person_id]
    return await _tell(
        unit, others, f"stepped-down:{circle_id}:{person_id}-at-{stamp}", payload, now, circle_id=circle_id
    )


# Leaving for good (/forget) and closing a team: the people who take over are told.


async def lead_passed(unit: Unit, circle_id: int, new_lead: int, now: datetime) -> int:
    """Tell a co-facilitator that they lead the circle now (its lead left Circles)."""
    stamp = int(now.timestamp() * 1_000_000)
    payload: dict[str, object] = {"change": "lead_passed"}
    return await _tell(
        unit, [new_lead], f"circle:{circle_id}:lead-{new_lead}-at-{stamp}", payload, now, circle_id=circle_id
    )


async def lead_left(unit: Unit, circle_id: int, organizer_ids: list[int], now: datetime) -> int:
    """Tell the team's organizers that a circle of theirs has no facilitator any more."""
    stamp = int(now.timestamp() * 1_000_000)
    payload: dict[str, object] = {"change": "lead_left"}
    return await _tell(
        unit, organizer_ids, f"circle:{circle_id}:lead-left-at-{stamp}", payload, now, circle_id=circle_id
    )


async def team_closed(unit: Unit, team_id: int, team_name: str, member_ids: list[int], now: datetime) -> int:
    """Tell the members of a team that it was closed. The rows name the team only in their
    payload: the team's own row is about to go."""
    payload: dict[str, object] = {"change": "team_closed", "team": team_name}
    return await _tell(unit, member_ids, f"team:{team_id}:closed", payload, now)
