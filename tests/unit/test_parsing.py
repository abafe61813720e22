"""What people type into the creation dialog, and the reason keys for what cannot be used."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.parsing import (
    InputError,
    clean_text,
    parse_date,
    parse_duration_minutes,
    parse_int_in_range,
    parse_time,
    parse_timezone,
    parse_url,
    require_future_date,
)

TODAY = date(2026, 11, 28)  # a Saturday
DEC_7 = date(2026, 12, 7)


def reason_of(excinfo: pytest.ExceptionInfo[InputError]) -> str:
    return excinfo.value.reason


# --- InputError -------------------------------------------------------------------------------


def test_input_error_carries_reason_and_params() -> None:
    error = InputError("text.too_long", max_len=5, length=7)
    assert error.reason == "text.too_long"
    assert error.params == {"max_len": 5, "length": 7}
    assert "text.too_long" in str(error)
    assert isinstance(error, Exception)


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-07",
        "2026-12-7",
        "2026/12/07",
        " 2026-12-07 ",
        "7 Dec 2026",
        "7 dec 2026",
        "7 DECEMBER 2026",
        "7-Dec-2026",
        "Dec 7 2026",
        "Dec 7, 2026",
        "December 7th, 2026",
        "7th of December 2026",
        "7 December",
        "December 7",
        "7 Dec",
        "07/12/2026",
        "7/12/2026",
        "7.12.2026",
        "07-12-2026",
        "7.12.26",
        "7.12.",
        "07/12",
        "Mon 7 Dec 2026",
        "Monday, December 7",
    ],
)
def test_parse_date_accepted_forms(text: str) -> None:
    assert parse_date(text, TODAY) == DEC_7


def test_parse_date_sept_abbreviation() -> None:
    assert parse_date("Sept 3 2027", TODAY) == date(2027, 9, 3)


def test_parse_date_month_first_when_not_dayfirst() -> None:
    assert parse_date("07/12/2026", TODAY, dayfirst=False) == date(2026, 7, 12)
    assert parse_date("12/7/2026", TODAY, dayfirst=False) == DEC_7


def test_parse_date_swaps_only_when_one_reading_is_possible() -> None:
    # Day first by default, but 31 cannot be a month: the only sensible reading is 31 Dec.
    assert parse_date("12/31/2026", TODAY) == date(2026, 12, 31)
    assert parse_date("31/12/2026", TODAY, dayfirst=False) == date(2026, 12, 31)


def test_parse_date_relative_words() -> None:
    assert parse_date("today", TODAY) == TODAY
    assert parse_date("Today", TODAY) == TODAY
    assert parse_date("tomorrow", TODAY) == date(2026, 11, 29)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("monday", date(2026, 11, 30)),
        ("Monday", date(2026, 11, 30)),
        ("next monday", date(2026, 11, 30)),
        ("mon", date(2026, 11, 30)),
        ("friday", date(2026, 12, 4)),
        ("thurs", date(2026, 12, 3)),
        # Today is a Saturday: "saturday" means a week from now, not today.
        ("saturday", date(2026, 12, 5)),
        ("next saturday", date(2026, 12, 5)),
    ],
)
def test_parse_date_weekday_names(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


def test_parse_date_without_year_rolls_over_to_next_year() -> None:
    today = date(2026, 12, 10)
    assert parse_date("7 December", today) == date(2027, 12, 7)
    assert parse_date("December 7", today) == date(2027, 12, 7)
    assert parse_date("07/12", today) == date(2027, 12, 7)
    # On or after today: the same day is this year's.
    assert parse_date("10 December", today) == date(2026, 12, 10)


def test_parse_date_without_year_finds_next_leap_day() -> None:
    assert parse_date("29 Feb", TODAY) == date(2028, 2, 29)


def test_parse_date_keeps_past_dates() -> None:
    assert parse_date("2020-01-01", TODAY) == date(2020, 1, 1)


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-30",
        "31/04/2026",
        "30.02.2026",
        "31 April 2026",
        "April 31, 2026",
        "32 Dec",
        "13/13/2026",
        "30 Feb",
    ],
)
def test_parse_date_impossible(text: str) -> None:
    with pytest.raises(InputError) as excinfo:
        parse_date(text, TODAY)
    assert reason_of(excinfo) == "date.impossible"
    assert {"month", "day"} <= excinfo.value.params.keys()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "soon",
        "7",
        "2026",
        "1830",
        "Dec 2026",
        "7 Dec 26",
        "7 Foo 2026",
        "7 Dec 2026 18:30",
        "next",
        "last monday",
        "2026-12",
        "7/12/2026/1",
        "07122026",
    ],
)
def test_parse_date_unrecognised(text: str) -> None:
    with pytest.raises(InputError) as excinfo:
        parse_date(text, TODAY)
    assert reason_of(excinfo) == "date.unrecognised"
    assert excinfo.value.params == {"text": text}


def test_parse_date_weekday_mismatch() -> None:
    with pytest.raises(InputError) as excinfo:
        parse_date("Tue 7 Dec 2026", TODAY)
    assert reason_of(excinfo) == "date.weekday_mismatch"
    assert excinfo.value.params == {"date": "2026-12-07", "weekday": 1}


def test_require_future_date() -> None:
    assert require_future_date(DEC_7, TODAY) == DEC_7
    assert require_future_date(TODAY, TODAY) == TODAY
    with pytest.raises(InputError) as excinfo:
        require_future_date(date(2026, 11, 27), TODAY)
    assert reason_of(excinfo) == "date.past"
    assert excinfo.value.params == {"date": "2026-11-27", "today": "2026-11-28"}


# --- times ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("18:30", time(18, 30)),
        (" 18:30 ", time(18, 30)),
        ("18.30", time(18, 30)),
        ("8:05", time(8, 5)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("18h30", time(18, 30)),
        ("18h", time(18, 0)),
        ("6:30pm", time(18, 30)),
        ("6:30 PM", time(18, 30)),
        ("6.30pm", time(18, 30)),
        ("6pm", time(18, 0)),
        ("6 pm", time(18, 0)),
        ("6 p.m.", time(18, 0)),
        ("9am", time(9, 0)),
        ("9:15 AM", time(9, 15)),
        ("12am", time(0, 0)),
        ("12:30am", time(0, 30)),
        ("12pm", time(12, 0)),
        ("noon", time(12, 0)),
        ("Noon", time(12, 0)),
        ("midday", time(12, 0)),
        ("midnight", time(0, 0)),
    ],
)
def test_parse_time_accepted_forms(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1830",
        "6",
        "18",
        "24:00",
        "25:00",
        "18:60",
        "18:5",
        "0pm",
        "13pm",
        "13:30pm",
        "evening",
        "6:30 xm",
        "18:30:00",
    ],
)
def test_parse_time_unrecognised(text: str) -> None:
    with pytest.raises(InputError) as excinfo:
        parse_time(text)
    assert reason_of(excinfo) == "time.unrecognised"
    assert excinfo.value.params == {"text": text}


# --- numbers and durations --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6", 6),
        (" 6 ", 6),
        ("6 weeks", 6),
        ("6weeks", 6),
        ("90 min", 90),
        ("1", 1),
        ("52", 52),
        ("6 Wochen", 6),
    ],
)
def test_parse_int_in_range_accepted(text: str, expected: int) -> None:
    assert parse_int_in_range(text, 1, 90) == expected


@pytest.mark.parametrize("text", ["0", "53", "-1", "100 weeks"])
def test_parse_int_in_range_out_of_range(text: str) -> None:
    with pytest.raises(InputError) as excinfo:
        parse_int_in_range(text, 1, 52)
    assert reason_of(excinfo) == "number.range"
    assert excinfo.value.params["lo"] == 1
    assert excinfo.value.params["hi"] == 52
    assert "value" in excinfo.value.params


@pytest.mark.parametrize("text", ["", "six", "6.5", "6 weeks 2", "weeks 6", "1,000"])
def test_parse_int_in_range_not_a_number_uses_same_key(text: str) -> None:
    with pytest.raises(InputError) as excinfo:
        parse_int_in_range(text, 1, 52)
    assert reason_of(excinfo) == "number.range"
    assert excinfo.value.params == {"lo": 1, "hi": 52, "text": text}


def test_parse_int_in_range_custom_key() -> None:
    with pytest.raises(InputError) as excinfo:
        parse_int_in_range("0", 1, 52, key="weeks.range")
    assert reason_of(excinfo) == "weeks.range"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90", 90),
        ("90 min", 90),
        ("90min", 90),
        ("90 minutes", 90),
        ("90 min.", 90),
        ("1.5h", 90),
        ("1,5 h", 90),
        ("1.5 hours", 90),
        ("1h30", 90),
        ("1h 30", 90),
        ("1h30m", 90),
        ("1 hour 30 minutes", 90),
        ("1:30", 90),
        ("2 hours", 120),
        ("2h", 120),
        ("2 hrs", 120),
        ("15", 15),
        ("8h", 480),
    ],
)
def test_parse_duration_minutes_accepted(text: str, expected: int) -> None:
    assert parse_duration_minutes(text) == expected


@pytest.mark.parametrize(("text", "value"), [("10", 10), ("14 min", 14), ("9h", 540), ("481", 481), ("0", 0)])
def test_parse_duration_minutes_out_of_range(text: str, value: int) -> None:
    with pytest.raises(InputError) as excinfo:
        parse_duration_minutes(text)
    assert reason_of(excinfo) == "duration.range"
    assert excinfo.value.params == {"lo": 15, "hi": 480, "value": value}


@pytest.mark.parametrize("text", ["", "long", "90 days", "h30", "1h30h", "-90"])
def test_parse_duration_minutes_unrecognised(text: str) -> None:
    with pytest.raises(InputError) as excinfo:
        parse_duration_minutes(text)
    assert reason_of(excinfo) == "duration.unrecognised"


# --- time zones -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        (" EUROPE/BERLIN ", "Europe/Berlin"),
        ("Berlin", "Europe/Berlin"),
        ("berlin", "Europe/Berlin"),
        ("new york", "America/New_York"),
        ("New_York", "America/New_York"),
        ("america/new york", "America/New_York"),
        ("Auckland", "Pacific/Auckland"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
        ("Zürich", "Europe/Zurich"),
        ("port au prince", "America/Port-au-Prince"),
        # A legacy alias shares the city part: the current name wins.
        ("buenos aires", "America/Argentina/Buenos_Aires"),
        ("istanbul", "Europe/Istanbul"),
        ("America/Buenos_Aires", "America/Buenos_Aires"),
    ],
)
def test_parse_timezone_accepted(text: str, expected: str) -> None:
    assert parse_timezone(text) == expected


def test_parse_timezone_unknown_with_suggestions() -> None:
    with pytest.raises(InputError) as excinfo:
        parse_timezone("Europe/Berln")
    assert reason_of(excinfo) == "timezone.unknown"
    suggestions = excinfo.value.params["suggestions"]
    assert "Europe/Berlin" in suggestions
    assert len(suggestions) <= 3


def test_parse_timezone_typo_in_city_suggests_zone() -> None:
    with pytest.raises(InputError) as excinfo:
        parse_timezone("Aukland")
    assert excinfo.value.params["suggestions"][0] == "Pacific/Auckland"


@pytest.mark.parametrize("text", ["", "Narnia", "Factory", "localtime", "+02:00"])
def test_parse_timezone_unknown(text: str) -> None:
    with pytest.raises(InputError) as excinfo:
        parse_timezone(text)
    assert reason_of(excinfo) == "timezone.unknown"
    assert isinstance(excinfo.value.params["suggestions"], list)
    assert len(excinfo.value.params["suggestions"]) <= 3


# --- free text and links ----------------------------------------------------------------------


def test_clean_text_strips_and_keeps_inner_lines() -> None:
    assert clean_text("  Hello\nworld  ", max_len=50) == "Hello\nworld"


def test_clean_text_normalises_to_nfc() -> None:
    assert clean_text("Cafe\u0301", max_len=10) == "Caf\u00e9"


def test_clean_text_empty() -> None:
    with pytest.raises(InputError) as excinfo:
        clean_text("   \n ", max_len=10)
    assert reason_of(excinfo) == "text.empty"
    assert clean_text("  ", max_len=10, allow_empty=True) == ""


def test_clean_text_too_long() -> None:
    assert clean_text(" abcde ", max_len=5) == "abcde"
    with pytest.raises(InputError) as excinfo:
        clean_text("abcdef", max_len=5)
    assert reason_of(excinfo) == "text.too_long"
    assert excinfo.value.params == {"max_len": 5, "length": 6}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://www.coursera.org/learn/x", "https://www.coursera.org/learn/x"),
        ("http://example.org", "http://example.org"),
        ("HTTPS://Example.org/Path?q=1#top", "HTTPS://Example.org/Path?q=1#top"),
        ("  https://p2pu.org  ", "https://p2pu.org"),
        ("coursera.org/learn/x", "https://coursera.org/learn/x"),
        ("www.khanacademy.org", "https://www.khanacademy.org"),
        ("example.org:8080/x", "https://example.org:8080/x"),
        ("//example.org/x", "https://example.org/x"),
        ("https://münchen.de/kurs", "https://münchen.de/kurs"),
    ],
)
def test_parse_url_accepted(text: str, expected: str) -> None:
    assert parse_url(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "coursera",
        "not a link",
        "a b.org",
        "javascript:alert(1)",
        "mailto:someone@example.org",
        "ftp://example.org/file",
        "http://",
        "http://localhost:8000",
        "https://example.org:port/",
        "e.g.",
        "https://-bad-.org",
        "https://" + "a" * 2000 + ".org",
    ],
)
def test_parse_url_invalid(text: str) -> None:
    with pytest.raises(InputError) as excinfo:
        parse_url(text)
    assert reason_of(excinfo) == "url.invalid"
