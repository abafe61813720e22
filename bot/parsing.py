"""Turn what a person types into a chat dialog into values.

Every function either returns a clean value or raises :class:`InputError` with a short,
stable ``reason`` key (``"date.unrecognised"``, ``"time.unrecognised"``, ...) and the
``params`` a translated message may need. The dialog layer picks the message; this module
never produces user-facing text, so it stays language-neutral and easy to test.

The module is pure: no clock reads (``today`` is a parameter), no database, no network.
The only thing it reads is the time-zone database that ships with Python / ``tzdata``.

Dates are parsed with a small explicit grammar instead of ``dateutil.parser`` because
dateutil silently fills in missing pieces (``"7"`` becomes the 7th of the current month,
``"monday 5"`` something surprising); in a dialog an honest "I did not understand" is
better than a wrong meeting date.
"""

from __future__ import annotations

import difflib
import functools
import importlib.resources
import re
import unicodedata
import zoneinfo
from datetime import date, time, timedelta
from typing import Any
from urllib.parse import urlsplit

from domain.model import MAX_DURATION_MINUTES, MIN_DURATION_MINUTES
from domain.schedule import latest_date

__all__ = [
    "InputError",
    "clean_name",
    "clean_text",
    "parse_date",
    "parse_duration_minutes",
    "parse_int_in_range",
    "parse_place_name",
    "parse_time",
    "parse_timezone",
    "parse_url",
    "require_future_date",
    "strip_controls",
]


class InputError(Exception):
    """What a person typed cannot be used; ``reason`` says why, ``params`` fill the message."""

    def __init__(self, reason_key: str, **params: Any) -> None:
        super().__init__(reason_key, params)
        self.reason = reason_key
        self.params = params

    def __str__(self) -> str:
        return f"{self.reason} {self.params}" if self.params else self.reason


def _squash(text: str) -> str:
    """Casefold and collapse inner whitespace, so the grammars below see one canonical form."""
    return " ".join(text.casefold().split())


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------

_MONTHS: dict[str, int] = {}
for _number, _name in enumerate(
    (
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ),
    start=1,
):
    _MONTHS[_name] = _number
    _MONTHS[_name[:3]] = _number
_MONTHS["sept"] = 9  # a common abbreviation that is neither 3 letters nor the full name


def _add_catalogue_languages() -> None:
    """Month and weekday names of every language the bot speaks (CLDR via Babel), so that a German
    learner's "7. Dezember" or "Mo., 7. Dez." reads as well as "7 December". Names are matched
    without their abbreviation dot, after casefolding, as typed text is."""
    from babel import Locale
    from babel.dates import get_day_names, get_month_names

    from bot.i18n import DEFAULT_LANGUAGE, available_languages

    for language in available_languages():
        if language == DEFAULT_LANGUAGE:
            continue
        locale = Locale.parse(language)
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=locale).items():
                for spelling in _spellings(name):
                    _MONTHS.setdefault(spelling, number)
            for number, name in get_day_names(width, locale=locale).items():
                for spelling in _spellings(name):
                    _WEEKDAYS_LOCAL[spelling] = number


def _spellings(name: str) -> set[str]:
    """A CLDR name as people type it: casefolded, without the abbreviation dot, and also without
    accents, because "miércoles" is often typed "miercoles" on a phone."""
    folded = name.casefold().rstrip(".")
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(ch))
    return {folded, plain}


_WEEKDAYS_LOCAL: dict[str, int] = {}
# "today", "tomorrow", "next" in the other languages (CLDR has no simple list of these).
_RELATIVE_DAYS = {
    "today": 0,
    "tomorrow": 1,
    "heute": 0,
    "morgen": 1,
    "übermorgen": 2,
    "hoy": 0,
    "mañana": 1,
    "manana": 1,
    "pasado mañana": 2,
    "pasado manana": 2,
}
# Stripped in this order: Spanish puts an article first ("el próximo lunes").
_NEXT_WORDS = (
    "next ",
    "nächsten ",
    "nächste ",
    "kommenden ",
    "kommende ",
    "el ",
    "este ",
    "próximo ",
    "proximo ",
)
# Words that only join a day to its month and year: "7th of December", "7 de diciembre de 2026".
_DATE_FILLERS = frozenset({"of", "de", "del", "el"})

