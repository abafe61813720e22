"""python-telegram-bot's HTTP requests over aiohttp (the web server's library) instead of httpx.

PTB's default ``HTTPXRequest`` costs the bot about 2 ms of CPU per Bot API call once a few dozen
calls are in flight (httpcore's connection pool grows dear with many connections; it also tries
to import ``sniffio`` on every request when that package is absent): with updates handled
concurrently, that was more than the rest of an RSVP press. The same call through aiohttp's
client costs about a tenth (bench/inbound.py shows the difference per press).

What PTB asks of a request class, kept here: the default timeouts unless a call gives its own
(getUpdates' long poll does), ``TimedOut`` when one runs out and ``NetworkError`` for any other
failure to reach the Bot API, multipart bodies when a call carries files, and the status and body
of every answer (PTB turns error answers into its exceptions: 429 into ``RetryAfter``…).
aiohttp has no write timeout of its own: a call's timeouts together bound the whole call.
"""

from __future__ import annotations

import ssl
from typing import Any

import aiohttp
import certifi
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# PTB's own defaults (HTTPXRequest), in seconds; files get longer to upload.
READ_TIMEOUT = 5.0
WRITE_TIMEOUT = 5.0
MEDIA_WRITE_TIMEOUT = 20.0
CONNECT_TIMEOUT = 5.0
POOL_TIMEOUT = 1.0


class AiohttpRequest(BaseRequest):
    """One aiohttp session with at most ``connection_pool_size`` connections to the Bot API."""

    def __init__(self, connection_pool_size: int = 256) -> None:
        self._pool_size = connection_pool_size
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return READ_TIMEOUT

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            # The CA bundle httpx used (certifi), so a slim image without system CAs still verifies.
            context = ssl.create_default_context(cafile=certifi.where())
            connector = aiohttp.TCPConnector(limit=self._pool_size, ssl=context)
            self._session = aiohttp.ClientSession(connector=connector, headers={"User-Agent": self.USER_AGENT})

    async def shutdown(self) -> None:
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        files = request_data.multipart_data if request_data is not None else None
        fields = request_data.json_parameters if request_data is not None else {}
        read = _given(read_timeout, READ_TIMEOUT)
        write = _given(write_timeout, MEDIA_WRITE_TIMEOUT if files else WRITE_TIMEOUT)
        connect = _given(connect_timeout, CONNECT_TIMEOUT)
        pool = _given(pool_timeout, POOL_TIMEOUT)
        parts = (read, write, connect, pool)
        timeout = aiohttp.ClientTimeout(
            total=None if None in parts else sum(p for p in parts if p is not None),
            connect=None if pool is None or connect is None else pool + connect,  # a free connection, then connecting
            sock_connect=connect,
            sock_read=read,
        )
        body: aiohttp.FormData | dict[str, str] = _multipart(fields, files) if files else fields
        try:
            async with session.request(method, url, data=body, timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as error:  # aiohttp's timeouts are TimeoutErrors too
            raise TimedOut from error
        except (aiohttp.ClientError, OSError) as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error


def _given(value: Any, default: float) -> float | None:
    """A call's timeout: the default when the call named none (PTB's DEFAULT_NONE), else its own
    (None: no bound)."""
    if value is BaseRequest.DEFAULT_NONE:
        return default
    return None if value is None else float(value)


def _multipart(fields: dict[str, str], files: dict[str, Any]) -> aiohttp.FormData:
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in files.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
