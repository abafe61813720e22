"""The authorization matrix: every button verb × every role × own and other circle and team.

The cast and their circles are made through the terminal chat, as people would. Then every verb of
the bot's action table is pressed by every member of the cast, against their own circle and team
and against another team's; wherever the role model (domain/roles.py) says no, the answer must be
a refusal and the database must not change. The verbs come from the action table itself: a new
verb without a rule in the role model, or without a sample token here, fails this test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Literal, get_args, get_origin, get_type_hints

from sqlalchemy import select

from adapters.console.driver import PLATFORM, ConsoleDriver
from bot.actions import ACTIONS, Action, RemoveCoFacilitator, RemoveCoFacilitatorConfirmed
from bot.app import Core
from bot.texts import DOMAIN_ERRORS
from domain.roles import TEAM_CAPABILITIES, Capability, Role, may, roles_in_circle, roles_in_team
from storage.tables import metadata, processed_updates
from storage.unit import unit_of_work
from tests.e2e.flows import BERLIN_CIRCLE, create_circle, sign_up
from tests.e2e.test_team import invite_link, join, make_team

CAST = ("olga", "fiona", "carl", "mia", "alice", "sam")  # organizer, lead, co, member, learner, stranger


@dataclass
class Scope:
    """The ids a token may carry: of the cast's own circle and team, or of another team's."""

    circle: int
    meeting: int
    member: int  # a member of the team, not the presser's own id
    co: int  # a co-facilitator of the circle
    request: int  # a request to join the team


# Values for the text fields of an action: any well-formed value will do.
TEXTS = {"code": "tnosuchcode", "step": "step", "value": "value"}


def _sample(kind: object, name: str) -> object:
    if kind is bool:
        return True
    if get_origin(kind) is Literal:
        return get_args(kind)[0]
    return TEXTS[name]


def token(kind: type[Action], scope: Scope) -> str:
    """A token for ``kind`` aimed at the scope's circle, meeting, member or request, by field name."""
    ids = {"circle_id": scope.circle, "meeting_id": scope.meeting, "request_id": scope.request}
    ids["person_id"] = scope.co if kind in (RemoveCoFacilitator, RemoveCoFacilitatorConfirmed) else scope.member
    hints = get_type_hints(kind)
    values = {f.name: ids[f.name] if f.name in ids else _sample(hints[f.name], f.name) for f in fields(kind)}
    return kind(**values).token


def _pattern(template: str) -> re.Pattern[str]:
    """A refusal's English text with any value where it has a {placeholder}."""
    return re.compile(".*".join(re.escape(part) for part in re.split(r"\{\w+\}", template)))


REFUSALS = [_pattern(text) for text in DOMAIN_ERRORS.values()]


def refused(answer: str) -> bool:
    answer = answer.removeprefix("(updated) ")  # how the terminal shows an edited message
    return any(pattern.search(answer) for pattern in REFUSALS) or answer.startswith("You are not signed up for")


async def _ids(app: Core) -> dict[str, int]:
    async with unit_of_work(app.db) as unit:
        people = {}
        for name in (*CAST, "uma", "bob", "pat", "quinn"):
            person = await unit.people.by_identity(PLATFORM, name)
            assert person is not None and person.id is not None, name
            people[name] = person.id
        return people


async def _snapshot(app: Core) -> dict[str, list[tuple[object, ...]]]:
    """Every table but the record of handled updates, which each press adds to by design."""
    async with app.db.engine.connect() as conn:
        tables = [t for t in metadata.sorted_tables if t is not processed_updates]
        return {t.name: sorted(map(tuple, await conn.execute(select(t))), key=repr) for t in tables}


