"""Block Kit rendering and Slack's encoded text, without a network: the adapter's pure parts."""

from __future__ import annotations

from adapters.slack.blocks import (
    MAX_BLOCKS,
    MAX_HOME_BLOCKS,
    MAX_SECTION,
    from_slack,
    home_blocks,
    messages,
    mrkdwn,
    slack_commands,
)
from adapters.slack.translate import Profile, command_word, from_action, from_command, profile_from
from bot.conversation.messages import Button, ChatChoice, HomeSection, HomeView, Reply
from tests.fakes.slack_api import check_blocks, check_mrkdwn, decode


def test_what_people_typed_cannot_break_a_message_or_ping_a_channel() -> None:
    text = "<!channel> Rust & <b>C++</b> at https://example.org/a?b=1&c=2."
    shown = mrkdwn(text)
    assert shown == "&lt;!channel&gt; Rust &amp; &lt;b&gt;C++&lt;/b&gt; at <https://example.org/a?b=1&amp;c=2>."
    assert check_mrkdwn(shown) is None
    assert decode(shown) == text
    [message] = messages(Reply(text=text))
    assert message.blocks[0]["text"] == {"type": "mrkdwn", "text": shown, "verbatim": True}
    assert message.text == shown


def test_buttons_become_actions_with_unique_ids_and_the_token_as_value() -> None:
    reply = Reply(
        text="Will you come?",
        buttons=[[Button("1: Yes", "rsvp:1:y"), Button("1: No", "rsvp:1:n")], [Button("x" * 90, "circle:2")]],
    )
    [message] = messages(reply)
    actions = [b for b in message.blocks if b["type"] == "actions"]
    assert len(actions) == 2
    elements = [e for block in actions for e in block["elements"]]
    assert [e["action_id"] for e in elements] == ["circles:1", "circles:2", "circles:3"]
    assert [e["value"] for e in elements] == ["rsvp:1:y", "rsvp:1:n", "circle:2"]
    assert len(elements[2]["text"]["text"]) == 75 and elements[2]["text"]["text"].endswith("…")
    assert check_blocks(message.blocks) is None


def test_long_texts_and_many_buttons_stay_within_slacks_limits() -> None:
    text = "\n\n".join(f"Circle {n} & friends: " + "word " * 300 for n in range(60))
    buttons = [[Button(f"Circle {n}", f"circle:{n}")] for n in range(80)]
    parts = messages(Reply(text=text, buttons=buttons))
    assert len(parts) >= 2
    for part in parts:
        assert len(part.blocks) <= MAX_BLOCKS
        assert check_blocks(part.blocks) is None, check_blocks(part.blocks)
        assert all(len(b["text"]["text"]) <= MAX_SECTION for b in part.blocks if b["type"] == "section")
    values = [e["value"] for part in parts for b in part.blocks if b["type"] == "actions" for e in b["elements"]]
    assert values == [f"circle:{n}" for n in range(80)]
    assert (
        "\n".join(decode(b["text"]["text"]) for p in parts for b in p.blocks if b["type"] == "section").count(
            "& friends"
        )
        == 60
    )


def test_an_unbroken_text_is_cut_where_it_must() -> None:
    parts = messages(Reply(text="<" * 5000))
    sections = [b["text"]["text"] for p in parts for b in p.blocks]
    assert all(len(s) <= MAX_SECTION for s in sections)
    assert "".join(decode(s) for s in sections) == "<" * 5000


def test_commands_are_named_as_slack_users_type_them() -> None:
    assert slack_commands("Send /help to see what I can do.") == "Send /circles help to see what I can do."
    assert slack_commands("(/cancel) or /browse [city]") == "(/circles cancel) or /circles browse [city]"
    assert slack_commands("https://example.org/help and a/start") == "https://example.org/help and a/start"
    assert slack_commands("/circles start abc") == "/circles start abc"
    assert slack_commands("/helpful") == "/helpful"


