"""F7: the end-of-circle report's figures, computed from what the circle recorded."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from statistics import fmean

from bot.usecases.circles import load_managed
from domain.attendance import came, held
from domain.model import Circle, Meeting, MeetingFeedback, SurveyResponse
from domain.roles import Capability
from storage.surveys import FACILITATOR, LEARNER
from storage.unit import Unit

LEARNER_SCALES = ("goal_met", "confidence", "recommend")


@dataclass
class MeetingFigures:
    meeting: Meeting
    held: bool
    yes: int
    no: int
    no_answer: int
    attendance: int | None  # from the facilitator's feedback, when given
    rating: int | None
    reflection: str | None
    reflection_by: int | None = None  # the facilitator who wrote it
    checked_in: int = 0  # learners who checked in themselves

    @property
    def attended(self) -> int | None:
        """How many came (``domain.attendance.came``): confirmed, else checked in; never RSVPs."""
        return came(self.attendance, self.checked_in, held=self.held)

    @property
    def feedback_given(self) -> bool:
        return self.reflection_by is not None


@dataclass
class Report:
    circle: Circle
    signups: int
    meetings: list[MeetingFigures]
    learner_surveys: list[SurveyResponse] = field(default_factory=list)
    facilitator_surveys: list[SurveyResponse] = field(default_factory=list)
    # Facilitators who chose to include their reflections and survey comment in the learners' copy.
    shared_by: set[int] = field(default_factory=set)
    facilitator_ids: list[int] = field(default_factory=list)

    @property
    def held(self) -> list[MeetingFigures]:
        return [m for m in self.meetings if m.held]

    @property
    def cancelled(self) -> int:
        return sum(1 for m in self.meetings if m.meeting.cancelled)

    @property
    def rsvp_rate(self) -> float | None:
        """Share of possible RSVPs (learners × meetings not cancelled) that got an answer."""
        counted = [m for m in self.meetings if not m.meeting.cancelled]
        possible = sum(m.yes + m.no + m.no_answer for m in counted)
        return (sum(m.yes + m.no for m in counted) / possible) if possible else None

    @property
    def average_rating(self) -> float | None:
        ratings = [m.rating for m in self.meetings if m.rating is not None]
        return fmean(ratings) if ratings else None

    def learner_average(self, scale: str) -> float | None:
        values = [r.answers[scale] for r in self.learner_surveys if isinstance(r.answers.get(scale), int)]
        return fmean(values) if values else None


async def build(unit: Unit, circle_id: int, person_id: int, now: datetime) -> Report:
    """The report of a circle, for one of its facilitators (or its team's organizers)."""
    managed = await load_managed(unit, circle_id, person_id, Capability.REPORT)
    figures = (await circle_figures(unit, {circle_id: managed.meetings}, now))[circle_id]
    return Report(
        circle=managed.circle,
        signups=figures.signups,
        meetings=figures.meetings,
        learner_surveys=await unit.surveys.of_circle(circle_id, LEARNER),
        facilitator_surveys=await unit.surveys.of_circle(circle_id, FACILITATOR),
        shared_by=await unit.circles.sharing_reflections(circle_id),
        facilitator_ids=managed.facilitator_ids,
    )


@dataclass
class CircleFigures:
    signups: int  # learners signed up now
    meetings: list[MeetingFigures]  # those asked for, in the order asked


async def circle_figures(
    unit: Unit, meetings: Mapping[int, Sequence[Meeting]], now: datetime
) -> dict[int, CircleFigures]:
    """The figures of the given meetings of each circle (``circle id → meetings``): the one place
    that says how many came to a meeting and who said yes, for the report, its chart, the team's
    weekly chart and the early warnings. Four statements (per ``CHUNK``) for any number of
    circles."""
    learners = await unit.signups.learners_of(sorted(meetings))
    meeting_ids = [m.id for found in meetings.values() for m in found if m.id is not None]
    answers = {(r.meeting_id, r.person_id): r.attending for r in await unit.rsvps.of_meetings(meeting_ids)}
    given = sorted(await unit.feedback.of_meetings(meeting_ids), key=lambda f: f.created_at or now)
    latest = {f.meeting_id: f for f in given}  # a later facilitator's feedback wins
    checked_in: dict[int, int] = {}
    for row in await unit.attendance.of_meetings(meeting_ids):
        if row.checked_in_at is not None:
            checked_in[row.meeting_id] = checked_in.get(row.meeting_id, 0) + 1
    return {
        circle_id: CircleFigures(
            len(learners[circle_id]),
            [_figures(m, learners[circle_id], answers, latest.get(m.id or 0), checked_in, now) for m in found],
        )
        for circle_id, found in meetings.items()
    }


def _figures(
    meeting: Meeting,
    learners: set[int],
    answers: Mapping[tuple[int, int], bool],
    given: MeetingFeedback | None,
    checked_in: Mapping[int, int],
    now: datetime,
) -> MeetingFigures:
    said = [answers.get((meeting.id or 0, p)) for p in learners]
    return MeetingFigures(
        meeting=meeting,
        held=held(meeting, now),
        yes=sum(1 for a in said if a is True),
        no=sum(1 for a in said if a is False),
        no_answer=sum(1 for a in said if a is None),
        attendance=given.attendance if given else None,
        rating=given.rating if given else None,
        reflection=given.reflection if given else None,
        reflection_by=given.person_id if given else None,
        checked_in=checked_in.get(meeting.id or 0, 0),
    )


async def share_reflections(unit: Unit, circle_id: int, person_id: int, share: bool) -> Circle:
    """A facilitator's choice: does the learners' copy quote their reflections and survey comment?

    Stored, not applied to a text: the copies are rendered when they are sent, with the choice
    current then."""
    # An organizer has no reflections of their own in the circle: only facilitators choose.
    managed = await load_managed(unit, circle_id, person_id, Capability.SHARE_REFLECTIONS)
    await unit.circles.set_shares_reflections(circle_id, person_id, share)
    return managed.circle


async def share_and_build(unit: Unit, circle_id: int, person_id: int, share: bool, now: datetime) -> Report:
    """F7: store the facilitator's choice (``share_reflections``) and return the report as it reads now."""
    await share_reflections(unit, circle_id, person_id, share)
    return await build(unit, circle_id, person_id, now)
