"""Property-based fuzz of Telegram's webhook (issue 9): with the right secret, any body is answered
200 or 400, never 500; any text, display name or button data in a well-formed update is handled
without a failure, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools

import pytest
from aiohttp import ClientSession
from hypothesis import given
from sqlalchemy import func, select

from storage.db import Database
from storage.tables import kept_inputs
from tests.e2e.fuzzing import RAW_BODIES, TEXT, fuzz_settings
from tests.e2e.telegram.harness import SECRET, TelegramChat

pytestmark = pytest.mark.parametrize("mode", ["webhook"])
_USER_IDS = itertools.count(1000)


@fuzz_settings(40)
@given(text=TEXT, name=TEXT, data=TEXT, body=RAW_BODIES)
async def test_fuzz_the_telegram_webhook(
    telegram: TelegramChat, db: Database, text: str, name: str, data: str, body: str
) -> None:
    tg = telegram.tg
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    async with (
        ClientSession() as http,
        http.post(tg.webhook_url or "", data=body.encode("utf-8", "surrogatepass"), headers=headers) as response,
    ):
        assert response.status in (200, 400), (response.status, body[:200])
    user = tg.user(next(_USER_IDS), name or "x")
    await telegram.deliver(tg.build_text_update(user, text))
    await telegram.deliver(tg.build_text_update(user, f"/start {text}"))
    [shown, *_] = await telegram.say(user, "/help")
    await telegram.deliver(
        tg.build_callback_update(
            user, shown, data.encode("utf-8", "ignore")[:64].decode("utf-8", "ignore") or "x", strict=False
        )
    )
    assert not telegram.errors
    assert not any("something went wrong" in m.body for m in tg.sent_messages())
    async with db.transaction() as conn:
        assert (await conn.execute(select(func.count()).select_from(kept_inputs))).scalar_one() == 0