def test_slacks_encoded_text_is_read_as_typed() -> None:
    assert from_slack("<https://www.py4e.com>") == "https://www.py4e.com"
    assert from_slack("<http://py4e.com|py4e.com>") == "http://py4e.com"
    assert from_slack("Tom &amp; Jerry &lt;3 &gt;") == "Tom & Jerry <3 >"
    assert from_slack("hi <@U123|ada> in <#C1|general> <!here>") == "hi @ada in #general @here"
    assert from_slack("<mailto:a@b.org|a@b.org>") == "a@b.org"


def test_the_slash_command_word_and_arguments() -> None:
    assert command_word("browse  Berlin Mitte ") == ("browse", "Berlin Mitte")
    assert command_word("/Start abc") == ("start", "abc")
    assert command_word("") == ("", "")
    body = {"user_id": "U1", "channel_id": "D1", "text": "", "trigger_id": "t1", "response_url": "https://r"}
    incoming, origin = from_command(body, Profile("Ada"), private=True)
    assert (incoming.command, incoming.update_id, incoming.in_group) == ("help", "command:t1", False)
    # In the direct message, anything else is typed text (an answer); in a channel, a command.
    incoming, _ = from_command({**body, "text": "Berlin"}, Profile("Ada"), private=True)
    assert (incoming.command, incoming.text) == (None, "Berlin")
    incoming, origin = from_command({**body, "channel_id": "C1", "text": "Berlin"}, Profile("Ada"), private=False)
    assert (incoming.command, incoming.in_group, incoming.chat_id, origin.response_url) == (
        "berlin",
        True,
        "C1",
        "https://r",
    )


def test_a_button_press_acts_for_whoever_pressed_it() -> None:
    body = {
        "user": {"id": "U2", "username": "bo"},
        "trigger_id": "t2",
        "container": {"channel_id": "D2", "message_ts": "1.2", "is_ephemeral": False},
        "channel": {"id": "D2"},
        "actions": [{"action_id": "circles:1", "value": "rsvp:5:y"}],
    }
    incoming, origin = from_action(body, Profile("Bo"))
    assert (incoming.user_id, incoming.action, incoming.update_id, incoming.in_group) == (
        "U2",
        "rsvp:5:y",
        "action:t2",
        False,
    )
    assert (origin.message_ts, origin.private) == ("1.2", True)
    ephemeral = {**body, "container": {**body["container"], "is_ephemeral": True}}  # type: ignore[dict-item]
    incoming, origin = from_action(ephemeral, Profile("Bo"))
    assert incoming.in_group and origin.ephemeral and not origin.private


def test_names_and_languages_from_users_info() -> None:
    user = {
        "name": "ada",
        "real_name": "Ada L",
        "profile": {"display_name": "", "real_name": "Ada Lovelace"},
        "locale": "de-DE",
    }
    assert profile_from(user, "U1") == Profile("Ada Lovelace", "de-DE")
    assert profile_from({}, "U1") == Profile("U1", None)


def test_a_home_fits_slacks_view_limits_whatever_it_holds() -> None:
    """Headers within 150 characters, names escaped, action ids unique across the whole view, and
    never more than 100 blocks, even for a home far bigger than the core ever draws."""
    name = "<!channel> *Rust* & C++ " + "x" * 200
    sections = [HomeSection(name, "", heading=True)]
    sections += [
        HomeSection(name, f"Meeting {n}\n" + "y" * 3500, [[Button("Yes", f"rsvp:{n}:y"), Button("No", f"rsvp:{n}:n")]])
        for n in range(60)
    ]
    blocks = home_blocks(HomeView(sections, "en"))
    assert check_blocks(blocks, MAX_HOME_BLOCKS) is None
    assert len(blocks) <= MAX_HOME_BLOCKS
    assert blocks[0]["type"] == "header" and len(blocks[0]["text"]["text"]) == 150
    assert blocks[1]["text"]["text"].startswith("*&lt;!channel&gt; *Rust* &amp; C++")


def test_a_chat_picker_carries_the_token_in_its_action_id() -> None:
    [message] = messages(Reply(text="Where?", pick_chat=ChatChoice("share-in:12", "Choose a channel")))
    [picker] = message.blocks[-1]["elements"]
    assert picker["type"] == "conversations_select" and picker["action_id"] == "circles:pick:share-in:12"
    assert picker["filter"]["include"] == ["public", "private"]
    assert check_blocks(message.blocks) is None