_WEEKDAYS: dict[str, int] = {}
for _number, _name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")):
    _WEEKDAYS[_name] = _number
    _WEEKDAYS[_name[:3]] = _number
_WEEKDAYS.update({"tues": 1, "weds": 2, "thur": 3, "thurs": 3})
_add_catalogue_languages()
_WEEKDAYS.update({name: number for name, number in _WEEKDAYS_LOCAL.items() if name not in _WEEKDAYS})

# How many years ahead to look for the next occurrence of a year-less date. Eight covers
# 29 February across a skipped leap year (e.g. 2097 -> 2104); anything longer is no date.
_YEAR_SEARCH = 9

_ISO = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})")
_NUMERIC_NO_YEAR = re.compile(r"(\d{1,2})([/.])(\d{1,2})\.?")
# A word or a number (with an optional English ordinal suffix); what lies between tokens
# must be separators only, checked in _tokens.
_TOKEN = re.compile(r"(\d+)(?:st|nd|rd|th)?|([^\W\d_]+)")
_SEPARATORS = re.compile(r"[\s,.\-/]*")


def parse_date(text: str, today: date, *, dayfirst: bool = True) -> date:
    """Read a calendar date.

    Accepted: ISO ``2026-12-07``; ``7 Dec 2026``, ``Dec 7, 2026``, ``7th December``,
    ``December 7`` (without a year: the next occurrence on or after ``today``), optionally
    after a weekday name that must agree (``Mon 7 Dec 2026``); numeric ``07/12/2026``,
    ``7.12.2026``, ``7-12-26`` and year-less ``7.12.`` / ``07/12`` read day first unless
    ``dayfirst`` is false; ``today``, ``tomorrow``; weekday names ``monday``, ``next monday``
    (the next such day strictly after ``today``).

    Raises ``date.impossible`` for a well-formed date that does not exist (``2026-02-30``),
    ``date.weekday_mismatch`` when a given weekday disagrees with the date, and
    ``date.unrecognised`` otherwise. Past dates are returned: see :func:`require_future_date`.
    """
    s = _squash(text)
    if not s:
        raise InputError("date.unrecognised", text=text)
    for reader in (_read_relative, _read_iso, _read_numeric, _read_words):
        result = reader(s, today, dayfirst)
        if result is not None:
            return result
    raise InputError("date.unrecognised", text=text)


def require_future_date(d: date, today: date) -> date:
    """Return ``d`` unless it lies before ``today`` (today itself is allowed: an evening meeting)
    or beyond the planning horizon (``domain.schedule.latest_date``: ``date.too_far``)."""
    if d < today:
        raise InputError("date.past", date=d.isoformat(), today=today.isoformat())
    latest = latest_date(today)
    if d > latest:
        raise InputError("date.too_far", date=d.isoformat(), latest=latest.isoformat())
    return d


def _make_date(year: int, month: int, day: int) -> date:
    """Build a date, turning "no such day" into the user-facing reason."""
    try:
        return date(year, month, day)
    except ValueError:
        raise InputError("date.impossible", year=year, month=month, day=day) from None


def _next_occurrence(month: int, day: int, today: date) -> date:
    """The first ``month``/``day`` on or after ``today`` (so "7 December" in mid-December is next year's)."""
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise InputError("date.impossible", month=month, day=day)
    for year in range(today.year, today.year + _YEAR_SEARCH):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue  # 29 February in a common year, or a day the month never has
        if candidate >= today:
            return candidate
    raise InputError("date.impossible", month=month, day=day)


def _next_weekday(weekday: int, today: date) -> date:
    """The next given weekday strictly after today: "monday" said on a Monday means a week on."""
    days_ahead = (weekday - today.weekday() - 1) % 7 + 1
    return today + timedelta(days=days_ahead)


