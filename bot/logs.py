"""Logging: readable lines or JSON, and the chat event each line belongs to.

While the app handles an event, ``handling(...)`` puts its update id, platform and command into
context variables; a filter copies them onto every log record written in that time (by our code or
a library), so a JSON log line can be traced back to the update that caused it. Only those three
travel: never the person's name, their text or a chat id. The command is one of a fixed set of
words (``bot.metrics.command_label``), never what someone typed.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter

from bot.config import Settings

_update_id: ContextVar[str | None] = ContextVar("circles_update_id", default=None)
_platform: ContextVar[str | None] = ContextVar("circles_platform", default=None)
_command: ContextVar[str | None] = ContextVar("circles_command", default=None)

HANDLER_NAME = "circles"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# The fields every JSON line has; update_id, platform and command are added while an event is handled.
JSON_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


@contextmanager
def handling(platform: str, update_id: str | int | None, command: str) -> Iterator[None]:
    """Every log line written inside this block names the event being handled."""
    tokens = (
        _platform.set(platform),
        _update_id.set(None if update_id is None else str(update_id)),
        _command.set(command),
    )
    try:
        yield
    finally:
        _command.reset(tokens[2])
        _update_id.reset(tokens[1])
        _platform.reset(tokens[0])


class EventFields(logging.Filter):
    """Adds ``update_id``, ``platform`` and ``command`` to records written while an event is handled."""

    def filter(self, record: logging.LogRecord) -> bool:
        platform = _platform.get()
        if platform is not None:
            record.platform = platform
            record.update_id = _update_id.get()
            record.command = _command.get()
        return True


class _TextWithEvent(logging.Formatter):
    """The readable format, with ``[platform update command]`` after the level when there is an event."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        platform = getattr(record, "platform", None)
        if platform is None:
            return line
        update, command = getattr(record, "update_id", None), getattr(record, "command", None)
        return f"{line} [{platform} update={update} command={command}]"


def formatter(kind: str) -> logging.Formatter:
    if kind == "json":
        return JsonFormatter(JSON_FORMAT, rename_fields={"asctime": "time", "levelname": "level", "name": "logger"})
    return _TextWithEvent(TEXT_FORMAT)


def configure(settings: Settings) -> None:
    """One handler on the root logger (stderr), in the configured format, with the event fields."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(settings.logging.format))
    handler.addFilter(EventFields())
    handler.set_name(HANDLER_NAME)
    root = logging.getLogger()
    # Configuring twice (tests, a second command in one process) replaces our handler; handlers
    # someone else installed (a test runner's) stay.
    for old in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.logging.level.upper())
    # HTTP client libraries log request URLs, and Telegram's carry the bot token.
    for noisy in ("httpx", "httpcore", "aiosqlite", "apscheduler.executors"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # Access lines carry the caller's IP address and user agent (personal data, and nothing the
    # event's own lines do not say better): only failures are worth a line.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    # Routine start-up lines (each migration step, each scheduler job) would crowd the terminal chat.
    for chatty in ("alembic.runtime.migration", "apscheduler.scheduler"):
        logging.getLogger(chatty).setLevel(max(logging.WARNING, root.level))
