"""Use cases on top of delivery: F3 (message the learners), F4 (reminders), F5 (feedback)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.delivery.render import BROADCAST
from bot.usecases.circles import Managed, city_key, load_managed
from domain.delivery import reminder_due
from domain.errors import MeetingCancelled, NotFound
from domain.model import MAX_REMINDER_LEAD, Circle, Meeting
from domain.roles import Capability
from domain.schedule import meetings_ahead
from storage.broadcasts import Broadcast
from storage.feedback import MeetingFeedback
from storage.outbox import NewMessage
from storage.reminders import ReminderState
from storage.unit import Unit

# F4: reminders


@dataclass
class NextReminder:
    meeting: Meeting
    due: datetime
    state: ReminderState
    learners: int


async def next_reminder(unit: Unit, managed: Managed, now: datetime) -> NextReminder | None:
    """The first meeting ahead whose (current round of) reminder has not gone out yet."""
    circle = managed.circle
    assert circle.id is not None
    ids = [m.id for m in managed.meetings if m.id is not None]
    states = await unit.reminders.of_meetings(ids)
    for meeting in meetings_ahead(managed.meetings, now):
        if meeting.id is None:
            continue
        state = states.get(meeting.id, ReminderState(meeting.id))
        if state.went_out_at is not None:
            continue
        due = reminder_due(managed.meetings, meeting, circle.reminder_lead)
        if due is None:
            continue
        return NextReminder(meeting, max(due, now), state, await unit.signups.count_active(circle.id))
    return None


async def set_reminder_text(unit: Unit, meeting_id: int, person_id: int, text: str | None, now: datetime) -> bool:
    """Edit (or, with None, reset) the text of one meeting's reminder; False if it already went out."""
    meeting = await unit.circles.meeting(meeting_id)
    if meeting is None or meeting.id is None:
        raise NotFound()
    await load_managed(unit, meeting.circle_id, person_id, Capability.EDIT_REMINDERS)
    if meeting.cancelled:
        raise MeetingCancelled()
    state = await unit.reminders.get(meeting.id)
    if state.went_out_at is not None or meeting.start <= now:
        return False
    await unit.reminders.set_text(meeting.id, text, person_id, now)
    return True


async def set_default_reminder_text(unit: Unit, circle_id: int, person_id: int, text: str | None) -> Circle:
    managed = await load_managed(unit, circle_id, person_id, Capability.EDIT_REMINDERS)
    managed.circle.reminder_text = text
    await unit.circles.save(managed.circle, city_key(managed.circle.venue))
    return managed.circle


async def set_reminder_lead(unit: Unit, circle_id: int, person_id: int, lead: timedelta) -> Circle:
    managed = await load_managed(unit, circle_id, person_id, Capability.EDIT_REMINDERS)
    managed.circle.reminder_lead = min(max(lead, timedelta(0)), MAX_REMINDER_LEAD)
    await unit.circles.save(managed.circle, city_key(managed.circle.venue))
    return managed.circle


# F5: feedback


async def feedback_meeting(unit: Unit, meeting_id: int, person_id: int) -> tuple[Managed, Meeting]:
    """A meeting the person facilitates, for feedback."""
    meeting = await unit.circles.meeting(meeting_id)
    if meeting is None:
        raise NotFound()
    managed = await load_managed(unit, meeting.circle_id, person_id, Capability.GIVE_FEEDBACK)
    if meeting.cancelled:
        raise MeetingCancelled()
    return managed, meeting


async def give_feedback(unit: Unit, given: MeetingFeedback, now: datetime) -> None:
    await feedback_meeting(unit, given.meeting_id, given.person_id)
    await unit.feedback.save(given, now)


@dataclass
class FeedbackOverview:
    awaiting: list[tuple[Circle, Meeting]]
    given: list[tuple[Circle, Meeting, MeetingFeedback]]


async def feedback_overview(unit: Unit, person_id: int, now: datetime) -> FeedbackOverview:
    """Meetings of the person's circles that ended: those still without their feedback, and the
    feedback they gave (most recent first)."""
    overview = FeedbackOverview([], [])
    for circle in await unit.circles.facilitated_by(person_id):
        assert circle.id is not None
        meetings = {m.id: m for m in await unit.circles.meetings(circle.id)}
        mine = {f.meeting_id: f for f in await unit.feedback.of_circle(circle.id) if f.person_id == person_id}
        for meeting in meetings.values():
            if meeting.cancelled or meeting.end > now or meeting.id is None:
                continue
            if meeting.id in mine:
                overview.given.append((circle, meeting, mine[meeting.id]))
            else:
                overview.awaiting.append((circle, meeting))
    overview.awaiting.sort(key=lambda cm: cm[1].start, reverse=True)
    overview.given.sort(key=lambda cmf: cmf[1].start, reverse=True)
    return overview


# F3: a message to all learners


async def send_broadcast(unit: Unit, circle_id: int, person_id: int, text: str, now: datetime) -> tuple[Broadcast, int]:
    """Queue ``text`` for every active learner of the circle; the sender gets a delivery report
    once every copy is settled. Returns the broadcast and how many learners it goes to."""
    managed = await load_managed(unit, circle_id, person_id, Capability.MESSAGE_LEARNERS)
    assert managed.circle.id is not None
    learners = await unit.signups.active_for_circle(managed.circle.id)
    sent = await unit.broadcasts.add(managed.circle.id, person_id, text, now)
    await unit.outbox.add(
        [
            NewMessage(
                key=f"{BROADCAST}:{sent.id}:{s.person_id}",
                kind=BROADCAST,
                person_id=s.person_id,
                due_at=now,
                circle_id=managed.circle.id,
                broadcast_id=sent.id,
            )
            for s in learners
        ],
        now,
    )
    return sent, len(learners)
