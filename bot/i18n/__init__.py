"""The message catalogue: every user-facing text goes through ``Translator``.

Message ids are the English texts. Translations live in ``locales/<lang>/LC_MESSAGES/circles.po``
and are compiled in memory at start (Babel), so no binary ``.mo`` file is kept in the repository.
``make messages`` re-extracts the ids from the code and updates each catalogue.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, format_time, get_timezone_location
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALES = Path(__file__).parent / "locales"
DOMAIN = "circles"
DEFAULT_LANGUAGE = "en"


def available_languages() -> list[str]:
    """English plus every language with a catalogue."""
    return list(_catalogues())


@cache
def _catalogues() -> tuple[str, ...]:
    # Read once: the catalogues ship with the code, and every event asks (a directory listing
    # per Translator was a measurable part of an RSVP press).
    found = sorted(p.name for p in LOCALES.iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.po").exists())
    return (DEFAULT_LANGUAGE, *[lang for lang in found if lang != DEFAULT_LANGUAGE])


def supported_language(code: str | None) -> str:
    """The catalogue to use for a platform language code such as ``de-AT`` or ``pt_BR``."""
    if not code:
        return DEFAULT_LANGUAGE
    normalised = code.replace("-", "_")
    languages = _catalogues()
    for candidate in (normalised, normalised.split("_")[0].lower()):
        if candidate in languages:
            return candidate
    return DEFAULT_LANGUAGE


@cache
def _translations(language: str) -> NullTranslations:
    po = LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po.exists():
        return NullTranslations()
    with po.open("rb") as source:
        catalog = read_po(source, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


# A circle's few meeting times are shown to all its learners, again and again (every RSVP press
# redraws the list): formatted once per language, not per press (Babel's formatting was about half
# the cost of drawing an RSVP list).
@lru_cache(maxsize=4096)
def _date(language: str, day: date) -> str:
    if language == DEFAULT_LANGUAGE:
        return format_date(day, "EEE, d MMM y", locale=_locale(language))
    return format_skeleton("yMMMEd", day, locale=_locale(language))


@lru_cache(maxsize=4096)
def _moment(language: str, instant: datetime, _zone: tzinfo | None, _fold: int) -> str:
    clock = format_time(instant, "HH:mm", locale=_locale(language))
    return f"{_date(language, instant.date())}, {clock} {instant.strftime('%Z')}"


@cache
def _locale(language: str) -> Locale:
    """Babel's locale for a catalogue's language, parsed once per language."""
    try:
        return Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT_LANGUAGE)


class Translator:
    """Texts, numbers and dates in one person's language; ``zone`` is the reader's own time zone
    (an IANA name, when known), so that a time in another zone can be shown in theirs as well."""

    def __init__(self, language: str, zone: str | None = None) -> None:
        self.zone = zone
        self.language = supported_language(language)
        self._gettext = _translations(self.language)
        self.locale = _locale(self.language)

    def __call__(self, message: str, **params: Any) -> str:
        text = self._gettext.gettext(message)
        return text.format(**params) if params else text

    def plural(self, singular: str, plural: str, n: int, **params: Any) -> str:
        return self._gettext.ngettext(singular, plural, n).format(n=n, **params)

    def date(self, day: date) -> str:
        """E.g. ``Mon, 7 Dec 2026``; other languages in their own order (``Mo., 7. Dez. 2026``)."""
        return _date(self.language, day)

    def moment(self, instant: datetime) -> str:
        """A local date and time with the zone's abbreviation, e.g. ``Mon, 7 Dec 2026, 18:00 CET``.

        The abbreviation comes from the tz database (``strftime('%Z')``), which is what people
        read on their clocks, rather than CLDR's long names.
        """
        # The zone and the fold are part of the key: one instant in two zones compares equal but
        # reads differently, and so do 02:30 CEST and 02:30 CET on the night the clocks go back.
        return _moment(self.language, instant, instant.tzinfo, instant.fold)

    def clock(self, instant: datetime) -> str:
        """The wall-clock time alone, e.g. ``18:00``."""
        return format_time(instant, "HH:mm", locale=self.locale)

    def zone_place(self, zone: str) -> str:
        """A time zone as people name it, in the reader's language: ``Europe/Berlin`` → "Berlin",
        ``America/New_York`` → "Nueva York"; the zone's id when Babel does not know it."""
        try:
            return get_timezone_location(zone, locale=self.locale, return_city=True) or zone
        except LookupError:
            return zone

    def join(self, items: Sequence[str]) -> str:
        """``a, b and c`` in the reader's language (``a, b y c``)."""
        return format_list(list(items), locale=self.locale)

    def language_name(self, code: str) -> str:
        try:
            return Locale.parse(code).get_display_name(code) or code
        except (UnknownLocaleError, ValueError):
            return code
