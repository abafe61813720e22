"""Finding 8 (issue 9): a malformed body on either endpoint is answered 400, never 500.

Telegram's webhook is reached with the right secret and Slack's endpoint with a valid
signature, so the body itself is what is wrong: not JSON, nested too deeply, the wrong shape.
"""

from __future__ import annotations

import pytest
from aiohttp import ClientSession

from tests.e2e.telegram.harness import SECRET, TelegramChat

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("mode", ["webhook"])
@pytest.mark.parametrize(
    "body",
    [
        pytest.param(DEEP, id="deeply-nested-list"),
        pytest.param('{"update_id": 1, "message": ' + "{" * 50_000 + "}" * 50_000 + "}", id="deeply-nested-update"),
        pytest.param('{"update_id": 1, "message": "hello"}', id="message-not-an-object"),
        pytest.param('{"update_id": 1, "message": {"chat": 5, "date": "x", "message_id": []}}', id="wrong-shapes"),
        pytest.param('{"update_id": 1, "callback_query": [1, 2]}', id="callback-a-list"),
        pytest.param(b"\xff\xfe{", id="not-utf-8"),
    ],
)
async def test_a_malformed_telegram_update_is_answered_400(telegram: TelegramChat, body: str | bytes) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    async with (
        ClientSession() as http,
        http.post(telegram.tg.webhook_url or "", data=body, headers=headers) as response,
    ):
        assert response.status == 400
    assert not telegram.processed
