"""Command line: ``circles run | console | migrate | dispatch`` (or ``python -m bot …``).

This is the composition root, the one module of ``bot`` allowed to import adapters (the
import-linter contract names it as the exception).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from adapters.console.driver import ConsoleDriver
from adapters.console.repl import run_console
from adapters.console.sender import ConsoleSender
from bot import bootstrap, geo
from bot.clock import FixedClock
from bot.config import ConfigError, Settings, describe, load
from bot.conversation.outbound import Sender
from bot.delivery import cli as delivery_cli
from bot.delivery import service as delivery_service
from bot.feeds import calendar_feed
from storage.db import Database

if TYPE_CHECKING:
    from adapters.slack.app import SlackAdapter
    from bot.app import Core

log = logging.getLogger("circles")


async def _migrate(settings: Settings) -> None:
    db = Database.from_url(settings.database.url)
    try:
        await db.migrate()
    finally:
        await db.close()
    print("database is up to date")


async def _console(settings: Settings, speaker: str) -> None:
    geo.preload_in_background()  # the first city someone types does not wait for the index
    app = await bootstrap.build(settings)
    # Files the bot sends (calendar, signups CSV, report chart) are saved here, and their path shown.
    # The terminal tells no language, so people there start in circles.default_language.
    driver = ConsoleDriver(
        app, speaker=speaker, files_dir=Path("data/files"), language=settings.circles.default_language
    )
    # Reminders and notices are printed, and land in their person's view so that their buttons
    # can be pressed after switching to that person with /as.
    delivery = await delivery_service.start(app, {"console": ConsoleSender(out=sys.stdout, driver=driver)})
    try:
        await run_console(app, driver)
    finally:
        await delivery.stop()
        await app.db.close()


async def _run(settings: Settings) -> None:
    if not settings.has_platforms:
        print("No Telegram or Slack credentials are configured: opening the terminal chat.\n")
        await _console(settings, "you")
        return
    await _serve_platforms(settings)


async def _serve_platforms(settings: Settings) -> None:
    """Every configured platform — Telegram (long polling or webhook), Slack (HTTP events or Socket
    Mode) — and the web server with /healthz, until Ctrl-C or SIGTERM."""
    import signal

    from adapters.telegram.app import TelegramAdapter
    from bot.server import WebServer

    geo.preload_in_background()  # the first city someone types does not wait for the index
    app = await bootstrap.build(settings)
    server = WebServer.from_settings(settings.server)

    async def database_answers() -> None:
        async with app.db.transaction() as conn:
            await conn.exec_driver_sql("SELECT 1")

    server.add_check("database", database_answers)
    server.serve_metrics(app.metrics, lambda: app.metrics.refresh_outbox(app.db, app.clock.now()))
    server.serve_calendar(lambda secret: calendar_feed(app.db, app.clock, secret))  # /calendar's feeds
    telegram = TelegramAdapter(app, settings.telegram) if settings.telegram.enabled else None
    if telegram is not None:  # registers share_links["telegram"] on start
        telegram.mount(server)  # webhook mode: POST /telegram/webhook, checked against the secret
    # --- Slack (adapters/slack): POST /slack/events, signature-verified; or Socket Mode -----------
    slack = _slack_adapter(app, settings)
    if slack is not None:
        slack.mount(server)
    # ----------------------------------------------------------------------------------------------
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, stopping.set)
    delivery: delivery_service.DeliveryService | None = None
    try:
        await server.start()  # listening before setWebhook, so Telegram's first delivery finds us
        senders: dict[str, Sender] = {"console": ConsoleSender()}
        if telegram is not None:
            await telegram.start()
            senders["telegram"] = telegram.sender
        if slack is not None:  # Slack: auth.test, then Socket Mode if slack.app_token is set
            await slack.start()
            senders["slack"] = slack.sender
        delivery = await delivery_service.start(app, senders)
        await stopping.wait()
        log.info("stopping")
    finally:
        if delivery is not None:
            await delivery.stop()  # the dispatcher first: it sends through the adapter
        await server.stop()  # no new webhook deliveries; those already queued are still handled
        if telegram is not None:
            await telegram.stop()
        if slack is not None:
            await slack.stop()
        await app.db.close()


# --- Slack (adapters/slack) --------------------------------------------------------------------


def _slack_adapter(app: Core, settings: Settings) -> SlackAdapter | None:
    """The Slack adapter when ``slack.bot_token`` is set (it registers share_links["slack"])."""
    if not settings.slack.enabled:
        return None
    from adapters.slack.app import SlackAdapter

    return SlackAdapter(app, settings.slack)


def _slack_sender(settings: Settings) -> Sender | None:
    """Slack's sender alone, for one-off dispatch passes (no requests are received)."""
    if not settings.slack.enabled:
        return None
    from adapters.slack.client import build_client
    from adapters.slack.sender import SlackSender

    return SlackSender(build_client(settings.slack, interactive=False))


# -----------------------------------------------------------------------------------------------


@asynccontextmanager
async def _senders(settings: Settings) -> AsyncIterator[dict[str, Sender]]:
    """One sender per platform the delivery engine can write to from this process."""
    senders: dict[str, Sender] = {"console": ConsoleSender()}
    slack = _slack_sender(settings)  # Slack
    if slack is not None:
        senders["slack"] = slack
    if not settings.telegram.enabled:
        yield senders
        return
    from adapters.telegram.app import build_application
    from adapters.telegram.sender import TelegramSender

    application = build_application(settings.telegram)
    await application.initialize()
    try:
        senders["telegram"] = TelegramSender(application)
        yield senders
    finally:
        await application.shutdown()


async def _dispatch(settings: Settings, now: datetime | None, dry_run: bool) -> int:
    """One pass of everything due (as of ``now``), then exit: cron-style deployments, rehearsals."""
    app = await bootstrap.build(settings, FixedClock(now) if now is not None else None)
    try:
        async with _senders(settings) as senders:
            return await delivery_cli.dispatch(app.db, app.clock, senders, app.settings, dry_run=dry_run)
    finally:
        await app.db.close()


def _migrate_or_explain(settings: Settings) -> int:
    """``circles migrate``; a database that cannot be reached (not started yet, wrong host or
    password) is one line naming it, password masked, not a traceback: the container's entry
    point prints it on each try while PostgreSQL starts."""
    try:
        asyncio.run(_migrate(settings))
    except (OSError, SQLAlchemyError) as error:
        where = describe(settings)["database"]["url"]
        print(f"Database error: cannot use {where}: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    return 0


def _instant(text: str) -> datetime:
    try:
        return delivery_cli.parse_instant(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="circles", description="Circles: learning circles run from chat.")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="serve every configured platform (the terminal chat when none is)")
    console = commands.add_parser("console", help="chat with the bot in this terminal")
    console.add_argument("--as", dest="speaker", default="you", help="who is speaking at first")
    commands.add_parser("migrate", help="create or upgrade the database schema")
    dispatch = commands.add_parser("dispatch", help="send everything due once (reminders, notices, …), then exit")
    dispatch.add_argument("--now", type=_instant, help="act as if it were this ISO-8601 instant (default: now)")
    dispatch.add_argument("--dry-run", action="store_true", help="print what would be sent; change nothing")
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
                return _migrate_or_explain(settings)
            case "console":
                asyncio.run(_console(settings, args.speaker))
            case "dispatch":
                return asyncio.run(_dispatch(settings, args.now, args.dry_run))
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
