"""Wiring: settings → database (migrated) → the application."""

from __future__ import annotations

import logging

from bot.app import Circles
from bot.clock import Clock, SystemClock
from bot.config import Settings
from storage.db import Database


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.logging.level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # HTTP client libraries log request URLs, and Telegram's carry the bot token.
    for noisy in ("httpx", "httpcore", "aiosqlite", "apscheduler.executors"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # Routine start-up lines (each migration step, each scheduler job) would crowd the terminal chat.
    for chatty in ("alembic.runtime.migration", "apscheduler.scheduler"):
        logging.getLogger(chatty).setLevel(max(logging.WARNING, logging.getLogger().level))


async def build(settings: Settings, clock: Clock | None = None, *, migrate: bool = True) -> Circles:
    db = Database.from_url(settings.database.url)
    if migrate:
        await db.migrate()
    return Circles(db=db, clock=clock or SystemClock(), settings=settings)
