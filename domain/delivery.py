"""Delivery rules: when a message the bot sends on its own falls due, and whether one already
queued is still wanted when its turn comes.

The outbox (``bot/delivery``) plans rows when these rules say they are due and, at send time,
asks them again whether each row is still wanted: a reminder planned before its meeting was
cancelled, or a survey invitation to someone who answered meanwhile, is dropped with the reason
these functions give. Everything here is a pure function of the facts and ``now``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.cover import Cover, CoverStatus
from domain.model import MAX_DURATION_MINUTES, MAX_REMINDER_LEAD, Circle, CircleStatus, Meeting, Person
from domain.schedule import active, meetings_ahead, previous_meeting

FEEDBACK_LATEST_AFTER_END = timedelta(days=1)
LEARNER_SURVEY_BEFORE_LAST_START = timedelta(hours=1)
FACILITATOR_SURVEY_AFTER_LAST_END = timedelta(days=2)
# End-of-circle invitations still go out this long after their time (a dispatcher that was
# down catches up); later, the circle is too far behind to ask.
STILL_WORTH_ASKING = timedelta(days=14)
# The longest a meeting lasts: how far back planning looks for meetings that just ended.
MAX_DURATION = timedelta(minutes=MAX_DURATION_MINUTES)
# How far ahead planning looks for meetings whose reminder may be due.
REMINDER_HORIZON = MAX_REMINDER_LEAD

# Why a person cannot be reached, or why a message is no longer wanted: codes kept on the
# outbox row (their texts are in bot/delivery/reasons.py).
FORGOTTEN = "forgotten"  # the person asked to be forgotten (/forget)
NO_CHAT = "no_chat"  # the person never opened a chat with the bot on any platform we serve
LEFT = "left"  # the learner left the circle before the message went out
STALE = "out of date: a newer one replaces it"  # it could not go out in its time (STALE_AFTER)


@dataclass(frozen=True)
class Drop:
    """The message is not to be sent any more; ``reason`` is kept on the row."""

    reason: str


# ---------------------------------------------------------------- reminders (SPEC §2, P2PU's rule)


def reminder_due(meetings: Sequence[Meeting], meeting: Meeting, lead: timedelta) -> datetime | None:
    """P2PU's rule: ``max(start - lead, end of the previous meeting)``, never after the start.

    None for a cancelled meeting. The previous meeting's end wins so that learners are not
    reminded of next week's meeting while this week's is still going on.
    """
    if meeting.cancelled:
        return None
    before = previous_meeting(meetings, meeting)
    return _reminder_at(meeting, lead, before.end if before is not None else None)


def _reminder_at(meeting: Meeting, lead: timedelta, previous_end: datetime | None) -> datetime:
    due = meeting.start - lead
    if previous_end is not None and previous_end > due:
        due = previous_end
    return min(due, meeting.start)


def reminder_dues(meetings: Sequence[Meeting], lead: timedelta) -> list[tuple[Meeting, datetime]]:
    """Every meeting not cancelled, in order, with the instant its reminder falls due: the rule of
    ``reminder_due`` for a whole schedule in one pass (planning asks it of thousands of circles)."""
    dues: list[tuple[Meeting, datetime]] = []
    previous_end: datetime | None = None  # of the last meeting that starts before this one
    group_start: datetime | None = None  # meetings that start at the same instant share a previous one
    group_end: datetime | None = None
    for meeting in active(meetings):
        if group_start is None or meeting.start > group_start:
            previous_end, group_start = group_end, meeting.start
        dues.append((meeting, _reminder_at(meeting, lead, previous_end)))
        group_end = meeting.end
    return dues


def reminder_due_now(meetings: Sequence[Meeting], meeting: Meeting, lead: timedelta, now: datetime) -> datetime | None:
    """The instant ``meeting``'s reminder fell due, when it is due by ``now`` and the meeting
    has not started (a reminder never goes out after the start); else None."""
    at = reminder_due(meetings, meeting, lead)
    return at if at is not None and is_reminder_time(meeting, at, now) else None


def is_reminder_time(meeting: Meeting, due: datetime, now: datetime) -> bool:
    """A reminder due at ``due`` goes out from then until the meeting starts, never after."""
    return due <= now < meeting.start


def needs_new_round(went_out_at: datetime | None, due: datetime | None, now: datetime) -> bool:
    """A meeting whose reminder went out, moved to a time whose reminder is still ahead, is
    reminded again (a new round); unsent reminders need nothing, they are rendered when sent."""
    return went_out_at is not None and due is not None and due > now


def reminder_unwanted(
    circle: Circle | None,
    meeting: Meeting | None,
    now: datetime,
    *,
    round_: int,
    current_round: int,
    is_learner: bool,
    is_facilitator: bool,
) -> Drop | None:
    """Why a queued reminder is no longer to be sent, or None when it still is."""
    if (dropped := meeting_unwanted(circle, meeting)) is not None:
        return dropped
    assert meeting is not None
    if now >= meeting.start:
        return Drop("meeting started")  # a reminder never goes out after the start
    if round_ != current_round:
        return Drop("superseded by a newer reminder")
    if not is_learner and not is_facilitator:
        return Drop(LEFT)
    return None


def meeting_unwanted(circle: Circle | None, meeting: Meeting | None) -> Drop | None:
    """A message about a meeting is wanted only while the meeting is on in a published circle."""
    if circle is None or meeting is None:
        return Drop("meeting removed")
    if circle.status is not CircleStatus.PUBLISHED:
        return Drop("circle not published")
    if meeting.cancelled:
        return Drop("meeting cancelled")
    return None


# ---------------------------------------------------------------- feedback prompts (F5)


def feedback_window(meeting: Meeting) -> tuple[datetime, datetime]:
    """The facilitator is asked for feedback once the meeting ended, and not later than a day after."""
    return meeting.end, meeting.end + FEEDBACK_LATEST_AFTER_END


def in_feedback_window(meeting: Meeting, now: datetime) -> bool:
    opens, closes = feedback_window(meeting)
    return opens <= now <= closes


def feedback_prompts_due(meetings: Sequence[Meeting], now: datetime) -> list[Meeting]:
    """The meetings (not cancelled) whose facilitators are to be asked for feedback now."""
    return [m for m in meetings if not m.cancelled and in_feedback_window(m, now)]


def feedback_unwanted(
    circle: Circle | None, meeting: Meeting | None, now: datetime, *, given: bool, is_facilitator: bool
) -> Drop | None:
    if (dropped := meeting_unwanted(circle, meeting)) is not None:
        return dropped
    assert meeting is not None
    if not in_feedback_window(meeting, now):
        return Drop("outside the feedback window")
    if given:
        return Drop("feedback already given")
    if not is_facilitator:
        return Drop("no longer a facilitator")
    return None


# ---------------------------------------------------------------- the end of a circle (L4, F6, F7)


def learner_survey_due(meetings: Sequence[Meeting]) -> datetime | None:
    """From one hour before the last meeting starts."""
    held = active(meetings)
    return held[-1].start - LEARNER_SURVEY_BEFORE_LAST_START if held else None


def facilitator_survey_due(meetings: Sequence[Meeting]) -> datetime | None:
    """Two days after the last meeting ended."""
    held = active(meetings)
    return held[-1].end + FACILITATOR_SURVEY_AFTER_LAST_END if held else None


def report_offer_due(meetings: Sequence[Meeting]) -> datetime | None:
    """The report is offered to the facilitators once the last meeting has ended."""
    held = active(meetings)
    return held[-1].end if held else None


def worth_inviting(due: datetime, now: datetime) -> bool:
    """An end-of-circle invitation goes out from its time on, for STILL_WORTH_ASKING."""
    return due <= now < due + STILL_WORTH_ASKING


def circle_unwanted(circle: Circle | None) -> Drop | None:
    """End-of-circle messages are for published circles only: a cancelled circle gets no surveys."""
    if circle is None or circle.id is None:
        return Drop("circle removed")
    if circle.status is not CircleStatus.PUBLISHED:
        return Drop("circle not published")
    return None


def survey_unwanted(circle: Circle | None, *, still_in_role: bool, answered: bool, learner: bool) -> Drop | None:
    """A survey invitation is for someone still in the circle (as learner or facilitator) who
    has not answered yet."""
    if (dropped := circle_unwanted(circle)) is not None:
        return dropped
    if not still_in_role:
        return Drop(LEFT if learner else "no longer a facilitator")
    if answered:
        return Drop("already answered")
    return None


# ---------------------------------------------------------------- cover for a missed meeting (issue 14)

# How long before a meeting the facilitator who asked for cover, when nobody has accepted, is
# offered to cancel it (config.yaml: delivery.cover_deadline_hours).
DEFAULT_COVER_DEADLINE = timedelta(hours=24)
NOT_ASKED = "cover no longer asked"
COVERED = "someone covers the meeting"


def cover_offer_due(meeting: Meeting, cover: Cover | None, deadline: timedelta) -> datetime | None:
    """When the asker is offered to cancel the meeting: ``deadline`` before it starts, while the
    request is open; None when there is nothing to offer."""
    if cover is None or not cover.open or meeting.cancelled:
        return None
    return meeting.start - deadline


def cover_offer_due_now(meeting: Meeting, cover: Cover | None, deadline: timedelta, now: datetime) -> datetime | None:
    """The instant the offer fell due, when it is due by ``now`` and the meeting has not started."""
    at = cover_offer_due(meeting, cover, deadline)
    return at if at is not None and at <= now < meeting.start else None


def cover_unwanted(circle: Circle | None, meeting: Meeting | None, cover: Cover | None, now: datetime) -> Drop | None:
    """A request for cover, or the offer to cancel, is wanted while the request is open and the
    meeting is ahead: once someone covers it, or the facilitator withdraws, it is dropped."""
    if (dropped := meeting_unwanted(circle, meeting)) is not None:
        return dropped
    assert meeting is not None
    if now >= meeting.start:
        return Drop("meeting started")
    if cover is None or cover.status is CoverStatus.WITHDRAWN:
        return Drop(NOT_ASKED)
    if cover.status is CoverStatus.COVERED:
        return Drop(COVERED)
    return None


def cover_news_unwanted(
    circle: Circle | None, meeting: Meeting | None, cover: Cover | None, now: datetime, *, leader: int
) -> Drop | None:
    """News that ``leader`` covers a meeting is wanted while it is still true and the meeting ahead."""
    if (dropped := meeting_unwanted(circle, meeting)) is not None:
        return dropped
    assert meeting is not None
    if now >= meeting.start:
        return Drop("meeting started")
    if cover is None or cover.leader() != leader:
        return Drop(NOT_ASKED)
    return None


# ---------------------------------------------------------------- planning ahead


def next_falling_due(
    meetings: Sequence[Meeting],
    lead: timedelta,
    now: datetime,
    *,
    dues: Sequence[tuple[Meeting, datetime]] | None = None,
    also: Iterable[datetime | None] = (),
) -> datetime | None:
    """The first instant after ``now`` at which something of this circle falls due: a meeting's
    reminder, a meeting's end (its feedback prompt), an end-of-circle invitation, or one of
    ``also`` (the offers to cancel a meeting nobody covers, ``cover_offer_due``).

    Planning looks at a circle again only then (or when the circle changes), so a pass with
    nothing falling due does not look at it at all. None when nothing is ahead. ``dues``: the
    schedule's ``reminder_dues``, when the caller has them already.
    """
    if dues is None:
        dues = reminder_dues(meetings, lead)
    held = [m for m, _ in dues]
    instants: list[datetime | None] = [at for _, at in dues]
    instants += [m.end for m in held]
    instants += [learner_survey_due(held), facilitator_survey_due(held), report_offer_due(held)]
    instants += list(also)
    ahead = [at for at in instants if at is not None and at > now]
    return min(ahead) if ahead else None


# ---------------------------------------------------------------- messages that are out of date

# A weekly summary or a report offer that could not go out for longer than this (the service was
# down) is not sent late: a summary of last week is replaced by this week's, in its time, and the
# report is always at hand with /report.
STALE_AFTER = timedelta(days=1)


def stale(due_at: datetime, now: datetime) -> Drop | None:
    """A message that is more than STALE_AFTER overdue is dropped rather than sent late."""
    return Drop(STALE) if now - due_at > STALE_AFTER else None


# ---------------------------------------------------------------- change notices (F8)


def worth_telling_learners(meetings: Sequence[Meeting], now: datetime) -> bool:
    """A circle-wide notice (cancelled, new venue) is news only while meetings are ahead."""
    return bool(meetings_ahead(meetings, now))


# ---------------------------------------------------------------- recipients


def unreachable(person: Person | None, chats: int) -> str | None:
    """Why nothing can be sent to this person (the row is closed as unreachable), or None.

    ``chats`` counts the person's accounts the bot may write to; a person who asked to be
    forgotten, or whom a platform reported as blocked, gets nothing more.
    """
    if person is None or person.forgotten:
        return FORGOTTEN
    if person.unreachable_reason:
        return person.unreachable_reason
    if not chats:
        return NO_CHAT
    return None
