"""Early warnings for a team's organizers: the rules that say a circle may be in trouble.

Pure rules over what a circle's meetings were like (how many came, whether the facilitator gave
feedback, how many said yes) and its signups; the weekly summary and /team show what they find,
one line per warning. The thresholds are named here and nowhere else.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from domain.model import Meeting

# Attendance falling this many meetings in a row (each held meeting fewer than the one before).
FALLING_MEETINGS = 2
# Feedback still missing this long after a meeting ended.
FEEDBACK_GRACE = timedelta(days=2)
# ... about a meeting that ended at most this long ago: older gaps are past helping.
FEEDBACK_LOOK_BACK = timedelta(weeks=2)
# Nobody has said yes this close to a meeting.
NO_YES_WITHIN = timedelta(hours=24)
# Fewer than this many signups ...
FEW_SIGNUPS = 3
# ... this close to the first meeting.
FEW_SIGNUPS_WITHIN = timedelta(weeks=1)
# How far back the rules look at meetings: enough for FALLING_MEETINGS + 1 weekly meetings and
# the feedback look-back. Callers read the meetings that started since ``now - LOOK_BACK``.
LOOK_BACK = timedelta(weeks=4)


class Kind(enum.StrEnum):
    FALLING_ATTENDANCE = "falling attendance"
    FEEDBACK_MISSING = "feedback missing"
    NO_YES = "no yes"
    FEW_SIGNUPS = "few signups"


@dataclass(frozen=True)
class MeetingFacts:
    """What is known of one meeting: how many came (None: not known yet), the yes answers, and
    whether a facilitator gave feedback."""

    meeting: Meeting
    came: int | None
    yes: int
    feedback_given: bool


@dataclass(frozen=True)
class CircleFacts:
    """A published circle's meetings (all of them; figures are needed only for those that started
    since ``now - LOOK_BACK``, the others may say ``came=None, yes=0``) and its active signups."""

    circle_id: int
    signups: int
    meetings: Sequence[MeetingFacts]


@dataclass(frozen=True)
class EarlyWarning:
    kind: Kind
    circle_id: int
    meeting: Meeting | None = None  # the meeting it is about, when one
    counts: tuple[int, ...] = ()  # falling: how many came, oldest first; few signups: (signups,)


def warnings_for(circle: CircleFacts, now: datetime) -> list[EarlyWarning]:
    """The circle's warnings at ``now``, at most one of each kind, in the order of ``Kind``."""
    found = [
        falling_attendance(circle, now),
        feedback_missing(circle, now),
        no_yes(circle, now),
        few_signups(circle, now),
    ]
    return [w for w in found if w is not None]


def _active(circle: CircleFacts) -> list[MeetingFacts]:
    return sorted((m for m in circle.meetings if not m.meeting.cancelled), key=lambda m: m.meeting.start)


def falling_attendance(circle: CircleFacts, now: datetime) -> EarlyWarning | None:
    """The last FALLING_MEETINGS held meetings each had fewer people than the one before, and the
    circle still has a meeting ahead (after its last one, nobody can act on it)."""
    meetings = _active(circle)
    if not any(m.meeting.start > now for m in meetings):
        return None
    held = [m for m in meetings if m.meeting.start <= now]
    last = held[-(FALLING_MEETINGS + 1) :]
    if len(last) < FALLING_MEETINGS + 1:
        return None
    counts = [m.came for m in last]
    known = [c for c in counts if c is not None]
    if len(known) < len(counts):
        return None  # one of them has no figure yet: no trend to speak of
    if all(later < earlier for earlier, later in pairwise(known)):
        return EarlyWarning(Kind.FALLING_ATTENDANCE, circle.circle_id, last[-1].meeting, tuple(known))
    return None


def feedback_missing(circle: CircleFacts, now: datetime) -> EarlyWarning | None:
    """The latest meeting that ended at least FEEDBACK_GRACE ago (and within FEEDBACK_LOOK_BACK)
    has no feedback from any facilitator."""
    ended = [m for m in _active(circle) if m.meeting.end + FEEDBACK_GRACE <= now]
    if not ended:
        return None
    latest = ended[-1]
    if latest.feedback_given or latest.meeting.end < now - FEEDBACK_LOOK_BACK:
        return None
    return EarlyWarning(Kind.FEEDBACK_MISSING, circle.circle_id, latest.meeting)


def no_yes(circle: CircleFacts, now: datetime) -> EarlyWarning | None:
    """The next meeting starts within NO_YES_WITHIN and nobody has said yes to it."""
    ahead = [m for m in _active(circle) if m.meeting.start > now]
    if not ahead or ahead[0].meeting.start > now + NO_YES_WITHIN or ahead[0].yes:
        return None
    return EarlyWarning(Kind.NO_YES, circle.circle_id, ahead[0].meeting)


def few_signups(circle: CircleFacts, now: datetime) -> EarlyWarning | None:
    """The first meeting starts within FEW_SIGNUPS_WITHIN and fewer than FEW_SIGNUPS signed up."""
    meetings = _active(circle)
    if not meetings:
        return None
    first = meetings[0].meeting
    if not (now < first.start <= now + FEW_SIGNUPS_WITHIN) or circle.signups >= FEW_SIGNUPS:
        return None
    return EarlyWarning(Kind.FEW_SIGNUPS, circle.circle_id, first, (circle.signups,))
