"""What a handler has at hand while it answers one incoming event."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Concatenate, ParamSpec, TypeVar

from bot.config import Settings
from bot.conversation.messages import Button, Incoming, Reply
from bot.i18n import Translator
from domain.model import Person
from storage.unit import Unit

P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class Context:
    unit: Unit
    person: Person
    incoming: Incoming
    now: datetime
    t: Translator
    settings: Settings
    share_link: Callable[[str], str]
    replies: list[Reply] = field(default_factory=list)

    async def run(self, case: Callable[Concatenate[Unit, P], Awaitable[R]], *args: P.args, **kwargs: P.kwargs) -> R:
        """Call a use case (bot/usecases) in this event's unit of work: handlers and dialogs reach
        state only this way, never through the unit itself."""
        return await case(self.unit, *args, **kwargs)

    @property
    def person_id(self) -> int:
        assert self.person.id is not None
        return self.person.id

    def say(
        self,
        text: str,
        buttons: list[list[Button]] | None = None,
        *,
        edit: bool = False,
        expects_text: bool = False,
        ask_location: bool = False,
    ) -> Reply:
        reply = Reply(
            text=text,
            buttons=buttons or [],
            edit=edit,
            expects_text=expects_text,
            ask_location=ask_location,
        )
        self.replies.append(reply)
        return reply
