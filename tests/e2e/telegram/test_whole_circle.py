"""The whole circle of the Foundation issue, played in Telegram by polling and by webhook."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.commands import COMMANDS
from bot.i18n import Translator
from storage.db import Database
from storage.tables import people, rsvps, signups
from tests.e2e.telegram.flows import SHARE_LINK, create_circle, sign_up
from tests.e2e.telegram.harness import TelegramChat, text_of


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_a_whole_circle_in_telegram(telegram: TelegramChat, db: Database, mode: str) -> None:
    tg = telegram.tg
    fiona = tg.user(101, "Fiona", last_name="Facilitator")
    alice = tg.user(102, "Alice")
    bob = tg.user(103, "Bob", language_code="de")

    # The menu of commands was registered at start.
    assert [c["command"] for c in tg.commands()] == [name for name, _ in COMMANDS]
    if mode == "webhook":
        assert tg.webhook_url == f"{telegram.server.base_url}/telegram/webhook"
        assert tg.webhook_secret_token
    else:
        assert tg.webhook_url is None

    # Fiona creates the circle through the dialog; the share link is a t.me deep link.
    code = await create_circle(telegram, fiona)
    [mine] = await telegram.say(fiona, "/mycircles")
    assert mine.button_texts == ["Python for Everybody"]
    manage_view = text_of(await telegram.press(fiona, "Python for Everybody"))
    assert SHARE_LINK.search(manage_view), manage_view

    # Two learners arrive with /start <code>: the circle's card with a Sign up button.
    [card] = await telegram.say(alice, f"/start {code}")
    assert "Python for Everybody" in card.body
    assert card.button_texts == ["Sign up"]
    assert card.parse_mode is None  # plain text: nobody's input can break the message

    confirmation = await sign_up(telegram, alice, code, "Automate my spreadsheets", "Excel tricks", "A garden tool")
    [document] = [m for m in confirmation if m.method == "sendDocument"]
    assert "You are signed up for Python for Everybody!" in document.body
    assert "Next meeting: Mon, 7 Dec 2026, 18:00 CET" in document.body
    assert document.file is not None and document.file.filename.endswith(".ics")
    assert document.button_texts == ["I'll be there", "I can't make it"]
    await sign_up(telegram, bob, code, "Learn to code", "Bring snacks", "A game")

    # RSVP with buttons. Alice: /rsvp, tap "1: Yes": the list is edited in place to show it.
    [listing] = await telegram.say(alice, "/rsvp")
    assert "Meeting 1, Mon, 7 Dec 2026, 18:00 CET: no answer yet" in listing.body
    edited, thanks = await telegram.press(alice, "1: Yes")
    assert edited.method == "editMessageText" and edited.message_id == listing.message_id
    assert "Meeting 1, Mon, 7 Dec 2026, 18:00 CET: yes" in edited.body
    assert edited.button_texts[:2] == ["✓ 1: Yes", "1: No"]
    assert "You said you will come to meeting 1" in thanks.body
    # Tapping the same answer again changes nothing and breaks nothing.
    again = await telegram.press(alice, "1: Yes")
    assert [m.method for m in again] == ["sendMessage"]

    # Bob's Telegram speaks German, and so does the bot with him. He first can't make it (from
    # his confirmation's button), then changes his mind.
    de = Translator("de")
    assert de("I can't make it") != "I can't make it"  # there is a German catalogue
    answered = await telegram.press(bob, de("I can't make it"))
    assert de("You said you cannot come to meeting {number}. Thank you for letting us know!", number=1) in text_of(
        answered
    )
    [bobs_list] = await telegram.say(bob, "/rsvp")
    first = de.moment(datetime(2026, 12, 7, 18, 0, tzinfo=ZoneInfo("Europe/Berlin")))
    assert de("Meeting {number}, {when}: {answer}", number=1, when=first, answer=de("no")) in bobs_list.body
    changed, _ = await telegram.press(bob, f"1: {de('Yes')}")
    assert changed.message_id == bobs_list.message_id
    assert de("Meeting {number}, {when}: {answer}", number=1, when=first, answer=de("yes")) in changed.body

    # The facilitator sees the signups and, per meeting, who comes.
    await telegram.say(fiona, "/mycircles")
    await telegram.press(fiona, "Python for Everybody")
    listing_text = text_of(await telegram.press(fiona, "Signups"))
    assert "Python for Everybody: 2 signups" in listing_text
    assert "Goal: Automate my spreadsheets" in listing_text
    schedule = text_of(await telegram.press(fiona, "Schedule and RSVPs"))
    meeting_1 = schedule.split("Meeting 1:")[1].split("Meeting 2:")[0]
    assert "Yes (2): Alice, Bob" in meeting_1

    # Every button press was answered, every message was plain text, nothing went wrong.
    assert all(m.parse_mode is None for m in tg.sent_messages())
    assert not tg.unknown_calls
    assert all(call.ok for call in tg.calls if call.method not in ("getUpdates", "editMessageText"))
    async with db.transaction() as conn:
        assert (await conn.execute(select(func.count()).select_from(signups))).scalar_one() == 2
        assert (await conn.execute(select(func.count()).select_from(rsvps))).scalar_one() == 2
        names = set((await conn.execute(select(people.c.name))).scalars())
    assert names == {"Fiona Facilitator", "Alice", "Bob"}
