"""What an operator scrapes from /metrics: the counters move when a reminder goes out, and no
label names a person."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from adapters.console.driver import ConsoleDriver
from adapters.console.sender import ConsoleSender
from bot.actions import SignUp
from bot.app import Core
from bot.clock import FixedClock
from bot.conversation.messages import Reply
from bot.conversation.outbound import Outcome, SendResult
from bot.delivery.dispatcher import Dispatcher
from bot.server import WebServer
from tests.delivery.test_timing import REMINDER_1
from tests.e2e.flows import create_circle, sign_up

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture
async def server(app: Core) -> AsyncIterator[WebServer]:
    web = WebServer(port=0)
    web.serve_metrics(app.metrics, lambda: app.metrics.refresh_outbox(app.db, app.clock.now()))
    await web.start()
    yield web
    await web.stop()


async def scrape(server: WebServer) -> tuple[str, Samples]:
    async with aiohttp.ClientSession() as session, session.get(f"{server.base_url}/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        text = await response.text()
    samples: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return text, samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def test_metrics_show_the_reminder_sent_and_the_events_handled(
    app: Core, chat: ConsoleDriver, clock: FixedClock, server: WebServer
) -> None:
    code = await create_circle(chat)
    await sign_up(chat, code, "alice", "a goal", "some help", "an answer")
    clock.set(REMINDER_1 + timedelta(minutes=1))
    _, before = await scrape(server)
    assert value(before, "circles_sends_total", platform="console", outcome="sent") == 0
    assert value(before, "circles_events_handled_seconds_count", platform="console", command="new") == 1
    signed_up = f"button:{SignUp.verb}"
    assert value(before, "circles_events_handled_seconds_count", platform="console", command=signed_up) == 1
    assert value(before, "circles_updates_in_flight") == 0

    sender = ConsoleSender(driver=chat)
    report = await Dispatcher(app.db, clock, {"console": sender}, metrics=app.metrics).run_pass()
    assert report.sent >= 1 and sender.to("alice")

    text, after = await scrape(server)
    assert value(after, "circles_sends_total", platform="console", outcome="sent") == report.sent
    assert value(after, "circles_outbox_rows", kind="reminder", status="sent") >= 1
    assert value(after, "circles_outbox_oldest_due_age_seconds") == 0  # nothing waits any more
    assert value(after, "circles_dispatch_pass_seconds_count") == 1
    # Labels are kinds, statuses, platforms and command words: nobody's name, answer or chat.
    for personal in ("alice", "fiona", "a goal", "some help", code):
        assert personal not in text


class Refusing(ConsoleSender):
    """The platform answers 429: wait five seconds."""

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        return SendResult(Outcome.RETRY_AFTER, retry_after=5)


async def test_metrics_count_429s_and_how_long_due_messages_wait(
    app: Core, chat: ConsoleDriver, clock: FixedClock, server: WebServer
) -> None:
    code = await create_circle(chat)
    await sign_up(chat, code, "alice", "a goal", "some help", "an answer")
    clock.set(REMINDER_1 + timedelta(minutes=1))
    await Dispatcher(app.db, clock, {"console": Refusing(driver=chat)}, metrics=app.metrics).run_pass()
    clock.advance(timedelta(minutes=10))  # the refused reminders are due again, and waiting

    _, samples = await scrape(server)
    assert value(samples, "circles_rate_limited_total", platform="console") >= 1
    assert value(samples, "circles_sends_total", platform="console", outcome="retry_after") >= 1
    assert value(samples, "circles_outbox_rows", kind="reminder", status="pending") >= 1
    assert value(samples, "circles_outbox_oldest_due_age_seconds") >= 10 * 60 - 5
