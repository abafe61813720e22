"""Start-up builds the city index in the background: starting does not wait for it."""

from __future__ import annotations

import threading

import pytest

from bot import geo


def test_the_city_index_loads_in_the_background(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    builds: list[str] = []
    real = geo._load_index

    def slow_build() -> object:
        release.wait(timeout=30)  # held until the test lets it finish: no sleeping, no timing
        builds.append(threading.current_thread().name)
        return real()

    monkeypatch.setattr(geo, "_load_index", slow_build)
    thread = geo.preload_in_background()
    assert thread.daemon and thread.is_alive()  # returned while the index is still being built
    release.set()
    thread.join(timeout=30)
    assert builds == ["city-index"]
    assert geo.find_city("Munich") is not None
