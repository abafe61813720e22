"""The App Home tab: each person's home, published with ``views.publish`` and kept current.

When is a home (re)published?

- **On ``app_home_opened``**, unless Slack already shows the home as it would be drawn now (the
  event carries the view published before, and what the core would draw has not changed).
- **After the person's own request** (a press on the home, a command, a message, a button
  anywhere), once its answer is out: their RSVP, signup or change shows on their home at once.
- **When someone acts on a circle a home shows** — a stale mark per person: after any request,
  the homes this instance published that share a circle with the person who acted (the circles
  of their home before and after: learning, facilitating, the team's week) are marked, and a
  task draws each marked home again shortly after (``SETTLE_SECONDS``, so that a burst — a
  reminder's RSVPs coming in — is drawn once) and republishes it if it changed: a learner's RSVP
  or signup reaches the facilitator's and the organizers' homes, a moved meeting each learner's.
- **Every ``slack.home_refresh_seconds``** (a background pass, the backstop): every home this
  instance published is drawn again and republished only if it differs — for the passing of time
  (the next meeting moves on once one ends) and what happened where no mark could see it (on
  Telegram, on another instance, by someone whose circles this instance does not know).

Why marks by shared circle and not a "home stale" flag set by the storage writes: every use case
that changes something a home shows (signups, RSVPs, meetings, venues, teams, and the next
feature's) would have to mark the right people, and one forgotten mark leaves a home wrong until
it is opened again. Here nothing in the core marks anything: the circles a home shows say whom an
action may concern, and drawing again and comparing decides whether it did — correct by
construction, at the cost of a few reads per concerned home.

Nothing here is on the request path: ``app_home_opened`` and presses are acknowledged first, and
marked homes and passes are drawn in their own tasks. Slack allows ``views.publish`` 100+ calls a
minute per workspace (Tier 4, with bursts). Background publishes (marked homes, passes) take at
most ``REFRESH_PER_MINUTE``, leaving the rest to the publishes people wait for (opening the tab,
their own presses), which are never queued behind them; a 429 is waited out by slack-sdk's retry
handler. What was published is kept in memory (a digest and the circles shown, per person):
after a restart, the next opening of a home publishes it again.
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
REFRESH_PER_MINUTE = 60  # background publishes: Slack's Tier 4 (100+) leaves room for people's own
SETTLE_SECONDS = 2.0  # marked homes are drawn this long after the first mark: one draw for a burst


@dataclass
class Published:
    who: Incoming  # names the person (platform id, name, language) for drawing their home again
    digest: str  # of the blocks last published
    circles: frozenset[int]  # the circles it shows: whose actions may change it


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
        self.settle_seconds = SETTLE_SECONDS
        # Who acted since the last drawing of marked homes, with the circles their home showed then.
        self._acted: dict[str, tuple[Incoming, frozenset[int]]] = {}
        self._marking: asyncio.Task[None] | None = None

    def knows(self, user_id: str) -> bool:
        return user_id in self._published

    def start(self) -> None:
        if self.refresh_seconds > 0 and self._task is None:
            self._task = asyncio.create_task(self._keep_current(), name="slack-homes")

    async def stop(self) -> None:
        for task in (self._task, self._marking):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._task = self._marking = None

    def shown(self, user_id: str) -> frozenset[int]:
        """The circles the person's published home shows (none if this instance published none)."""
        known = self._published.get(user_id)
        return known.circles if known else frozenset()

    def acted(self, who: Incoming, before: frozenset[int]) -> None:
        """``who`` did something, and their own home (if any) is redrawn; ``before``: the circles it
        showed before. The homes that share a circle with them are drawn again soon, in a task."""
        if not self._published:
            return  # nobody's home to keep current
        earlier = self._acted.get(who.user_id, (who, frozenset[int]()))[1]
        self._acted[who.user_id] = (who, earlier | before)
        if self._marking is None or self._marking.done():
            self._marking = asyncio.create_task(self._draw_marked(), name="slack-homes-marked")

    async def settled(self) -> None:
        """Wait until the homes marked so far are drawn again (for tests and rehearsals)."""
        while self._marking is not None and not self._marking.done():
            await self._marking

    async def _draw_marked(self) -> None:
        await asyncio.sleep(self.settle_seconds)
        while self._acted:
            acted, self._acted = self._acted, {}
            concerned: set[int] = set()
            for who, before in acted.values():
                # Their circles now: as their own home was just redrawn, or drawn for this.
                now = self.shown(who.user_id) if self.knows(who.user_id) else await self._circles_of(who)
                concerned |= before | now
            for user, entry in list(self._published.items()):
                if user not in acted and entry.circles & concerned:
                    await self._republish(entry.who)

    async def _circles_of(self, who: Incoming) -> frozenset[int]:
        try:
            return (await self.circles.home(who)).circle_ids
        except Exception:
            log.exception("drawing a Slack home failed")
            return frozenset()

    async def publish(self, who: Incoming, *, force: bool, paced: bool = False) -> bool:
        """Draw the person's home and publish it if it changed (or ``force``); whether it was.
        ``paced``: a background pass's publish, which waits for its share of Slack's limit."""
        who = Incoming(**{**who.__dict__, "command": None, "args": "", "text": None, "action": None})
        view = await self.circles.home(who)
        blocks = home_blocks(view)
        digest = hashlib.sha256(json.dumps(blocks, sort_keys=True).encode()).hexdigest()
        known = self._published.get(who.user_id)
        if not force and known is not None and known.digest == digest:
            known.who, known.circles = who, view.circle_ids
            self._published.move_to_end(who.user_id)
            return False
        # What people wait for goes out at once (Slack's burst allowance, then its 429 handling).
        async with self._pass_limiter if paced else contextlib.nullcontext():
            await self.client.views_publish(user_id=who.user_id, view={"type": "home", "blocks": blocks})
        self._published[who.user_id] = Published(who, digest, view.circle_ids)
        self._published.move_to_end(who.user_id)
        while len(self._published) > REMEMBERED:
            self._published.popitem(last=False)
        return True

    async def refresh(self) -> int:
        """One pass: every home this instance published, republished where it changed; how many."""
        changed = 0
        for entry in list(self._published.values()):
            changed += await self._republish(entry.who)
        return changed

    async def _republish(self, who: Incoming) -> bool:
        """A background publish (paced) if the home changed; a failure is logged, never raised."""
        try:
            return await self.publish(who, force=False, paced=True)
        except SLACK_ERRORS as error:
            log.warning("republishing a Slack home failed: %s", classify(error).code)
        except Exception:
            log.exception("drawing a Slack home failed")
        return False

    async def _keep_current(self) -> None:
        while True:
            await asyncio.sleep(self.refresh_seconds)
            await self.refresh()
