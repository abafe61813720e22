"""People and their platform identities."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Table, UniqueConstraint, and_, bindparam, delete, func, select, true, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.model import Identity, Person
from storage.outbox import Status
from storage.planning import replan_circles_of_person
from storage.tables import dialogs, identities, metadata, offered_buttons, outbox, people, processed_updates
from storage.updates import Updates
from storage.upsert import insert_if_absent

# Merging two people (linked identities): where both have a row and only one may stay (one signup
# per circle, one RSVP per meeting…), ``PREFER[table](survivor's row, merged row)`` says whether the
# merged person's row wins. Tables not named here keep the survivor's row.
Prefer = Callable[[RowMapping, RowMapping], bool]


def _newer(column: str) -> Prefer:
    return lambda kept, merged: bool(merged[column] > kept[column])


def _ranked(column: str, best: str) -> Prefer:
    return lambda kept, merged: merged[column] == best and kept[column] != best


PREFER: dict[str, Prefer] = {
    "signups": _newer("updated_at"),
    "rsvps": _newer("answered_at"),
    "feedback": _newer("updated_at"),
    "survey_responses": _newer("answered_at"),
    "dialogs": _newer("updated_at"),
    "offered_buttons": _newer("offered_at"),
    "facilitators": _ranked("role", "lead"),
    "team_members": _ranked("role", "organizer"),
}
# Two rows of the outbox under one key after a merge: the one further along stays — a message that
# went out over one still to go, and that over one closed without being sent.
_PROGRESS = {Status.SENT.value: 2, Status.SENDING.value: 1, Status.PENDING.value: 1}


def _person_references() -> list[Column[int]]:
    """Every column of the schema that points at a person, found from the schema itself, so that a
    table added later is merged too rather than silently deleted with the merged person."""
    return [
        fk.parent
        for table in metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column is people.c.id and table is not people
    ]


def _unique_keys(table: Table, column: Column[int]) -> list[list[str]]:
    """For each unique constraint (or primary key) that includes ``column``: its other columns."""
    groups = [list(table.primary_key.columns)] + [
        list(c.columns) for c in table.constraints if isinstance(c, UniqueConstraint)
    ]
    return [[c.name for c in group if c is not column] for group in groups if column in group]


def _person(row: RowMapping) -> Person:
    return Person(
        id=row["id"],
        name=row["name"],
        language=row["language"],
        unreachable_reason=row["unreachable_reason"],
        forgotten=row["forgotten"],
        timezone=row["timezone"],
        platform_timezone=row["platform_timezone"],
    )


def _arrival() -> Any:
    """PostgreSQL: note an update as seen (unless it was) and read the person behind its identity,
    in one statement. One row always: ``fresh`` (1: first time, 0: seen before) and the person's
    columns with their identity's chat (all NULL when the identity is new)."""
    seen = (
        postgresql.insert(processed_updates)
        .values(
            platform=bindparam("u_platform"),
            update_id=bindparam("u_update_id"),
            seen_at=bindparam("u_seen_at", type_=processed_updates.c.seen_at.type),
        )
        .on_conflict_do_nothing(index_elements=["platform", "update_id"])
        .returning(processed_updates.c.update_id)
        .cte("seen")
    )
    fresh = select(func.count().label("fresh")).select_from(seen).subquery("fresh")
    known = (
        select(people, identities.c.chat_id.label("identity_chat_id"))
        .join(identities, identities.c.person_id == people.c.id)
        .where(
            identities.c.platform == bindparam("i_platform"),
            identities.c.external_id == bindparam("i_external_id"),
        )
        .subquery("known")
    )
    return select(fresh.c.fresh, known).select_from(fresh.outerjoin(known, true()))


_ARRIVAL = _arrival()


