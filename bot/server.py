"""The project's one web server (aiohttp): ``/healthz``, ``/metrics``, ``/calendar/…`` and the routes adapters add.

Adapters mount their endpoints (Telegram's webhook, Slack's events) with ``add_route`` before
the server starts; this module knows nothing about them, so ``bot`` still never imports an
adapter. ``/healthz`` answers 200 while every registered check passes and 503 otherwise, with
one word per check and no details that could leak a secret. ``/metrics`` (once
``serve_metrics`` is called) is Prometheus' text format, refreshed from the database per scrape.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.config import ServerSettings
from bot.metrics import CONTENT_TYPE, Metrics

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
CalendarFeed = Callable[[str], Awaitable[bytes | None]]  # secret -> .ics, None when unknown
HealthCheck = Callable[[], Awaitable[None]]  # returns when healthy, raises when not
Refresh = Callable[[], Awaitable[None]]  # brings gauges up to date before a scrape
HEALTH_CHECK_TIMEOUT = 5.0  # seconds; a check that hangs counts as failing
MAX_REQUEST_BYTES = 1024 * 1024  # webhook payloads are a few kilobytes
# A feed secret as secrets.token_urlsafe writes it; anything else is not worth a database query.
FEED_SECRET = re.compile(r"[A-Za-z0-9_-]{20,100}")


class WebServer:
    """Start with ``await server.start()``, stop with ``await server.stop()``.

    ``port`` 0 picks a free port (tests); ``server.port`` tells which one after ``start``.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 8080) -> None:
        self.host = host
        self._requested_port = port
        self._bound_port: int | None = None
        self._checks: dict[str, HealthCheck] = {}
        self._runner: web.AppRunner | None = None
        self.app = web.Application(client_max_size=MAX_REQUEST_BYTES)
        self.app.router.add_get("/healthz", self._healthz)

    @classmethod
    def from_settings(cls, settings: ServerSettings) -> WebServer:
        return cls(settings.host, settings.port)

    def add_route(self, method: str, path: str, handler: Handler) -> None:
        """Serve ``handler`` at ``path``; only before ``start`` (aiohttp freezes its router)."""
        if self._runner is not None:
            raise RuntimeError(f"cannot add {path}: the web server is already running")
        self.app.router.add_route(method, path, handler)

    def serve_metrics(self, metrics: Metrics, refresh: Refresh | None = None) -> None:
        """``GET /metrics``: ``metrics`` in Prometheus' format, after ``refresh`` (e.g. the outbox
        gauges from the database). A failing refresh still serves the counters, and is logged."""

        async def scrape(request: web.Request) -> web.Response:
            if refresh is not None:
                try:
                    await asyncio.wait_for(refresh(), HEALTH_CHECK_TIMEOUT)
                except Exception:
                    log.warning("refreshing the metrics failed; serving the last values", exc_info=True)
            response = web.Response(body=metrics.exposition())
            response.headers["Content-Type"] = CONTENT_TYPE
            return response

        self.add_route("GET", "/metrics", scrape)

    def serve_calendar(self, feed: CalendarFeed) -> None:
        """``GET /calendar/<secret>.ics``: a person's live calendar (/calendar). An unknown, replaced
        or forgotten secret is 404, the same answer as a malformed one, so nothing is revealed."""

        async def fetch(request: web.Request) -> web.Response:
            name = request.match_info["name"]
            secret = name.removesuffix(".ics")
            body = await feed(secret) if name.endswith(".ics") and FEED_SECRET.fullmatch(secret) else None
            if body is None:
                raise web.HTTPNotFound()
            response = web.Response(body=body, content_type="text/calendar", charset="utf-8")
            # Private to its owner: no shared cache may keep it; calendars refetch it anyway.
            response.headers["Cache-Control"] = "private, no-cache"
            return response

        self.add_route("GET", "/calendar/{name}", fetch)

    def add_check(self, name: str, check: HealthCheck) -> None:
        """``/healthz`` also runs ``check`` (e.g. "database", "telegram")."""
        self._checks[name] = check

    @property
    def running(self) -> bool:
        return self._runner is not None

    @property
    def port(self) -> int:
        if self._bound_port is None:
            raise RuntimeError("the web server is not running")
        return self._bound_port

    @property
    def base_url(self) -> str:
        """``http://host:port`` of the running server (for tests and local rehearsals)."""
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"http://{host}:{self.port}"

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError("the web server is already running")
        # handle_signals=False: the command line owns signals and stops us in order.
        runner = web.AppRunner(self.app, handle_signals=False, shutdown_timeout=5.0)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self._requested_port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        address = runner.addresses[0]
        self._bound_port = int(address[1])
        log.info("web server listening on %s:%s", self.host, self._bound_port)

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        self._bound_port = None
        if runner is not None:
            await runner.cleanup()

    async def _healthz(self, request: web.Request) -> web.Response:
        results: dict[str, str] = {}
        for name, check in self._checks.items():
            try:
                await asyncio.wait_for(check(), HEALTH_CHECK_TIMEOUT)
            except Exception:
                log.warning("health check %s failed", name, exc_info=True)
                results[name] = "failing"
            else:
                results[name] = "ok"
        healthy = all(result == "ok" for result in results.values())
        return web.json_response(
            {"status": "ok" if healthy else "failing", "checks": results}, status=200 if healthy else 503
        )
