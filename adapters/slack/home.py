"""The App Home tab: each person's home, published with ``views.publish`` and kept current.

When is a home (re)published?

- **On ``app_home_opened``**, unless Slack already shows the home as it would be drawn now (the
  event carries the view published before, and what the core would draw has not changed).
- **After the person's own request** (a press on the home, a command, a message, a button
  anywhere), once its answer is out: their RSVP, signup or change shows on their home at once.
- **Every ``slack.home_refresh_seconds``** (a background pass): the home of everyone whose home
  this instance published is drawn again and republished only if it differs. This catches what
  other people did (a learner's RSVP on the facilitator's home, a meeting moved by the
  facilitator on each learner's home, the team's week for organizers) and the passing of time
  (the next meeting moves on once one ends), without a hook in every write of the core.

Why not a "home stale" mark set by the storage writes: every use case that changes something a
home shows (signups, RSVPs, meetings, venues, teams, and the next feature's) would have to mark
the right people, and one forgotten mark leaves a home wrong until it is opened again. Drawing
the home again and comparing is correct by construction; its cost is one home's reads per
person per pass (a handful of statements), bounded by ``REMEMBERED`` people per instance.

Nothing here is on the request path: ``app_home_opened`` and presses are acknowledged first, and
the passes run in their own task. Slack allows ``views.publish`` 100+ calls a minute per
workspace (Tier 4, with bursts). The background pass publishes at most ``REFRESH_PER_MINUTE``,
leaving the rest to the publishes people wait for (opening the tab, their own presses), which are
never queued behind a pass; a 429 is waited out by slack-sdk's retry handler. The drawn homes'
digests are kept in memory: after a restart, the next opening of a home publishes it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
from collections import OrderedDict
from dataclasses import dataclass

from aiolimiter import AsyncLimiter
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import home_blocks
from adapters.slack.errors import SLACK_ERRORS, classify
from bot.app import Core
from bot.conversation.messages import Incoming

log = logging.getLogger(__name__)

REMEMBERED = 5000  # homes kept current per instance (the least recently active are let go)
REFRESH_PER_MINUTE = 60  # the background pass's publishes: Slack's Tier 4 (100+) leaves room for people's own


@dataclass
class Published:
    who: Incoming  # names the person (platform id, name, language) for drawing their home again
    digest: str  # of the blocks last published


class Homes:
    """The homes this instance published, and the work of keeping them current."""

    def __init__(
        self, client: AsyncWebClient, circles: Core, refresh_seconds: int, *, per_minute: float = REFRESH_PER_MINUTE
    ) -> None:
        self.client = client
        self.circles = circles
        self.refresh_seconds = refresh_seconds
        self._published: OrderedDict[str, Published] = OrderedDict()
        self._pass_limiter = AsyncLimiter(per_minute, 60)
        self._task: asyncio.Task[None] | None = None

    def knows(self, user_id: str) -> bool:
        return user_id in self._published

    def start(self) -> None:
        if self.refresh_seconds > 0 and self._task is None:
            self._task = asyncio.create_task(self._keep_current(), name="slack-homes")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def publish(self, who: Incoming, *, force: bool, paced: bool = False) -> bool:
        """Draw the person's home and publish it if it changed (or ``force``); whether it was.
        ``paced``: a background pass's publish, which waits for its share of Slack's limit."""
        who = Incoming(**{**who.__dict__, "command": None, "args": "", "text": None, "action": None})
        blocks = home_blocks(await self.circles.home(who))
        digest = hashlib.sha256(json.dumps(blocks, sort_keys=True).encode()).hexdigest()
        known = self._published.get(who.user_id)
        if not force and known is not None and known.digest == digest:
            known.who = who
            self._published.move_to_end(who.user_id)
            return False
        # What people wait for goes out at once (Slack's burst allowance, then its 429 handling).
        async with self._pass_limiter if paced else contextlib.nullcontext():
            await self.client.views_publish(user_id=who.user_id, view={"type": "home", "blocks": blocks})
        self._published[who.user_id] = Published(who, digest)
        self._published.move_to_end(who.user_id)
        while len(self._published) > REMEMBERED:
            self._published.popitem(last=False)
        return True

    async def refresh(self) -> int:
        """One pass: every home this instance published, republished where it changed; how many."""
        changed = 0
        for entry in list(self._published.values()):
            try:
                changed += await self.publish(entry.who, force=False, paced=True)
            except SLACK_ERRORS as error:
                log.warning("republishing a Slack home failed: %s", classify(error).code)
            except Exception:
                log.exception("drawing a Slack home failed")
        return changed

    async def _keep_current(self) -> None:
        while True:
            await asyncio.sleep(self.refresh_seconds)
            await self.refresh()
