"""L1: browsing by city and by shared location; what is and is not listed."""

from __future__ import annotations

from datetime import timedelta

from adapters.console.driver import ConsoleDriver
from bot.clock import FixedClock
from tests.e2e.flows import BERLIN_CIRCLE, create_circle


def circle_in(city: str, zone: str, name: str) -> list[str]:
    answers = list(BERLIN_CIRCLE)
    answers[0] = name
    answers[7] = city
    answers[9] = zone
    return answers


async def test_nearest_first_with_distance(chat: ConsoleDriver) -> None:
    await create_circle(chat, circle_in("Potsdam", "Europe/Berlin", "Potsdam Python"))
    await create_circle(chat, circle_in("Berlin", "Europe/Berlin", "Berlin Python"))
    await create_circle(chat, circle_in("Hamburg", "Europe/Berlin", "Hamburg Python"))
    await chat.say("/browse", as_="alice")
    listing = await chat.say("/location 52.5200 13.4050")  # Alexanderplatz
    names = [line.split(" — ")[0] for line in listing.splitlines() if line.startswith("•")]
    assert names == ["• Berlin Python", "• Potsdam Python", "• Hamburg Python"]
    assert "— 0.6 km away" in listing  # the city centre in the gazetteer
    assert "km away" in listing.split("Hamburg Python")[1]


async def test_browse_asks_where_and_takes_a_typed_city(chat: ConsoleDriver) -> None:
    await create_circle(chat)
    question = await chat.say("/browse", as_="alice")
    assert "Type a city" in question and "/location" in question
    assert "Python for Everybody" in await chat.say("berlin")


async def test_finished_and_unknown_places_list_nothing(chat: ConsoleDriver, clock: FixedClock) -> None:
    await create_circle(chat)
    assert "No circles are open for signup in Atlantis" in await chat.say("/browse Atlantis", as_="alice")
    clock.advance(timedelta(days=60))
    assert "No circles are open" in await chat.say("/browse Berlin")


async def test_online_circles_are_found_under_online(chat: ConsoleDriver) -> None:
    answers = list(BERLIN_CIRCLE)
    answers[4:8] = ["#1", "https://meet.jit.si/py4e", "#1"]  # Online venue, its meeting link, no city
    await create_circle(chat, answers)
    listed = await chat.say("/browse online", as_="alice")
    assert "Python for Everybody — Online" in listed
    assert "meet.jit.si" not in listed  # the link is for the circle's learners only


async def test_a_circle_placed_by_location_gets_its_city_and_zone(chat: ConsoleDriver) -> None:
    answers = list(BERLIN_CIRCLE)
    await chat.say("/new", as_="fiona")
    for answer in answers[:7]:
        await chat.say(answer)
    await chat.say("/location -36.8485 174.7633")  # Auckland
    await chat.say("en")
    zone = await chat.say("#1")
    assert "On which date" in zone
    await chat.say("2026-12-07")
    await chat.say("09:00")
    for answer in answers[12:]:
        await chat.say(answer)
    review = chat.shown["fiona"][-1].text
    assert "Auckland" in review
    assert "First meeting: Mon, 7 Dec 2026, 09:00 NZDT" in review
    await chat.press("Publish")
    assert "Python for Everybody" in await chat.say("/browse auckland", as_="alice")


async def test_any_name_of_a_place_finds_its_circles(chat: ConsoleDriver) -> None:
    await create_circle(chat, circle_in("München", "Europe/Berlin", "Python in München"))
    await create_circle(chat, circle_in("Köln", "Europe/Berlin", "Python in Köln"))
    for typed in ("Munich", "münchen", "MÜNCHEN", "Monaco di Baviera", "Munchen"):
        found = await chat.say(f"/browse {typed}", as_="alice")
        assert "Python in München" in found, typed
        assert "Python in Köln" not in found
    assert "Python in Köln" in await chat.say("/browse Cologne")


async def test_a_name_of_several_places_asks_which_one(chat: ConsoleDriver) -> None:
    answers = circle_in("Córdoba", "Europe/Madrid", "Python en Córdoba")
    await chat.say("/new", as_="fiona")
    for answer in answers[:7]:
        await chat.say(answer)
    question = await chat.say("Cordoba")
    assert "There are several places called Cordoba" in question
    # The most populous first: Argentina's, then Spain's, then Mexico's.
    assert question.index("Argentina") < question.index("Spain") < question.index("Mexico")
    zone = await chat.press("Córdoba, Spain")
    assert "In which language" in zone
    assert "Europe/Madrid" in await chat.say("es")  # the zone suggested is Spain's, not Argentina's
    await chat.say("#1")
    for answer in answers[10:]:
        await chat.say(answer)
    await chat.press("Publish")
    assert "Python en Córdoba" in await chat.say("/browse córdoba", as_="alice")


async def test_a_place_the_gazetteer_does_not_know_is_found_by_its_typed_name(chat: ConsoleDriver) -> None:
    answers = circle_in("Entenhausen", "Europe/Berlin", "Python am Rand")
    await chat.say("/new", as_="fiona")
    for answer in answers[:7]:
        await chat.say(answer)
    assert "I do not know a town called Entenhausen" in await chat.say("Entenhausen")
    await chat.press("Keep Entenhausen")
    for answer in answers[8:]:
        await chat.say(answer)
    await chat.press("Publish")
    assert "Python am Rand" in await chat.say("/browse entenhausen", as_="alice")
