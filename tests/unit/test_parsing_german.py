"""German learners and facilitators type dates, times and durations the German way."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.parsing import InputError, parse_date, parse_duration_minutes, parse_time

TODAY = date(2026, 11, 28)  # a Saturday


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("7. Dezember", date(2026, 12, 7)),
        ("7. Dez. 2026", date(2026, 12, 7)),
        ("Mo., 7. Dez. 2026", date(2026, 12, 7)),
        ("3. März 2027", date(2027, 3, 3)),
        ("1. Mai", date(2027, 5, 1)),
        ("heute", TODAY),
        ("morgen", date(2026, 11, 29)),
        ("übermorgen", date(2026, 11, 30)),
        ("Montag", date(2026, 11, 30)),
        ("nächsten Donnerstag", date(2026, 12, 3)),
        ("7.12.2026", date(2026, 12, 7)),
    ],
)
def test_german_dates(typed: str, expected: date) -> None:
    assert parse_date(typed, TODAY) == expected


def test_a_german_weekday_that_does_not_match_is_caught() -> None:
    with pytest.raises(InputError) as raised:
        parse_date("Di., 7. Dez. 2026", TODAY)
    assert raised.value.reason == "date.weekday_mismatch"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("18 Uhr", time(18)), ("18 Uhr 30", time(18, 30)), ("18:30 Uhr", time(18, 30)), ("Mittag", time(12))],
)
def test_german_times(typed: str, expected: time) -> None:
    assert parse_time(typed) == expected


def test_an_impossible_german_time_is_refused() -> None:
    with pytest.raises(InputError):
        parse_time("25 Uhr")


@pytest.mark.parametrize(("typed", "minutes"), [("2 Stunden", 120), ("90 Minuten", 90), ("1,5 Std", 90)])
def test_german_durations(typed: str, minutes: int) -> None:
    assert parse_duration_minutes(typed) == minutes


def test_english_still_reads_as_before() -> None:
    assert parse_date("Mon 7 Dec 2026", TODAY) == date(2026, 12, 7)
    assert parse_date("next monday", TODAY) == date(2026, 11, 30)
    assert parse_time("6:30pm") == time(18, 30)
