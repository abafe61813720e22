"""How each kind of outbox message reads, rendered at send time from current data.

Nothing is rendered when a row is created: a reminder planned before the meeting moved, or
before the facilitator edited its text, goes out with the time, place and text current when it
is sent. A renderer returns ``Drop`` when the message is no longer wanted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.actions import (
    AnswerJoinRequest,
    AnswerRsvp,
    AskCover,
    CheckIn,
    ClaimPlace,
    GiveFeedback,
    LeaveWaitlist,
    Manage,
    ShowCircle,
    ShowReminder,
    stored,
)
from bot.conversation.messages import Button, Reply
from bot.delivery.reasons import reason_text
from bot.i18n import Translator
from bot.views.circles import clock_change_note, leader_line, moment_for, venue_text, when
from domain.attendance import listed
from domain.cover import Cover
from domain.delivery import LEFT, Drop, feedback_unwanted, reminder_unwanted
from domain.model import Circle, CircleStatus, Meeting, Team
from domain.schedule import next_meeting
from storage.broadcasts import Broadcast
from storage.outbox import OutboxRow, Recipient, Status
from storage.reminders import ReminderState
from storage.unit import Unit

REMINDER = "reminder"
FEEDBACK = "feedback"
NOTICE = "notice"
BROADCAST = "broadcast"
BROADCAST_REPORT = "broadcast_report"
# Notices about roles (payload "change"): a request to join a team, its answer, a co-facilitator's exit.
JOIN_REQUEST = "join_request"
JOIN_ANSWER = "join_answer"
FACILITATOR_REMOVED = "facilitator_removed"
STEPPED_DOWN = "stepped_down"


@dataclass
class Snapshot:
    """Everything the rows of one claimed batch need to be rendered, loaded in a few queries."""

    now: datetime
    recipients: dict[int, Recipient] = field(default_factory=dict)
    circles: dict[int, Circle] = field(default_factory=dict)
    meetings: dict[int, list[Meeting]] = field(default_factory=dict)  # by circle
    learners: dict[int, set[int]] = field(default_factory=dict)  # by circle
    facilitators: dict[int, set[int]] = field(default_factory=dict)  # by circle
    reminders: dict[int, ReminderState] = field(default_factory=dict)  # by meeting
    covers: dict[int, Cover] = field(default_factory=dict)  # requests for cover, by meeting
    feedback_given: set[tuple[int, int]] = field(default_factory=set)
    broadcasts: dict[int, Broadcast] = field(default_factory=dict)
    broadcast_rows: dict[int, list[OutboxRow]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    teams: dict[int, Team] = field(default_factory=dict)
    team_languages: dict[int, str] = field(default_factory=dict)  # the first organizer's
    # What a kind's loader prepared for one row (e.g. a weekly summary), by row id.
    extra: dict[int, Any] = field(default_factory=dict)
    # Rows whose kind's loader failed for them, with the error: they are not rendered.
    errors: dict[int, str] = field(default_factory=dict)

    def meeting(self, circle_id: int | None, meeting_id: int | None) -> Meeting | None:
        if circle_id is None or meeting_id is None:
            return None
        return next((m for m in self.meetings.get(circle_id, []) if m.id == meeting_id), None)


async def load_snapshot(unit: Unit, rows: Sequence[OutboxRow], now: datetime) -> Snapshot:
    snap = Snapshot(now=now)
    broadcast_ids = {r.broadcast_id for r in rows if r.broadcast_id is not None}
    snap.broadcasts = await unit.broadcasts.of_ids(broadcast_ids)
    report_ids = [r.broadcast_id for r in rows if r.kind == BROADCAST_REPORT and r.broadcast_id is not None]
    snap.broadcast_rows = await unit.outbox.of_broadcasts(report_ids)
    circle_ids = {r.circle_id for r in rows if r.circle_id is not None}
    circle_ids |= {b.circle_id for b in snap.broadcasts.values()}
    for circle_id in sorted(circle_ids):
        circle = await unit.circles.get(circle_id)
        if circle is not None:
            snap.circles[circle_id] = circle
    snap.meetings = await unit.circles.meetings_of(sorted(snap.circles))
    snap.learners = {c: set(p) for c, p in (await unit.reminders.learners_of(snap.circles)).items()}
    snap.facilitators = {c: set(p) for c, p in (await unit.reminders.facilitators_of(snap.circles)).items()}
    meeting_ids = {r.meeting_id for r in rows if r.meeting_id is not None}
    snap.reminders = await unit.reminders.of_meetings(meeting_ids)
    snap.covers = await unit.covers.of_meetings(meeting_ids)
    snap.feedback_given = await unit.feedback.given(
        (r.meeting_id, r.person_id)
        for r in rows
        if r.kind == FEEDBACK and r.meeting_id is not None and r.person_id is not None
    )
    snap.recipients = await unit.outbox.recipients({r.person_id for r in rows if r.person_id is not None})
    team_ids = sorted({r.team_id for r in rows if r.team_id is not None})
    snap.teams = await unit.teams.get_many(team_ids)  # two statements for the batch, not three per team
    languages = await unit.teams.organizer_languages(sorted(snap.teams))
    snap.team_languages = {team_id: languages.get(team_id, "en") for team_id in snap.teams}
    named = {r.person_id for rs in snap.broadcast_rows.values() for r in rs if r.person_id is not None}
    named |= {b.sender_id for b in snap.broadcasts.values()}
    named |= {int(r.payload["about"]) for r in rows if "about" in r.payload}
    named |= {leader for c in snap.covers.values() if (leader := c.leader()) is not None}
    snap.names = await unit.people.names(sorted(named))
    return snap


# Reminders (SPEC §2)


def reminder_body(t: Translator, circle: Circle, state: ReminderState | None) -> str:
    """The facilitator's text for this meeting, else the circle's default, else ours."""
    if state is not None and state.text:
        return state.text
    if circle.reminder_text:
        return circle.reminder_text
    return t("{circle} meets again soon. We look forward to seeing you!", circle=circle.name)


def reminder_reply(
    t: Translator,
    circle: Circle,
    meetings: Sequence[Meeting],
    meeting: Meeting,
    state: ReminderState | None,
    *,
    copy: bool,
    led_by: str | None = None,
) -> Reply:
    """The reminder as a learner reads it, or the facilitators' copy (``copy``), which offers
    *I can't make it* (ask for cover) while nobody covers the meeting; ``led_by`` names who
    covers it."""
    # The meeting's own number, as everywhere else ("Meeting 3"), of all the meetings planned:
    # cancelling meeting 1 does not make meeting 2 "meeting 1".
    lines = []
    if copy:
        lines += [t("A copy of the reminder your learners get now:"), ""]
    lines += [
        reminder_body(t, circle, state),
        "",
        t(
            "{circle}: meeting {number} of {total}, {when}",
            circle=circle.name,
            number=meeting.number,
            total=len(meetings),
            when=when(t, circle, meeting),
        ),
        t("Where: {venue}", venue=venue_text(t, circle.venue)),
    ]
    if led_by is not None:
        lines.append(leader_line(t, led_by))
    buttons: list[list[Button]] = []
    if copy:
        buttons = [[Button(t("Edit reminders"), ShowReminder(stored(circle.id)).token)]]
        if led_by is None:
            buttons.append([Button(t("I can't make it"), AskCover(stored(meeting.id)).token)])
    else:
        # Daylight saving moves the meeting on some clocks: said in the week it happens.
        if note := clock_change_note(t, circle, meeting):
            lines.append(note)
        lines.append(t("Will you come? Once you are there, tap I'm here."))
        buttons = [*will_you_come(t, meeting), [Button(t("I'm here"), CheckIn(stored(meeting.id)).token)]]
    return Reply(text="\n".join(lines), buttons=buttons)


def will_you_come(t: Translator, meeting: Meeting) -> list[list[Button]]:
    """The RSVP buttons under a reminder, and under a notice that a meeting moved."""
    meeting_id = stored(meeting.id)
    return [
        [
            Button(t("I'll be there"), AnswerRsvp(meeting_id, True).token),
            Button(t("I can't make it"), AnswerRsvp(meeting_id, False).token),
        ]
    ]


def _render_reminder(row: OutboxRow, snap: Snapshot, t: Translator) -> Reply | Drop:
    circle = snap.circles.get(row.circle_id or 0)
    meeting = snap.meeting(row.circle_id, row.meeting_id)
    state = snap.reminders.get(row.meeting_id or 0)
    is_learner = circle is not None and row.person_id in snap.learners.get(circle.id or 0, set())
    is_facilitator = circle is not None and row.person_id in snap.facilitators.get(circle.id or 0, set())
    dropped = reminder_unwanted(
        circle,
        meeting,
        snap.now,
        round_=int(row.payload.get("round", 0)),
        current_round=state.round if state else 0,
        is_learner=is_learner,
        is_facilitator=is_facilitator,
    )
    if dropped is not None:
        return dropped
    assert circle is not None and meeting is not None
    cover = snap.covers.get(meeting.id or 0)
    leader = cover.leader() if cover else None
    led_by = snap.names.get(leader, "?") if leader is not None else None
    meetings = snap.meetings[circle.id or 0]
    return reminder_reply(t, circle, meetings, meeting, state, copy=not is_learner, led_by=led_by)


# Feedback prompts (F5)


def feedback_prompt(t: Translator, circle: Circle, meeting: Meeting, *, learners: int) -> Reply:
    """The meeting has ended: one button opens the feedback at its first question, who came (the
    list to confirm, or a typed head count for a circle without it: ``domain.attendance.listed``)."""
    ended = t(
        "Meeting {number} of {circle} ({when}) has ended.",
        number=meeting.number,
        circle=circle.name,
        when=when(t, circle, meeting),
    )
    if listed(learners):
        text = ended + " " + t("Who came? Confirm who checked in and who said yes, then say how it went.")
        label = t("Confirm who came")
    else:
        text = ended + " " + t("How many came, and how did it go?")
        label = t("Say how many came")
    return Reply(text=text, buttons=[[Button(label, GiveFeedback(stored(meeting.id)).token)]])


def _render_feedback(row: OutboxRow, snap: Snapshot, t: Translator) -> Reply | Drop:
    circle = snap.circles.get(row.circle_id or 0)
    meeting = snap.meeting(row.circle_id, row.meeting_id)
    dropped = feedback_unwanted(
        circle,
        meeting,
        snap.now,
        given=(row.meeting_id or 0, row.person_id) in snap.feedback_given,
        is_facilitator=circle is not None
        and (row.person_id in snap.facilitators.get(circle.id or 0, set()) or _covers(snap, row)),
    )
    if dropped is not None:
        return dropped
    assert circle is not None and meeting is not None
    return feedback_prompt(t, circle, meeting, learners=len(snap.learners.get(circle.id or 0, ())))


def _covers(snap: Snapshot, row: OutboxRow) -> bool:
    """Whether the row's person covers its meeting (they act for it as its facilitator)."""
    cover = snap.covers.get(row.meeting_id or 0)
    return cover is not None and row.person_id is not None and cover.leader() == row.person_id


