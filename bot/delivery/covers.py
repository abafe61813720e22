"""Cover for a missed meeting (issue 14), through the outbox: the request to the circle's other
facilitators and the team's organizers, the answers, the learners told who leads the meeting,
and the offer to cancel it when nobody has accepted by ``delivery.cover_deadline_hours``.

Every message is keyed by the meeting, the instant the request was made and the person, so each
goes out once per request (asking again after a withdrawal is a new request). Whether one is
still wanted when its turn comes is ``domain.delivery.cover_unwanted`` / ``cover_news_unwanted``:
a request someone covered, or the facilitator withdrew, asks and offers nothing more.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from bot.actions import AnswerCover, CancelUncovered, WithdrawCover, stored
from bot.conversation.messages import Button, Reply
from bot.delivery.messages import Snapshot
from bot.i18n import Translator
from bot.views.circles import meeting_fields
from domain.cover import Cover
from domain.delivery import LEFT, Drop, cover_news_unwanted, cover_offer_due_now, cover_unwanted
from domain.model import Circle, Meeting
from storage.outbox import NewMessage, OutboxRow
from storage.unit import Unit

COVER_ASKED = "cover_asked"  # to each facilitator and organizer who may cover, with the buttons
COVER_ANSWER = "cover_answer"  # to the asker (accepted, declined) and the others asked (taken)
COVER_LEAD = "cover_lead"  # to the learners: who leads the meeting
COVER_OFFER = "cover_offer"  # to the asker: nobody covers, cancel the meeting?
ACCEPTED, DECLINED, TAKEN = "accepted", "declined", "taken"


def _key(cover: Cover, what: str, person_id: int) -> str:
    return f"cover:{cover.meeting_id}:{int(cover.asked_at.timestamp() * 1_000_000)}:{what}:{person_id}"


def _message(
    cover: Cover, kind: str, what: str, person_id: int, now: datetime, about: int, **more: object
) -> NewMessage:
    return NewMessage(
        key=_key(cover, what, person_id),
        kind=kind,
        person_id=person_id,
        due_at=now,
        payload={"about": about, **more},
        circle_id=cover.circle_id,
        meeting_id=cover.meeting_id,
    )


def asked(cover: Cover, helpers: Iterable[int], now: datetime) -> list[NewMessage]:
    """The request, once to each of ``helpers`` (never to the asker)."""
    return [_message(cover, COVER_ASKED, "ask", p, now, cover.asked_by) for p in helpers if p != cover.asked_by]


def covered(cover: Cover, helpers: Iterable[int], learners: Iterable[int], now: datetime) -> list[NewMessage]:
    """Someone covers the meeting: the asker, the others asked and the learners are told."""
    leader = cover.leader()
    assert leader is not None
    told = [_message(cover, COVER_ANSWER, ACCEPTED, cover.asked_by, now, leader, answer=ACCEPTED)]
    told += [
        _message(cover, COVER_ANSWER, TAKEN, p, now, leader, answer=TAKEN)
        for p in helpers
        if p not in (leader, cover.asked_by)
    ]
    told += [_message(cover, COVER_LEAD, "lead", p, now, leader) for p in learners]
    return told


def declined(cover: Cover, person_id: int, now: datetime) -> NewMessage:
    return _message(cover, COVER_ANSWER, f"{DECLINED}-{person_id}", cover.asked_by, now, person_id, answer=DECLINED)


def offers_due(
    schedules: Mapping[int, Sequence[Meeting]], opened: Mapping[int, Cover], deadline: timedelta, now: datetime
) -> list[NewMessage]:
    """The offers to cancel a meeting whose request nobody accepted, once due (planned by the
    outbox planner for the circles it looks at)."""
    offers = []
    for meetings in schedules.values():
        for meeting in meetings:
            cover = opened.get(meeting.id or 0)
            at = cover_offer_due_now(meeting, cover, deadline, now)
            if cover is not None and at is not None:
                offer = _message(cover, COVER_OFFER, "offer", cover.asked_by, at, cover.asked_by)
                offers.append(offer)
    return offers


def _wanted(row: OutboxRow, snap: Snapshot, *, leader: int | None = None) -> tuple[Circle, Meeting] | Drop:
    """The circle and meeting of a cover message still wanted: a request or an offer
    (``cover_unwanted``), or, with ``leader``, news that they lead it (``cover_news_unwanted``)."""
    circle = snap.circles.get(row.circle_id or 0)
    meeting = snap.meeting(row.circle_id, row.meeting_id)
    if circle is None or meeting is None:
        return Drop("meeting removed")
    cover = snap.covers.get(meeting.id or 0)
    if leader is None:
        dropped = cover_unwanted(circle, meeting, cover, snap.now)
    else:
        dropped = cover_news_unwanted(circle, meeting, cover, snap.now, leader=leader)
    return dropped if dropped is not None else (circle, meeting)


def render_asked(row: OutboxRow, snap: Snapshot, t: Translator) -> Reply | Drop:
    found = _wanted(row, snap)
    if isinstance(found, Drop):
        return found
    circle, meeting = found
    if not snap.extra.get(row.id):
        return Drop("no longer runs the circle")  # a co-facilitator removed, an organizer who left
    asker = int(row.payload["about"])
    if asker not in snap.facilitators.get(circle.id or 0, set()):
        return Drop("the asker no longer facilitates the circle")
    name = snap.names.get(asker, "?")
    text = t(
        "{name} cannot lead meeting {number} of {circle} ({when}). Could you cover it? "
        "The first to say yes leads it, and the learners are told.",
        name=name,
        **meeting_fields(t, circle, meeting),
    )
    meeting_id = stored(meeting.id)
    buttons = [
        [
            Button(t("I'll cover it"), AnswerCover(meeting_id, True).token),
            Button(t("I can't"), AnswerCover(meeting_id, False).token),
        ]
    ]
    return Reply(text=text, buttons=buttons)


def render_answer(row: OutboxRow, snap: Snapshot, t: Translator) -> Reply | Drop:
    about = int(row.payload["about"])
    name, answer = snap.names.get(about, "?"), row.payload.get("answer")
    # A "no" is no news once someone else covers the meeting; a "yes" only while they still do.
    found = _wanted(row, snap, leader=None if answer == DECLINED else about)
    if isinstance(found, Drop):
        return found
    circle, meeting = found
    if answer == DECLINED:
        text = t(
            "{name} cannot cover meeting {number} of {circle} ({when}).",
            name=name,
            **meeting_fields(t, circle, meeting),
        )
    elif answer == ACCEPTED:
        text = t(
            "Good news: {name} covers meeting {number} of {circle} ({when}) for you. The learners are told.",
            name=name,
            **meeting_fields(t, circle, meeting),
        )
    else:
        text = t(
            "{name} covers meeting {number} of {circle} ({when}): no need to answer any more. Thank you!",
            name=name,
            **meeting_fields(t, circle, meeting),
        )
    return Reply(text=text)


def render_lead(row: OutboxRow, snap: Snapshot, t: Translator) -> Reply | Drop:
    about = int(row.payload["about"])
    found = _wanted(row, snap, leader=about)
    if isinstance(found, Drop):
        return found
    circle, meeting = found
    if row.person_id not in snap.learners.get(circle.id or 0, set()):
        return Drop(LEFT)
    text = t(
        "{circle}: meeting {number} ({when}) is led by {name} this time.",
        name=snap.names.get(about, "?"),
        **meeting_fields(t, circle, meeting),
    )
    return Reply(text=text)


def render_offer(row: OutboxRow, snap: Snapshot, t: Translator) -> Reply | Drop:
    found = _wanted(row, snap)
    if isinstance(found, Drop):
        return found
    circle, meeting = found
    if row.person_id not in snap.facilitators.get(circle.id or 0, set()):
        return Drop("no longer a facilitator")
    text = t(
        "Nobody has offered to cover meeting {number} of {circle} ({when}) yet. Cancel it? Your learners will be told.",
        **meeting_fields(t, circle, meeting),
    )
    meeting_id = stored(meeting.id)
    buttons = [
        [Button(t("Cancel the meeting"), CancelUncovered(meeting_id).token)],
        [Button(t("I can come after all"), WithdrawCover(meeting_id).token)],
    ]
    return Reply(text=text, buttons=buttons)


async def load(unit: Unit, rows: Sequence[OutboxRow], snap: Snapshot) -> None:
    """Whether each asked person still runs the circle (a facilitator, or its team's organizer)."""
    organizers: dict[int, set[int]] = {}
    for row in rows:
        circle = snap.circles.get(row.circle_id or 0)
        if circle is None or circle.id is None:
            continue
        if circle.team_id is not None and circle.team_id not in organizers:
            organizers[circle.team_id] = set(await unit.teams.organizer_ids(circle.team_id))
        runs = snap.facilitators.get(circle.id, set()) | organizers.get(circle.team_id or 0, set())
        snap.extra[row.id] = row.person_id in runs


LOADERS = {COVER_ASKED: load}
RENDERERS = {COVER_ASKED: render_asked, COVER_ANSWER: render_answer, COVER_LEAD: render_lead, COVER_OFFER: render_offer}
