"""Delivery fixtures: a console sender bound to the chat driver, and a dispatcher using it."""

from __future__ import annotations

import pytest

from adapters.console.driver import ConsoleDriver
from adapters.console.sender import ConsoleSender
from bot.clock import FixedClock
from bot.delivery.dispatcher import Dispatcher
from storage.db import Database


@pytest.fixture
def sender(chat: ConsoleDriver) -> ConsoleSender:
    """Delivers into the chat driver: each person sees their messages and can press their buttons."""
    return ConsoleSender(driver=chat)


@pytest.fixture
def dispatcher(db: Database, clock: FixedClock, sender: ConsoleSender) -> Dispatcher:
    return Dispatcher(db, clock, {"console": sender})
