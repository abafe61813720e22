"""Only Slack can act: bad, missing or stale signatures are refused with 401 and change nothing;
Slack's retries and repeated events have no second effect."""

from __future__ import annotations

import json
import time
import urllib.parse

import pytest
from sqlalchemy import func, select

from storage.db import Database
from storage.tables import people, processed_updates
from tests.e2e.slack.harness import SlackChat


async def count_people(db: Database) -> int:
    async with db.transaction() as conn:
        return int((await conn.execute(select(func.count()).select_from(people))).scalar_one())


def form(fields: dict[str, str]) -> str:
    return urllib.parse.urlencode(fields)


FORM = "application/x-www-form-urlencoded"


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda slack, body: slack.sign(body, secret="not-the-signing-secret"), id="wrong-secret"),
        pytest.param(lambda slack, body: slack.sign(body + "&text=forget"), id="body-changed-after-signing"),
        pytest.param(lambda slack, body: slack.sign(body, timestamp=int(time.time()) - 6 * 60), id="six-minutes-old"),
        pytest.param(lambda slack, body: slack.sign(body, timestamp=int(time.time()) + 6 * 60), id="from-the-future"),
        pytest.param(lambda slack, body: {}, id="no-signature-headers"),
        pytest.param(
            lambda slack, body: {"X-Slack-Request-Timestamp": str(int(time.time()))}, id="timestamp-without-signature"
        ),
        pytest.param(
            lambda slack, body: {"X-Slack-Signature": slack.sign(body)["X-Slack-Signature"]},
            id="signature-without-timestamp",
        ),
        pytest.param(
            lambda slack, body: {**slack.sign(body), "X-Slack-Request-Timestamp": "yesterday"},
            id="timestamp-not-a-number",
        ),
        pytest.param(
            lambda slack, body: {**slack.sign(body), "X-Slack-Signature": "v0=" + "0" * 64}, id="made-up-signature"
        ),
    ],
)
async def test_a_request_not_signed_by_slack_is_refused_and_has_no_effect(
    slack: SlackChat, db: Database, forge: object
) -> None:
    fake = slack.slack
    mallory = slack.person("mallory")
    body = form(fake.command_payload(mallory, "new"))
    calls_before = len(fake.calls)
    response = await fake.post_to_app(body, FORM, forge(fake, body))  # type: ignore[operator]
    assert response.status == 401
    # Nothing happened: no person, no update recorded, no call to Slack, nothing posted.
    assert await count_people(db) == 0
    async with db.transaction() as conn:
        assert (await conn.execute(select(func.count()).select_from(processed_updates))).scalar_one() == 0
    assert len(fake.calls) == calls_before
    assert fake.responses == []


async def test_a_forged_button_press_and_event_are_refused_too(slack: SlackChat, db: Database) -> None:
    fake = slack.slack
    await slack.command("rsvp", as_="alice")  # a real message to press on
    people_before = await count_people(db)
    message = fake.last_message(slack.person("alice").dm)
    payload = {
        "type": "block_actions",
        "user": {"id": "U0ALICE"},
        "trigger_id": "1.2.3",
        "container": {"channel_id": message.channel, "message_ts": message.ts},
        "actions": [{"action_id": "circles:1", "value": "forget:y", "type": "button"}],
    }
    action = form({"payload": json.dumps(payload)})
    assert (await fake.post_to_app(action, FORM, fake.sign(action, secret="guess"))).status == 401
    event = json.dumps(fake.message_payload(slack.person("alice"), "forget"))
    assert (await fake.post_to_app(event, "application/json", {})).status == 401
    assert await count_people(db) == people_before
    assert "forget" not in " ".join(m.plain() for m in fake.messages_in(message.channel))


async def test_slack_verifies_the_events_url_with_a_signed_challenge(slack: SlackChat) -> None:
    fake = slack.slack
    body = json.dumps(
        {"token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "type": "url_verification"}
    )
    answered = await fake.post_to_app(body, "application/json", fake.sign(body))
    assert answered.status == 200
    assert "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in answered.body
    forged = await fake.post_to_app(body, "application/json", fake.sign(body, secret="guess"))
    assert forged.status == 401


async def test_retries_and_repeated_events_act_once(slack: SlackChat, db: Database) -> None:
    fake = slack.slack
    alice = slack.person("alice")
    await slack.command("new", as_="alice")
    asked = len(fake.messages_in(alice.dm))

    # A retried slash command (X-Slack-Retry-Num) is acknowledged and not handled again.
    payload = fake.command_payload(alice, "help")
    first = await fake.send_command(alice, "help", payload=payload)
    assert first.status == 200 and first.update_id is not None
    await slack.adapter.handled(first.update_id)
    again = await fake.send_command(alice, "help", payload=payload, retry_num=1)
    assert again.status == 200
    # A retried event is handed over again, and the core recognises its event_id.
    sent = await fake.send_message(alice, "Python for Everybody", event_id="Ev0DUPLICATE")
    assert sent.update_id is not None
    await slack.adapter.handled(sent.update_id)
    retried = await fake.send_message(alice, "Python for Everybody", event_id="Ev0DUPLICATE", retry_num=1)
    assert retried.status == 200
    await slack.adapter.handled(sent.update_id)  # the same id: handled (and ignored) again
    said = [m.plain() for m in fake.messages_in(alice.dm)[asked:]]
    assert sum(text.startswith("Circles runs learning circles") for text in said) == 1
    assert sum(text.startswith("Send the link to the course.") for text in said) == 1, said
    async with db.transaction() as conn:
        seen = (await conn.execute(select(processed_updates.c.update_id))).scalars().all()
    assert "event:Ev0DUPLICATE" in seen
    assert len(seen) == len(set(seen))