class People:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def get(self, person_id: int) -> Person | None:
        row = (await self.conn.execute(select(people).where(people.c.id == person_id))).mappings().first()
        return _person(row) if row else None

    async def by_identity(self, platform: str, external_id: str) -> Person | None:
        query = (
            select(people)
            .join(identities, identities.c.person_id == people.c.id)
            .where(identities.c.platform == platform, identities.c.external_id == external_id)
        )
        row = (await self.conn.execute(query)).mappings().first()
        return _person(row) if row else None

    async def ensure(self, identity: Identity, name: str, language: str, now: datetime) -> tuple[Person, bool]:
        """The person behind an identity, created on first contact; True when created now.

        Two first messages racing each other both end with the same person: the unique
        identity constraint decides, and the loser reads the winner's row.
        """
        # The person and the identity's chat in one query; the chat is written only when it
        # changed (every event passes here: an RSVP press must not cost a write it does not need).
        query = (
            select(people, identities.c.chat_id.label("identity_chat_id"))
            .join(identities, identities.c.person_id == people.c.id)
            .where(identities.c.platform == identity.platform, identities.c.external_id == identity.external_id)
        )
        row = (await self.conn.execute(query)).mappings().first()
        if row is not None:
            return await self._known(identity, row), False
        return await self._create(identity, name, language, now)

    async def arrive(
        self, identity: Identity, name: str, language: str, now: datetime, update_id: str
    ) -> tuple[Person, bool] | None:
        """``ensure`` for a platform update seen for the first time; None when it was seen before
        (a webhook retry, a double delivery), and then nothing is created.

        Every event passes here, so on PostgreSQL noting the update and reading the person are one
        round trip (``_ARRIVAL``); SQLite, in-process, takes the two statements one after the other.
        """
        if self.conn.dialect.name != "postgresql":
            if not await Updates(self.conn).first_time(identity.platform, update_id, now):
                return None
            return await self.ensure(identity, name, language, now)
        params = {"u_platform": identity.platform, "u_update_id": update_id, "u_seen_at": now}
        params |= {"i_platform": identity.platform, "i_external_id": identity.external_id}
        row = (await self.conn.execute(_ARRIVAL, params)).mappings().one()
        if not row["fresh"]:
            return None
        if row["id"] is None:
            return await self._create(identity, name, language, now)
        return await self._known(identity, row), False

    async def _known(self, identity: Identity, row: RowMapping) -> Person:
        if identity.chat_id and identity.chat_id != row["identity_chat_id"]:
            await self._update_chat(identity)
        return _person(row)

    async def _create(self, identity: Identity, name: str, language: str, now: datetime) -> tuple[Person, bool]:
        result = await self.conn.execute(
            people.insert().values(name=name, language=language, forgotten=False, created_at=now)
        )
        person_id = result.inserted_primary_key[0] if result.inserted_primary_key else None
        assert person_id is not None
        inserted = await insert_if_absent(
            self.conn,
            identities,
            {
                "person_id": person_id,
                "platform": identity.platform,
                "external_id": identity.external_id,
                "chat_id": identity.chat_id,
            },
            keys=["platform", "external_id"],
        )
        if not inserted:
            await self.conn.execute(delete(people).where(people.c.id == person_id))
            winner = await self.by_identity(identity.platform, identity.external_id)
            assert winner is not None
            return winner, False
        return Person(id=person_id, name=name, language=language), True

    async def _update_chat(self, identity: Identity) -> None:
        await self.conn.execute(
            update(identities)
            .where(
                identities.c.platform == identity.platform,
                identities.c.external_id == identity.external_id,
            )
            .values(chat_id=identity.chat_id)
        )

    async def identities_of(self, person_id: int) -> list[Identity]:
        rows = await self.conn.execute(
            select(identities).where(identities.c.person_id == person_id).order_by(identities.c.id)
        )
        return [Identity(r.platform, r.external_id, r.chat_id) for r in rows]

    async def names(self, person_ids: list[int]) -> dict[int, str]:
        if not person_ids:
            return {}
        rows = await self.conn.execute(select(people.c.id, people.c.name).where(people.c.id.in_(person_ids)))
        return {r.id: r.name for r in rows}

    async def set_language(self, person_id: int, language: str) -> None:
        await self.conn.execute(update(people).where(people.c.id == person_id).values(language=language))

    async def set_timezone(self, person_id: int, zone: str | None) -> None:
        await self.conn.execute(update(people).where(people.c.id == person_id).values(timezone=zone))

    async def set_platform_timezone(self, person_id: int, zone: str | None) -> None:
        await self.conn.execute(update(people).where(people.c.id == person_id).values(platform_timezone=zone))

    async def drop_chat(self, identity: Identity) -> None:
        """An account refused the bot: stop writing there until the person writes from it again
        (``ensure`` then records the chat anew)."""
        await self.conn.execute(
            update(identities)
            .where(
                identities.c.platform == identity.platform,
                identities.c.external_id == identity.external_id,
                identities.c.chat_id == identity.chat_id,
            )
            .values(chat_id=None)
        )

    async def mark_unreachable(self, person_id: int, reason: str) -> None:
        await self.conn.execute(update(people).where(people.c.id == person_id).values(unreachable_reason=reason))

    async def mark_reachable(self, person_id: int) -> None:
        await self.conn.execute(update(people).where(people.c.id == person_id).values(unreachable_reason=None))

    async def anonymise(self, person_id: int) -> None:
        """Keep the rows that make a circle's history add up, but nothing that identifies the person.

        The platform identities go too: the bot can no longer write to them, and if they write
        again they are a new person with no past.
        """
        await self.conn.execute(
            update(people)
            .where(people.c.id == person_id)
            .values(
                name="(forgotten)",
                forgotten=True,
                unreachable_reason="forgotten",
                timezone=None,
                platform_timezone=None,
            )
        )
        await self.conn.execute(delete(identities).where(identities.c.person_id == person_id))
        await self.conn.execute(delete(dialogs).where(dialogs.c.person_id == person_id))
        await self.conn.execute(delete(offered_buttons).where(offered_buttons.c.person_id == person_id))

    async def merge(self, keep_id: int, gone_id: int) -> None:
        """Make person ``gone_id`` part of ``keep_id`` (linked identities), then delete ``gone_id``.

        Everything that pointed at the merged person — identities, signups, RSVPs, facilitator and
        team roles, a dialog, feedback, survey answers, invitations, messages — now points at the
        survivor. Where both had a row and only one may stay, ``PREFER`` decides (the most recent
        signup, RSVP or answer; the stronger role). The merged person's messages take the
        survivor's keys (``_rekey_messages``), so nothing either of them got is planned again.
        """
        if keep_id == gone_id:
            raise ValueError("cannot merge a person with themselves")
        await replan_circles_of_person(self.conn, gone_id)  # the survivor takes part in them now
        await self._rekey_messages(keep_id, gone_id)
        for column in _person_references():
            await self._move(column, keep_id, gone_id)
        merged = await self.get(gone_id)
        if merged is not None and merged.unreachable_reason is None:
            # One of the two accounts is reachable, so the person is.
            await self.mark_reachable(keep_id)
        await self.conn.execute(delete(people).where(people.c.id == gone_id))

    async def _move(self, column: Column[int], keep_id: int, gone_id: int) -> None:
        table = column.table
        assert isinstance(table, Table)
        prefer = PREFER.get(table.name)
        for key in _unique_keys(table, column):
            kept_rows = (await self.conn.execute(select(table).where(column == keep_id))).mappings().all()
            index = {tuple(row[name] for name in key): row for row in kept_rows}
            merged_rows = (await self.conn.execute(select(table).where(column == gone_id))).mappings().all()
            for row in merged_rows:
                kept = index.get(tuple(row[name] for name in key))
                if kept is None:
                    continue
                loser = kept if prefer is not None and prefer(kept, row) else row
                await self.conn.execute(
                    delete(table).where(and_(*(c == loser[c.name] for c in table.primary_key.columns)))
                )
        await self.conn.execute(update(table).where(column == gone_id).values({column.name: keep_id}))

    async def _rekey_messages(self, keep_id: int, gone_id: int) -> None:
        """Give the merged person's outbox rows the keys the survivor's would have.

        The key of a message to a person ends with the person's id
        (``reminder:<meeting>:r<round>:<person>``, see ``storage.outbox``), and planning creates a
        row only when its key is absent. A moved row that kept ``…:<merged id>`` would let the
        planner create the same reminder, survey or feedback prompt again under the survivor's key,
        and the person would get it twice. Where the survivor already has a row under the new key,
        one of the two goes: the merged person's, unless it went out and the survivor's did not,
        or it is still to go and the survivor's was closed unsent (``_PROGRESS``).

        Only keys of three or more segments are person keys; ``broadcast_report:<broadcast>``
        ends with a broadcast's id, which may equal a person's.
        """
        suffix = f":{gone_id}"
        moved = (
            await self.conn.execute(
                select(outbox.c.id, outbox.c.key, outbox.c.status).where(outbox.c.person_id == gone_id)
            )
        ).all()
        renamed = {
            row.id: row.key.removesuffix(suffix) + f":{keep_id}"
            for row in moved
            if row.key.endswith(suffix) and row.key.count(":") >= 2
        }
        if not renamed:
            return
        taken: dict[str, tuple[int, str]] = {}
        keys = sorted(set(renamed.values()))
        for start in range(0, len(keys), 500):
            found = await self.conn.execute(
                select(outbox.c.id, outbox.c.key, outbox.c.status).where(outbox.c.key.in_(keys[start : start + 500]))
            )
            taken.update({row.key: (row.id, row.status) for row in found})
        deleted: list[int] = []
        rekeyed: list[tuple[int, str]] = []
        for row in moved:
            key = renamed.get(row.id)
            if key is None:
                continue
            other = taken.get(key)
            if other is None:
                rekeyed.append((row.id, key))
            elif _PROGRESS.get(row.status, 0) > _PROGRESS.get(other[1], 0):
                deleted.append(other[0])
                rekeyed.append((row.id, key))
            else:
                deleted.append(row.id)
        if deleted:
            await self.conn.execute(delete(outbox).where(outbox.c.id.in_(deleted)))
        for row_id, key in rekeyed:
            await self.conn.execute(update(outbox).where(outbox.c.id == row_id).values(key=key))
