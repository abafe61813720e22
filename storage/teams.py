"""Teams and their members."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.model import Team, TeamMember, TeamRole
from storage.planning import replan_team
from storage.tables import join_requests, people, team_members, teams


def _team(row: RowMapping) -> Team:
    return Team(
        id=row["id"],
        name=row["name"],
        timezone=row["timezone"],
        summary_weekday=row["summary_weekday"],
        summary_time=row["summary_time"],
        summary_platform=row["summary_platform"],
        summary_chat_id=row["summary_chat_id"],
        created_at=row["created_at"],
    )


class Teams:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def add(self, team: Team) -> Team:
        result = await self.conn.execute(
            teams.insert().values(
                name=team.name,
                timezone=team.timezone,
                summary_weekday=team.summary_weekday,
                summary_time=team.summary_time,
                summary_platform=team.summary_platform,
                summary_chat_id=team.summary_chat_id,
                created_at=team.created_at,
            )
        )
        assert result.inserted_primary_key is not None
        team.id = result.inserted_primary_key[0]
        return team

    async def get(self, team_id: int) -> Team | None:
        row = (await self.conn.execute(select(teams).where(teams.c.id == team_id))).mappings().first()
        return _team(row) if row else None

    async def get_many(self, team_ids: list[int]) -> dict[int, Team]:
        found: dict[int, Team] = {}
        for start in range(0, len(team_ids), 500):
            chunk = team_ids[start : start + 500]
            rows = await self.conn.execute(select(teams).where(teams.c.id.in_(chunk)))
            found.update({r["id"]: _team(r) for r in rows.mappings()})
        return found

    async def all(self) -> list[Team]:
        return [_team(r) for r in (await self.conn.execute(select(teams).order_by(teams.c.id))).mappings()]

    async def save_summary(self, team: Team) -> None:
        await self.conn.execute(
            update(teams)
            .where(teams.c.id == team.id)
            .values(
                summary_weekday=team.summary_weekday,
                summary_time=team.summary_time,
                summary_platform=team.summary_platform,
                summary_chat_id=team.summary_chat_id,
                timezone=team.timezone,
            )
        )
        assert team.id is not None
        await replan_team(self.conn, team.id)

    async def membership(self, person_id: int) -> TeamMember | None:
        row = (await self.conn.execute(select(team_members).where(team_members.c.person_id == person_id))).first()
        return TeamMember(row.team_id, row.person_id, TeamRole(row.role)) if row else None

    async def members(self, team_id: int) -> list[TeamMember]:
        rows = await self.conn.execute(
            select(team_members)
            .where(team_members.c.team_id == team_id)
            .order_by(team_members.c.role.desc(), team_members.c.joined_at)
        )
        return [TeamMember(r.team_id, r.person_id, TeamRole(r.role)) for r in rows]

    async def organizer_ids(self, team_id: int) -> list[int]:
        rows = await self.conn.execute(
            select(team_members.c.person_id).where(
                team_members.c.team_id == team_id, team_members.c.role == TeamRole.ORGANIZER.value
            )
        )
        return [r.person_id for r in rows]

    async def organizer_languages(self, team_ids: list[int]) -> dict[int, str]:
        """Each team's language for what it is sent: its first organizer's (the earliest to join);
        teams without an organizer are left out. One statement per 500 teams."""
        found: dict[int, str] = {}
        for start in range(0, len(team_ids), 500):
            query = (
                select(team_members.c.team_id, people.c.language)
                .join(people, people.c.id == team_members.c.person_id)
                .where(
                    team_members.c.team_id.in_(team_ids[start : start + 500]),
                    team_members.c.role == TeamRole.ORGANIZER.value,
                )
                .order_by(team_members.c.joined_at, team_members.c.person_id)
            )
            for r in await self.conn.execute(query):
                found.setdefault(r.team_id, r.language)
        return found

    async def add_member(self, member: TeamMember, now: datetime) -> None:
        await self.conn.execute(
            team_members.insert().values(
                team_id=member.team_id, person_id=member.person_id, role=member.role.value, joined_at=now
            )
        )

    async def remove_member(self, team_id: int, person_id: int) -> bool:
        result = await self.conn.execute(
            delete(team_members).where(team_members.c.team_id == team_id, team_members.c.person_id == person_id)
        )
        return bool(result.rowcount)

    async def delete(self, team_id: int) -> None:
        """Close a team: its members and invitations go with it; its circles stay, outside any team."""
        await self.conn.execute(delete(teams).where(teams.c.id == team_id))


@dataclass
class JoinRequest:
    """A person asking to join a team through an invitation that needs an organizer's approval."""

    id: int
    team_id: int
    person_id: int
    approved: bool | None
    decided_by: int | None


class JoinRequests:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def ask(self, team_id: int, person_id: int, now: datetime) -> tuple[JoinRequest, bool]:
        """The person's request to join (asked again after a refusal, it waits once more);
        True when organizers should be told, False when it was already waiting."""
        found = await self._find(team_id, person_id)
        if found is None:
            await self.conn.execute(join_requests.insert().values(team_id=team_id, person_id=person_id, created_at=now))
        elif found.approved is None:
            return found, False
        else:
            await self.conn.execute(
                update(join_requests)
                .where(join_requests.c.id == found.id)
                .values(approved=None, decided_by=None, decided_at=None, created_at=now)
            )
        asked = await self._find(team_id, person_id)
        assert asked is not None
        return asked, True

    async def get(self, request_id: int) -> JoinRequest | None:
        row = (await self.conn.execute(select(join_requests).where(join_requests.c.id == request_id))).first()
        return _request(row._mapping) if row else None

    async def decide(self, request_id: int, approved: bool, organizer_id: int, now: datetime) -> bool:
        """Record the first organizer's answer; False when someone decided already."""
        result = await self.conn.execute(
            update(join_requests)
            .where(join_requests.c.id == request_id, join_requests.c.approved.is_(None))
            .values(approved=approved, decided_by=organizer_id, decided_at=now)
        )
        return bool(result.rowcount)

    async def forget_person(self, person_id: int) -> None:
        await self.conn.execute(delete(join_requests).where(join_requests.c.person_id == person_id))

    async def _find(self, team_id: int, person_id: int) -> JoinRequest | None:
        row = (
            await self.conn.execute(
                select(join_requests).where(join_requests.c.team_id == team_id, join_requests.c.person_id == person_id)
            )
        ).first()
        return _request(row._mapping) if row else None


def _request(row: RowMapping) -> JoinRequest:
    return JoinRequest(row["id"], row["team_id"], row["person_id"], row["approved"], row["decided_by"])
