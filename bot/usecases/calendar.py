"""L8: a person's live calendar — a private address that always shows all their circles' meetings."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from domain.model import Circle, CircleStatus, Meeting
from storage.unit import Unit

SECRET_BYTES = 32  # 256 random bits: the address is the only key to the feed, so it must not be guessable


def secret_hash(secret: str) -> str:
    """Only this is stored: a leaked database does not reveal anyone's address. A plain SHA-256
    suffices because the secret is long and random (no dictionary to try)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


async def subscribe(unit: Unit, person_id: int, now: datetime) -> str:
    """A new address for the person's feed; the one they had before stops working."""
    secret = secrets.token_urlsafe(SECRET_BYTES)
    await unit.calendar_feeds.replace(person_id, secret_hash(secret), now)
    return secret


@dataclass
class Feed:
    """What the feed of one address shows, in its owner's language."""

    language: str
    schedules: list[tuple[Circle, list[Meeting]]] = field(default_factory=list)


async def feed(unit: Unit, secret: str) -> Feed | None:
    """The feed behind ``secret``, or None when no such address exists (never did, replaced,
    or its owner was forgotten): the caller answers 404 alike, so nothing is revealed."""
    person_id = await unit.calendar_feeds.person_for(secret_hash(secret))
    if person_id is None:
        return None
    person = await unit.people.get(person_id)
    if person is None or person.forgotten:
        return None
    circle_ids = [s.circle_id for s in await unit.signups.active_for_person(person_id)]
    circle_ids += [c.id for c in await unit.circles.facilitated_by(person_id) if c.id is not None]
    found = Feed(person.language)
    meetings = await unit.circles.meetings_of(sorted(set(circle_ids)))
    for circle_id, schedule in meetings.items():
        circle = await unit.circles.get(circle_id)
        if circle is not None and circle.status is not CircleStatus.DRAFT:
            found.schedules.append((circle, schedule))
    return found
