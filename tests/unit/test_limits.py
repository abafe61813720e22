"""The limits of a circle are stated once (domain/model.py), and the refusals name them."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from bot.dialogs.reminder import MAX_LEAD_HOURS
from bot.i18n import Translator
from bot.parsing import InputError, parse_duration_minutes
from bot.texts import domain_error_text, input_error_text
from domain.errors import InvalidSchedule
from domain.model import MAX_DURATION_MINUTES, MAX_REMINDER_LEAD, MAX_WEEKS
from domain.schedule import weekly_starts


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "A circle meets between 1 and 52 times."), ("de", "Ein Lernkreis trifft sich zwischen 1 und 52 Mal.")],
)
def test_the_number_of_meetings_refusal_names_the_limit(language: str, text: str) -> None:
    with pytest.raises(InvalidSchedule) as refused:
        weekly_starts(date(2026, 12, 7), time(18), "UTC", MAX_WEEKS + 1)
    assert domain_error_text(Translator(language), refused.value) == text


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Please send a duration between 15 minutes and 8 hours, e.g. 90 or 1h30."),
        ("de", "Bitte schick mir eine Dauer zwischen 15 Minuten und 8 Stunden, z. B. 90 oder 1h30."),
    ],
)
def test_the_duration_refusal_names_the_bounds(language: str, text: str) -> None:
    assert parse_duration_minutes(str(MAX_DURATION_MINUTES)) == MAX_DURATION_MINUTES
    with pytest.raises(InputError) as refused:
        parse_duration_minutes(str(MAX_DURATION_MINUTES + 1))
    assert input_error_text(Translator(language), refused.value) == text


def test_the_reminder_dialog_accepts_the_longest_lead_the_circle_may_have() -> None:
    assert timedelta(hours=MAX_LEAD_HOURS) == MAX_REMINDER_LEAD == timedelta(days=14)
