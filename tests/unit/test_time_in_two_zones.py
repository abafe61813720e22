"""How a time reads for someone in another zone: one function, ``bot.views.circles.moment_for``; and
the line that says how a meeting moves on their clock in the week the clocks change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.views.circles import clock_change_note, moment_for
from domain.model import Circle, Meeting, Venue

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


# The clock-change line of a learner's reminder (the rule: domain.daylight).

SPRING = datetime(2026, 3, 30, 18, 0, tzinfo=ZoneInfo("Europe/Berlin"))  # the day after Berlin's change


def online_meeting(start: datetime, *, online: bool = True) -> tuple[Circle, Meeting]:
    venue = Venue("Online", link="https://meet.example.org/x") if online else Venue("Library", city="Berlin")
    circle = Circle(
        1,
        "c0de",
        "Python",
        "Python",
        "https://example.org",
        "",
        venue,
        "en",
        "Europe/Berlin",
        start.date(),
        start.time(),
    )
    return circle, Meeting(1, 1, 2, start.astimezone(UTC), 90)


def test_the_clock_change_line_in_each_language() -> None:
    circle, meeting = online_meeting(SPRING)
    assert clock_change_note(Translator("en", "America/New_York"), circle, meeting) == (
        "Clocks change on Sun, 29 Mar 2026 in Berlin: "
        "this meeting is at 12:00 your time, 1 hour earlier than before the change."
    )
    assert clock_change_note(Translator("de", "America/New_York"), circle, meeting) == (
        "Zeitumstellung am So., 29. März 2026 in Berlin: "
        "Dieses Treffen ist um 12:00 bei dir, 1 Stunde früher als vor der Umstellung."
    )
    assert clock_change_note(Translator("es", "America/New_York"), circle, meeting) == (
        "Cambio de hora el dom, 29 mar 2026 en Berlín: "
        "esta reunión es a las 12:00 en tu hora, 1 hora más temprano que antes del cambio."
    )


def test_the_clock_change_line_where_the_time_stays() -> None:
    circle, meeting = online_meeting(SPRING)
    stays = "Clocks change on Sun, 29 Mar 2026 in Berlin: this meeting stays at 18:00, Berlin time."
    assert clock_change_note(Translator("en"), circle, meeting) == stays
    assert clock_change_note(Translator("en", "Europe/Berlin"), circle, meeting) == stays
    assert clock_change_note(Translator("en", "Europe/London"), circle, meeting) == (
        "Clocks change on Sun, 29 Mar 2026 in Berlin and London: this meeting stays at 17:00 your time."
    )
    in_person, meeting = online_meeting(SPRING, online=False)
    assert clock_change_note(Translator("en", "America/New_York"), in_person, meeting) == stays


def test_no_clock_change_line_in_an_ordinary_week() -> None:
    circle, meeting = online_meeting(SPRING + timedelta(weeks=1))
    assert clock_change_note(Translator("en", "America/New_York"), circle, meeting) is None
