"""INSERT … ON CONFLICT for the two dialects we run on, so a race can never create a duplicate."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


def _insert(conn: AsyncConnection, table: Table) -> Any:
    return (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(table)


async def upsert(
    conn: AsyncConnection,
    table: Table,
    values: Mapping[str, Any],
    keys: Sequence[str],
    update: Sequence[str],
) -> None:
    """Insert ``values``; when a row with the same ``keys`` exists, overwrite the ``update`` columns."""
    stmt = _insert(conn, table).values(**values)
    stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_={name: stmt.excluded[name] for name in update})
    await conn.execute(stmt)


async def insert_if_absent(conn: AsyncConnection, table: Table, values: Mapping[str, Any], keys: Sequence[str]) -> bool:
    """Insert unless a row with the same ``keys`` exists; True when this call inserted it."""
    stmt = _insert(conn, table).values(**values).on_conflict_do_nothing(index_elements=list(keys))
    result = await conn.execute(stmt)
    return bool(result.rowcount)
