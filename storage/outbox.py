"""The outbox: every message the bot sends on its own, one row per (what, to whom).

A row is created idempotently under its unique ``key``, claimed by one dispatcher for a lease,
sent, and closed with its outcome. The queries here are the only place that knows how rows are
claimed: ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so that several dispatchers never take the
same row, and one atomic ``UPDATE … RETURNING`` on SQLite, where writers are serialised anyway.

Keys name the message: the key of a message to a person has three or more ``:``-separated
segments and ends with the person's id (``reminder:<meeting>:r<round>:<person>``), so that linking
two accounts can re-key the merged person's rows (``People.merge``). The one key of a message to a
person without it is ``broadcast_report:<broadcast>``, one per broadcast.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.model import Identity, Person
from storage.tables import identities, outbox, people
from storage.types import UTCDateTime


class Status(enum.StrEnum):
    PENDING = "pending"  # waiting for its due time
    SENDING = "sending"  # claimed by a dispatcher until ``claimed_until``
    SENT = "sent"
    UNREACHABLE = "unreachable"  # the person blocked the bot, has no chat with it, or was forgotten
    FAILED = "failed"  # gave up after repeated transient failures
    DROPPED = "dropped"  # no longer wanted: the meeting was cancelled, the learner left…


OPEN = (Status.PENDING, Status.SENDING)


@dataclass
class NewMessage:
    """To ``person_id``, or with ``person_id`` None to the summary channel of ``team_id``."""

    key: str
    kind: str
    person_id: int | None
    due_at: datetime
    payload: dict[str, Any] = field(default_factory=dict)
    circle_id: int | None = None
    meeting_id: int | None = None
    broadcast_id: int | None = None
    team_id: int | None = None


@dataclass
class OutboxRow:
    id: int
    key: str
    kind: str
    person_id: int | None
    circle_id: int | None
    meeting_id: int | None
    broadcast_id: int | None
    payload: dict[str, Any]
    due_at: datetime
    status: Status
    attempts: int
    failures: int
    claimed_until: datetime | None
    claimed_by: str | None
    last_error: str | None
    sent_at: datetime | None
    team_id: int | None = None


def _row(r: RowMapping) -> OutboxRow:
    return OutboxRow(
        id=r["id"],
        key=r["key"],
        kind=r["kind"],
        person_id=r["person_id"],
        circle_id=r["circle_id"],
        meeting_id=r["meeting_id"],
        broadcast_id=r["broadcast_id"],
        payload=dict(r["payload"] or {}),
        due_at=r["due_at"],
        status=Status(r["status"]),
        attempts=r["attempts"],
        failures=r["failures"],
        claimed_until=r["claimed_until"],
        claimed_by=r["claimed_by"],
        last_error=r["last_error"],
        sent_at=r["sent_at"],
        team_id=r["team_id"],
    )


@dataclass
class Closing:
    """What became of one claimed row; written by ``Outbox.record``.

    ``status`` PENDING puts the row back with a new ``due_at`` (a retry or a release).
    """

    id: int
    status: Status
    due_at: datetime | None = None
    failed: bool = False
    error: str | None = None
    platform: str | None = None
    message_id: str | None = None
    sent_at: datetime | None = None


@dataclass
class Recipient:
    person: Person
    identities: list[Identity]


def _insert(conn: AsyncConnection) -> Any:
    return (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(outbox)


# Rows per statement of the PostgreSQL fast path (the arrays are one parameter each, so this only
# bounds the size of one message to the server).
_PG_BATCH = 5000
_PG_INSERT = text(
    """
    INSERT INTO outbox (key, kind, person_id, circle_id, meeting_id, broadcast_id, team_id, payload, due_at,
                        status, attempts, failures, created_at)
    SELECT r.key, r.kind, r.person_id, r.circle_id, r.meeting_id, r.broadcast_id, r.team_id, r.payload::json,
           r.due_at, :status, 0, 0, :now
    FROM unnest(CAST(:keys AS varchar[]), CAST(:kinds AS varchar[]), CAST(:people AS integer[]),
                CAST(:circles AS integer[]), CAST(:meetings AS integer[]), CAST(:broadcasts AS integer[]),
                CAST(:teams AS integer[]), CAST(:payloads AS text[]), CAST(:due AS timestamptz[]))
         AS r(key, kind, person_id, circle_id, meeting_id, broadcast_id, team_id, payload, due_at)
    ON CONFLICT (key) DO NOTHING
    """
).bindparams(bindparam("now", type_=UTCDateTime()))


def _encoded(payload: dict[str, Any], seen: dict[int, str]) -> str:
    found = seen.get(id(payload))
    if found is None:
        found = seen[id(payload)] = json.dumps(payload)
    return found


class Outbox:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self.added = 0  # rows this unit of work created: the app wakes the dispatcher after commit

    async def add(self, messages: Sequence[NewMessage], now: datetime) -> int:
        """Create the rows whose keys are new; returns how many were created.

        Keys already present are left alone (whatever their state), so calling this again with
        the same messages — or from two dispatchers at once — never creates a second row.
        """
        if not messages:
            return 0
        fresh = list({m.key: m for m in messages}.values())  # one row per key, even if asked twice
        # The unique key decides what is new: rows whose key exists are skipped by the database
        # itself, and the count of rows written says how many were created (no look-up before).
        if self.conn.dialect.name == "postgresql":
            created = await self._add_postgresql(fresh, now)
        else:
            created = await self._add_rows(fresh, now)
        self.added += created
        return created

    async def _add_postgresql(self, fresh: Sequence[NewMessage], now: datetime) -> int:
        """One statement per batch whose parameters are a handful of arrays: the driver encodes
        each array at once instead of a set of parameters per row (the busy evening's first
        pass creates thousands of rows, bench/planner.py)."""
        created = 0
        for start in range(0, len(fresh), _PG_BATCH):
            batch = fresh[start : start + _PG_BATCH]
            if any(m.due_at.tzinfo is None for m in batch):  # UTCDateTime's rule, for the array too
                raise ValueError("naive datetime given to the database; every datetime must be aware")
            payloads: dict[int, str] = {}  # most rows share a payload object: encode each once
            result = await self.conn.execute(
                _PG_INSERT,
                {
                    "keys": [m.key for m in batch],
                    "kinds": [m.kind for m in batch],
                    "people": [m.person_id for m in batch],
                    "circles": [m.circle_id for m in batch],
                    "meetings": [m.meeting_id for m in batch],
                    "broadcasts": [m.broadcast_id for m in batch],
                    "teams": [m.team_id for m in batch],
                    "payloads": [_encoded(m.payload, payloads) for m in batch],
                    "due": [m.due_at for m in batch],
                    "status": Status.PENDING.value,
                    "now": now,
                },
            )
            created += max(result.rowcount, 0)
        return created

    async def _add_rows(self, fresh: Sequence[NewMessage], now: datetime) -> int:
        stmt = _insert(self.conn).on_conflict_do_nothing(index_elements=["key"]).returning(outbox.c.id)
        created = 0
        for start in range(0, len(fresh), 1000):
            result = await self.conn.execute(
                stmt,
                [
                    {
                        "key": m.key,
                        "kind": m.kind,
                        "person_id": m.person_id,
                        "circle_id": m.circle_id,
                        "meeting_id": m.meeting_id,
                        "broadcast_id": m.broadcast_id,
                        "team_id": m.team_id,
                        "payload": m.payload,
                        "due_at": m.due_at,
                        "status": Status.PENDING.value,
                        "attempts": 0,
                        "failures": 0,
                        "created_at": now,
                    }
                    for m in fresh[start : start + 1000]
                ],
            )
            created += len(result.all())
        return created

    async def keys_present(self, keys: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            rows = await self.conn.execute(select(outbox.c.key).where(outbox.c.key.in_(chunk)))
            found.update(rows.scalars())
        return found

    async def claim(self, now: datetime, until: datetime, worker: str, limit: int) -> list[OutboxRow]:
        """Take up to ``limit`` due rows for ``worker`` until ``until``: pending ones that are due,
        and ones whose claim expired (a dispatcher that died mid-send).

        Claiming is one statement, so it is atomic; on PostgreSQL rows locked by another
        dispatcher's claim are skipped rather than waited for.
        """
        claimable = or_(
            and_(outbox.c.status == Status.PENDING.value, outbox.c.due_at <= now),
            and_(outbox.c.status == Status.SENDING.value, outbox.c.claimed_until <= now),
        )
        chosen = (
            select(outbox.c.id)
            .where(claimable)
            .order_by(outbox.c.due_at, outbox.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        stmt = (
            update(outbox)
            .where(outbox.c.id.in_(chosen), claimable)
            .values(
                status=Status.SENDING.value,
                claimed_until=until,
                claimed_by=worker,
                attempts=outbox.c.attempts + 1,
            )
            .returning(*outbox.c)
        )
        rows = [_row(r) for r in (await self.conn.execute(stmt)).mappings()]
        return sorted(rows, key=lambda r: (r.due_at, r.id))

    async def record(self, worker: str, closings: Sequence[Closing]) -> int:
        """Write the outcomes of rows this ``worker`` claimed; returns how many it still held.

        A row whose claim expired and was taken by another dispatcher is not touched: that
        dispatcher decides about it now.
        """
        if not closings:
            return 0
        stmt = (
            update(outbox)
            .where(
                outbox.c.id == bindparam("b_id"),
                outbox.c.claimed_by == bindparam("b_worker"),
                outbox.c.status == Status.SENDING.value,
            )
            .values(
                status=bindparam("b_status"),
                due_at=func.coalesce(bindparam("b_due_at", type_=outbox.c.due_at.type), outbox.c.due_at),
                failures=outbox.c.failures + bindparam("b_failed"),
                last_error=bindparam("b_error"),
                platform=func.coalesce(bindparam("b_platform", type_=outbox.c.platform.type), outbox.c.platform),
                message_id=bindparam("b_message_id"),
                sent_at=bindparam("b_sent_at", type_=outbox.c.sent_at.type),
                claimed_until=None,
            )
        )
        result = await self.conn.execute(
            stmt,
            [
                {
                    "b_id": c.id,
                    "b_worker": worker,
                    "b_status": c.status.value,
                    "b_due_at": c.due_at,
                    "b_failed": 1 if c.failed else 0,
                    "b_error": c.error[:500] if c.error else None,
                    "b_platform": c.platform,
                    "b_message_id": c.message_id,
                    "b_sent_at": c.sent_at,
                }
                for c in closings
            ],
        )
        return max(result.rowcount, 0)

    async def due(self, now: datetime, limit: int = 10_000) -> list[OutboxRow]:
        """Rows a pass would take now, without claiming them (``dispatch --dry-run``)."""
        query = (
            select(outbox)
            .where(
                or_(
                    and_(outbox.c.status == Status.PENDING.value, outbox.c.due_at <= now),
                    and_(outbox.c.status == Status.SENDING.value, outbox.c.claimed_until <= now),
                )
            )
            .order_by(outbox.c.due_at, outbox.c.id)
            .limit(limit)
        )
        return [_row(r) for r in (await self.conn.execute(query)).mappings()]

    async def next_due(self) -> datetime | None:
        """The earliest instant at which some open row becomes claimable."""
        pending = await self.conn.execute(
            select(func.min(outbox.c.due_at)).where(outbox.c.status == Status.PENDING.value)
        )
        claimed = await self.conn.execute(
            select(func.min(outbox.c.claimed_until)).where(outbox.c.status == Status.SENDING.value)
        )
        found = [t for t in (pending.scalar(), claimed.scalar()) if t is not None]
        return min(found) if found else None

    async def get(self, key: str) -> OutboxRow | None:
        row = (await self.conn.execute(select(outbox).where(outbox.c.key == key))).mappings().first()
        return _row(row) if row else None

    async def of_kind(self, kind: str, meeting_id: int | None = None) -> list[OutboxRow]:
        query = select(outbox).where(outbox.c.kind == kind)
        if meeting_id is not None:
            query = query.where(outbox.c.meeting_id == meeting_id)
        rows = await self.conn.execute(query.order_by(outbox.c.id))
        return [_row(r) for r in rows.mappings()]

    async def closed_unsent(self, kind: str, since: datetime) -> list[OutboxRow]:
        """Rows of ``kind`` due since ``since`` that were given up (unreachable or failed)."""
        rows = await self.conn.execute(
            select(outbox)
            .where(
                outbox.c.status.in_((Status.UNREACHABLE.value, Status.FAILED.value)),
                outbox.c.due_at >= since,
                outbox.c.kind == kind,
            )
            .order_by(outbox.c.id)
        )
        return [_row(r) for r in rows.mappings()]

    async def of_broadcasts(self, broadcast_ids: Iterable[int]) -> dict[int, list[OutboxRow]]:
        ids = sorted(set(broadcast_ids))
        found: dict[int, list[OutboxRow]] = {b: [] for b in ids}
        if ids:
            rows = await self.conn.execute(
                select(outbox).where(outbox.c.broadcast_id.in_(ids), outbox.c.kind == "broadcast").order_by(outbox.c.id)
            )
            for r in rows.mappings():
                found[r["broadcast_id"]].append(_row(r))
        return found

    async def counts(self) -> dict[str, int]:
        rows = await self.conn.execute(select(outbox.c.status, func.count()).group_by(outbox.c.status))
        return {str(status): int(n) for status, n in rows}

    async def census(self) -> dict[tuple[str, str], int]:
        """How many rows there are of each (kind, status): the operator's view of the outbox."""
        rows = await self.conn.execute(
            select(outbox.c.kind, outbox.c.status, func.count()).group_by(outbox.c.kind, outbox.c.status)
        )
        return {(str(kind), str(status)): int(n) for kind, status, n in rows}

    async def oldest_due(self, now: datetime) -> datetime | None:
        """The due time of the oldest open row that is due at ``now`` (None when nothing waits)."""
        found = await self.conn.execute(
            select(func.min(outbox.c.due_at)).where(
                outbox.c.status.in_([s.value for s in OPEN]), outbox.c.due_at <= now
            )
        )
        oldest: datetime | None = found.scalar()
        return oldest

    async def recipients(self, person_ids: Iterable[int]) -> dict[int, Recipient]:
        """People with their platform identities, for resolving where to send at send time."""
        ids = sorted(set(person_ids))
        found: dict[int, Recipient] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = await self.conn.execute(select(people).where(people.c.id.in_(chunk)))
            for r in rows.mappings():
                person = Person(
                    id=r["id"],
                    name=r["name"],
                    language=r["language"],
                    unreachable_reason=r["unreachable_reason"],
                    forgotten=r["forgotten"],
                    # The recipient's own zone: a reminder shows the meeting in theirs too.
                    timezone=r["timezone"],
                    platform_timezone=r["platform_timezone"],
                )
                found[r["id"]] = Recipient(person, [])
            known = await self.conn.execute(
                select(identities).where(identities.c.person_id.in_(chunk)).order_by(identities.c.id)
            )
            for i in known.mappings():
                if i["person_id"] in found:
                    found[i["person_id"]].identities.append(Identity(i["platform"], i["external_id"], i["chat_id"]))
        return found


def by_key(rows: Iterable[OutboxRow]) -> Mapping[str, OutboxRow]:
    return {row.key: row for row in rows}