# Change notices (F8)


def _render_role_notice(row: OutboxRow, snap: Snapshot, t: Translator) -> Reply | Drop:
    change, name = row.payload["change"], snap.names.get(int(row.payload.get("about", 0)), "?")
    team = snap.teams.get(row.team_id or 0)
    circle = snap.circles.get(row.circle_id or 0)
    if change == JOIN_REQUEST and team is not None:
        request = row.payload["request"]
        return Reply(
            text=t("{name} would like to join {team} as a facilitator. Let them in?", name=name, team=team.name),
            buttons=[
                [
                    Button(t("Let them in"), AnswerJoinRequest(request, True).token),
                    Button(t("Decline"), AnswerJoinRequest(request, False).token),
                ]
            ],
        )
    if change == JOIN_ANSWER and team is not None:
        if row.payload.get("approved"):
            return Reply(text=t("You are now a member of {team}. Send /team to see it.", team=team.name))
        return Reply(text=t("The organizers of {team} did not let you join this time.", team=team.name))
    if change == FACILITATOR_REMOVED and circle is not None:
        return Reply(
            text=t(
                "{name} removed you as a co-facilitator of {circle}. Thank you for your help!",
                name=name,
                circle=circle.name,
            )
        )
    if change == STEPPED_DOWN and circle is not None:
        return Reply(text=t("{name} stepped down as a co-facilitator of {circle}.", name=name, circle=circle.name))
    return Drop("team or circle removed")


