"""Finding 8 (issue 9): a malformed body on either endpoint is answered 400, never 500.

Telegram's webhook is reached with the right secret and Slack's endpoint with a valid
signature, so the body itself is what is wrong: not JSON, nested too deeply, the wrong shape.
"""

from __future__ import annotations

import json
import urllib.parse

import pytest

from tests.e2e.slack.harness import SlackChat

FORM = "application/x-www-form-urlencoded"
DEEP = "[" * 100_000 + "]" * 100_000


def _slack_bodies() -> list[tuple[str, str, str]]:
    payload = {"type": "block_actions", "user": {"id": "U0ALICE"}, "actions": [{"action_id": "circles_0"}]}
    return [
        ("payload-not-json", FORM, urllib.parse.urlencode({"payload": "{not json"})),
        ("payload-a-list", FORM, urllib.parse.urlencode({"payload": "[1, 2, 3]"})),
        ("payload-a-string", FORM, urllib.parse.urlencode({"payload": '"hello"'})),
        ("payload-nested", FORM, urllib.parse.urlencode({"payload": DEEP})),
        ("payload-user-a-string", FORM, urllib.parse.urlencode({"payload": json.dumps({**payload, "user": "x"})})),
        ("payload-actions-a-dict", FORM, urllib.parse.urlencode({"payload": json.dumps({**payload, "actions": {}})})),
        ("json-not-json", "application/json", "{not json"),
        ("json-a-list", "application/json", "[1, 2]"),
        ("json-nested", "application/json", DEEP),
        ("event-a-string", "application/json", json.dumps({"type": "event_callback", "event": "hello"})),
        ("command-without-user", FORM, urllib.parse.urlencode({"command": "/circles", "text": "help"})),
    ]


@pytest.mark.parametrize(("name", "content_type", "body"), _slack_bodies(), ids=[b[0] for b in _slack_bodies()])
async def test_a_malformed_signed_slack_request_is_answered_4xx(
    slack: SlackChat, name: str, content_type: str, body: str
) -> None:
    fake = slack.slack
    response = await fake.post_to_app(body, content_type, fake.sign(body))
    assert 400 <= response.status < 500, (name, response.status, response.body)