def _read_relative(s: str, today: date, dayfirst: bool) -> date | None:
    if s in _RELATIVE_DAYS:
        return today + timedelta(days=_RELATIVE_DAYS[s])
    word = s
    for prefix in _NEXT_WORDS:
        word = word.removeprefix(prefix)
    if word in _WEEKDAYS:
        return _next_weekday(_WEEKDAYS[word], today)
    return None


def _read_iso(s: str, today: date, dayfirst: bool) -> date | None:
    m = _ISO.fullmatch(s)
    if m is None:
        return None
    return _make_date(int(m[1]), int(m[2]), int(m[3]))


def _day_month(first: int, second: int, dayfirst: bool) -> tuple[int, int]:
    """Order two numbers as (day, month).

    The preferred order comes from ``dayfirst``; only when it would need a month above 12
    and the other order would not (``12/31/2026`` typed to a day-first bot) do we swap,
    because then there is exactly one sensible reading.
    """
    day, month = (first, second) if dayfirst else (second, first)
    if month > 12 and day <= 12:
        day, month = month, day
    return day, month


def _read_numeric(s: str, today: date, dayfirst: bool) -> date | None:
    m = _NUMERIC.fullmatch(s)
    if m is not None:
        day, month = _day_month(int(m[1]), int(m[3]), dayfirst)
        year = int(m[4])
        if len(m[4]) == 2:
            # Circles are planned in this century: "26" is 2026, never 1926.
            year += 2000
        return _make_date(year, month, day)
    m = _NUMERIC_NO_YEAR.fullmatch(s)
    if m is not None:
        day, month = _day_month(int(m[1]), int(m[3]), dayfirst)
        return _next_occurrence(month, day, today)
    return None


def _tokens(s: str) -> list[str] | None:
    """Split into words and numbers; None if anything but separators lies between them."""
    tokens: list[str] = []
    pos = 0
    for m in _TOKEN.finditer(s):
        if not _SEPARATORS.fullmatch(s, pos, m.start()):
            return None
        tokens.append(m[1] or m[2])
        pos = m.end()
    if not _SEPARATORS.fullmatch(s, pos):
        return None
    return tokens


def _read_words(s: str, today: date, dayfirst: bool) -> date | None:
    """``[weekday] 7 [of] December [2026]`` or ``[weekday] December 7 [2026]``; Spanish
    ``[el] [lunes] 7 de diciembre [de 2026]``."""
    tokens = _tokens(s)
    if tokens and tokens[0] == "el":
        tokens = tokens[1:]  # "el lunes 7 de diciembre"
    if not tokens:
        return None
    weekday = _WEEKDAYS.get(tokens[0])
    if weekday is not None:
        found = _day_and_month([t for t in tokens[1:] if t not in _DATE_FILLERS], today)
        if found is not None:
            if found.weekday() != weekday:
                raise InputError("date.weekday_mismatch", date=found.isoformat(), weekday=weekday)
            return found
    # Not a weekday after all, or a word that is both ("mar": Spanish Tuesday, English March).
    return _day_and_month([t for t in tokens if t not in _DATE_FILLERS], today)


def _day_and_month(tokens: list[str], today: date) -> date | None:
    if len(tokens) not in (2, 3) or not all(t.isdigit() for t in tokens[2:]):
        return None
    if tokens[0].isdigit() and tokens[1] in _MONTHS:
        day_token, month = tokens[0], _MONTHS[tokens[1]]
    elif tokens[0] in _MONTHS and tokens[1].isdigit():
        day_token, month = tokens[1], _MONTHS[tokens[0]]
    else:
        return None
    if len(day_token) > 2:
        return None  # "Dec 2026" is a month, not a day
    day = int(day_token)
    if len(tokens) == 3:
        if len(tokens[2]) != 4:
            return None  # a two-digit year after a day number is too easy to misread
        return _make_date(int(tokens[2]), month, day)
    return _next_occurrence(month, day, today)


