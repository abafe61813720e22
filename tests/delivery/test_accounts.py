"""A person with accounts on two platforms is reached on the other when one refuses the bot."""

from __future__ import annotations

from sqlalchemy import insert, select

from adapters.console.driver import ConsoleDriver
from adapters.console.sender import ConsoleSender
from bot.clock import FixedClock
from bot.conversation.messages import Reply
from bot.conversation.outbound import Outcome, SendResult
from bot.delivery.dispatcher import Dispatcher
from storage.db import Database
from storage.tables import identities, outbox, people
from tests.delivery.test_timing import REMINDER_1
from tests.e2e.flows import create_circle, sign_up


class BlockedEverywhere:
    """A platform on which the bot has been blocked: every message is refused."""

    platform = "telegram"

    def __init__(self) -> None:
        self.tried: list[str] = []

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        self.tried.append(chat_id)
        return SendResult(Outcome.UNREACHABLE, error="Forbidden: bot was blocked by the user")


async def alice_also_on_telegram(db: Database) -> None:
    """Alice linked a Telegram account, her oldest one (lowest id): the one tried first."""
    async with db.transaction() as conn:
        alice = (await conn.execute(select(people.c.id).where(people.c.name == "Alice"))).scalar_one()
        await conn.execute(
            insert(identities).values(id=0, person_id=alice, platform="telegram", external_id="555", chat_id="555")
        )


async def test_the_reminder_goes_to_the_account_that_still_works(
    chat: ConsoleDriver, db: Database, clock: FixedClock, sender: ConsoleSender
) -> None:
    code = await create_circle(chat)
    await sign_up(chat, code, "alice", "Learn", "Help", "Build")
    await alice_also_on_telegram(db)
    blocked = BlockedEverywhere()
    dispatcher = Dispatcher(db, clock, {"console": sender, "telegram": blocked})
    clock.set(REMINDER_1)
    await dispatcher.run_pass()
    assert blocked.tried == ["555"]
    assert len(sender.to("alice")) == 1 and "Will you come?" in sender.to("alice")[0].text
    # Telegram is no longer tried for Alice, and she is not marked unreachable.
    async with db.transaction() as conn:
        chats = dict((await conn.execute(select(identities.c.platform, identities.c.chat_id))).all())
        reason = (await conn.execute(select(people.c.unreachable_reason).where(people.c.name == "Alice"))).scalar()
        statuses = (await conn.execute(select(outbox.c.status).where(outbox.c.person_id.isnot(None)))).scalars().all()
    assert chats["telegram"] is None
    assert reason is None
    assert set(statuses) == {"sent"}


async def test_with_no_account_left_the_person_is_unreachable(
    chat: ConsoleDriver, db: Database, clock: FixedClock
) -> None:
    code = await create_circle(chat)
    await sign_up(chat, code, "alice", "Learn", "Help", "Build")
    blocked = BlockedEverywhere()
    async with db.transaction() as conn:
        await conn.execute(identities.update().where(identities.c.external_id == "alice").values(platform="telegram"))
    dispatcher = Dispatcher(db, clock, {"console": ConsoleSender(driver=chat), "telegram": blocked})
    clock.set(REMINDER_1)
    await dispatcher.run_pass()
    async with db.transaction() as conn:
        reason = (await conn.execute(select(people.c.unreachable_reason).where(people.c.name == "Alice"))).scalar()
    assert reason == "blocked"
    assert blocked.tried == ["alice"]
