"""L8: /calendar gives a private subscription address; the feed, fetched over HTTP from the
project's web server, follows reschedules, cancellations and venue changes; an old or forgotten
address answers 404."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from icalendar import Calendar, Event

from adapters.console.driver import ConsoleDriver
from bot.app import Core
from bot.clock import FixedClock
from bot.config import ServerSettings, Settings
from bot.conversation.messages import Incoming
from bot.feeds import calendar_feed
from bot.server import WebServer
from storage.db import Database
from tests.e2e.flows import create_circle, sign_up

PUBLIC = "https://circles.example.org"
ADDRESS = re.compile(r"webcal://circles\.example\.org/calendar/([A-Za-z0-9_-]+)\.ics")
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def settings() -> Settings:
    return Settings(server=ServerSettings(public_url=PUBLIC))


@pytest.fixture
async def server(app: Core) -> AsyncIterator[WebServer]:
    """The project's web server with the calendar route, as `circles run` wires it."""
    web = WebServer(port=0)
    web.serve_calendar(lambda secret: calendar_feed(app.db, app.clock, secret))
    await web.start()
    try:
        yield web
    finally:
        await web.stop()


async def subscribe(chat: ConsoleDriver, as_: str) -> str:
    answer = await chat.say("/calendar", as_=as_)
    found = ADDRESS.search(answer)
    assert found, answer
    return found.group(1)


async def fetch(server: WebServer, secret: str) -> tuple[int, bytes, str]:
    async with aiohttp.ClientSession() as session, session.get(f"{server.base_url}/calendar/{secret}.ics") as response:
        return response.status, await response.read(), response.headers.get("Content-Type", "")


async def feed_events(server: WebServer, secret: str) -> dict[str, Event]:
    """The feed's events by summary, after checking it is a calendar that parses."""
    status, body, kind = await fetch(server, secret)
    assert status == 200
    assert kind.startswith("text/calendar")
    calendar = Calendar.from_ical(body)
    events = calendar.walk("VEVENT")
    if events:  # each circle's zone travels with its events
        assert any(tz["TZID"] == "Europe/Berlin" for tz in calendar.walk("VTIMEZONE"))
    return {str(e["summary"]): e for e in events}


async def manage(chat: ConsoleDriver) -> None:
    await chat.say("/mycircles", as_="fiona")
    await chat.press("Python for Everybody")


async def test_the_feed_follows_a_reschedule_and_a_cancellation(chat: ConsoleDriver, server: WebServer) -> None:
    code = await create_circle(chat)
    await sign_up(chat, code, "alice", "Learn", "Help", "Build")
    secret = await subscribe(chat, "alice")

    before = await feed_events(server, secret)
    assert len(before) == 6
    second = before["Python for Everybody: meeting 2"]
    third = before["Python for Everybody: meeting 3"]
    assert second.decoded("dtstart") == datetime(2026, 12, 14, 18, 0, tzinfo=BERLIN)
    assert str(second["dtstart"].params["TZID"]) == "Europe/Berlin"
    assert str(third["status"]) == "CONFIRMED"
    assert "Zentralbibliothek" in str(second["location"])

    await manage(chat)
    await chat.press("Reschedule a meeting")
    await chat.press("Meeting 2")
    await chat.say("2026-12-15")
    assert "Meeting 2 moved" in await chat.say("19:30")
    moved = (await feed_events(server, secret))["Python for Everybody: meeting 2"]
    assert str(moved["uid"]) == str(second["uid"])  # the same event, a new version of it
    assert moved.decoded("sequence") > second.decoded("sequence")
    assert moved.decoded("dtstart") == datetime(2026, 12, 15, 19, 30, tzinfo=BERLIN)

    await manage(chat)
    await chat.press("Cancel a meeting")
    await chat.press("Meeting 3")
    await chat.press("Yes, cancel it")
    after = await feed_events(server, secret)
    cancelled = after["Python for Everybody: meeting 3"]
    assert str(cancelled["uid"]) == str(third["uid"])
    assert str(cancelled["status"]) == "CANCELLED"
    assert cancelled.decoded("sequence") > third.decoded("sequence")
    untouched = after["Python for Everybody: meeting 4"]
    assert untouched.decoded("sequence") == before["Python for Everybody: meeting 4"].decoded("sequence")


async def test_a_new_venue_is_a_new_version_of_every_meeting(chat: ConsoleDriver, server: WebServer) -> None:
    code = await create_circle(chat)
    await sign_up(chat, code, "alice", "Learn", "Help", "Build")
    secret = await subscribe(chat, "alice")
    before = await feed_events(server, secret)
    await manage(chat)
    await chat.press("Change the venue")
    await chat.say("Café Kreuzberg")
    await chat.say("Oranienstraße 1")
    await chat.press("Skip")
    await chat.say("Berlin")
    after = await feed_events(server, secret)
    assert set(after) == set(before)
    for summary, event in after.items():
        assert "Café Kreuzberg" in str(event["location"])
        assert event.decoded("sequence") > before[summary].decoded("sequence")


async def test_the_facilitator_sees_their_circles_and_a_learner_only_theirs(
    chat: ConsoleDriver, server: WebServer
) -> None:
    await create_circle(chat)
    secret = await subscribe(chat, "fiona")
    assert len(await feed_events(server, secret)) == 6
    stranger = await subscribe(chat, "bob")  # signed up for nothing: an empty, valid calendar
    assert await feed_events(server, stranger) == {}


async def test_asking_again_replaces_the_address(chat: ConsoleDriver, server: WebServer) -> None:
    code = await create_circle(chat)
    await sign_up(chat, code, "alice", "Learn", "Help", "Build")
    old = await subscribe(chat, "alice")
    new = await subscribe(chat, "alice")
    assert new != old and len(new) >= 40
    assert (await fetch(server, old))[0] == 404
    assert len(await feed_events(server, new)) == 6


async def test_a_forgotten_persons_feed_is_gone(chat: ConsoleDriver, server: WebServer) -> None:
    code = await create_circle(chat)
    await sign_up(chat, code, "alice", "Learn", "Help", "Build")
    secret = await subscribe(chat, "alice")
    assert (await fetch(server, secret))[0] == 200
    await chat.say("/forget", as_="alice")
    await chat.press("Yes, forget me")
    assert (await fetch(server, secret))[0] == 404


async def test_unknown_and_malformed_addresses_answer_404(server: WebServer) -> None:
    async with aiohttp.ClientSession() as session:
        for path in ("/calendar/" + "x" * 43 + ".ics", "/calendar/short.ics", "/calendar/" + "a" * 43):
            async with session.get(server.base_url + path) as response:
                assert response.status == 404


async def test_calendar_says_so_when_no_public_address_is_configured(db: Database, clock: FixedClock) -> None:
    chat = ConsoleDriver(Core(db=db, clock=clock, settings=Settings()))
    answer = await chat.say("/calendar", as_="alice")
    assert "not set up" in answer
    assert "webcal://" not in answer


async def test_calendar_is_asked_for_in_private(app: Core) -> None:
    in_group = Incoming(
        platform="console", user_id="ann", chat_id="group-1", user_name="Ann", command="calendar", in_group=True
    )
    replies = await app.handle(in_group)
    assert "private chat" in replies[0].text
    assert "webcal://" not in replies[0].text