# ---------------------------------------------------------------------------------------------
# Times
# ---------------------------------------------------------------------------------------------

_NAMED_TIMES = {
    "noon": time(12, 0),
    "midday": time(12, 0),
    "midnight": time(0, 0),
    "mittag": time(12, 0),
    "mitternacht": time(0, 0),
    "mediodía": time(12, 0),
    "mediodia": time(12, 0),
    "medianoche": time(0, 0),
}
# Spanish frames a time with words around it: "a las 18:30", "18 h", "18:30 horas", "18 hs".
_TIME_LEAD = re.compile(r"^(?:a\s+)?las?\s+")
_TIME_TAIL = re.compile(r"\s*(?:horas|hrs|hs|hora)\.?$")
_TIME_UHR = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?\s*uhr(?:\s*(\d{2}))?")
# 24-hour clock: 18:30, 18.30, 18h30, 18 h 30, 18h. A bare "1830" is refused on purpose:
# in a dialog that also asks for dates and numbers it is too easily a year or a count.
_TIME_24 = re.compile(r"(\d{1,2})\s*(?:[:.]\s*(\d{2})|h\s*(\d{2})?)")
# 12-hour clock: 6pm, 6 pm, 6:30pm, 6.30 p.m. (dots are removed before matching).
_TIME_12 = re.compile(r"(\d{1,2})(?:\s*[:.]\s*(\d{2}))?\s*(am|pm|a|p)")


def parse_time(text: str) -> time:
    """Read a wall-clock time: ``18:30``, ``18.30``, ``18h30``, ``6:30pm``, ``6 PM``, ``noon``.

    Hours 0-23 and minutes 0-59 (1-12 with am/pm); anything else, including a bare
    number such as ``1830`` or ``6``, raises ``time.unrecognised``.
    """
    s = _squash(text)
    if s in _NAMED_TIMES:
        return _NAMED_TIMES[s]
    s = _TIME_LEAD.sub("", s)
    # "18 horas" is 18h; "18:30 horas" is 18:30.
    s = _TIME_TAIL.sub("" if any(mark in s for mark in ":.") else "h", s)
    m = _TIME_UHR.fullmatch(s)
    if m is not None:  # German: "18 Uhr", "18 Uhr 30", "18:30 Uhr"
        return _clock(int(m[1]), int(m[2] or m[3] or 0), text)
    m = _TIME_24.fullmatch(s)
    if m is not None:
        return _clock(int(m[1]), int(m[2] or m[3] or 0), text)
    m = _TIME_12.fullmatch(s.replace("a.m.", "am").replace("p.m.", "pm").rstrip("."))
    if m is not None:
        hour, minute = int(m[1]), int(m[2] or 0)
        if not 1 <= hour <= 12:
            raise InputError("time.unrecognised", text=text)
        # 12am is midnight and 12pm is noon: take the hour modulo 12, then add 12 for pm.
        hour = hour % 12 + (12 if m[3].startswith("p") else 0)
        return _clock(hour, minute, text)
    raise InputError("time.unrecognised", text=text)


def _clock(hour: int, minute: int, text: str) -> time:
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise InputError("time.unrecognised", text=text)
    return time(hour, minute)


# ---------------------------------------------------------------------------------------------
# Numbers and durations
# ---------------------------------------------------------------------------------------------

# A whole number, optionally followed by a unit word in any script ("6 weeks", "6 Wochen").
# At most nine digits: anything longer is out of every range we ask for, and Python refuses to
# convert numbers of over 4,300 digits at all.
_INT_WITH_UNIT = re.compile(r"([+-]?\d{1,9})(?:\s*[^\W\d_][^\W\d_.\s]*\.?)?")


