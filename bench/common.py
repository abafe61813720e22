"""What the benchmarks share: their command line's choice of database and a clean one to seed."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from sqlalchemy import text

from storage.db import Database


def arguments(doc: str | None) -> argparse.ArgumentParser:
    """A benchmark's command line, described by the first line of its docstring."""
    return argparse.ArgumentParser(description=(doc or "").split("\n")[0])


def with_database_choice(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """``--database-url`` (PostgreSQL, by default ``TEST_POSTGRES_URL``) or ``--sqlite``."""
    parser.add_argument("--database-url", default=os.environ.get("TEST_POSTGRES_URL"))
    parser.add_argument("--sqlite", action="store_true", help="a fresh SQLite file instead of PostgreSQL")
    return parser


def chosen_database(args: argparse.Namespace, name: str) -> str:
    """The database ``with_database_choice`` chose: a fresh SQLite file unless a URL is given."""
    url: str | None = args.database_url
    return sqlite_file(name) if args.sqlite or not url else url


def sqlite_file(name: str) -> str:
    """The URL of a new SQLite file in a fresh temporary folder named after the benchmark."""
    return f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp(prefix=f'{name}-')) / 'bench.db'}"


async def fresh(url: str) -> Database:
    """The database at ``url``, emptied (PostgreSQL: its public schema dropped) and migrated."""
    db = Database.from_url(url)
    if db.is_postgresql:
        async with db.transaction() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    await db.migrate()
    return db
