"""INSERT … ON CONFLICT for the two dialects we run on, so a race can never create a duplicate."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


def _insert(dialect: str, table: Table) -> Any:
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


# The statements are built once per dialect, table and keys; the values go as execution parameters
# (which name the inserted columns): building one, ``excluded`` especially, cost more CPU than
# running it, on every RSVP press.
@cache
def _upsert(dialect: str, table: Table, keys: tuple[str, ...], update: tuple[str, ...]) -> Any:
    stmt = _insert(dialect, table)
    return stmt.on_conflict_do_update(index_elements=list(keys), set_={name: stmt.excluded[name] for name in update})


@cache
def _insert_if_absent(dialect: str, table: Table, keys: tuple[str, ...]) -> Any:
    return _insert(dialect, table).on_conflict_do_nothing(index_elements=list(keys))


async def upsert(
    conn: AsyncConnection,
    table: Table,
    values: Mapping[str, Any],
    keys: Sequence[str],
    update: Sequence[str],
) -> None:
    """Insert ``values``; when a row with the same ``keys`` exists, overwrite the ``update`` columns."""
    stmt = _upsert(conn.dialect.name, table, tuple(keys), tuple(update))
    await conn.execute(stmt, dict(values))


async def insert_if_absent(conn: AsyncConnection, table: Table, values: Mapping[str, Any], keys: Sequence[str]) -> bool:
    """Insert unless a row with the same ``keys`` exists; True when this call inserted it."""
    result = await conn.execute(_insert_if_absent(conn.dialect.name, table, tuple(keys)), dict(values))
    return bool(result.rowcount)