def parse_int_in_range(text: str, lo: int, hi: int, key: str = "number.range") -> int:
    """Read a whole number between ``lo`` and ``hi`` inclusive, allowing a unit word after it.

    The same ``key`` (with ``lo``/``hi``) is raised for text that is no number and for a
    number out of range: in both cases the useful answer is "a number from lo to hi",
    and callers pass their own key (e.g. ``"weeks.range"``) for a more specific message.
    """
    m = _INT_WITH_UNIT.fullmatch(_squash(text))
    if m is None:
        raise InputError(key, lo=lo, hi=hi, text=text)
    value = int(m[1])
    if not lo <= value <= hi:
        raise InputError(key, lo=lo, hi=hi, text=text, value=value)
    return value


# The bounds are the circle's (domain/model.py); the refusal names them.
DURATION_MIN_MINUTES = MIN_DURATION_MINUTES
DURATION_MAX_MINUTES = MAX_DURATION_MINUTES

_MINUTE_UNITS = r"(?:m|min|mins|minute|minutes|minuten|minuto|minutos)"
_HOUR_UNITS = r"(?:h|hr|hrs|hour|hours|std|stunde|stunden|hora|horas)"
# A decimal comma too: "1,5 h" is how half of Europe writes it.
_NUM = r"(\d{1,6}(?:[.,]\d{1,6})?)"
_DURATION_FORMS: tuple[tuple[re.Pattern[str], float, float], ...] = (
    # (pattern, minutes per first group, minutes per second group)
    (re.compile(rf"{_NUM}\s*{_MINUTE_UNITS}?"), 1, 0),  # 90, 90 min
    (re.compile(rf"{_NUM}\s*{_HOUR_UNITS}"), 60, 0),  # 1.5h, 2 hours
    # 1h30, 1 hour 30 minutes
    (re.compile(rf"(\d+)\s*{_HOUR_UNITS}\s*(?:y\s*)?(\d{{1,2}})\s*{_MINUTE_UNITS}?"), 60, 1),
    (re.compile(r"(\d+):(\d{2})"), 60, 1),  # 1:30
)


def parse_duration_minutes(text: str) -> int:
    """Read a meeting length in whole minutes: ``90``, ``90 min``, ``1.5h``, ``1h30``, ``2 hours``, ``1:30``.

    A bare number means minutes. Raises ``duration.unrecognised`` for other text and
    ``duration.range`` (``lo``, ``hi``, ``value``) outside the circle's bounds
    (MIN_DURATION_MINUTES..MAX_DURATION_MINUTES).
    """
    s = _squash(text).rstrip(".")  # "90 min."
    for pattern, first_unit, second_unit in _DURATION_FORMS:
        m = pattern.fullmatch(s)
        if m is None:
            continue
        minutes = float(m[1].replace(",", ".")) * first_unit
        if second_unit:
            minutes += int(m[2]) * second_unit
        value = round(minutes)
        if not DURATION_MIN_MINUTES <= value <= DURATION_MAX_MINUTES:
            raise InputError(
                "duration.range",
                lo=DURATION_MIN_MINUTES,
                hi=DURATION_MAX_MINUTES,
                value=value,
            )
        return value
    raise InputError("duration.unrecognised", text=text)


# ---------------------------------------------------------------------------------------------
# Time zones
# ---------------------------------------------------------------------------------------------

# Present in available_timezones() on some systems but never a zone a person means.
_NOT_ZONES = frozenset({"Factory", "localtime", "posixrules", "posix", "right"})


def _zone_key(name: str) -> str:
    """Fold a zone name or a typed city so "new york", "New_York" and "Zürich" meet their zones."""
    decomposed = unicodedata.normalize("NFKD", name.strip())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\s\-_]+", "_", plain.casefold())


@functools.cache
def _preferred_zones() -> frozenset[str]:
    """Names listed in tzdata's zone tables: the current, canonical spelling of each zone.

    Used only to break ties between a link and its target ("America/Buenos_Aires" vs
    "America/Argentina/Buenos_Aires"). Without the tzdata package there is no tie-break.
    """
    names: set[str] = set()
    for table in ("zone1970.tab", "zone.tab"):
        try:
            content = importlib.resources.files("tzdata.zoneinfo").joinpath(table).read_text()
        except (ModuleNotFoundError, FileNotFoundError, OSError):
            continue
        for line in content.splitlines():
            if line and not line.startswith("#"):
                fields = line.split("\t")
                if len(fields) >= 3:
                    names.add(fields[2])
    return frozenset(names)


