"""The role model (domain/roles.py): what each role may do, worked out from the facts."""

from __future__ import annotations

import pytest

from domain.errors import LeadOnly, NotAllowed, NotOrganizer
from domain.model import Facilitator, FacilitatorRole, TeamRole
from domain.roles import RULES, Capability, Role, check, may, roles_in_circle, roles_in_team

FACILITATORS = [Facilitator(1, 10, FacilitatorRole.LEAD), Facilitator(1, 11, FacilitatorRole.CO)]


def test_roles_in_a_circle_come_from_the_facts() -> None:
    assert roles_in_circle(10, FACILITATORS) == {Role.LEAD}
    assert roles_in_circle(11, FACILITATORS, organizer_ids=[11]) == {Role.CO_FACILITATOR, Role.ORGANIZER}
    assert roles_in_circle(12, FACILITATORS, signed_up=True) == {Role.LEARNER}
    assert roles_in_circle(13, FACILITATORS, team_member_ids=[13]) == {Role.TEAM_MEMBER}
    assert roles_in_circle(14, FACILITATORS) == {Role.STRANGER}


def test_every_capability_has_a_rule() -> None:
    assert set(RULES) == set(Capability)


def test_a_co_facilitator_runs_meetings_but_the_lead_decides_about_the_circle() -> None:
    co = roles_in_circle(11, FACILITATORS)
    for allowed in (Capability.CHANGE_MEETINGS, Capability.MESSAGE_LEARNERS, Capability.VIEW_SIGNUPS):
        assert may(co, allowed)
    for capability in (Capability.CANCEL_CIRCLE, Capability.INVITE_FACILITATOR, Capability.EXPORT_SIGNUPS):
        with pytest.raises(LeadOnly):
            check(co, capability)
    check(co, Capability.STEP_DOWN)
    with pytest.raises(NotAllowed):
        check(roles_in_circle(10, FACILITATORS), Capability.STEP_DOWN)  # the lead hands over, not steps down


def test_organizers_read_reflections_and_members_do_not() -> None:
    check(roles_in_team(TeamRole.ORGANIZER), Capability.VIEW_TEAM_FEEDBACK)
    with pytest.raises(NotOrganizer):
        check(roles_in_team(TeamRole.MEMBER), Capability.VIEW_TEAM_FEEDBACK)
    with pytest.raises(NotAllowed):
        check(roles_in_team(None), Capability.VIEW_TEAM)
    assert may(roles_in_team(None), Capability.CREATE_TEAM)
    assert not may(roles_in_team(TeamRole.MEMBER), Capability.CREATE_TEAM)


def test_organizers_manage_but_do_not_give_feedback_on_meetings_they_did_not_run() -> None:
    organizer = roles_in_circle(20, FACILITATORS, organizer_ids=[20])
    assert may(organizer, Capability.CANCEL_CIRCLE)
    assert not may(organizer, Capability.GIVE_FEEDBACK)
