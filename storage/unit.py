"""A unit of work: every repository over one transaction's connection."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection

from storage.attendance import Attendance
from storage.broadcasts import Broadcasts
from storage.calendar_feeds import CalendarFeeds
from storage.circles import Circles
from storage.covers import Covers
from storage.db import Database
from storage.dialogs import Dialogs
from storage.feedback import Feedbacks
from storage.invites import Invites
from storage.kept_inputs import KeptInputs
from storage.offered_buttons import OfferedButtons
from storage.outbox import Outbox
from storage.people import People
from storage.planning import Planning
from storage.reminders import Reminders
from storage.signups import Rsvps, Signups
from storage.surveys import Surveys
from storage.teams import JoinRequests, Teams
from storage.updates import Updates
from storage.waitlist import Waitlists


class Unit:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self.people = People(conn)
        self.circles = Circles(conn)
        self.signups = Signups(conn)
        self.rsvps = Rsvps(conn)
        self.dialogs = Dialogs(conn)
        self.updates = Updates(conn)
        self.invites = Invites(conn)
        self.kept_inputs = KeptInputs(conn)
        self.offered_buttons = OfferedButtons(conn)
        self.teams = Teams(conn)
        self.join_requests = JoinRequests(conn)
        self.surveys = Surveys(conn)
        self.waitlist = Waitlists(conn)
        self.calendar_feeds = CalendarFeeds(conn)
        self.attendance = Attendance(conn)
        self.covers = Covers(conn)
        # Delivery (bot/delivery)
        self.outbox = Outbox(conn)
        self.reminders = Reminders(conn)
        self.feedback = Feedbacks(conn)
        self.broadcasts = Broadcasts(conn)
        self.planning = Planning(conn)

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """When the block raises, undo what it changed, and only that: the transaction goes on."""
        async with self.conn.begin_nested():
            yield


@asynccontextmanager
async def unit_of_work(db: Database) -> AsyncIterator[Unit]:
    """Commit when the block ends normally, roll everything back when it raises."""
    async with db.transaction() as conn:
        yield Unit(conn)
