"""The aiohttp transport under PTB (adapters/telegram/request.py) keeps PTB's contract: a call
that runs out of time is ``TimedOut`` and an unreachable Bot API ``NetworkError`` (which the
sender and the adapter already handle), never an aiohttp exception leaking out; a long poll's own
read timeout is honoured. Files are covered by test_sender (they travel as multipart)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from adapters.telegram.request import AiohttpRequest
from tests.e2e.telegram.harness import TOKEN


@pytest.fixture
async def slow_api() -> AsyncIterator[str]:
    """A Bot API that answers getMe at once and anything else only after half a second."""

    async def handle(request: web.Request) -> web.Response:
        if request.match_info["method"] != "getMe":
            await asyncio.sleep(0.5)
        me = {"id": 1, "is_bot": True, "first_name": "Slow", "username": "slow_bot"}
        return web.json_response({"ok": True, "result": me if request.match_info["method"] == "getMe" else True})

    app = web.Application()
    app.router.add_route("POST", "/bot{token}/{method}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}/bot"
    await runner.cleanup()


async def test_a_call_that_runs_out_of_time_is_timed_out(slow_api: str) -> None:
    async with Bot(TOKEN, base_url=slow_api, request=AiohttpRequest()) as bot:
        with pytest.raises(TimedOut):
            await bot.answer_callback_query("1", read_timeout=0.1)
        # The call's own, longer timeout is honoured (as getUpdates' long poll needs).
        assert await bot.answer_callback_query("1", read_timeout=2.0) is True


async def test_an_unreachable_bot_api_is_a_network_error() -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError):
            await request.post(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe")
    finally:
        await request.shutdown()
        await request.shutdown()  # twice is harmless (stop after a failed start)
