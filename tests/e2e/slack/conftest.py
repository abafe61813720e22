"""Fixtures for the Slack end-to-end tests: the fake Slack and the running adapter."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import Core
from tests.e2e.slack.harness import SIGNING_SECRET, SlackChat, running_slack
from tests.fakes.slack_api import FakeSlack


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(signing_secret=SIGNING_SECRET) as fake:
        yield fake


@pytest.fixture
async def slack(app: Core, fake_slack: FakeSlack) -> AsyncIterator[SlackChat]:
    async with running_slack(app, fake_slack) as chat:
        yield chat
