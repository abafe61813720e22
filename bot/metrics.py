"""Prometheus metrics for operators: what the outbox holds, what was sent, how events are handled.

Each app has its own ``CollectorRegistry`` (not prometheus-client's global one), so two apps in
one process — tests, or a rehearsal beside a real instance — never count into each other.
Labels take values from small fixed sets (platforms, outcomes, kinds, statuses, command words),
never a person's name, id, chat or text: the metrics may be scraped by people who must not see
who uses the bot.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from bot.commands import COMMAND_WORDS
from bot.conversation.messages import Incoming
from storage.db import Database
from storage.unit import unit_of_work

CONTENT_TYPE = CONTENT_TYPE_LATEST
# Chat events are answered in milliseconds; a slow database or platform shows in the top buckets.
EVENT_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
PASS_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.outbox_rows = Gauge(
            "circles_outbox_rows", "Outbox rows by kind and status (as of the scrape).", ["kind", "status"], registry=r
        )
        self.outbox_oldest_due = Gauge(
            "circles_outbox_oldest_due_age_seconds",
            "How long the oldest due, unsent outbox row has been waiting (0 when none).",
            registry=r,
        )
        self.sends = Counter(
            "circles_sends",
            "Messages the dispatcher tried to send, by platform and outcome.",
            ["platform", "outcome"],
            registry=r,
        )
        self.rate_limited = Counter(
            "circles_rate_limited",
            "Sends a platform refused with 429 / retry_after, by platform.",
            ["platform"],
            registry=r,
        )
        self.dispatch_pass = Histogram(
            "circles_dispatch_pass_seconds", "Duration of one dispatcher pass.", buckets=PASS_BUCKETS, registry=r
        )
        self.events = Histogram(
            "circles_events_handled_seconds",
            "Chat events handled, by platform and command, with how long each took.",
            ["platform", "command"],
            buckets=EVENT_BUCKETS,
            registry=r,
        )
        self.in_flight = Gauge("circles_updates_in_flight", "Chat events being handled right now.", registry=r)

    def sent(self, platform: str, outcome: str) -> None:
        self.sends.labels(platform=platform, outcome=outcome).inc()
        if outcome == "retry_after":
            self.rate_limited.labels(platform=platform).inc()

    async def refresh_outbox(self, db: Database, now: datetime) -> None:
        """Read the outbox's state into the gauges (at scrape time: always current, no background job)."""
        async with unit_of_work(db) as unit:
            census = await unit.outbox.census()
            oldest = await unit.outbox.oldest_due(now)
        self.outbox_rows.clear()  # a (kind, status) that no longer has rows must not keep its old count
        for (kind, status), count in census.items():
            self.outbox_rows.labels(kind=kind, status=status).set(count)
        self.outbox_oldest_due.set(max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def command_label(incoming: Incoming, verbs: Collection[str]) -> str:
    """A label for what the event asked, from a fixed set: a command word, ``button:<verb>`` (one of
    the app's button ``verbs``, never the token's arguments), ``location`` or ``text``. Never what
    the person typed, so a forged token cannot add labels or leak anything."""
    if incoming.action is not None:
        verb = incoming.action.partition(":")[0]
        return f"button:{verb}" if verb in verbs else "button:other"
    if incoming.command is not None:
        word = incoming.command.lower()
        return word if word in COMMAND_WORDS else "unknown_command"
    if incoming.location is not None:
        return "location"
    word = (incoming.text or "").strip().lstrip("/").split(" ", 1)[0].lower()
    return word if word in COMMAND_WORDS else "text"
