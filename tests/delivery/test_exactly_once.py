"""Never twice: two dispatchers at once, a dispatcher killed mid-fan-out, a repeated run."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import FixedClock
from bot.conversation.messages import Reply
from bot.conversation.outbound import Outcome, SendResult
from bot.delivery.dispatcher import Dispatcher, DispatchSettings
from storage.db import Database
from storage.unit import unit_of_work
from tests.delivery import seed
from tests.delivery.test_timing import REMINDER_1

ROOT = Path(__file__).resolve().parents[2]
FAN_OUT = 2000


class CountingSender:
    """A platform double that counts what it received, per chat."""

    platform = "console"

    def __init__(self, received: Counter[str]) -> None:
        self.received = received

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        await asyncio.sleep(0)  # let the other dispatcher run between sends
        self.received[chat_id] += 1
        return SendResult(Outcome.SENT)


@pytest.mark.postgresql_only
async def test_two_dispatchers_at_once_send_each_message_exactly_once(
    db: Database, database_url: str, clock: FixedClock
) -> None:
    circle = await seed.circle(db, clock.now())
    await seed.many_learners(db, circle, FAN_OUT - 1, clock.now())  # plus the facilitator's copy
    clock.set(REMINDER_1)
    first, second = Counter[str](), Counter[str]()
    other = Database.from_url(database_url)
    try:
        a = Dispatcher(db, clock, {"console": CountingSender(first)}, worker="a")
        b = Dispatcher(other, clock, {"console": CountingSender(second)}, worker="b")
        reports = await asyncio.gather(a.run_pass(), b.run_pass())
    finally:
        await other.close()
    both = first + second
    assert len(both) == FAN_OUT
    assert set(both.values()) == {1}, [chat for chat, n in both.items() if n > 1]
    assert sum(r.sent for r in reports) == FAN_OUT
    assert first and second, "both dispatchers took part"
    async with unit_of_work(db) as unit:
        assert await unit.outbox.counts() == {"sent": FAN_OUT}
    # Another pass, by either of them, sends nothing.
    assert (await Dispatcher(db, clock, {"console": CountingSender(both)}).run_pass()).sent == 0
    assert len(both) == FAN_OUT and set(both.values()) == {1}


def _dispatch(database_url: str, now: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "dispatch", "--now", now],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )


def _receipts(output: bytes) -> Counter[str]:
    """The terminal is the platform here: each message is printed under ``── to <chat> ──``."""
    found: Counter[str] = Counter()
    for line in output.decode().splitlines():
        if line.startswith("── to ") and line.endswith(" ──"):
            found[line[len("── to ") : -len(" ──")]] += 1
    return found


async def test_a_dispatcher_killed_mid_fan_out_is_finished_by_the_next_run(
    db: Database, database_url: str, clock: FixedClock
) -> None:
    """``python -m bot dispatch`` in a real process, killed with SIGKILL once some messages went out.

    The platform is the process's terminal output, read through a pipe: the dispatcher can get no
    further ahead of the test than the pipe holds, so once the test has read 300 messages and kills
    it, it is in the middle of the fan-out. Everything it printed before counts as received. A
    second run, after the first one's lease ran out, sends the rest; only messages in flight at the
    kill (sent, outcome not yet recorded) may arrive twice.
    """
    circle = await seed.circle(db, clock.now())
    await seed.many_learners(db, circle, FAN_OUT - 1, clock.now())
    expected = {f"learner-{circle.circle_id}-{n}" for n in range(FAN_OUT - 1)} | {"fiona"}

    first = _dispatch(database_url, REMINDER_1.isoformat())
    assert first.stdout is not None
    received: Counter[str] = Counter()
    buffered = b""
    while sum(received.values()) < 300:
        chunk = await asyncio.to_thread(first.stdout.read1, 65536)
        assert chunk, "the first dispatcher ended before it was killed"
        buffered += chunk
        received = _receipts(buffered)
    # Killed at once, wherever it is: no further than a pipe's worth (64 KiB, some 150 messages)
    # ahead of what was read, where it blocks until the end.
    first.send_signal(signal.SIGKILL)
    rest, _ = await asyncio.to_thread(first.communicate)
    assert first.returncode == -signal.SIGKILL
    received = _receipts(buffered + rest)
    assert 300 <= sum(received.values()) < FAN_OUT, "killed mid-fan-out"

    # The restart comes after the dead dispatcher's lease (5 minutes) has run out.
    later = (REMINDER_1 + timedelta(minutes=6)).isoformat()
    second = await asyncio.to_thread(subprocess.run, _dispatch_args(later), **_run_kwargs(database_url))
    assert second.returncode == 0, second.stderr
    received += _receipts(second.stdout)

    assert set(received) == expected, "every message arrived"
    duplicates = sum(n - 1 for n in received.values())
    print(f"\nSIGKILL mid-fan-out: {len(expected)} messages, {duplicates} delivered twice")
    assert duplicates <= DispatchSettings().concurrency, "only messages in flight at the kill may repeat"
    async with unit_of_work(db) as unit:
        assert await unit.outbox.counts() == {"sent": FAN_OUT}

    # A third run has nothing left to send.
    third = await asyncio.to_thread(subprocess.run, _dispatch_args(later), **_run_kwargs(database_url))
    assert _receipts(third.stdout) == Counter()
    assert "planned 0, sent 0" in third.stdout.decode()


def _dispatch_args(now: str) -> list[str]:
    return [sys.executable, "-m", "bot", "dispatch", "--now", now]


def _run_kwargs(database_url: str) -> dict[str, object]:
    env = {**os.environ, "DATABASE_URL": database_url}
    return {"cwd": ROOT, "env": env, "capture_output": True, "check": False}
