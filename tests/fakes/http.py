"""What both fake platforms share: a real aiohttp server on 127.0.0.1 (a free port), a client
session for calling the bot, the record of API calls, injected failures, and a "something
changed" signal that tests wait on instead of sleeping."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Self

from aiohttp import ClientSession, web

JsonDict = dict[str, Any]


@dataclass
class ApiCall:
    """One request the bot made. `status` is None while it is still running (a long poll)."""

    method: str
    params: JsonDict
    status: int | None = None
    token: str | None = None
    error: str | None = None  # Slack answers most errors with 200 and `"ok": false`
    time: float = field(default_factory=time.monotonic)

    @property
    def args(self) -> JsonDict:
        """Slack's word for the parameters."""
        return self.params

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None


@dataclass
class Failure:
    """The next `times` calls of `method` (to `target`, if given), after `skip`, answer `answer`."""

    method: str
    target: object
    times: int
    answer: Any
    skip: int = 0


class FakeServer:
    """Subclasses add their routes to ``self.app`` in ``__init__``; ``async with`` runs the server."""

    def __init__(self) -> None:
        self.app = web.Application(client_max_size=64 * 1024 * 1024)
        self.port = 0
        self.session: ClientSession | None = None
        self.calls: list[ApiCall] = []
        self.failures: list[Failure] = []
        self.closed = False  # set first when the server stops: whatever waits answers now
        self._runner: web.AppRunner | None = None
        self._tick = asyncio.Event()

    async def __aenter__(self) -> Self:
        # A request still running at the end (a long poll, a socket) must not hold the shutdown.
        self._runner = web.AppRunner(
            self.app, handle_signals=False, access_log=None, shutdown_timeout=2.0, handler_cancellation=True
        )
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = int(self._runner.addresses[0][1])
        self.session = ClientSession()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.closed = True
        self.changed()
        await self.closing()
        if self.session is not None:
            await self.session.close()
        if self._runner is not None:
            await self._runner.cleanup()
        self.session = self._runner = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def closing(self) -> None:
        """Before the server stops: end what would keep a request open."""

    def calls_to(self, method: str) -> list[ApiCall]:
        return [call for call in self.calls if call.method == method]

    def injected(self, method: str, *targets: object) -> Any:
        """The answer of the failure injected for this call (which uses it up), or None."""
        for rule in self.failures:
            if rule.times <= 0 or rule.method != method or rule.target not in (None, *targets):
                continue
            if rule.skip > 0:
                rule.skip -= 1
                continue
            rule.times -= 1
            return rule.answer
        return None

    def changed(self) -> None:
        """Wake everyone waiting; the event is replaced, so each wait sees exactly the next change."""
        fired, self._tick = self._tick, asyncio.Event()
        fired.set()

    async def wait_for(self, predicate: Callable[[], bool], within: float = 5.0) -> None:
        """Until ``predicate()`` holds, re-checked after every change; a timeout fails the test."""
        async with asyncio.timeout(within):
            while not predicate():
                await self._tick.wait()
