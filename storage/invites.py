"""One-time and shareable codes: co-facilitator and team invitations, account-linking codes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.tables import invites


@dataclass
class Invite:
    code: str
    kind: str
    circle_id: int | None
    created_by: int
    expires_at: datetime
    used_by: int | None
    team_id: int | None = None
    role: str | None = None


class Invites:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def add(self, invite: Invite) -> None:
        await self.conn.execute(
            invites.insert().values(
                code=invite.code,
                kind=invite.kind,
                circle_id=invite.circle_id,
                created_by=invite.created_by,
                expires_at=invite.expires_at,
                used_by=invite.used_by,
                team_id=invite.team_id,
                role=invite.role,
            )
        )

    async def get(self, code: str) -> Invite | None:
        row = (await self.conn.execute(select(invites).where(invites.c.code == code))).first()
        if row is None:
            return None
        return Invite(
            row.code, row.kind, row.circle_id, row.created_by, row.expires_at, row.used_by, row.team_id, row.role
        )

    async def prune(self, expired_before: datetime) -> int:
        result = await self.conn.execute(delete(invites).where(invites.c.expires_at < expired_before))
        return int(result.rowcount or 0)

    async def use(self, code: str, person_id: int) -> bool:
        """Mark a one-time code used; False if someone else used it first."""
        result = await self.conn.execute(
            update(invites).where(invites.c.code == code, invites.c.used_by.is_(None)).values(used_by=person_id)
        )
        return bool(result.rowcount)

    async def expire_unused(self, kind: str, created_by: int, now: datetime) -> None:
        """End every unused code of this kind a person made, e.g. when they ask for a new link code."""
        await self.conn.execute(
            update(invites)
            .where(
                invites.c.kind == kind,
                invites.c.created_by == created_by,
                invites.c.used_by.is_(None),
                invites.c.expires_at > now,
            )
            .values(expires_at=now)
        )
