"""L7: offering freed places to a full circle's waitlist, through the outbox.

``promote`` runs wherever a place may have freed — a learner leaves or is forgotten, the
facilitator raises the limit or reopens signup — and on every dispatcher pass for circles whose
offers lapsed. It locks the circle's row first (as signing up does), so two learners leaving at
the same moment are counted one after the other: each freed place is offered exactly once. An
offer's outbox key names the waitlist entry, and an entry is offered once (a lapsed offer takes
it off the line), so a repeated pass never offers a place twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.delivery.messages import NOTICE
from domain.model import CirclePhase, CircleStatus
from domain.schedule import phase
from domain.waitlist import WaitlistEntry, promote
from storage.outbox import NewMessage
from storage.unit import Unit

PLACE_OFFERED = "place_offered"
OFFER_LAPSED = "offer_lapsed"


async def offer_free_places(unit: Unit, circle_id: int, now: datetime, hold: timedelta) -> int:
    """Offer every free place of the circle to the next in line; returns how many were offered."""
    circle = await unit.circles.get_for_update(circle_id)
    if circle is None:
        return 0
    entries = await unit.waitlist.of_circle(circle_id)
    if not entries:
        return 0
    running = circle.status is CircleStatus.PUBLISHED and circle.signup_open
    if running and phase(await unit.circles.meetings(circle_id), now) is CirclePhase.FINISHED:
        running = False
    # A closed, cancelled or finished circle offers nothing (the line waits for signup to reopen),
    # but its lapsed offers still end.
    limit = circle.signup_limit if running else 0
    outcome = promote(entries, limit, await unit.signups.count_active(circle_id), now, hold)
    for entry in outcome.lapsed:
        await unit.waitlist.remove(circle_id, entry.person_id)
    for entry in outcome.offered:
        await unit.waitlist.offered(entry)
    await unit.outbox.add(
        [_message(entry, OFFER_LAPSED, now) for entry in outcome.lapsed]
        + [_message(entry, PLACE_OFFERED, now) for entry in outcome.offered],
        now,
    )
    return len(outcome.offered)


def _message(entry: WaitlistEntry, change: str, now: datetime) -> NewMessage:
    payload: dict[str, object] = {"change": change}
    if entry.offer_expires_at is not None:
        payload["until"] = entry.offer_expires_at.isoformat()
    return NewMessage(
        key=f"waitlist:{entry.id}:{change}",
        kind=NOTICE,
        person_id=entry.person_id,
        due_at=now,
        payload=payload,
        circle_id=entry.circle_id,
    )


async def plan_offers(unit: Unit, now: datetime, hold: timedelta) -> int:
    """A dispatcher pass: where an offer lapsed, the next in line is offered the place."""
    offered = 0
    for circle_id in await unit.waitlist.circles_with_lapsed_offers(now):
        offered += await offer_free_places(unit, circle_id, now, hold)
    return offered