def _render_handover(row: OutboxRow, snap: Snapshot, t: Translator) -> Reply | Drop:
    """Someone left Circles for good: the people who take over their circle or team are told."""
    change = row.payload.get("change")
    if change == "team_closed":
        return Reply(
            text=t(
                "The team {team} was closed by its organizer. Your circles go on as before, outside the team.",
                team=str(row.payload.get("team", "")),
            )
        )
    circle = snap.circles.get(row.circle_id or 0)
    if circle is None:
        return Drop("circle removed")
    manage = [[Button(t("Manage the circle"), Manage(stored(circle.id)).token)]]
    if change == "lead_passed":
        if row.person_id not in snap.facilitators.get(circle.id or 0, set()):
            return Drop("no longer a facilitator")
        text = t(
            "You are now the lead facilitator of {circle}: its lead facilitator has left Circles.", circle=circle.name
        )
        return Reply(text=text, buttons=manage)
    text = t(
        "{circle}: Its lead facilitator has left Circles, and it has no co-facilitator. The circle goes on, "
        "and your team's organizers look after it: you can manage it, and invite a co-facilitator from there.",
        circle=circle.name,
    )
    return Reply(text=text, buttons=manage)


HANDOVERS = ("team_closed", "lead_passed", "lead_left")
WAITLIST_CHANGES = ("place_offered", "offer_lapsed")  # bot/delivery/offers.py


