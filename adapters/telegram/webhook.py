"""Webhook mode: Telegram POSTs each update to ``/telegram/webhook`` on the project's web server.

Telegram sends back the secret given to ``setWebhook`` in ``X-Telegram-Bot-Api-Secret-Token``;
a request without exactly that secret is refused with 403 before its body is even read, so
nobody who merely knows the address can act as a user. An accepted update is queued for the
``Application`` and answered 200 at once (503 while the application is not running, so that
Telegram delivers it again later); the core ignores an update id it has seen before, so
Telegram's retries of an update have no second effect.
"""

from __future__ import annotations

import hmac
import logging
import re

from aiohttp import web
from telegram import Update

from adapters.telegram.sender import TelegramApplication
from bot.config import ConfigError
from bot.server import Handler

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# What Telegram accepts as a secret token (Bot API, setWebhook).
SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")


def check_secret(secret: str) -> None:
    if not SECRET_PATTERN.fullmatch(secret):
        raise ConfigError(
            "telegram.webhook_secret: 1 to 256 characters, only letters, digits, _ and - (Telegram's rule)"
        )


def webhook_handler(application: TelegramApplication, secret: str) -> Handler:
    """The aiohttp handler that admits updates carrying ``secret`` into ``application``."""
    check_secret(secret)
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            log.warning("refused a webhook request without the right secret token")
            return web.Response(status=403, text="forbidden")
        if not application.running:
            # Starting or stopping: Telegram keeps the update and delivers it again later.
            return web.Response(status=503, text="not running")
        try:
            data = await request.json()
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("not an update")
            update = Update.de_json(data, application.bot)
        except Exception:  # noqa: BLE001 - whatever a body makes parsing fail with, it is not an update
            # Not JSON, not UTF-8, nested deeper than Python recurses (RecursionError), or parts
            # of the wrong type (AttributeError inside de_json): the sender's mistake, never a 500.
            log.warning("refused a webhook request that is not a Telegram update")
            return web.Response(status=400, text="not an update")
        await application.update_queue.put(update)
        return web.Response(status=200)

    return receive
