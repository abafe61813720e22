"""Planning: turning the schedule into outbox rows, lazily and idempotently.

Each dispatcher pass first plans, then sends. Planning creates the rows that are due by now and
do not exist yet — one per (what, to whom), under a key that makes a second creation a no-op:

- ``reminder:<meeting>:r<round>:<person>`` for every active learner and facilitator of a
  published circle, once the meeting's reminder is due by the rule and before it starts;
- ``feedback:<meeting>:<person>`` for every facilitator (and whoever covered it) once the meeting
  has ended, within a day;
- ``cover:<meeting>:<asked>:offer:<person>`` for a facilitator whose request for cover nobody
  accepted by ``delivery.cover_deadline_hours`` before the meeting (bot/delivery/covers.py);
- ``broadcast_report:<broadcast>`` for the sender once every copy of a message is settled.

Because a reminder row is created only when it is due, a learner who signs up after the others
got theirs gets one on the next pass, and because rows are rendered at send time, a change of
time or venue is in every reminder not yet sent.

A pass looks only at the circles whose planning mark has come (``storage/planning.py``): after
planning a circle it is marked with the next instant something of it falls due
(``domain.delivery.next_falling_due``), and any change to it clears the mark. A pass with
nothing falling due therefore reads one index and nothing else, however many circles exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.delivery import circle_end, covers, offers, summaries
from bot.delivery.messages import BROADCAST_REPORT, FEEDBACK, REMINDER
from domain.cover import Cover
from domain.delivery import (
    DEFAULT_COVER_DEADLINE,
    REMINDER_HORIZON,
    cover_offer_due,
    feedback_prompts_due,
    is_reminder_time,
    next_falling_due,
    reminder_dues,
)
from domain.model import Meeting
from domain.waitlist import DEFAULT_OFFER_HOLD
from storage.outbox import NewMessage
from storage.planning import NEVER, ToPlan
from storage.unit import Unit


@dataclass
class Planned:
    reminders: int = 0
    feedback: int = 0
    reports: int = 0
    circle_end: int = 0
    summaries: int = 0
    offers: int = 0
    cover_offers: int = 0

    @property
    def total(self) -> int:
        return sum(
            (
                self.reminders,
                self.feedback,
                self.reports,
                self.circle_end,
                self.summaries,
                self.offers,
                self.cover_offers,
            )
        )


@dataclass
class Circles:
    """What planning needs to know of a batch of published circles."""

    schedules: dict[int, list[Meeting]]
    leads: dict[int, timedelta]
    learners: dict[int, list[int]]
    facilitators: dict[int, list[int]]
    # Open requests for cover, by meeting: their offers to cancel fall due too (issue 14).
    covers: dict[int, Cover] = field(default_factory=dict)
    cover_deadline: timedelta = DEFAULT_COVER_DEADLINE

    def reminder_dues(self) -> dict[int, list[tuple[Meeting, datetime]]]:
        """Each circle's meetings with the instant their reminders fall due, worked out once per
        circle for both the reminders due now and the circle's next mark."""
        return {
            circle_id: reminder_dues(meetings, self.leads.get(circle_id, timedelta()))
            for circle_id, meetings in self.schedules.items()
        }


# Circles planned per round of queries: bounds the statements' parameter lists (SQLite allows
# 32,766) while keeping the number of statements per pass small.
CHUNK = 2_000


def reminder_key(meeting_id: int, round_: int, person_id: int) -> str:
    return f"reminder:{meeting_id}:r{round_}:{person_id}"


def feedback_key(meeting_id: int, person_id: int) -> str:
    return f"feedback:{meeting_id}:{person_id}"


async def plan(
    unit: Unit,
    now: datetime,
    waitlist_hold: timedelta = DEFAULT_OFFER_HOLD,
    cover_deadline: timedelta = DEFAULT_COVER_DEADLINE,
) -> Planned:
    planned = Planned(offers=await offers.plan_offers(unit, now, waitlist_hold), reports=await plan_reports(unit, now))
    due = await unit.planning.circles_to_plan(now)
    for start in range(0, len(due), CHUNK):
        await _plan_circles(unit, due[start : start + CHUNK], now, planned, cover_deadline)
    planned.summaries = await summaries.plan_summaries(unit, now) + await summaries.plan_failure_notices(unit, now)
    return planned


