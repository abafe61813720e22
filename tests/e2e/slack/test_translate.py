"""Recorded Slack requests (``payloads/*.json``: slash-command form bodies, Events API envelopes,
``block_actions`` payloads) become the core's ``Incoming`` and the way back (``Origin``) — or
nothing, for what is not a person talking to the bot. One row per recorded request."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from adapters.slack.translate import Origin, Profile, translate
from bot.conversation.messages import Incoming

PAYLOADS = Path(__file__).parent / "payloads"
ADA = Profile("Ada Lovelace", "en-US")
IN_DM = Incoming(
    platform="slack",
    user_id="U0ADA",
    chat_id="D0ADA",
    user_name="Ada Lovelace",
    language="en-US",
    can_share_location=False,
    can_pick_chat=True,
)
DM_ORIGIN = Origin(user_id="U0ADA", channel_id="D0ADA", private=True, team_id="T0CIRCLES", app_id="A0CIRCLES")
COMMAND_URL = "https://hooks.slack.com/commands/T0CIRCLES/1/abc"
ACTION_URL = "https://hooks.slack.com/actions/T0CIRCLES/2/def"
IN_CHANNEL = replace(IN_DM, chat_id="C0LEARN", in_group=True, private_chat_id="U0ADA")
CHANNEL_ORIGIN = replace(DM_ORIGIN, channel_id="C0LEARN", private=False)

EXPECTED: dict[str, tuple[Incoming, Origin] | None] = {
    "slash_command_in_direct_message": (
        replace(IN_DM, command="browse", args="Berlin", update_id="command:1.T0CIRCLES.6a2c"),
        replace(DM_ORIGIN, response_url=COMMAND_URL),
    ),
    # In the direct message, words after /circles that are no command answer the question asked.
    "slash_command_answer_in_direct_message": (
        replace(IN_DM, text="Python & friends https://www.py4e.com", update_id="command:2.T0CIRCLES.7b3d"),
        replace(DM_ORIGIN, response_url=COMMAND_URL),
    ),
    "slash_command_in_channel": (
        replace(IN_CHANNEL, command="rsvp", update_id="command:3.T0CIRCLES.8c4e"),
        replace(CHANNEL_ORIGIN, response_url=COMMAND_URL),
    ),
    "slash_command_bare": (
        replace(IN_DM, command="help", update_id="command:4.T0CIRCLES.9d5f"),
        replace(DM_ORIGIN, response_url=COMMAND_URL),
    ),
    "message_im": (replace(IN_DM, text="Automate my spreadsheets & more", update_id="event:Ev0MESSAGE1"), DM_ORIGIN),
    "message_changed": None,
    "message_from_a_bot": None,
    # @Circles in a channel: a short help, answered in the mention's thread.
    "app_mention": (
        replace(IN_CHANNEL, text="@U0CIRCLESBOT help", update_id="event:Ev0MENTION1", mentioned=True),
        replace(CHANNEL_ORIGIN, thread_ts="1800000013.000100"),
    ),
    # The Home tab opened (with the view Slack still shows): publish the home, nothing to handle.
    "app_home_opened": (
        replace(IN_DM, update_id="event:Ev0HOME1"),
        replace(DM_ORIGIN, home=True, opened_home=True, had_home=True),
    ),
    "app_home_opened_messages_tab": None,
    # A button on the Home tab: a press in the person's direct message, whose answer is the home.
    "block_actions_on_home": (
        replace(IN_DM, action="rsvp:17:y", update_id="action:7.T0CIRCLES.c082"),
        replace(DM_ORIGIN, home=True),
    ),
    "block_actions_on_a_modal": None,  # the bot opens no modals: not one of its buttons
    # A channel chosen in the conversation picker: the token from the action_id, the channel beside it.
    "block_actions_channel_picked": (
        replace(IN_DM, action="share-in:12", picked_chat="C0LEARN", update_id="action:9.T0CIRCLES.e2a4"),
        replace(DM_ORIGIN, response_url=ACTION_URL, message_ts="1800000040.000100"),
    ),
    "block_actions_in_direct_message": (
        replace(IN_DM, action="rsvp:17:y", update_id="action:5.T0CIRCLES.ae60"),
        replace(DM_ORIGIN, response_url=ACTION_URL, message_ts="1800000020.000200"),
    ),
    # A button on an ephemeral answer in a channel: answered ephemerally again, through its response URL.
    "block_actions_on_ephemeral_in_channel": (
        replace(IN_CHANNEL, action="rsvp:17:y", update_id="action:6.T0CIRCLES.bf71"),
        replace(CHANNEL_ORIGIN, response_url=ACTION_URL, message_ts="1800000022.000400", ephemeral=True),
    ),
}


async def ada(user_id: str, fallback: str) -> Profile:
    """What ``users.info`` says of the only person in the recordings."""
    assert user_id == "U0ADA"
    return ADA


async def adas_direct_message(user_id: str) -> str | None:
    """What ``conversations.open`` says: Ada's direct message with the bot is D0ADA."""
    return "D0ADA" if user_id == "U0ADA" else None


def test_every_recorded_request_has_an_expectation() -> None:
    assert sorted(path.stem for path in PAYLOADS.glob("*.json")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
async def test_a_recorded_request_translates_to_the_expected_incoming(name: str) -> None:
    body = json.loads((PAYLOADS / f"{name}.json").read_text())

    assert await translate(body, ada, adas_direct_message) == EXPECTED[name]
