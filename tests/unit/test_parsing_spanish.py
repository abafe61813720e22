"""Spanish learners and facilitators type dates, times and durations the Spanish way."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.i18n import Translator
from bot.parsing import InputError, parse_date, parse_duration_minutes, parse_time

TODAY = date(2026, 11, 28)  # a Saturday


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("7 de diciembre", date(2026, 12, 7)),
        ("7 de diciembre de 2026", date(2026, 12, 7)),
        ("7 dic. 2026", date(2026, 12, 7)),
        ("lun, 7 dic 2026", date(2026, 12, 7)),
        ("el lunes 7 de diciembre", date(2026, 12, 7)),
        ("3 de marzo", date(2027, 3, 3)),
        ("hoy", TODAY),
        ("mañana", date(2026, 11, 29)),
        ("pasado mañana", date(2026, 11, 30)),
        ("lunes", date(2026, 11, 30)),
        ("el próximo lunes", date(2026, 11, 30)),
        ("próximo miércoles", date(2026, 12, 2)),
        ("el proximo miercoles", date(2026, 12, 2)),
        ("7/12/2026", date(2026, 12, 7)),
    ],
)
def test_spanish_dates(typed: str, expected: date) -> None:
    assert parse_date(typed, TODAY) == expected


def test_a_spanish_weekday_that_does_not_match_is_caught() -> None:
    with pytest.raises(InputError) as raised:
        parse_date("martes 7 de diciembre de 2026", TODAY)
    assert raised.value.reason == "date.weekday_mismatch"


def test_a_word_that_is_a_spanish_weekday_and_an_english_month_still_reads_as_the_month() -> None:
    assert parse_date("Mar 15", TODAY) == date(2027, 3, 15)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("18 h", time(18)),
        ("18h30", time(18, 30)),
        ("18 horas", time(18)),
        ("18:30 horas", time(18, 30)),
        ("a las 18:30", time(18, 30)),
        ("las 7 pm", time(19)),
        ("mediodía", time(12)),
    ],
)
def test_spanish_times(typed: str, expected: time) -> None:
    assert parse_time(typed) == expected


def test_an_impossible_spanish_time_is_refused() -> None:
    with pytest.raises(InputError):
        parse_time("25 h")


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [("2 horas", 120), ("90 minutos", 90), ("1,5 horas", 90), ("1 hora y 30 minutos", 90), ("1 hora 30", 90)],
)
def test_spanish_durations(typed: str, minutes: int) -> None:
    assert parse_duration_minutes(typed) == minutes


def test_spanish_dates_come_out_in_spanish_order() -> None:
    t = Translator("es")
    assert t.date(date(2026, 12, 7)) == "lun, 7 dic 2026"
    assert t("What I can do") == "Lo que puedo hacer"
    assert t.plural("{n} hour", "{n} hours", 2) == "2 horas"
