"""The DST heads-up rule with real zones: when a meeting moves on someone's clock, and by how much."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.daylight import ClockChange, HeadsUp, clock_changes, heads_up
from domain.schedule import local_to_utc

HOUR = timedelta(hours=1)
BERLIN, NEW_YORK, SYDNEY, TOKYO = "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Tokyo"
# 2026: Berlin springs forward on 29 March and falls back on 25 October, New York on 8 March and
# 1 November, Sydney falls back on 5 April and springs forward on 4 October; Tokyo never changes.


def at(day: date, hour: int, zone: str) -> datetime:
    return local_to_utc(day, time(hour), ZoneInfo(zone))


def clock(h: HeadsUp) -> str:
    return h.local.strftime("%Y-%m-%d %H:%M %Z")


def test_berlin_springs_forward_a_new_york_learner_meets_an_hour_earlier() -> None:
    h = heads_up(at(date(2026, 3, 30), 18, BERLIN), BERLIN, NEW_YORK, online=True)
    assert h is not None
    assert h.changes == (ClockChange(BERLIN, date(2026, 3, 29), HOUR),)
    assert clock(h) == "2026-03-30 12:00 EDT"  # 13:00 EDT the week before
    assert h.moved == -HOUR


def test_in_the_circles_own_zone_the_meeting_stays_at_its_time() -> None:
    for reader in (BERLIN, None):
        h = heads_up(at(date(2026, 3, 30), 18, BERLIN), BERLIN, reader, online=True)
        assert h is not None and h.same_clock
        assert clock(h) == "2026-03-30 18:00 CEST"


def test_an_in_person_meeting_keeps_the_circles_clock_whatever_the_readers_zone() -> None:
    h = heads_up(at(date(2026, 3, 30), 18, BERLIN), BERLIN, NEW_YORK, online=False)
    assert h is not None and h.same_clock
    assert clock(h) == "2026-03-30 18:00 CEST"
    # New York's own change does not concern a meeting held in Berlin.
    assert heads_up(at(date(2026, 3, 9), 18, BERLIN), BERLIN, NEW_YORK, online=False) is None


def test_new_york_springs_forward_first_its_learner_meets_an_hour_later() -> None:
    h = heads_up(at(date(2026, 3, 9), 18, BERLIN), BERLIN, NEW_YORK, online=True)
    assert h is not None
    assert h.changes == (ClockChange(NEW_YORK, date(2026, 3, 8), HOUR),)
    assert clock(h) == "2026-03-09 13:00 EDT"
    assert h.moved == HOUR


def test_autumn_in_berlin_moves_a_new_york_learner_later() -> None:
    h = heads_up(at(date(2026, 10, 26), 18, BERLIN), BERLIN, NEW_YORK, online=True)
    assert h is not None
    assert h.changes == (ClockChange(BERLIN, date(2026, 10, 25), -HOUR),)
    assert clock(h) == "2026-10-26 13:00 EDT" and h.moved == HOUR


def test_sydney_falls_back_while_berlin_does_not() -> None:
    # Monday 18:00 in Berlin is Tuesday early morning in Sydney.
    h = heads_up(at(date(2026, 4, 6), 18, BERLIN), BERLIN, SYDNEY, online=True)
    assert h is not None
    assert h.changes == (ClockChange(SYDNEY, date(2026, 4, 5), -HOUR),)
    assert clock(h) == "2026-04-07 02:00 AEST"  # 03:00 AEDT a week before
    assert h.moved == -HOUR


def test_a_zone_without_daylight_saving_meets_a_learner_whose_zone_has_it() -> None:
    assert heads_up(at(date(2026, 3, 30), 20, TOKYO), TOKYO, TOKYO, online=True) is None
    assert heads_up(at(date(2026, 3, 30), 20, TOKYO), TOKYO, None, online=True) is None
    h = heads_up(at(date(2026, 3, 30), 20, TOKYO), TOKYO, BERLIN, online=True)
    assert h is not None and h.changes == (ClockChange(BERLIN, date(2026, 3, 29), HOUR),)
    assert clock(h) == "2026-03-30 13:00 CEST" and h.moved == HOUR


def test_zones_that_change_on_the_same_day_keep_the_learners_time() -> None:
    h = heads_up(at(date(2026, 3, 30), 18, BERLIN), BERLIN, "Europe/London", online=True)
    assert h is not None and h.same_clock
    assert [c.zone for c in h.changes] == ["Europe/Berlin", "Europe/London"]
    assert clock(h) == "2026-03-30 17:00 BST"


@pytest.mark.parametrize(
    "day",
    [date(2026, 3, 23), date(2026, 4, 6), date(2026, 7, 1), date(2026, 10, 19), date(2026, 11, 2)],
)
def test_no_heads_up_outside_the_week_before_a_change(day: date) -> None:
    assert heads_up(at(day, 18, BERLIN), BERLIN, BERLIN, online=True) is None


def test_the_week_runs_up_to_the_meeting_itself() -> None:
    # A meeting on the Sunday the clocks change, after the change: its week includes it.
    assert heads_up(at(date(2026, 3, 29), 18, BERLIN), BERLIN, None, online=True) is not None
    # Seven days later the change is no longer in the week before.
    assert heads_up(at(date(2026, 4, 5), 18, BERLIN), BERLIN, None, online=True) is None


def test_a_half_hour_change_is_found_to_the_minute() -> None:
    # Lord Howe Island moves its clocks by 30 minutes (back on Sunday 5 April 2026).
    changes = clock_changes("Australia/Lord_Howe", at(date(2026, 4, 1), 12, BERLIN), at(date(2026, 4, 8), 12, BERLIN))
    assert changes == [ClockChange("Australia/Lord_Howe", date(2026, 4, 5), -timedelta(minutes=30))]