@functools.cache
def _zone_indexes() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """(folded full name -> zone, folded last part -> zones), built once from the zone database."""
    by_name: dict[str, str] = {}
    by_city: dict[str, list[str]] = {}
    for zone in zoneinfo.available_timezones():
        if zone in _NOT_ZONES:
            continue
        by_name[_zone_key(zone)] = zone
        by_city.setdefault(_zone_key(zone.rsplit("/", 1)[-1]), []).append(zone)
    return by_name, {city: tuple(sorted(zones)) for city, zones in by_city.items()}


def parse_timezone(text: str) -> str:
    """Return the canonical IANA name for ``text``.

    Accepts any IANA name case-insensitively (``europe/berlin``), ``UTC``, and the city part
    alone when it points to one zone (``Berlin``, ``new york``, ``buenos aires``; where a
    legacy alias shares the city, the current name wins). Otherwise raises
    ``timezone.unknown`` with ``suggestions``: up to three close zone names.
    """
    key = _zone_key(text)
    by_name, by_city = _zone_indexes()
    if key in by_name:
        return by_name[key]
    candidates = by_city.get(key, ())
    if len(candidates) > 1:
        preferred = [zone for zone in candidates if zone in _preferred_zones()]
        candidates = tuple(preferred)
    if len(candidates) == 1:
        return candidates[0]
    raise InputError("timezone.unknown", text=text, suggestions=_suggest_zones(key))


def _suggest_zones(key: str) -> list[str]:
    if not key:
        return []
    by_name, by_city = _zone_indexes()
    preferred = _preferred_zones()
    suggestions: list[str] = []
    # Typed city parts are the common case ("Berln"), so match those first, then full names.
    for close in difflib.get_close_matches(key, list(by_city), n=3, cutoff=0.75):
        zones = by_city[close]
        suggestions.extend([z for z in zones if z in preferred] or list(zones))
    for close in difflib.get_close_matches(key, list(by_name), n=3, cutoff=0.75):
        suggestions.append(by_name[close])
    return list(dict.fromkeys(suggestions))[:3]


# ---------------------------------------------------------------------------------------------
# Free text and links
# ---------------------------------------------------------------------------------------------


# Bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069): they make a name read
# differently from what it is ("txt.exe" shown as "exe.txt"), so no name may carry them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def strip_controls(text: str, *, keep_lines: bool) -> str:
    """``text`` without control characters (NUL and the rest of C0, DEL, C1) and without lone
    surrogates, which PostgreSQL cannot store and which mean nothing in a chat. Free text keeps
    its line breaks and tabs (``keep_lines``); a lone carriage return becomes a line break."""
    if keep_lines:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if (keep_lines and ch in "\n\t") or unicodedata.category(ch) not in ("Cc", "Cs"))


def strip_invisible(text: str) -> str:
    """A platform's display name made readable: controls, bidi controls and other invisible
    format characters (zero-width spaces, ...) removed, spacing collapsed."""
    kept = "".join(ch for ch in strip_controls(text, keep_lines=False) if unicodedata.category(ch) != "Cf")
    return " ".join(kept.split())


def clean_name(text: str, *, max_len: int) -> str:
    """Free text that names something (a circle, a course, a venue, a team): as ``clean_text``,
    and refused with ``name.invisible`` when nothing visible is left without zero-width and other
    format characters, or ``name.bidi`` when it carries bidirectional override/isolate controls."""
    cleaned = clean_text(text, max_len=max_len)
    if any(ch in BIDI_CONTROLS for ch in cleaned):
        raise InputError("name.bidi")
    if not "".join(ch for ch in cleaned if unicodedata.category(ch) != "Cf").strip():
        raise InputError("name.invisible")
    return cleaned


