"""What a person may do with a circle, decided from its state and the current instant."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain.errors import (
    CircleCancelled,
    CircleFinished,
    CircleFull,
    CircleNotOpen,
    MeetingCancelled,
    MeetingPast,
    NotSignedUp,
    SignupClosed,
)
from domain.model import Circle, CirclePhase, CircleStatus, Meeting
from domain.schedule import phase


def is_listed(circle: Circle, meetings: Sequence[Meeting], now: datetime) -> bool:
    """Browse shows only published circles open for signup that have not finished (L1)."""
    return (
        circle.status is CircleStatus.PUBLISHED
        and circle.signup_open
        and phase(meetings, now) is not CirclePhase.FINISHED
    )


def check_can_sign_up(
    circle: Circle,
    meetings: Sequence[Meeting],
    now: datetime,
    active_signups: int,
    already_signed_up: bool,
) -> None:
    """Raise the reason a person cannot sign up, if any.

    Someone already signed up may always update their answers while the circle is open: the
    limit counts people, and they are already counted.
    """
    if circle.status is not CircleStatus.PUBLISHED:
        raise CircleNotOpen(circle=circle.name)
    if phase(meetings, now) is CirclePhase.FINISHED:
        raise CircleFinished(circle=circle.name)
    if already_signed_up:
        return
    if not circle.signup_open:
        raise SignupClosed(circle=circle.name)
    if circle.signup_limit is not None and active_signups >= circle.signup_limit:
        raise CircleFull(circle=circle.name, limit=circle.signup_limit)


def check_takes_part(circle: Circle, meeting: Meeting, *, signed_up: bool) -> None:
    """A learner may answer for a meeting (RSVP, check in) of a published circle they signed up
    for, when the meeting takes place."""
    if not signed_up:
        raise NotSignedUp()
    if circle.status is CircleStatus.CANCELLED:
        raise CircleCancelled(circle=circle.name)
    if circle.status is not CircleStatus.PUBLISHED:
        raise CircleNotOpen(circle=circle.name)
    if meeting.cancelled:
        raise MeetingCancelled()


def check_can_rsvp(circle: Circle, meeting: Meeting, now: datetime, signed_up: bool) -> None:
    check_takes_part(circle, meeting, signed_up=signed_up)
    if meeting.start <= now:
        raise MeetingPast()


def check_not_cancelled(circle: Circle) -> None:
    """A cancelled circle stays as it was (the rule is ``Circle.check_not_cancelled``): for
    checks made before a dialog starts, so that nobody answers questions for nothing."""
    circle.check_not_cancelled()


def check_meeting_ahead(meeting: Meeting, now: datetime) -> None:
    """Rescheduling or cancelling is for meetings that have not started yet (``Meeting.check_ahead``)."""
    meeting.check_ahead(now)
