"""Keeping bookkeeping tables small: what no one needs any more is deleted, once in a while.

- update ids (for ignoring platform retries) after two weeks — retries come within minutes;
- inputs kept after a failure after 30 days — long enough to look into the failure;
- invitation and link codes 30 days after they expired.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.unit import Unit

UPDATES_KEPT = timedelta(days=14)
KEPT_INPUTS_KEPT = timedelta(days=30)
EXPIRED_INVITES_KEPT = timedelta(days=30)


@dataclass
class Pruned:
    updates: int
    kept_inputs: int
    invites: int


async def prune(unit: Unit, now: datetime) -> Pruned:
    return Pruned(
        updates=await unit.updates.prune(now - UPDATES_KEPT),
        kept_inputs=await unit.kept_inputs.prune(now - KEPT_INPUTS_KEPT),
        invites=await unit.invites.prune(now - EXPIRED_INVITES_KEPT),
    )
