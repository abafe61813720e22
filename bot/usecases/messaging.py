"""Use cases on top of delivery: F3 (message the learners), F4 (reminders), F5 (feedback)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.delivery.messages import BROADCAST
from bot.usecases import attendance
from bot.usecases.attendance import Roster
from bot.usecases.circles import Managed, city_key, load_managed
from domain.delivery import reminder_due
from domain.errors import MeetingCancelled, NotFound
from domain.model import MAX_REMINDER_LEAD, Circle, Meeting, MeetingFeedback
from domain.roles import Capability
from domain.schedule import meetings_ahead
from storage.broadcasts import Broadcast
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
    """A meeting the person facilitates (or covered for its facilitator), for feedback."""
    meeting = await unit.circles.meeting(meeting_id)
    if meeting is None:
        raise NotFound()
    cover = await unit.covers.get(meeting_id)
    covers = cover is not None and cover.leader() == person_id
    managed = await load_managed(unit, meeting.circle_id, person_id, Capability.GIVE_FEEDBACK, covers=covers)
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


# What the facilitator reads before F3/F4/F5 (handlers and dialogs call these, then render).


async def broadcast_audience(unit: Unit, circle_id: int, person_id: int) -> tuple[str, int]:
    """F3: the circle's name and how many active learners a message would reach."""
    managed = await load_managed(unit, circle_id, person_id, Capability.MESSAGE_LEARNERS)
    return managed.circle.name, await unit.signups.count_active(circle_id)


@dataclass
class ReminderOverview:
    """F4: the circle's reminder settings and the next reminder to go out (None: none left)."""

    managed: Managed
    upcoming: NextReminder | None


async def reminder_overview(unit: Unit, circle_id: int, person_id: int, now: datetime) -> ReminderOverview:
    managed = await load_managed(unit, circle_id, person_id, Capability.EDIT_REMINDERS)
    return ReminderOverview(managed, await next_reminder(unit, managed, now))


async def check_edit_reminders(unit: Unit, circle_id: int, person_id: int) -> Circle:
    """F4: the circle, once the person may edit its reminders."""
    return (await load_managed(unit, circle_id, person_id, Capability.EDIT_REMINDERS)).circle


async def reminder_to_edit(unit: Unit, meeting_id: int, person_id: int) -> Meeting:
    """F4: the meeting whose reminder the person wants to write, once they may."""
    meeting = await unit.circles.meeting(meeting_id)
    if meeting is None:
        raise NotFound()
    await load_managed(unit, meeting.circle_id, person_id, Capability.EDIT_REMINDERS)
    return meeting


async def reminder_text_target(
    unit: Unit, circle_id: int, person_id: int, meeting_id: int | None
) -> tuple[Circle, Meeting | None]:
    """F4: the circle whose default text, or the meeting whose reminder (``meeting_id``), is edited."""
    circle = await check_edit_reminders(unit, circle_id, person_id)
    if meeting_id is None:
        return circle, None
    meeting = await unit.circles.meeting(meeting_id)
    if meeting is None:
        raise NotFound()
    return circle, meeting


async def reset_reminder(unit: Unit, meeting_id: int, person_id: int, now: datetime) -> tuple[int, bool]:
    """F4: the meeting's reminder uses the default text again. Returns the circle's id and whether
    it was reset (False: it already went out)."""
    meeting = await unit.circles.meeting(meeting_id)
    if meeting is None:
        raise NotFound()
    return meeting.circle_id, await set_reminder_text(unit, meeting_id, person_id, None, now)


async def feedback_roster(unit: Unit, meeting_id: int, person_id: int) -> tuple[Managed, Meeting, Roster]:
    """F5: who may have come to the meeting, for the facilitator to confirm, with the meeting (and
    its circle) the question names: one permission check for both."""
    managed, meeting = await feedback_meeting(unit, meeting_id, person_id)
    return managed, meeting, await attendance.roster(unit, meeting)


async def record_feedback(
    unit: Unit,
    meeting_id: int,
    person_id: int,
    rating: int,
    present: Sequence[int] | None,
    guests: int,
    reflection: str,
    now: datetime,
) -> MeetingFeedback:
    """F5: a facilitator's feedback on one meeting, saved (again: replaced); returns it as saved.

    ``present``: the learners the facilitator confirmed came (None: the circle had no list to
    confirm, and ``guests`` is the whole head count). The head count is those learners and the
    ``guests`` who are not on Circles."""
    _, meeting = await feedback_meeting(unit, meeting_id, person_id)
    came = 0 if present is None else await attendance.confirm(unit, meeting, person_id, present, now)
    given = MeetingFeedback(
        meeting_id=meeting_id, person_id=person_id, rating=rating, attendance=came + guests, reflection=reflection
    )
    await give_feedback(unit, given, now)
    return given
