"""Offline city lookup, time-zone suggestion and distances."""

from __future__ import annotations

import math
import zoneinfo

import pytest

from bot.geo import (
    City,
    distance_km,
    find_city,
    normalise_place,
    timezone_for_city,
    timezone_for_location,
)

# --- normalise_place --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zürich", "zurich"),
        ("  ZÜRICH ", "zurich"),
        ("São Paulo", "sao paulo"),
        ("Saint-Étienne", "saint etienne"),
        ("N'Djamena", "ndjamena"),
        ("København", "kobenhavn"),
        ("Łódź", "lodz"),
        ("Straße", "strasse"),
        ("St. Louis", "st louis"),
        ("new   york", "new york"),
        ("Берлин", "берлин"),
        ("", ""),
    ],
)
def test_normalise_place(text: str, expected: str) -> None:
    assert normalise_place(text) == expected


def test_normalise_place_matches_what_people_type() -> None:
    assert normalise_place("Zürich") == normalise_place("zurich")
    assert normalise_place("São Paulo") == normalise_place("SAO PAULO")


# --- find_city --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "country", "zone"),
    [
        ("Berlin", "Berlin", "DE", "Europe/Berlin"),
        ("berlin", "Berlin", "DE", "Europe/Berlin"),
        ("Auckland", "Auckland", "NZ", "Pacific/Auckland"),
        ("New York", "New York City", "US", "America/New_York"),
        ("new york city", "New York City", "US", "America/New_York"),
        ("zurich", "Zürich", "CH", "Europe/Zurich"),
        ("sao paulo", "São Paulo", "BR", "America/Sao_Paulo"),
        ("Munchen", "Munich", "DE", "Europe/Berlin"),
        ("Cologne", "Köln", "DE", "Europe/Berlin"),
        ("Берлин", "Berlin", "DE", "Europe/Berlin"),
    ],
)
def test_find_city(text: str, name: str, country: str, zone: str) -> None:
    city = find_city(text)
    assert city is not None
    assert (city.name, city.country_code, city.timezone) == (name, country, zone)
    assert city.population >= 15000


def test_find_city_returns_coordinates() -> None:
    city = find_city("Berlin")
    assert isinstance(city, City)
    assert city.latitude == pytest.approx(52.52, abs=0.1)
    assert city.longitude == pytest.approx(13.40, abs=0.1)


def test_find_city_prefers_most_populous_and_can_filter_by_country() -> None:
    paris = find_city("Paris")
    assert paris is not None and paris.country_code == "FR"
    paris_us = find_city("Paris", country_code="us")
    assert paris_us is not None and paris_us.country_code == "US"
    assert paris_us.population < paris.population


def test_find_city_own_name_beats_another_city_alternate_name() -> None:
    # "Dili" is an old alternate spelling of Delhi, but it is also a capital of its own.
    dili = find_city("Dili")
    assert dili is not None and dili.country_code == "TL"


@pytest.mark.parametrize("text", ["", "   ", "Narnia", "Berlin", "Zürich"])
def test_find_city_unknown_or_filtered_out(text: str) -> None:
    assert find_city(text, country_code="AQ") is None


def test_find_city_unknown() -> None:
    assert find_city("Xyzzy Nowhere") is None


def test_city_timezones_are_known_to_zoneinfo() -> None:
    for text in ("Berlin", "Auckland", "New York", "São Paulo"):
        zone = timezone_for_city(text)
        assert zone is not None
        assert zone in zoneinfo.available_timezones()


# --- time zones -------------------------------------------------------------------------------


def test_timezone_for_city() -> None:
    assert timezone_for_city("Berlin") == "Europe/Berlin"
    assert timezone_for_city("auckland") == "Pacific/Auckland"
    assert timezone_for_city("New York") == "America/New_York"
    assert timezone_for_city("Paris", country_code="US") == "America/Chicago"
    assert timezone_for_city("Narnia") is None


@pytest.mark.parametrize(
    ("lat", "lon", "zone"),
    [
        (-36.8485, 174.7633, "Pacific/Auckland"),  # Auckland
        (52.52, 13.405, "Europe/Berlin"),  # Berlin
        (40.7128, -74.006, "America/New_York"),  # New York
        (-23.55, -46.63, "America/Sao_Paulo"),  # São Paulo
    ],
)
def test_timezone_for_location(lat: float, lon: float, zone: str) -> None:
    assert timezone_for_location(lat, lon) == zone


@pytest.mark.parametrize(("lat", "lon"), [(91.0, 0.0), (0.0, 181.0), (-91.0, 0.0), (math.nan, 0.0)])
def test_timezone_for_location_rejects_invalid_coordinates(lat: float, lon: float) -> None:
    assert timezone_for_location(lat, lon) is None


def test_timezone_for_location_at_sea_is_a_nautical_zone() -> None:
    zone = timezone_for_location(40.0, -30.0)  # mid-Atlantic
    assert zone is not None and zone.startswith("Etc/GMT")


# --- distance ---------------------------------------------------------------------------------


def test_distance_berlin_paris() -> None:
    berlin, paris = find_city("Berlin"), find_city("Paris")
    assert berlin is not None and paris is not None
    d = distance_km(berlin.latitude, berlin.longitude, paris.latitude, paris.longitude)
    assert d == pytest.approx(878, rel=0.01)


def test_distance_properties() -> None:
    assert distance_km(10.0, 20.0, 10.0, 20.0) == 0.0
    assert distance_km(52.52, 13.4, 48.85, 2.35) == pytest.approx(distance_km(48.85, 2.35, 52.52, 13.4))
    # A quarter of a meridian: pole to equator is about 10,008 km on the mean sphere.
    assert distance_km(0.0, 0.0, 90.0, 0.0) == pytest.approx(10007.5, rel=0.001)
    # Antipodes: half the circumference, without a math domain error.
    assert distance_km(0.0, 0.0, 0.0, 180.0) == pytest.approx(math.pi * 6371.0088)


def test_distance_across_the_date_line() -> None:
    # Two points 1 degree of longitude apart on the equator either side of 180°.
    assert distance_km(0.0, 179.5, 0.0, -179.5) == pytest.approx(111.2, rel=0.01)