async def _plan_circles(
    unit: Unit, due: list[ToPlan], now: datetime, planned: Planned, cover_deadline: timedelta
) -> None:
    """Plan everything of these circles that is due by now, then mark when to look again."""
    ids = [c.id for c in due if c.published]
    facts = Circles(
        schedules=await unit.circles.meetings_of(ids),
        leads=await unit.reminders.lead_times(ids),
        learners=await unit.reminders.learners_of(ids),
        facilitators=await unit.reminders.facilitators_of(ids),
        covers=await unit.covers.open_of_circles(ids),
        cover_deadline=cover_deadline,
    )
    dues = facts.reminder_dues()
    due_reminders = _reminders_due(dues, now)
    states = await unit.reminders.of_meetings(m.id for m, _ in due_reminders if m.id is not None)
    reminders = _reminders(facts, due_reminders, {m: state.round for m, state in states.items()})
    planned.reminders += await unit.outbox.add(reminders, now)
    planned.feedback += await unit.outbox.add(await _feedback(unit, facts, now), now)
    ends = circle_end.invitations(facts.schedules, facts.learners, facts.facilitators, now)
    planned.circle_end += await unit.outbox.add(ends, now)
    planned.cover_offers += await unit.outbox.add(
        covers.offers_due(facts.schedules, facts.covers, cover_deadline, now), now
    )
    marks = [(c, _next_mark(facts, dues, c.id, now) if c.published else NEVER) for c in due]
    # Marks before ``went_out``: the same order of row locks as a use case that changes a circle
    # and then its reminders (Reminders.new_round), so the two wait for each other, never deadlock.
    await unit.planning.circles_planned(marks)
    await unit.reminders.went_out([m.id for m, _ in due_reminders if m.id is not None], now)


def _next_mark(
    facts: Circles, dues: dict[int, list[tuple[Meeting, datetime]]], circle_id: int, now: datetime
) -> datetime:
    meetings = facts.schedules.get(circle_id, [])
    lead = facts.leads.get(circle_id, timedelta())
    offers = [cover_offer_due(m, facts.covers.get(m.id or 0), facts.cover_deadline) for m in meetings]
    at = next_falling_due(meetings, lead, now, dues=dues.get(circle_id), also=offers)
    return at or NEVER


def _reminders_due(dues: dict[int, list[tuple[Meeting, datetime]]], now: datetime) -> list[tuple[Meeting, datetime]]:
    """Meetings not yet started whose reminder is due by now, with the instant it was due."""
    return [
        (meeting, at) for schedule in dues.values() for meeting, at in schedule if is_reminder_time(meeting, at, now)
    ]


def _reminders(facts: Circles, due: list[tuple[Meeting, datetime]], rounds: dict[int, int]) -> list[NewMessage]:
    """One reminder per active learner and facilitator of each meeting whose reminder is due."""
    messages: list[NewMessage] = []
    people: dict[int, list[int]] = {}  # by circle, worked out once for all its meetings
    for meeting, at in due:
        assert meeting.id is not None
        circle_id = meeting.circle_id
        if circle_id not in people:
            people[circle_id] = list(dict.fromkeys([*facts.learners[circle_id], *facts.facilitators[circle_id]]))
        round_ = rounds.get(meeting.id, 0)
        payload = {"round": round_}  # one per meeting: what its rows say is the same
        messages += [
            NewMessage(
                key=reminder_key(meeting.id, round_, person_id),
                kind=REMINDER,
                person_id=person_id,
                due_at=at,
                payload=payload,
                circle_id=circle_id,
                meeting_id=meeting.id,
            )
            for person_id in people[circle_id]
        ]
    return messages


async def _feedback(unit: Unit, facts: Circles, now: datetime) -> list[NewMessage]:
    ended = [m for meetings in facts.schedules.values() for m in feedback_prompts_due(meetings, now)]
    pairs = [(m, p) for m in ended for p in facts.facilitators[m.circle_id] if m.id is not None]
    # Whoever covered a meeting is asked for its feedback too (domain.roles.COVERING).
    covered = await unit.covers.of_meetings(m.id for m in ended if m.id is not None) if ended else {}
    for m in ended:
        leader = covered[m.id].leader() if m.id in covered else None
        if leader is not None and leader not in facts.facilitators[m.circle_id]:
            pairs.append((m, leader))
    if not pairs:
        return []
    given = await unit.feedback.given((m.id or 0, p) for m, p in pairs)
    return [
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


async def reminders_due(unit: Unit, now: datetime) -> list[tuple[Meeting, datetime]]:
    """Every meeting not yet started whose reminder is due by now (for tests and operators: it
    reads all circles with a meeting ahead, which planning itself never does)."""
    ids = await unit.reminders.published_circles_meeting_between(now, now + REMINDER_HORIZON)
    facts = Circles(await unit.circles.meetings_of(ids), await unit.reminders.lead_times(ids), {}, {})
    return _reminders_due(facts.reminder_dues(), now)


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
    """The next instant at which planning would create something (a circle's or team's mark)."""
    return await unit.planning.next_mark(now)
