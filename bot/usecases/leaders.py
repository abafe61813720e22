"""Who leads a meeting someone covers (issue 14), for the lists that show it: a learner's RSVP
list, a circle's card, the Home tab, a facilitator's schedule. Loaded for all the meetings a list
shows at once (the requests, then the leaders' names: two statements), as the outbox loads it for
the reminders (``bot.delivery.messages.load_snapshot``); an RSVP press reads it with the rest of
its sheet (``storage.signups.Rsvps.sheet_around``)."""

from __future__ import annotations

from collections.abc import Iterable

from storage.unit import Unit


async def leaders(unit: Unit, meeting_ids: Iterable[int]) -> dict[int, str]:
    """Meeting id → the name of who covers it, for those of ``meeting_ids`` someone covers."""
    covered = await unit.covers.of_meetings(meeting_ids)
    leading = {m: leader for m, c in covered.items() if (leader := c.leader()) is not None}
    names = await unit.people.names(sorted(set(leading.values())))
    return {m: names.get(p, "?") for m, p in leading.items()}
