"""What happened: the facts an aggregate reports when it changes (``Circle.cancel()`` → ``CircleCancelled``).

Events are plain values. The domain only says what changed; the application decides who hears
of it (``bot/delivery/notices.announce``), in one place, inside the same transaction as the
change, so a notice exists exactly when its change does.

The names are past tense, like the errors' present-tense refusals in ``domain/errors.py``
(``errors.CircleCancelled`` refuses a change to a cancelled circle; ``events.CircleCancelled``
says a circle was just cancelled): import the module (``from domain import events``) and write
``events.X`` to keep the two apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class CirclePublished:
    circle_id: int


@dataclass(frozen=True)
class CircleCancelled:
    circle_id: int


@dataclass(frozen=True)
class SignupOpened:
    circle_id: int


@dataclass(frozen=True)
class SignupClosed:
    circle_id: int


@dataclass(frozen=True)
class SignupLimitChanged:
    circle_id: int


@dataclass(frozen=True)
class VenueChanged:
    circle_id: int


@dataclass(frozen=True)
class MeetingMoved:
    circle_id: int
    meeting_id: int
    old_start: datetime
    new_start: datetime


@dataclass(frozen=True)
class MeetingCancelled:
    circle_id: int
    meeting_id: int
    start: datetime


@dataclass(frozen=True)
class MemberRemoved:
    """An organizer removed someone else from the team."""

    team_id: int
    person_id: int
    by: int


@dataclass(frozen=True)
class MemberLeft:
    """Someone left the team of their own accord (an organizer removing themselves leaves)."""

    team_id: int
    person_id: int


Event = (
    CirclePublished
    | CircleCancelled
    | SignupOpened
    | SignupClosed
    | SignupLimitChanged
    | VenueChanged
    | MeetingMoved
    | MeetingCancelled
    | MemberRemoved
    | MemberLeft
)