def _render_waitlist(row: OutboxRow, snap: Snapshot, t: Translator) -> Reply | Drop:
    """L7: a place freed for the next in line, or the offer's deadline passed unclaimed."""
    circle = snap.circles.get(row.circle_id or 0)
    if circle is None or circle.status is not CircleStatus.PUBLISHED:
        return Drop("circle not open")
    circle_id = stored(circle.id)
    if row.payload.get("change") == "offer_lapsed":
        text = t(
            "The place in {circle} held for you was not claimed in time, so it goes to the next person on the "
            "waitlist. You can join the waitlist again from the circle's card.",
            circle=circle.name,
        )
        return Reply(text=text, buttons=[[Button(t("Show the circle"), ShowCircle(circle_id).token)]])
    until = datetime.fromisoformat(str(row.payload["until"]))
    if until <= snap.now:
        return Drop("offer lapsed")
    text = t(
        "Good news: a place in {circle} is free, and it is yours if you want it. Claim it by {when}; after that "
        "it goes to the next person on the waitlist.",
        circle=circle.name,
        when=moment_for(t, until, circle.timezone),
    )
    buttons = [
        [
            Button(t("Claim my place"), ClaimPlace(circle_id).token),
            Button(t("Leave the waitlist"), LeaveWaitlist(circle_id).token),
        ]
    ]
    return Reply(text=text, buttons=buttons)


