""" "We missed you": a learner who missed two meetings in a row is told what the circle did.

Queued when a facilitator confirms a meeting's attendance (``queue_missed_notes``), once per run
of absences: the key names the run's first meeting, so a third absence in the same run adds
nothing. Rendered at send time: a learner whose run was corrected meanwhile (the facilitator
ticked them after all) or who left gets nothing. It quotes the latest message the facilitators
sent to all the circle's learners since the run began — words every learner was sent anyway —
never a reflection, which is for facilitators and organizers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.conversation.messages import Reply
from bot.delivery.messages import Snapshot, will_you_come
from bot.i18n import Translator
from bot.views.circles import when
from domain.attendance import Presence, deserves_note, missed_streak
from domain.delivery import LEFT, Drop
from domain.model import Meeting
from domain.schedule import next_meeting
from storage.attendance import AttendanceRow
from storage.outbox import NewMessage, OutboxRow
from storage.unit import Unit

MISSED_YOU = "missed_you"


def missed_runs(meetings: Sequence[Meeting], rows: Sequence[AttendanceRow]) -> dict[int, list[Meeting]]:
    """Each learner's latest run of confirmed absences, by person."""
    by_id = {m.id: m for m in meetings}
    confirmed: dict[int, list[Presence]] = {}
    for row in rows:
        meeting = by_id.get(row.meeting_id)
        if meeting is not None and row.present is not None:
            confirmed.setdefault(row.person_id, []).append(Presence(meeting, row.present))
    return {person_id: missed_streak(presences) for person_id, presences in confirmed.items()}


def missed_key(first_meeting_id: int, person_id: int) -> str:
    # Ends with the person's id, as every person's key does (storage.people merges rely on it).
    return f"{MISSED_YOU}:{first_meeting_id}:{person_id}"


async def queue_missed_notes(unit: Unit, circle_id: int, now: datetime) -> int:
    """After a confirmation: a note for every active learner whose latest run of absences is long
    enough; returns how many were queued (a run already told is not told again)."""
    meetings = await unit.circles.meetings(circle_id)
    learners = {s.person_id for s in await unit.signups.active_for_circle(circle_id)}
    runs = missed_runs(meetings, await unit.attendance.of_circle(circle_id))
    notes = [
        NewMessage(
            key=missed_key(run[0].id or 0, person_id),
            kind=MISSED_YOU,
            person_id=person_id,
            due_at=now,
            payload={"first": run[0].id},
            circle_id=circle_id,
            meeting_id=run[-1].id,
        )
        for person_id, run in sorted(runs.items())
        if person_id in learners and deserves_note(run)
    ]
    return await unit.outbox.add(notes, now)


@dataclass
class Missed:
    """What a note needs, per row: the learner's current run and the recap to quote."""

    run: list[Meeting]
    recap: str | None


async def _load(unit: Unit, rows: Sequence[OutboxRow], snap: Snapshot) -> None:
    for circle_id in sorted({r.circle_id for r in rows if r.circle_id is not None}):
        runs = missed_runs(snap.meetings.get(circle_id, []), await unit.attendance.of_circle(circle_id))
        for row in (r for r in rows if r.circle_id == circle_id and r.person_id is not None):
            run = runs.get(row.person_id or 0, [])
            recap = await unit.broadcasts.last_of_circle(circle_id, run[0].start) if run else None
            snap.extra[row.id] = Missed(run, recap.text if recap else None)


def _render(row: OutboxRow, snap: Snapshot, t: Translator) -> Reply | Drop:
    circle = snap.circles.get(row.circle_id or 0)
    if circle is None or row.person_id not in snap.learners.get(circle.id or 0, set()):
        return Drop(LEFT)
    missed = snap.extra.get(row.id)
    if not isinstance(missed, Missed) or not deserves_note(missed.run) or missed.run[0].id != row.payload["first"]:
        return Drop("came after all")  # the facilitator corrected the list before this went out
    numbers = ", ".join(str(m.number) for m in missed.run)
    lines = [t("We missed you at {circle}! You were not at meetings {numbers}.", circle=circle.name, numbers=numbers)]
    if missed.recap:
        lines += ["", t("Here is what we did, in the facilitators' words:"), f"“{missed.recap}”"]
    upcoming = next_meeting(snap.meetings.get(circle.id or 0, []), snap.now)
    if upcoming is None:
        lines += ["", t("Thank you for being part of the circle.")]
        return Reply(text="\n".join(lines))
    lines += ["", t("We would love to see you at the next meeting: {when}", when=when(t, circle, upcoming))]
    return Reply(text="\n".join(lines), buttons=will_you_come(t, upcoming))


RENDERERS = {MISSED_YOU: _render}
LOADERS = {MISSED_YOU: _load}
