"""Slack Web API clients (slack-sdk ``AsyncWebClient``) pointed at ``slack.api_base_url``.

Two clients share one connection pool:

- the *interactive* client answers a person who is waiting. slack-sdk's rate-limit retry handler
  is on: a 429 waits the ``Retry-After`` Slack asked for and tries again, so an answer is delayed,
  never dropped; a dropped connection or a 500/503 is tried once more.
- the *delivery* client sends what the outbox hands over (``SlackSender``). It does not wait out a
  429 or a 5xx itself: the answer goes back to the delivery engine (``RETRY_AFTER`` / ``FAILED``),
  which re-queues the message and holds that channel or backs off, so that one rate-limited
  channel never blocks the others. Only a dropped connection is tried once more at once.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import SlackSettings

PLATFORM = "slack"
INTERACTIVE_RATE_LIMIT_RETRIES = 3
TIMEOUT_SECONDS = 15


def quiet_sdk_logs() -> None:
    """slack-sdk logs request parameters at DEBUG (message texts, people's words): keep it above."""
    for name in ("slack_sdk", "slack_bolt"):
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < logging.INFO:
            logger.setLevel(logging.INFO)


def build_client(settings: SlackSettings, *, interactive: bool, **options: Any) -> AsyncWebClient:
    handlers: list[AsyncRetryHandler] = [AsyncConnectionErrorRetryHandler()]
    if interactive:
        handlers.append(AsyncServerErrorRetryHandler())
        handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=INTERACTIVE_RATE_LIMIT_RETRIES))
    return AsyncWebClient(
        token=settings.bot_token,
        base_url=settings.api_base_url,
        timeout=TIMEOUT_SECONDS,
        retry_handlers=handlers,
        logger=logging.getLogger("slack_sdk.web.async_client"),
        **options,
    )
