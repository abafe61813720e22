"""Wiring: settings → database (migrated) → the application."""

from __future__ import annotations

from bot import logs
from bot.app import Core
from bot.clock import Clock, SystemClock
from bot.config import Settings
from storage.db import Database


def configure_logging(settings: Settings) -> None:
    logs.configure(settings)


async def build(settings: Settings, clock: Clock | None = None, *, migrate: bool = True) -> Core:
    db = Database.from_url(settings.database.url)
    if migrate:
        await db.migrate()
    return Core(db=db, clock=clock or SystemClock(), settings=settings)
