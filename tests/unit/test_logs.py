"""JSON logs: every line written while an event is handled names its update, platform and command."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from adapters.console.driver import ConsoleDriver
from bot import logs
from bot.app import Core
from bot.conversation.context import Context


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """The root logger writes JSON into a buffer, as ``logging.format: json`` sets it up."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logs.formatter("json"))
    handler.addFilter(logs.EventFields())
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.WARNING)  # the lines of these tests, not routine ones from libraries
    root.addHandler(handler)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def parsed(buffer: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


async def test_a_failing_event_logs_json_naming_its_update_platform_and_command(
    app: Core, chat: ConsoleDriver, json_lines: io.StringIO
) -> None:
    async def broken(ctx: Context) -> None:
        logging.getLogger("bot.handlers").warning("about to fail")
        raise RuntimeError("boom")

    app.commands["help"] = broken
    answer = await chat.say("/help my secret words", as_="alice")
    assert "I kept what you wrote" in answer

    lines = parsed(json_lines)
    assert [line["message"] for line in lines] == ["about to fail", "handling console event failed"]
    for line in lines:
        assert line["platform"] == "console"
        assert line["command"] == "help"
        assert isinstance(line["update_id"], str) and line["update_id"]
        assert {"time", "level", "logger"} <= set(line)
    assert lines[1]["level"] == "ERROR"
    # What the person wrote and who they are stay out of the log.
    assert "secret words" not in json_lines.getvalue()
    assert "alice" not in json_lines.getvalue()


def test_lines_outside_an_event_carry_no_event_fields(json_lines: io.StringIO) -> None:
    logging.getLogger("circles").warning("starting")
    with logs.handling("telegram", 42, "button:rsvp"):
        logging.getLogger("circles").warning("inside")
    logging.getLogger("circles").warning("after")
    lines = parsed(json_lines)
    assert "platform" not in lines[0] and "platform" not in lines[2]
    assert (lines[1]["platform"], lines[1]["update_id"], lines[1]["command"]) == ("telegram", "42", "button:rsvp")


def test_text_lines_name_the_event_too() -> None:
    record = logging.LogRecord("circles", logging.INFO, __file__, 1, "sent", None, None)
    with logs.handling("slack", "7", "browse"):
        logs.EventFields().filter(record)
    assert logs.formatter("text").format(record).endswith("circles: sent [slack update=7 command=browse]")
