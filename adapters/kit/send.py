"""Sending the parts of one reply: in order, with a capped wait on a rate limit, and the rule
for an answer to a button ("the first edit replaces the pressed message")."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.conversation.messages import Reply

P = TypeVar("P")  # one platform message: Telegram's Part, Slack's Message…
M = TypeVar("M")  # what identifies the pressed message on a platform

Sleep = Callable[[float], Awaitable[None]]
Call = Callable[[], Awaitable[str | None]]

# A reply split into several messages: a rate limit on a later part is waited out here (up to this
# many seconds in all), because re-queueing the whole reply would send the earlier parts twice.
# The first part's rate limit is not waited for: nothing went out yet, so the delivery engine
# re-queues the message and sends the chat's other messages meanwhile.
LATER_PART_MAX_WAIT = 60.0


@dataclass(frozen=True)
class Progress:
    """How far the parts of a reply got: the last message id, or the error that stopped them."""

    total: int
    sent: int = 0
    message_id: str | None = None
    error: BaseException | None = None

    @property
    def where(self) -> str:
        """`` (after 1 of 3 parts went out)`` when the error came after some parts, else empty."""
        return f" (after {self.sent} of {self.total} parts went out)" if self.sent and self.error else ""


async def send_in_order(
    calls: Sequence[Call],
    *,
    errors: tuple[type[BaseException], ...],
    wait_asked: Callable[[BaseException], float | None],
    sleep: Sleep = asyncio.sleep,
    max_wait: float = LATER_PART_MAX_WAIT,
) -> Progress:
    """Make ``calls`` (one a part, each answering its message id or None) one after another.

    ``errors`` are the platform's failures: the first one stops the sending and is handed back
    in the ``Progress``. ``wait_asked`` says how long the platform asked to wait when a failure
    is a rate limit (None for any other failure): after the first part, that is slept through
    ``sleep`` and the part tried again, as long as the waits add up to at most ``max_wait``.
    """
    message_id: str | None = None
    for number, call in enumerate(calls):
        waited = 0.0
        while True:
            try:
                message_id = await call() or message_id
                break
            except errors as error:
                seconds = wait_asked(error)
                if seconds is None or number == 0 or waited + seconds > max_wait:
                    return Progress(len(calls), number, message_id, error)
                waited += seconds
                await sleep(seconds)
    return Progress(len(calls), len(calls), message_id)


class Pressed(Generic[M]):
    """The message whose button was pressed, while it may still be replaced.

    Of the replies to a press, only the first one that asks to edit (``Reply.edit``) and fits in
    its place takes it; every other reply, and that reply's later parts, are new messages.
    """

    def __init__(self, message: M | None) -> None:
        self._message = message

    def take(self, reply: Reply, *, fits: bool = True) -> M | None:
        """The message ``reply`` replaces, or None: it was taken already, none was pressed,
        ``reply`` asks for a new message, or it does not fit (``fits``, the platform's say)."""
        if not reply.edit or not fits or self._message is None:
            return None
        message, self._message = self._message, None
        return message


async def answer_parts(
    parts: Sequence[P],
    post: Callable[[P], Awaitable[object]],
    replace: Callable[[P], Awaitable[bool]] | None = None,
) -> bool:
    """Post a reply's ``parts`` in order; with ``replace``, the first part goes in place of the
    pressed message instead (``replace`` answers False when the platform refuses the edit: then
    it is posted as a new message too). True when the pressed message was replaced."""
    rest = list(parts)
    replaced = bool(rest) and replace is not None and await replace(rest[0])
    for part in rest[1:] if replaced else rest:
        await post(part)
    return replaced
