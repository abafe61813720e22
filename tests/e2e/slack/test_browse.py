"""Slack cannot share a location, so Circles never asks Slack users for one."""

from __future__ import annotations

from tests.e2e.slack.harness import SlackChat


async def test_browsing_on_slack_asks_for_a_city_only(slack: SlackChat) -> None:
    asked = await slack.command("browse", as_="alice")
    assert "Where are you? Type a city, or online." in asked
    assert "location" not in asked
    answer = await slack.say("Atlantis", as_="alice")
    assert "No circles are open for signup in Atlantis right now. Try another city." in answer
    assert "location" not in answer
