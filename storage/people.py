"""People and their platform identities."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.model import Identity, Person
from storage.tables import dialogs, identities, people
from storage.upsert import insert_if_absent


def _person(row: RowMapping) -> Person:
    return Person(
        id=row["id"],
        name=row["name"],
        language=row["language"],
        unreachable_reason=row["unreachable_reason"],
        forgotten=row["forgotten"],
    )


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
        found = await self.by_identity(identity.platform, identity.external_id)
        if found is not None:
            if identity.chat_id:
                await self._update_chat(identity)
            return found, False
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
            .values(name="(forgotten)", forgotten=True, unreachable_reason="forgotten")
        )
        await self.conn.execute(delete(identities).where(identities.c.person_id == person_id))
        await self.conn.execute(delete(dialogs).where(dialogs.c.person_id == person_id))