PLACE_MAX_LEN = 85  # the longest real place names are about this long
# Besides letters, combining marks, digits and spaces, a place name may hold these ("St. Gallen",
# "Frankfurt (Oder)", "'s-Hertogenbosch", "Washington, D.C."); never a slash, a control or a symbol.
_PLACE_PUNCTUATION = frozenset(" '’ʼ-.,()")


def parse_place_name(text: str) -> str:
    """A typed city, cleaned: ``city.invalid`` for text that cannot be a place name at all (no
    letters, slashes or other symbols, format characters, over ``PLACE_MAX_LEN`` characters)."""
    cleaned = " ".join(clean_text(text, max_len=PLACE_MAX_LEN * 4).split())
    if len(cleaned) > PLACE_MAX_LEN:
        raise InputError("city.invalid", text=text)
    if not any(ch.isalpha() for ch in cleaned):
        raise InputError("city.invalid", text=text)
    for ch in cleaned:
        if not (ch.isalnum() or ch in _PLACE_PUNCTUATION or unicodedata.category(ch).startswith("M")):
            raise InputError("city.invalid", text=text)
    return cleaned


def clean_text(text: str, *, max_len: int, allow_empty: bool = False) -> str:
    """Strip and NFC-normalise free text (a name, a description), keeping inner line breaks.

    NFC makes "é" typed on different keyboards compare equal later. Raises ``text.empty``
    unless ``allow_empty``, and ``text.too_long`` (``max_len``, ``length``) past ``max_len``
    characters.
    """
    # The boundary (bot/conversation/boundary.py) already removed control characters from what
    # people type; dialogs also see button values and stored text, so this stays a safety net.
    text = strip_controls(text, keep_lines=True)
    cleaned = unicodedata.normalize("NFC", text).strip()
    if not cleaned:
        if allow_empty:
            return ""
        raise InputError("text.empty")
    if len(cleaned) > max_len:
        raise InputError("text.too_long", max_len=max_len, length=len(cleaned))
    return cleaned


URL_MAX_LEN = 500  # what the circle's stored course link holds (and plenty for a course page)

# Host names: dot-separated labels of letters (any script), digits and hyphens, ending in
# a top-level domain of at least two letters; or an IPv4 address.
_LABEL = r"(?!-)[^\W_](?:[\w-]{0,61}[^\W_])?"
_HOST = re.compile(rf"(?:{_LABEL}\.)+(?:[^\W\d_]{{2,63}}|xn--[a-z0-9-]+)|(?:\d{{1,3}}\.){{3}}\d{{1,3}}")
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.\-]*:")


def parse_url(text: str) -> str:
    """Return an http(s) link; a bare ``coursera.org/learn/x`` becomes ``https://coursera.org/learn/x``.

    Raises ``url.invalid`` for anything else (other schemes such as ``javascript:``, spaces,
    a host without a top-level domain), because the link is shown to learners as a button.
    """
    s = text.strip()
    if not s or len(s) > URL_MAX_LEN or any(ch.isspace() for ch in s):
        raise InputError("url.invalid", text=text)
    if not s.lower().startswith(("http://", "https://")):
        if _SCHEME.match(s) and not _looks_like_host_port(s):
            # Some other scheme: mailto:, ftp:, javascript:, ...
            raise InputError("url.invalid", text=text)
        s = "https://" + s.removeprefix("//")
    try:
        parts = urlsplit(s)
        host = parts.hostname or ""
        _ = parts.port  # raises ValueError for a port that is not a number
    except ValueError:
        raise InputError("url.invalid", text=text) from None
    if parts.scheme.lower() not in ("http", "https") or not _HOST.fullmatch(host):
        raise InputError("url.invalid", text=text)
    if len(s) > URL_MAX_LEN:  # "https://" may have been added to a link just under the limit
        raise InputError("text.too_long", max_len=URL_MAX_LEN, length=len(s))
    return s


def _looks_like_host_port(s: str) -> bool:
    """``example.org:8080/x`` starts like a scheme but is a bare host with a port."""
    head, _, rest = s.partition(":")
    return "." in head and rest[:1].isdigit()
