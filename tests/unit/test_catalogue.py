"""The message catalogues: every text in the code is translated, and no translation can break ``.format``.

The ids are extracted from the code the way ``make messages`` does (keywords ``t``, ``N_`` and
``plural:1,2`` over ``bot`` and ``adapters``), so a text added without a translation fails here
rather than reaching people in English.
"""

from __future__ import annotations

import string
from datetime import datetime
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import cast
from zoneinfo import ZoneInfo

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.conversation.context import Context
from bot.handlers.general import help_text
from bot.i18n import DEFAULT_LANGUAGE, DOMAIN, LOCALES, Translator, available_languages, supported_language

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("bot", "adapters")
METHOD_MAP = [("**.py", "python")]
KEYWORDS: dict[str, tuple[int, ...] | None] = {"t": None, "N_": None, "plural": (1, 2)}
FIX = "Run `make messages`, then translate the new ids in bot/i18n/locales/<lang>/LC_MESSAGES/circles.po."

MessageId = str | tuple[str, ...]


@cache
def code_ids() -> dict[MessageId, str]:
    """Every message id in the code, with the first place it occurs."""
    found: dict[MessageId, str] = {}
    for source in SOURCES:
        for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT / source, METHOD_MAP, keywords=KEYWORDS
        ):
            ident = tuple(message) if isinstance(message, (tuple, list)) else message
            if not ident or not all(ident):
                continue  # ``t(variable)``: nothing to extract
            found.setdefault(ident, f"{source}/{filename}:{lineno}")
    return found


def translated_languages() -> list[str]:
    return [language for language in available_languages() if language != DEFAULT_LANGUAGE]


@cache
def catalogue(language: str) -> Catalog:
    with (LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as source:
        return read_po(source, locale=language)


def fields(text: str) -> set[str]:
    """The replacement field names of a ``str.format`` template; ValueError if it is malformed."""
    return {name for _literal, name, _spec, _conversion in string.Formatter().parse(text) if name is not None}


def forms(text: str | tuple[str, ...] | list[str] | None) -> list[str]:
    if text is None:
        return []
    return [text] if isinstance(text, str) else list(text)


def test_the_code_has_message_ids() -> None:
    ids = code_ids()
    assert "What I can do" in ids
    assert ("{n} day", "{n} days") in ids


@pytest.mark.parametrize("language", translated_languages())
def test_every_message_in_the_code_is_translated(language: str) -> None:
    found = catalogue(language)
    missing = []
    for ident, where in sorted(code_ids().items(), key=lambda item: str(item[0])):
        message = found.get(ident[0] if isinstance(ident, tuple) else ident)
        texts = forms(message.string) if message is not None else []
        complete = (
            message is not None
            and not message.fuzzy
            and all(text.strip() for text in texts)
            and len(texts) == (found.num_plurals if isinstance(ident, tuple) else 1)
            and (message.pluralizable == isinstance(ident, tuple))
        )
        if not complete:
            state = "missing" if message is None else "fuzzy" if message.fuzzy else "untranslated or incomplete"
            missing.append(f"  {ident!r} ({state}; {where})")
    assert not missing, (
        f"{len(missing)} message(s) have no translation in the {language!r} catalogue:\n"
        + "\n".join(missing)
        + f"\n{FIX}"
    )


@pytest.mark.parametrize("language", translated_languages())
def test_translations_keep_the_placeholders_of_their_id(language: str) -> None:
    """A translation with another ``{name}`` would raise KeyError in ``.format`` (or drop a value)."""
    problems = []
    for message in catalogue(language):
        if not message.id or not any(forms(message.string)):
            continue
        ids = forms(message.id)
        try:
            expected = set().union(*(fields(text) for text in ids))
        except ValueError as error:
            problems.append(f"  id {message.id!r}: {error}")
            continue
        for text in forms(message.string):
            try:
                got = fields(text)
            except ValueError as error:
                problems.append(f"  {message.id!r} -> {text!r}: {error}")
                continue
            # A plural form may leave out the count ("einen Tag"): ``plural`` always passes ``n``.
            allowed_missing = {"n"} if message.pluralizable else set()
            if got - expected or (expected - got) - allowed_missing:
                problems.append(f"  {message.id!r} -> {text!r}: has {sorted(got)}, the id has {sorted(expected)}")
    assert not problems, f"Translations in {language!r} with other placeholders than their id:\n" + "\n".join(problems)


def test_german_is_offered_and_regional_codes_fall_back_to_it() -> None:
    assert "de" in available_languages()  # so /language offers it
    assert supported_language("de_CH") == "de"
    assert supported_language("de-AT") == "de"
    assert Translator("de-AT").language == "de"
    assert Translator("de-AT")("What I can do") == "Was ich kann"


def test_german_texts_come_out_in_german() -> None:
    t = Translator("de")
    intro = help_text(cast(Context, SimpleNamespace(t=t))).splitlines()[0]
    assert intro.startswith("Circles organisiert Lernkreise")
    assert t("Hello {name}! I am Circles.", name="Ada") == "Hallo Ada! Ich bin Circles."
    assert t.plural("{n} hour", "{n} hours", 1) == "1 Stunde"
    assert t.plural("{n} hour", "{n} hours", 48) == "48 Stunden"
    # Slash commands and the words the bot understands stay as they are.
    assert "/cancel" in t("(Type back to return to the previous question, /cancel to stop.)")
    assert "back" in t("(Type back to return to the previous question, /cancel to stop.)")


def test_unknown_languages_stay_english() -> None:
    assert supported_language("xx-YY") == DEFAULT_LANGUAGE
    assert Translator("xx")("What I can do") == "What I can do"


def test_moments_read_in_their_own_zone_and_language_however_often_they_are_shown() -> None:
    """Formatted moments are remembered (every RSVP press redraws the same meetings): one instant in
    two zones, the two 02:30s of the night the clocks go back, and two languages stay apart."""
    berlin, london = ZoneInfo("Europe/Berlin"), ZoneInfo("Europe/London")
    summer = datetime(2026, 10, 25, 2, 30, tzinfo=berlin)
    winter = summer.replace(fold=1)
    en, de = Translator("en"), Translator("de")
    for _ in range(2):
        assert en.moment(summer) == "Sun, 25 Oct 2026, 02:30 CEST"
        assert en.moment(winter) == "Sun, 25 Oct 2026, 02:30 CET"
        assert en.moment(summer.astimezone(london)) == "Sun, 25 Oct 2026, 01:30 BST"
        assert de.moment(summer) == "So., 25. Okt. 2026, 02:30 CEST"
