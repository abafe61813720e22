"""How a time reads for someone in another zone: one function, ``bot.views.circles.moment_for``."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.views.circles import moment_for

START = datetime(2026, 12, 7, 18, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def test_same_zone_or_no_zone_reads_as_before() -> None:
    plain = "Mon, 7 Dec 2026, 18:00 CET"
    assert moment_for(Translator("en"), START, "Europe/Berlin") == plain
    assert moment_for(Translator("en", "Europe/Berlin"), START, "Europe/Berlin") == plain
    # Another zone's name, but the same clock: nothing to add.
    assert moment_for(Translator("en", "Europe/Paris"), START, "Europe/Berlin") == plain


def test_another_zone_adds_the_readers_time_and_day_when_it_differs() -> None:
    assert moment_for(Translator("en", "America/New_York"), START, "Europe/Berlin") == (
        "Mon, 7 Dec 2026, 18:00 CET (12:00 your time)"
    )
    assert moment_for(Translator("en", "Asia/Tokyo"), START, "Europe/Berlin") == (
        "Mon, 7 Dec 2026, 18:00 CET (Tue, 8 Dec 2026, 02:00 your time)"
    )


def test_in_the_readers_language() -> None:
    assert moment_for(Translator("de", "America/New_York"), START, "Europe/Berlin").endswith("(12:00 deine Zeit)")
    assert moment_for(Translator("es", "America/New_York"), START, "Europe/Berlin").endswith("(12:00 tu hora)")
