"""Linking identities: one person on several platforms (SPEC §2, "Identity").

``/link`` on one platform makes a one-time code; typing it on another platform joins the two
accounts into one person. The person who was first known to the bot survives, with everything
the other account had (signups, RSVPs, circles they facilitate, team roles…) moved onto them.

The code proves that whoever types it also controls the account that asked for it; it works
once, for ``LINK_MINUTES``, and asking for a new one ends the earlier one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.usecases.codes import ALPHABET, new_code
from domain.model import Person
from storage.invites import Invite
from storage.unit import Unit

LINK_KIND = "link"
LINK_MINUTES = 15
CODE_LENGTH = 8


class LinkRefused(Exception):
    """A code that cannot link these two accounts; ``reason`` names why."""

    def __init__(self, reason: str, **params: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params


@dataclass(frozen=True)
class LinkPreview:
    """What linking with a code would do: join the acting person with ``other``."""

    code: str
    other: Person
    other_platforms: list[str]


def normalise_code(text: str) -> str:
    """Codes are typed from another screen: ignore case, spaces and dashes around them."""
    return "".join(text.split()).replace("-", "").lower()


def looks_like_code(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(char in ALPHABET for char in code)


async def new_link_code(unit: Unit, person_id: int, now: datetime) -> Invite:
    """A fresh one-time code for this person; their earlier unused codes stop working."""
    await unit.invites.expire_unused(LINK_KIND, person_id, now)
    invite = Invite(new_code(CODE_LENGTH), LINK_KIND, None, person_id, now + timedelta(minutes=LINK_MINUTES), None)
    await unit.invites.add(invite)
    return invite


async def preview_link(unit: Unit, code: str, person_id: int, now: datetime) -> LinkPreview:
    """Check that ``code`` can link the acting person's account; raise ``LinkRefused`` if not."""
    code = normalise_code(code)
    invite = await unit.invites.get(code) if looks_like_code(code) else None
    if invite is None or invite.kind != LINK_KIND or invite.used_by is not None or invite.expires_at <= now:
        raise LinkRefused("invalid")
    if invite.created_by == person_id:
        raise LinkRefused("own")
    other = await unit.people.get(invite.created_by)
    if other is None or other.forgotten:
        raise LinkRefused("invalid")
    mine = {identity.platform for identity in await unit.people.identities_of(person_id)}
    theirs = [identity.platform for identity in await unit.people.identities_of(invite.created_by)]
    shared = sorted(mine.intersection(theirs))
    if shared:
        # Two accounts on one platform would leave the bot guessing which one to write to.
        raise LinkRefused("same_platform", platform=shared[0])
    return LinkPreview(code, other, sorted(set(theirs)))


async def link(unit: Unit, code: str, person_id: int, now: datetime) -> Person:
    """Use ``code`` to join the acting person and the code's maker; returns the one person left.

    The person first known to the bot survives (the smaller id): their name and language stay.
    """
    preview = await preview_link(unit, code, person_id, now)
    if not await unit.invites.use(preview.code, person_id):
        raise LinkRefused("invalid")  # used a moment ago by someone else
    other_id = preview.other.id
    assert other_id is not None
    keep_id, gone_id = min(person_id, other_id), max(person_id, other_id)
    await unit.people.merge(keep_id, gone_id)
    survivor = await unit.people.get(keep_id)
    assert survivor is not None
    return survivor


@dataclass(frozen=True)
class Linked:
    """The person after linking, and the platforms they now use (sorted)."""

    person: Person
    platforms: list[str]


async def link_accounts(unit: Unit, code: str, person_id: int, now: datetime) -> Linked:
    """``link`` the accounts, and say on which platforms the person is now."""
    person = await link(unit, code, person_id, now)
    assert person.id is not None
    return Linked(person, sorted({i.platform for i in await unit.people.identities_of(person.id)}))


async def set_language(unit: Unit, person_id: int, code: str) -> None:
    """The language the person chose to be spoken to in."""
    await unit.people.set_language(person_id, code)


async def set_timezone(unit: Unit, person_id: int, zone: str | None) -> None:
    """The time zone the person chose (an IANA name), or None to forget it."""
    await unit.people.set_timezone(person_id, zone)
