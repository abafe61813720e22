"""The interactive terminal chat (`python -m bot console`)."""

from __future__ import annotations

import asyncio
import sys

from adapters.console.driver import ConsoleDriver
from bot.app import Core

BANNER = """Circles in your terminal. Type /help to begin.
Switch who is speaking with /as NAME (e.g. /as alice); pick a button with its number or #N;
share a location with /location LAT LON; leave with /quit or Ctrl-D.
"""


async def run_console(app: Core, driver: ConsoleDriver | None = None) -> None:
    """Chat until /quit. Pass the ``driver`` that the console sender also writes to, so that
    reminders and notices for someone can be answered after ``/as`` that person."""
    driver = driver or ConsoleDriver(app)
    print(BANNER)
    loop = asyncio.get_running_loop()
    while True:
        try:
            line = await loop.run_in_executor(None, input, f"{driver.speaker}> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if line.strip() in ("/quit", "/exit"):
            return
        if not line.strip():
            continue
        answer = await driver.say(line)
        print(answer + "\n", flush=True)
        sys.stdout.flush()
