"""L4 and F6: the end-of-circle surveys, opened by the people they are meant for and saved."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.errors import NotAllowed, NotFound, SurveyTooEarly
from domain.model import Circle, CirclePhase, SurveyResponse
from domain.schedule import phase
from storage.surveys import FACILITATOR, LEARNER
from storage.unit import Unit


async def open_survey(unit: Unit, circle_id: int, person_id: int, *, facilitator: bool, now: datetime) -> Circle:
    """The circle whose survey the person may answer: the facilitator survey for one of its
    facilitators; the learner survey for an active learner, once the circle has met."""
    circle = await unit.circles.get(circle_id)
    if circle is None:
        raise NotFound()
    if facilitator:
        if person_id not in await unit.circles.facilitator_ids(circle_id):
            raise NotAllowed()
        return circle
    signup = await unit.signups.get(circle_id, person_id)
    if signup is None or not signup.active:
        raise NotAllowed()
    if phase(await unit.circles.meetings(circle_id), now) is CirclePhase.UPCOMING:
        raise SurveyTooEarly()  # a survey about meetings that have not happened
    return circle


async def answer_learner_survey(
    unit: Unit, circle_id: int, person_id: int, answers: dict[str, Any], now: datetime
) -> None:
    """L4: a learner's answers; answering again replaces them."""
    await unit.surveys.save(SurveyResponse(circle_id, person_id, LEARNER, answers, now))


async def answer_facilitator_survey(
    unit: Unit, circle_id: int, person_id: int, answers: dict[str, Any], now: datetime
) -> None:
    """F6: a facilitator's answers; answering again replaces them."""
    await unit.surveys.save(SurveyResponse(circle_id, person_id, FACILITATOR, answers, now))