def _render_notice(row: OutboxRow, snap: Snapshot, t: Translator) -> Reply | Drop:
    if row.payload.get("change") in (JOIN_REQUEST, JOIN_ANSWER, FACILITATOR_REMOVED, STEPPED_DOWN):
        return _render_role_notice(row, snap, t)
    if row.payload.get("change") in HANDOVERS:
        return _render_handover(row, snap, t)
    if row.payload.get("change") in WAITLIST_CHANGES:
        return _render_waitlist(row, snap, t)
    circle = snap.circles.get(row.circle_id or 0)
    if circle is not None and row.payload.get("change") == "circle_cancelled":
        if row.person_id not in snap.learners.get(circle.id or 0, set()):
            return Drop(LEFT)
        return Reply(text=t("{circle} is cancelled: there will be no more meetings. Sorry!", circle=circle.name))
    if circle is not None and row.payload.get("change") == "venue":
        if row.person_id not in snap.learners.get(circle.id or 0, set()):
            return Drop(LEFT)
        upcoming = next_meeting(snap.meetings.get(circle.id or 0, []), snap.now)
        lines = [t("{circle} meets at a new place: {venue}", circle=circle.name, venue=venue_text(t, circle.venue))]
        if upcoming is not None:
            lines.append(t("Next meeting: {when}", when=when(t, circle, upcoming)))
        return Reply(text="\n".join(lines))
    meeting = snap.meeting(row.circle_id, row.meeting_id)
    if circle is None or meeting is None:
        return Drop("meeting removed")
    if row.person_id not in snap.learners.get(circle.id or 0, set()):
        return Drop(LEFT)
    if row.payload.get("change") == "cancelled":
        start = datetime.fromisoformat(str(row.payload["start"]))
        text = t(
            "{circle}: meeting {number} on {when} is cancelled.",
            circle=circle.name,
            number=meeting.number,
            when=moment_for(t, start, circle.timezone),
        )
        return Reply(text=text)
    old = datetime.fromisoformat(str(row.payload["old"]))
    new = datetime.fromisoformat(str(row.payload["new"]))
    lines = [
        t(
            "{circle}: meeting {number} has moved from {old} to {new}.",
            circle=circle.name,
            number=meeting.number,
            old=moment_for(t, old, circle.timezone),
            new=moment_for(t, new, circle.timezone),
        ),
        t("Where: {venue}", venue=venue_text(t, circle.venue)),
    ]
    buttons: list[list[Button]] = []
    if not meeting.cancelled and meeting.start > snap.now and meeting.start == new:
        lines.append(t("Will you come? Once you are there, tap I'm here."))
        buttons = [*will_you_come(t, meeting), [Button(t("I'm here"), CheckIn(stored(meeting.id)).token)]]
    return Reply(text="\n".join(lines), buttons=buttons)


# Broadcasts and their delivery reports (F3)


def _render_broadcast(row: OutboxRow, snap: Snapshot, t: Translator) -> Reply | Drop:
    sent = snap.broadcasts.get(row.broadcast_id or 0)
    circle = snap.circles.get(sent.circle_id) if sent else None
    if sent is None or circle is None:
        return Drop("message removed")
    if row.person_id not in snap.learners.get(circle.id or 0, set()):
        return Drop(LEFT)
    heading = t(
        "Message from {name}, facilitator of {circle}:", name=snap.names.get(sent.sender_id, "?"), circle=circle.name
    )
    return Reply(text=f"{heading}\n\n{sent.text}")


def delivery_report(t: Translator, circle: Circle, rows: Sequence[OutboxRow], names: dict[int, str]) -> str:
    addressed = [r for r in rows if not (r.status is Status.DROPPED and r.last_error == LEFT)]
    reached = [r for r in addressed if r.status is Status.SENT]
    missed = [r for r in addressed if r.status is not Status.SENT]
    lines = [
        t(
            "Your message to {circle} reached {reached} of {total} learners.",
            circle=circle.name,
            reached=len(reached),
            total=len(addressed),
        )
    ]
    if missed:
        lines.append(t("Could not be reached:"))
        lines += [f"• {names.get(r.person_id or 0, '?')} — {reason_text(t, r.last_error)}" for r in missed]
    return "\n".join(lines)


def _render_report(row: OutboxRow, snap: Snapshot, t: Translator) -> Reply | Drop:
    sent = snap.broadcasts.get(row.broadcast_id or 0)
    circle = snap.circles.get(sent.circle_id) if sent else None
    if sent is None or circle is None:
        return Drop("message removed")
    return Reply(text=delivery_report(t, circle, snap.broadcast_rows.get(sent.id, []), snap.names))


RENDERERS = {
    REMINDER: _render_reminder,
    FEEDBACK: _render_feedback,
    NOTICE: _render_notice,
    BROADCAST: _render_broadcast,
    BROADCAST_REPORT: _render_report,
}
