"""Webhook mode: only Telegram (who knows the secret) gets in, and a retried update acts once."""

from __future__ import annotations

import json

import pytest
from aiohttp import ClientSession
from sqlalchemy import func, select

from storage.db import Database
from storage.tables import people, rsvps
from tests.e2e.telegram.flows import create_circle, sign_up
from tests.e2e.telegram.harness import SECRET, TelegramChat

pytestmark = pytest.mark.parametrize("mode", ["webhook"])


async def count(db: Database, table: object) -> int:
    async with db.transaction() as conn:
        return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())  # type: ignore[arg-type]


async def test_requests_without_the_right_secret_are_refused_and_change_nothing(
    telegram: TelegramChat, db: Database
) -> None:
    tg = telegram.tg
    mallory = tg.user(666, "Mallory")
    update = tg.build_text_update(mallory, "/start")
    sends_before = len(tg.calls_of("sendMessage"))

    missing = await tg.deliver_webhook(update, headers={"X-Telegram-Bot-Api-Secret-Token": ""})
    wrong = await tg.deliver_webhook(update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET + "x"})
    almost = await tg.deliver_webhook(update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET[:-1]})
    async with ClientSession() as http:
        # No header at all, and a raw request from someone who only knows the address.
        async with http.post(tg.webhook_url or "", data=json.dumps(update)) as response:
            no_header = response.status
        async with http.get(tg.webhook_url or "") as response:
            not_a_post = response.status

    assert (missing, wrong, almost, no_header) == (403, 403, 403, 403)
    assert not_a_post == 405
    assert telegram.processed[update["update_id"]] == 0
    assert len(tg.calls_of("sendMessage")) == sends_before
    assert await count(db, people) == 0

    # With the secret Telegram was given, the same update gets in.
    await telegram.deliver(update)
    assert "Hello Mallory!" in tg.last_message(mallory.id).body
    assert await count(db, people) == 1


async def test_a_body_that_is_not_an_update_is_refused(telegram: TelegramChat) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    async with ClientSession() as http:
        for body in ("not json", "[1, 2]", '{"message": {}}'):
            async with http.post(telegram.tg.webhook_url or "", data=body, headers=headers) as response:
                assert response.status == 400, body
    assert not telegram.processed


async def test_an_update_delivered_twice_has_no_second_effect(telegram: TelegramChat, db: Database) -> None:
    tg = telegram.tg
    fiona, alice = tg.user(101, "Fiona"), tg.user(102, "Alice")
    code = await create_circle(telegram, fiona)
    await sign_up(telegram, alice, code, "Learn", "Help", "Build")
    [listing] = await telegram.say(alice, "/rsvp")
    sent_before = len(tg.sent_messages())

    # Telegram retries a webhook delivery it thinks failed: same update_id, same content.
    press = tg.build_callback_update(alice, listing, listing.callback_data("1: No"))
    await telegram.deliver(press, times=3)

    effects = tg.sent_messages()[sent_before:]
    assert [m.method for m in effects] == ["editMessageText"]  # the confirmation is in the edit
    assert "You said you cannot come to meeting 1" in effects[0].body
    assert await count(db, rsvps) == 1
    assert telegram.processed[press["update_id"]] == 3
    assert [status for update_id, status in tg.webhook_deliveries if update_id == press["update_id"]] == [200] * 3


async def test_healthz_reports_the_running_adapter(telegram: TelegramChat) -> None:
    async with ClientSession() as http, http.get(f"{telegram.server.base_url}/healthz") as response:
        assert response.status == 200
        assert await response.json() == {"status": "ok", "checks": {"telegram": "ok"}}
