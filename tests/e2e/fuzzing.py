"""What the property-based fuzz tests generate (issue 9): text with NUL and other controls, bidi
and zero-width characters, emoji, 10,000 characters, dates far and near; and their settings."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.conftest import NOW


def fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        derandomize=True,  # the same examples on every run, in CI too
        deadline=None,  # a database round trip is no property of the input
        database=None,
        # The fixtures (database, app, servers) live for the whole test on purpose; each example
        # sets up what it depends on itself, so examples do not depend on each other.
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


NASTY = [
    "",
    " ",
    "\x00",
    "Python\x00",
    "\x00\x01\x02\x1b[31m",
    "\r\n\t",
    "\u202eevil.exe",
    "\u2066isolated\u2069",
    "\u200b\u200b",
    "\ufeff",
    "\ud800",  # a lone surrogate, as a broken client can send
    "😀" * 50,
    "👨\u200d👩\u200d👧",
    "ä" * 10_001,
    "x" * 9_999,
    "../../etc/passwd",
    '=HYPERLINK("http://evil")',
    " ;=1+1",
    "back",
    "cancel",
    "/cancel",
    "#1",
    "1",
    "0",
    "-1",
    "99999999999999999999",
    "9999-12-31",
    "0001-01-01",
    "31.12.9999",
    "29 Feb",
    "2026-02-30",
    "next monday",
    "today",
    "tomorrow",
    "18:00",
    "25:61",
    "6:30pm",
    "Europe/Berlin",
    "Berlin",
    "Kleinkleckersdorf",
    "online",
    "en",
    "https://example.org",
    "javascript:alert(1)",
]


def _dates() -> st.SearchStrategy[str]:
    days = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
    near = st.integers(-30, 3 * 366).map(lambda n: NOW.date() + timedelta(days=n))
    return st.one_of(days, near).flatmap(
        lambda d: st.sampled_from([d.isoformat(), f"{d.day}.{d.month}.{d.year}", f"{d.day} {d:%b} {d.year}"])
    )


TEXT = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.text(alphabet=st.sampled_from(list("\x00\x7f\u202e\u2067\u200b\u200d😀aZ1-/:.; \n\t=@+")), max_size=30),
    st.integers(9_990, 10_010).map(lambda n: "ß" * n),
    _dates(),
)


JSON_VALUES: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


RAW_BODIES = st.one_of(
    JSON_VALUES.map(json.dumps),
    st.integers(1, 200_000).map(_nested),
    st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
    st.sampled_from(["", "{", "null", "[]", '{"update_id": "1"}', '{"message": {}}', "\x00"]),
)
