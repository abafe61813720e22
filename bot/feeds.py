"""The live calendar served over HTTP (``GET /calendar/<secret>.ics``, bot/server.py): one read
transaction through the use case, rendered by the same builder as the one-off calendar file."""

from __future__ import annotations

from bot.clock import Clock
from bot.i18n import Translator
from bot.usecases import calendar as calendar_cases
from bot.views.files import live_calendar
from storage.db import Database
from storage.unit import unit_of_work


async def calendar_feed(db: Database, clock: Clock, secret: str) -> bytes | None:
    """The .ics behind ``secret``, or None (the server answers 404)."""
    async with unit_of_work(db) as unit:
        found = await calendar_cases.feed(unit, secret)
    if found is None:
        return None
    return live_calendar(Translator(found.language), found.schedules, clock.now())


def feed_address(public_url: str, secret: str) -> str:
    """``webcal://host/path/calendar/<secret>.ics``: calendar apps open webcal:// as a subscription
    (and fetch it over HTTPS, or HTTP when the public address is plain http)."""
    base = public_url.rstrip("/")
    for scheme in ("https://", "http://"):
        if base.startswith(scheme):
            base = base[len(scheme) :]
    return f"webcal://{base}/calendar/{secret}.ics"
