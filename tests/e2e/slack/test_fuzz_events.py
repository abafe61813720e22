"""Property-based fuzz of Slack's endpoint (issue 9): any correctly signed body is answered below
500; any text or display name in a well-formed command or message is handled without a failure,
on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import itertools
import json
import urllib.parse

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from storage.db import Database
from storage.tables import kept_inputs
from tests.e2e.fuzzing import JSON_VALUES, RAW_BODIES, TEXT, fuzz_settings
from tests.e2e.slack.harness import HANDLED_WITHIN, SlackChat

FORM = "application/x-www-form-urlencoded"
_USER_IDS = itertools.count(1000)

SIGNED_BODIES = st.one_of(
    RAW_BODIES.map(lambda b: ("application/json", b)),
    JSON_VALUES.map(lambda v: (FORM, urllib.parse.urlencode({"payload": json.dumps(v)}))),
    st.dictionaries(st.text(max_size=10), st.text(max_size=30), max_size=5).map(
        lambda d: (FORM, urllib.parse.urlencode(d))
    ),
)


@fuzz_settings(40)
@given(text=TEXT, name=TEXT, signed=SIGNED_BODIES)
async def test_fuzz_the_slack_endpoint(
    slack: SlackChat, db: Database, text: str, name: str, signed: tuple[str, str]
) -> None:
    fake = slack.slack
    content_type, body = signed
    body = body.encode("utf-8", "ignore").decode("utf-8")
    response = await fake.post_to_app(body, content_type, fake.sign(body))
    assert response.status < 500, (response.status, body[:200])
    user = fake.user(f"U{next(_USER_IDS)}", name or "x")
    for sent in (await fake.send_command(user, text), await fake.send_message(user, text or "x")):
        assert sent.status == 200, sent
        assert sent.update_id is not None
        async with asyncio.timeout(HANDLED_WITHIN):
            await slack.adapter.handled(sent.update_id)
    async with db.transaction() as conn:
        assert (await conn.execute(select(func.count()).select_from(kept_inputs))).scalar_one() == 0
