"""Planning: turning the schedule into outbox rows, lazily and idempotently.

Each dispatcher pass first plans, then sends. Planning creates the rows that are due by now and
do not exist yet — one per (what, to whom), under a key that makes a second creation a no-op:

- ``reminder:<meeting>:r<round>:<person>`` for every active learner and facilitator of a
  published circle, once the meeting's reminder is due by the rule and before it starts;
- ``feedback:<meeting>:<person>`` for every facilitator once the meeting has ended, within a day;
- ``broadcast_report:<broadcast>`` for the sender once every copy of a message is settled.

Because a reminder row is created only when it is due, a learner who signs up after the others
got theirs gets one on the next pass, and because rows are rendered at send time, a change of
time or venue is in every reminder not yet sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.delivery import circle_end, offers, summaries
from bot.delivery.messages import BROADCAST_REPORT, FEEDBACK, REMINDER
from domain.delivery import (
    FEEDBACK_LATEST_AFTER_END,
    MAX_DURATION,
    REMINDER_HORIZON,
    feedback_prompts_due,
    reminder_due,
    reminder_due_now,
)
from domain.model import Meeting
from domain.waitlist import DEFAULT_OFFER_HOLD
from storage.outbox import NewMessage
from storage.unit import Unit


@dataclass
class Planned:
    reminders: int = 0
    feedback: int = 0
    reports: int = 0
    circle_end: int = 0
    summaries: int = 0
    offers: int = 0

    @property
    def total(self) -> int:
        return self.reminders + self.feedback + self.reports + self.circle_end + self.summaries + self.offers


def reminder_key(meeting_id: int, round_: int, person_id: int) -> str:
    return f"reminder:{meeting_id}:r{round_}:{person_id}"


def feedback_key(meeting_id: int, person_id: int) -> str:
    return f"feedback:{meeting_id}:{person_id}"


async def plan(unit: Unit, now: datetime, waitlist_hold: timedelta = DEFAULT_OFFER_HOLD) -> Planned:
    return Planned(
        offers=await offers.plan_offers(unit, now, waitlist_hold),
        reminders=await plan_reminders(unit, now),
        feedback=await plan_feedback(unit, now),
        reports=await plan_reports(unit, now),
        circle_end=await circle_end.plan(unit, now),
        summaries=await summaries.plan_summaries(unit, now) + await summaries.plan_failure_notices(unit, now),
    )


async def _near_meetings(
    unit: Unit, after: datetime, until: datetime
) -> tuple[dict[int, list[Meeting]], dict[int, timedelta]]:
    circle_ids = await unit.reminders.published_circles_meeting_between(after, until)
    return await unit.circles.meetings_of(circle_ids), await unit.reminders.lead_times(circle_ids)


async def reminders_due(unit: Unit, now: datetime) -> list[tuple[Meeting, datetime]]:
    """Meetings not yet started whose reminder is due by now, with the instant it was due."""
    schedules, leads = await _near_meetings(unit, now, now + REMINDER_HORIZON)
    due: list[tuple[Meeting, datetime]] = []
    for circle_id, meetings in schedules.items():
        for meeting in meetings:
            at = reminder_due_now(meetings, meeting, leads[circle_id], now)
            if at is not None:
                due.append((meeting, at))
    return due


async def plan_reminders(unit: Unit, now: datetime) -> int:
    due = await reminders_due(unit, now)
    if not due:
        return 0
    circle_ids = {m.circle_id for m, _ in due}
    learners = await unit.reminders.learners_of(circle_ids)
    facilitators = await unit.reminders.facilitators_of(circle_ids)
    states = await unit.reminders.of_meetings(m.id for m, _ in due if m.id is not None)
    messages = []
    for meeting, at in due:
        assert meeting.id is not None
        state = states.get(meeting.id)
        round_ = state.round if state else 0
        people = dict.fromkeys([*learners[meeting.circle_id], *facilitators[meeting.circle_id]])
        messages += [
            NewMessage(
                key=reminder_key(meeting.id, round_, person_id),
                kind=REMINDER,
                person_id=person_id,
                due_at=at,
                payload={"round": round_},
                circle_id=meeting.circle_id,
                meeting_id=meeting.id,
            )
            for person_id in people
        ]
    added = await unit.outbox.add(messages, now)
    await unit.reminders.went_out([m.id for m, _ in due if m.id is not None], now)
    return added


async def plan_feedback(unit: Unit, now: datetime) -> int:
    after = now - FEEDBACK_LATEST_AFTER_END - MAX_DURATION
    schedules, _ = await _near_meetings(unit, after, now)
    ended = [m for meetings in schedules.values() for m in feedback_prompts_due(meetings, now)]
    if not ended:
        return 0
    facilitators = await unit.reminders.facilitators_of({m.circle_id for m in ended})
    pairs = [(m, p) for m in ended for p in facilitators[m.circle_id] if m.id is not None]
    given = await unit.feedback.given((m.id or 0, p) for m, p in pairs)
    messages = [
        NewMessage(
            key=feedback_key(m.id or 0, p),
            kind=FEEDBACK,
            person_id=p,
            due_at=m.end,
            circle_id=m.circle_id,
            meeting_id=m.id,
        )
        for m, p in pairs
        if (m.id, p) not in given
    ]
    return await unit.outbox.add(messages, now)


async def plan_reports(unit: Unit, now: datetime) -> int:
    added = 0
    for sent in await unit.broadcasts.settled_unreported():
        added += await unit.outbox.add(
            [
                NewMessage(
                    key=f"{BROADCAST_REPORT}:{sent.id}",
                    kind=BROADCAST_REPORT,
                    person_id=sent.sender_id,
                    due_at=now,
                    circle_id=sent.circle_id,
                    broadcast_id=sent.id,
                )
            ],
            now,
        )
        await unit.broadcasts.mark_reported(sent.id, now)
    return added


async def next_planning(unit: Unit, now: datetime) -> datetime | None:
    """The next instant at which planning would create something: a reminder or a meeting end."""
    schedules, leads = await _near_meetings(unit, now, now + REMINDER_HORIZON + MAX_DURATION)
    found: list[datetime] = []
    for circle_id, meetings in schedules.items():
        for meeting in meetings:
            if meeting.cancelled:
                continue
            at = reminder_due(meetings, meeting, leads[circle_id])
            if at is not None and at > now:
                found.append(at)
            if meeting.end > now:
                found.append(meeting.end)
    found += [t for t in (await circle_end.next_invitation(unit, now), await summaries.next_summary(unit, now)) if t]
    return min(found) if found else None
