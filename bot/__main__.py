"""Command line: ``python -m bot run | console | migrate``.

This is the composition root, the one module of ``bot`` allowed to import adapters (the
import-linter contract names it as the exception).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from adapters.console.repl import run_console
from bot import bootstrap
from bot.config import ConfigError, Settings, load
from storage.db import Database

log = logging.getLogger("circles")


async def _migrate(settings: Settings) -> None:
    db = Database.from_url(settings.database.url)
    try:
        await db.migrate()
    finally:
        await db.close()
    print("database is up to date")


async def _console(settings: Settings, speaker: str) -> None:
    app = await bootstrap.build(settings)
    try:
        await run_console(app, speaker)
    finally:
        await app.db.close()


async def _run(settings: Settings) -> None:
    if not settings.has_platforms:
        print("No Telegram or Slack credentials are configured: opening the terminal chat.\n")
        await _console(settings, "you")
        return
    raise ConfigError("telegram.token: the Telegram adapter is not part of this version yet")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Circles: learning circles run from chat.")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="serve every configured platform (the terminal chat when none is)")
    console = commands.add_parser("console", help="chat with the bot in this terminal")
    console.add_argument("--as", dest="speaker", default="you", help="who is speaking at first")
    commands.add_parser("migrate", help="create or upgrade the database schema")
    args = parser.parse_args(argv)
    try:
        settings = load()
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    bootstrap.configure_logging(settings)
    try:
        match args.command:
            case "migrate":
                asyncio.run(_migrate(settings))
            case "console":
                asyncio.run(_console(settings, args.speaker))
            case "run" | None:
                asyncio.run(_run(settings))
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
