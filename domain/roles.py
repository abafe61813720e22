"""The role model: who may see and do what with a circle and a team (SPEC §1, docs/roles.md).

A person's roles are worked out for one circle (or one team) from the facts: facilitating it (as
lead or co-facilitator), being signed up, being an organizer or a member of the circle's team.
Each capability names the roles that have it; a person may do a thing when any of their roles
may. The table below is the one written rule; ``docs/roles.md`` shows it to people, and a test
checks every button of the bot against it.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable

from domain.errors import LeadOnly, NotAllowed, NotOrganizer
from domain.model import Facilitator, FacilitatorRole, TeamRole


class Role(enum.StrEnum):
    STRANGER = "stranger"
    LEARNER = "learner"
    LEAD = "lead facilitator"
    CO_FACILITATOR = "co-facilitator"
    TEAM_MEMBER = "team member"
    ORGANIZER = "organizer"


class Capability(enum.StrEnum):
    """Everything a person can ask the bot to do with a circle or a team."""

    # Anyone, about themselves: their language, linked accounts, data, answers to their own questions
    OWN_ACCOUNT = "look after one's own account and answer one's own questions"
    VIEW_CARD = "see a published circle's card"
    SIGN_UP = "sign up for a circle, or join its waitlist"
    # Learners of the circle
    RSVP = "RSVP to its meetings"
    CHECK_IN = "check in at a meeting (I'm here)"
    CALENDAR = "get a published circle's calendar file"
    LEAVE_CIRCLE = "leave the circle"
    ANSWER_SURVEY = "answer the end-of-circle survey"
    # Running a circle
    MANAGE = "open the circle's management view"
    VIEW_SIGNUPS = "see who signed up, with their answers and RSVPs"
    EXPORT_SIGNUPS = "export the signups as a CSV file"
    CHANGE_MEETINGS = "reschedule, cancel or add a meeting"
    CHANGE_VENUE = "change the venue"
    OPEN_SIGNUP = "close or reopen signup, change its limit"
    MESSAGE_LEARNERS = "write to all learners"
    EDIT_REMINDERS = "edit reminders"
    GIVE_FEEDBACK = "give feedback on a meeting and confirm who came"
    ASK_COVER = "ask for cover for a meeting one cannot lead"
    COVER_MEETING = "cover a meeting for its facilitator"
    REPORT = "see and send the end-of-circle report"
    SHARE_REFLECTIONS = "include one's own reflections in the learners' report"
    PUBLISH = "publish a draft"
    CANCEL_CIRCLE = "cancel the whole circle"
    INVITE_FACILITATOR = "invite a co-facilitator"
    REMOVE_FACILITATOR = "remove a co-facilitator"
    STEP_DOWN = "step down as co-facilitator"
    # Teams
    VIEW_TEAM = "see the team's name, its organizers and one's own circles"
    VIEW_TEAM_MEMBERS = "see the team's members"
    VIEW_TEAM_CIRCLES = "see and manage all the team's circles"
    VIEW_TEAM_WEEK = "see this week's meetings across the team"
    VIEW_TEAM_FEEDBACK = "read facilitators' feedback and reflections"
    INVITE_TO_TEAM = "invite facilitators and organizers"
    APPROVE_JOINING = "approve or decline a request to join"
    REMOVE_FROM_TEAM = "remove a member"
    CHOOSE_SUMMARY = "choose where and when the weekly summary goes"
    LEAVE_TEAM = "leave the team"
    CLOSE_TEAM = "close the team"
    CREATE_TEAM = "create a team"


S, L, LEAD, CO, M, ORG = (
    Role.STRANGER,
    Role.LEARNER,
    Role.LEAD,
    Role.CO_FACILITATOR,
    Role.TEAM_MEMBER,
    Role.ORGANIZER,
)
EVERYONE = frozenset(Role)
RUNS = frozenset({LEAD, CO, ORG})  # the circle's facilitators and its team's organizers

RULES: dict[Capability, frozenset[Role]] = {
    Capability.OWN_ACCOUNT: EVERYONE,
    Capability.VIEW_CARD: EVERYONE,
    Capability.SIGN_UP: EVERYONE,
    Capability.RSVP: frozenset({L}),
    Capability.CHECK_IN: frozenset({L}),
    Capability.CALENDAR: EVERYONE,  # a published circle's meetings are on its public card too
    Capability.LEAVE_CIRCLE: frozenset({L}),
    # Learners answer theirs, facilitators theirs (the survey dialog checks which one).
    Capability.ANSWER_SURVEY: frozenset({L, LEAD, CO}),
    Capability.MANAGE: RUNS,
    Capability.VIEW_SIGNUPS: RUNS,
    # A file of everyone's answers leaves the chat for good: the lead and the organizers decide that.
    Capability.EXPORT_SIGNUPS: frozenset({LEAD, ORG}),
    Capability.CHANGE_MEETINGS: RUNS,
    Capability.CHANGE_VENUE: RUNS,
    Capability.OPEN_SIGNUP: RUNS,
    Capability.MESSAGE_LEARNERS: RUNS,
    Capability.EDIT_REMINDERS: RUNS,
    # Feedback is a facilitator's own account of a meeting they ran.
    Capability.GIVE_FEEDBACK: frozenset({LEAD, CO}),
    # Cover (issue 14): a facilitator who cannot come asks; the other facilitators and the team's
    # organizers may lead the meeting instead (the asker does not cover their own: domain/cover.py).
    Capability.ASK_COVER: frozenset({LEAD, CO}),
    Capability.COVER_MEETING: RUNS,
    Capability.REPORT: RUNS,
    # Only the author of a reflection decides whether learners read it.
    Capability.SHARE_REFLECTIONS: frozenset({LEAD, CO}),
    Capability.PUBLISH: frozenset({LEAD, ORG}),
    Capability.CANCEL_CIRCLE: frozenset({LEAD, ORG}),
    Capability.INVITE_FACILITATOR: frozenset({LEAD, ORG}),
    Capability.REMOVE_FACILITATOR: frozenset({LEAD, ORG}),
    Capability.STEP_DOWN: frozenset({CO}),
    Capability.VIEW_TEAM: frozenset({M, ORG}),
    Capability.VIEW_TEAM_MEMBERS: frozenset({ORG}),
    Capability.VIEW_TEAM_CIRCLES: frozenset({ORG}),
    Capability.VIEW_TEAM_WEEK: frozenset({ORG}),
    Capability.VIEW_TEAM_FEEDBACK: frozenset({ORG}),
    Capability.INVITE_TO_TEAM: frozenset({ORG}),
    Capability.APPROVE_JOINING: frozenset({ORG}),
    Capability.REMOVE_FROM_TEAM: frozenset({ORG}),
    Capability.CHOOSE_SUMMARY: frozenset({ORG}),
    Capability.LEAVE_TEAM: frozenset({M, ORG}),
    Capability.CLOSE_TEAM: frozenset({ORG}),
    Capability.CREATE_TEAM: frozenset({S}),
}

# Capabilities about a team rather than one circle: refusals name the organizers.
TEAM_CAPABILITIES = frozenset(c for c in Capability if c.name.startswith(("VIEW_TEAM", "CHOOSE", "APPROVE")))
TEAM_CAPABILITIES |= {
    Capability.INVITE_TO_TEAM,
    Capability.REMOVE_FROM_TEAM,
    Capability.LEAVE_TEAM,
    Capability.CLOSE_TEAM,
    Capability.CREATE_TEAM,
}


def roles_in_circle(
    person_id: int,
    facilitators: Iterable[Facilitator],
    organizer_ids: Collection[int] = (),
    *,
    signed_up: bool = False,
    team_member_ids: Collection[int] = (),
) -> frozenset[Role]:
    """What this person is to one circle; a stranger when nothing else."""
    roles: set[Role] = set()
    for facilitator in facilitators:
        if facilitator.person_id == person_id:
            roles.add(LEAD if facilitator.role is FacilitatorRole.LEAD else CO)
    if person_id in organizer_ids:
        roles.add(ORG)
    elif person_id in team_member_ids:
        roles.add(M)
    if signed_up:
        roles.add(L)
    return frozenset(roles) or frozenset({S})


def roles_in_team(role: TeamRole | None) -> frozenset[Role]:
    if role is TeamRole.ORGANIZER:
        return frozenset({ORG})
    if role is TeamRole.MEMBER:
        return frozenset({M})
    return frozenset({S})


def may(roles: Collection[Role], capability: Capability) -> bool:
    return any(role in RULES[capability] for role in roles)


# Whoever covers a meeting (issue 14) acts for that one meeting as its facilitator would: an
# organizer who led it gives its feedback, though organizers give none for meetings they did not run.
COVERING = frozenset({Capability.GIVE_FEEDBACK})


def may_for_meeting(roles: Collection[Role], capability: Capability, *, covers: bool) -> bool:
    """``may``, for one meeting: the person who covers it also has the COVERING capabilities."""
    return may(roles, capability) or (covers and capability in COVERING)


def check_for_meeting(roles: Collection[Role], capability: Capability, *, covers: bool) -> None:
    if not (covers and capability in COVERING):
        check(roles, capability)


def check(roles: Collection[Role], capability: Capability) -> None:
    """Raise the refusal for a person with these roles who asks for ``capability``."""
    if may(roles, capability):
        return
    if capability in TEAM_CAPABILITIES and M in roles:
        raise NotOrganizer()  # a member is told this is for the team's organizers
    if CO in roles and LEAD in RULES[capability]:
        raise LeadOnly()
    raise NotAllowed()
