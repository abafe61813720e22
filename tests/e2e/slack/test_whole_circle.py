"""The Foundation played on Slack: create a circle in the direct message, browse, sign up, RSVP with
buttons, and the facilitator sees signups and RSVPs — real slack-bolt and slack-sdk over HTTP."""

from __future__ import annotations

import re

from sqlalchemy import select

from storage.db import Database
from storage.tables import identities, people, rsvps
from tests.e2e.slack.harness import SlackChat

BERLIN_CIRCLE = [
    "Python for Everybody",
    "https://www.py4e.com",
    "Use the course title",  # a button's label typed counts as pressing it, but we press
    "We learn Python together, one chapter a week. Beginners & <curious> people welcome!",
    "Zentralbibliothek",
    "Breite Straße 30",
    "Room 2, first floor",
    "Berlin",
    "en",
    "Europe/Berlin",
    "2026-12-07",
    "18:00",
    "90",
    "6",
    "No limit",
    "What would you like to build with Python?",
]
BUTTONS = {"Use the course title", "No limit"}


async def create_circle_on_slack(slack: SlackChat, *, as_: str = "fiona") -> str:
    """/circles new, every answer typed in the direct message (or pressed), then Publish."""
    await slack.command("new", as_=as_)
    for answer in BERLIN_CIRCLE:
        if answer in BUTTONS:
            await slack.press(answer)
        else:
            await slack.say(answer)
    published = await slack.press("Publish")
    code = re.search(r"/circles start (\w+)", published)
    assert code, published
    return code.group(1)


async def test_the_whole_circle_on_slack(slack: SlackChat, db: Database) -> None:
    fake = slack.slack
    code = await create_circle_on_slack(slack)

    # Every answer was a real message event, every reply a real chat.postMessage in Fiona's DM.
    fiona = slack.person("fiona")
    assert all(m.channel == fiona.dm for m in fake.messages_in(fiona.dm))
    assert all(call.ok for call in fake.calls), [c for c in fake.calls if not c.ok]

    # Alice finds it by city in her direct message, opens it and signs up with the buttons.
    found = await slack.command("browse BERLIN", as_="alice")
    assert "Python for Everybody" in found
    assert "Mon, 7 Dec 2026, 18:00 CET" in found
    card = await slack.press("Python for Everybody")
    assert "Beginners & <curious> people welcome!" in card
    consent = await slack.press("Sign up")
    assert "Do you agree?" in consent
    await slack.press("I agree")
    await slack.say("Automate my spreadsheets")
    await slack.say("I can explain Excel tricks")
    confirmation = await slack.say("A tool for my garden club")
    assert "You are signed up for Python for Everybody!" in confirmation
    assert "Next meeting: Mon, 7 Dec 2026, 18:00 CET" in confirmation
    assert "(file: " in confirmation and ".ics" in confirmation  # the calendar, uploaded with Slack's v2 flow
    alice = slack.person("alice")
    uploads = [f for m in fake.messages_in(alice.dm) for f in m.files]
    assert uploads and uploads[0].content.startswith(b"BEGIN:VCALENDAR")
    assert [c.method for c in fake.calls if c.method.startswith("files.") or c.method == "upload"] == [
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
    ]

    # Bob signs up from the share code, typed as a slash command.
    opened = await slack.command(f"start {code}", as_="bob")
    assert "Python for Everybody" in opened
    await slack.press("Sign up")
    await slack.press("I agree")
    await slack.say("Learn to code")
    await slack.say("Bring snacks")
    assert "You are signed up" in await slack.say("A game")

    # RSVPs with buttons: the message the button was on is updated in place (chat.update).
    await slack.command("rsvp", as_="alice")
    rsvp_message = slack.message_with("1: Yes")
    answered = await slack.press("1: Yes")
    assert answered.startswith("(updated) ")
    assert "Meeting 1, Mon, 7 Dec 2026, 18:00 CET: yes" in answered
    update = fake.calls_to("chat.update")[-1]
    assert (update.args["channel"], update.args["ts"]) == (alice.dm, rsvp_message.ts)
    await slack.command("rsvp", as_="bob")
    await slack.press("1: No")
    changed = await slack.press("1: Yes")
    assert "Meeting 1, Mon, 7 Dec 2026, 18:00 CET: yes" in changed

    # The facilitator sees both signups with their answers, and the RSVPs per meeting.
    await slack.command("mycircles", as_="fiona")
    await slack.press("Python for Everybody")
    listing = await slack.press("Signups")
    assert "Python for Everybody: 2 signups" in listing
    assert "Goal: Automate my spreadsheets" in listing
    schedule = await slack.press("Schedule and RSVPs")
    meeting_1 = schedule.split("Meeting 1:")[1].split("Meeting 2:")[0]
    assert "Yes (2): Alice, Bob" in meeting_1

    # One person per Slack user, with their direct-message channel as the chat to write to.
    async with db.transaction() as conn:
        chats = dict((await conn.execute(select(identities.c.external_id, identities.c.chat_id))).all())
        names = sorted((await conn.execute(select(people.c.name))).scalars())
        yes = (await conn.execute(select(rsvps.c.attending))).scalars().all()
    assert chats == {"U0FIONA": "D0FIONA", "U0ALICE": "D0ALICE", "U0BOB": "D0BOB"}
    assert names == ["Alice", "Bob", "Fiona"]  # from users.info
    assert yes == [True, True]
    # Nothing the bot sent was refused by the (strict) fake: Block Kit limits, escaping, tokens.
    assert all(call.ok for call in fake.calls), [c for c in fake.calls if not c.ok]
