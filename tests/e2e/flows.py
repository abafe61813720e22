"""Typing whole flows into the terminal driver, as a person would."""

from __future__ import annotations

import re

from adapters.console.driver import ConsoleDriver

BERLIN_CIRCLE = [
    "Python for Everybody",
    "https://www.py4e.com",
    "#1",  # use the course title as the circle's name
    "We learn Python together, one chapter a week. Beginners welcome!",
    "Zentralbibliothek",
    "Breite Straße 30",
    "Room 2, first floor",
    "Berlin",
    "en",
    "Europe/Berlin",
    "2026-12-07",
    "18:00",
    "90",
    "6",
    "#1",  # no signup limit
    "What would you like to build with Python?",
]


async def create_circle(
    chat: ConsoleDriver, answers: list[str] | None = None, *, publish: bool = True, as_: str = "fiona"
) -> str:
    """Run /new with ``answers`` and publish (or save as draft); returns the share code."""
    await chat.say("/new", as_=as_)
    for answer in answers or BERLIN_CIRCLE:
        await chat.say(answer)
    done = await chat.press("Publish" if publish else "Save as draft")
    match = re.search(r"/start (\w+)", done)
    if publish:
        assert match, done
        return match.group(1)
    return ""


async def sign_up(
    chat: ConsoleDriver, code: str, as_: str, goal: str, help_peers: str, custom: str | None = None
) -> str:
    await chat.say(f"/start {code}", as_=as_)
    await chat.press("Sign up")
    await chat.press("I agree")
    await chat.say(goal)
    last = await chat.say(help_peers)
    if custom is not None:
        last = await chat.say(custom)
    return last
