"""What both fake platforms share: a real aiohttp server on 127.0.0.1 (a free port), a client
session for calling the bot, and a "something changed" signal that tests wait on instead of sleeping."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

from aiohttp import ClientSession, web

JsonDict = dict[str, Any]


class FakeServer:
    """Subclasses add their routes to ``self.app`` in ``__init__``; ``async with`` runs the server."""

    def __init__(self) -> None:
        self.app = web.Application(client_max_size=64 * 1024 * 1024)
        self.port = 0
        self.session: ClientSession | None = None
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

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.closing()
        if self.session is not None:
            await self.session.close()
        if self._runner is not None:
            await self._runner.cleanup()
        self.session = self._runner = None

    async def closing(self) -> None:
        """Before the server stops: end what would keep a request open."""

    def changed(self) -> None:
        """Wake everyone waiting; the event is replaced, so each wait sees exactly the next change."""
        fired, self._tick = self._tick, asyncio.Event()
        fired.set()

    async def wait_for(self, predicate: Callable[[], bool], within: float = 5.0) -> None:
        """Until ``predicate()`` holds, re-checked after every change; a timeout fails the test."""
        async with asyncio.timeout(within):
            while not predicate():
                await self._tick.wait()