async def _seed(chat: ConsoleDriver) -> None:
    await make_team(chat, organizer="olga")
    await join(chat, await invite_link(chat, organizer="olga"), "fiona")
    await join(chat, await invite_link(chat, organizer="olga"), "mia")
    code = await create_circle(chat, as_="fiona")
    await chat.say("/mycircles", as_="fiona")
    await chat.press("Python for Everybody")
    invite = re.search(r"/start (f\w+)", await chat.press("Add a co-facilitator"))
    assert invite
    await chat.say(f"/start {invite.group(1)}", as_="carl")
    await sign_up(chat, code, "alice", "Build a website", "Bring snacks", "A blog")
    await chat.say("/help", as_="sam")
    # Another team, with its own circle, member and a request to join.
    await make_team(chat, organizer="uma")
    await join(chat, await invite_link(chat, organizer="uma"), "bob")
    await create_circle(
        chat, [*BERLIN_CIRCLE[:1], "https://www.py4e.com", "Python in Hamburg", *BERLIN_CIRCLE[3:]], as_="bob"
    )
    for organizer, asking in (("olga", "pat"), ("uma", "quinn")):
        await chat.say("/team", as_=organizer)
        await chat.press("Invite a facilitator")
        link = re.search(r"/start (t\w+)", await chat.press("A link for several people"))
        assert link
        await join(chat, link.group(1), asking)


async def _scopes(app: Core, people: dict[str, int]) -> tuple[Scope, Scope]:
    async with unit_of_work(app.db) as unit:
        own, other = (
            (await unit.circles.facilitated_by(people["fiona"]))[0],
            (await unit.circles.facilitated_by(people["bob"]))[0],
        )
        assert own.id is not None and other.id is not None
        own_meeting = (await unit.circles.meetings(own.id))[1].id
        other_meeting = (await unit.circles.meetings(other.id))[1].id
        assert own_meeting is not None and other_meeting is not None
        requests = {}
        for team_id, asking in ((own.team_id, "pat"), (other.team_id, "quinn")):
            asked, _ = await unit.join_requests.ask(team_id or 0, people[asking], app.clock.now())
            requests[asking] = asked.id
    return (
        Scope(own.id, own_meeting, people["mia"], people["carl"], requests["pat"]),
        Scope(other.id, other_meeting, people["bob"], people["carl"], requests["quinn"]),
    )


@dataclass
class Roles:
    """What each of the cast is, from the stored facts: to each scope's circle, and in their team."""

    in_circle: dict[tuple[str, int], frozenset[Role]]
    in_team: dict[str, frozenset[Role]]

    def allow(self, capability: Capability, name: str, scope: Scope) -> bool:
        if capability in TEAM_CAPABILITIES:
            return may(self.in_team[name], capability)
        return may(self.in_circle[name, scope.circle], capability)


async def _roles(app: Core, people: dict[str, int], scopes: tuple[Scope, ...]) -> Roles:
    roles = Roles({}, {})
    async with unit_of_work(app.db) as unit:
        for name in CAST:
            member = await unit.teams.membership(people[name])
            roles.in_team[name] = roles_in_team(member.role if member else None)
            for scope in scopes:
                circle = await unit.circles.get(scope.circle)
                assert circle is not None and circle.id is not None
                organizers = await unit.teams.organizer_ids(circle.team_id) if circle.team_id else []
                signup = await unit.signups.get(circle.id, people[name])
                roles.in_circle[name, scope.circle] = roles_in_circle(
                    people[name],
                    await unit.circles.facilitators(circle.id),
                    organizers,
                    signed_up=signup is not None and signup.active,
                )
    return roles


async def test_every_verb_is_refused_to_every_role_the_role_model_excludes(chat: ConsoleDriver, app: Core) -> None:
    assert set(app.handlers) == set(ACTIONS.values())
    await _seed(chat)
    people = await _ids(app)
    own, other = await _scopes(app, people)
    roles = await _roles(app, people, (own, other))
    assert roles.in_circle["carl", own.circle] == {Role.CO_FACILITATOR}  # the cast is what it says
    before = await _snapshot(app)
    checked = 0
    for verb, kind in sorted(ACTIONS.items()):
        capability = kind.capability
        if capability is Capability.OWN_ACCOUNT:
            continue  # about the presser alone: no one else's circle or team to protect
        for name in CAST:
            for scope in (own, other):
                if roles.allow(capability, name, scope):
                    continue
                answer = await chat.press_token(token(kind, scope), as_=name)
                assert refused(answer), f"{name} pressed {token(kind, scope)} ({capability}): {answer!r}"
                checked += 1
        assert await _snapshot(app) == before, f"a refused {verb!r} changed the database"
    assert checked > 300  # the matrix really ran: most pairs are refusals
