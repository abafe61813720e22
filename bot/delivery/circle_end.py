"""The end of a circle: survey invitations (L4, F6), the report offered to facilitators and the
report sent to learners and organizers (F7, L5). Each goes out once per person and circle.

- the learner survey from one hour before the last meeting starts;
- the facilitator survey two days after the last meeting ends;
- the report offer to the facilitators once the last meeting has ended;
- the report itself when a facilitator chooses to send it (``send_report``).

Only published circles take part: a cancelled circle gets no surveys.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.actions import PreviewReport, StartSurvey
from bot.conversation.messages import Button, Reply
from bot.delivery.messages import Snapshot
from bot.i18n import Translator
from bot.usecases import report as report_cases
from bot.views.report import report_chart, report_text
from domain.delivery import (
    Drop,
    circle_unwanted,
    facilitator_survey_due,
    learner_survey_due,
    report_offer_due,
    stale,
    survey_unwanted,
    worth_inviting,
)
from domain.model import Meeting
from storage.outbox import NewMessage, OutboxRow
from storage.surveys import FACILITATOR, LEARNER
from storage.unit import Unit

LEARNER_SURVEY = "learner_survey"
FACILITATOR_SURVEY = "facilitator_survey"
REPORT_OFFER = "report_offer"
REPORT = "report"


def invitations(
    schedules: Mapping[int, Sequence[Meeting]],
    learners: Mapping[int, Sequence[int]],
    facilitators: Mapping[int, Sequence[int]],
    now: datetime,
) -> list[NewMessage]:
    """The invitations of these published circles whose time has come (and is not long past)."""
    messages: list[NewMessage] = []

    def invite(kind: str, people: Sequence[int], circle_id: int, due: datetime | None) -> None:
        if due is not None and worth_inviting(due, now):
            messages.extend(
                NewMessage(key=f"{kind}:{circle_id}:{p}", kind=kind, person_id=p, due_at=due, circle_id=circle_id)
                for p in people
            )

    for circle_id, meetings in schedules.items():
        invite(LEARNER_SURVEY, learners[circle_id], circle_id, learner_survey_due(meetings))
        invite(FACILITATOR_SURVEY, facilitators[circle_id], circle_id, facilitator_survey_due(meetings))
        offer = report_offer_due(meetings)
        if offer is not None and stale(offer, now) is None:  # an offer is not made late
            invite(REPORT_OFFER, facilitators[circle_id], circle_id, offer)
    return messages


async def send_report(unit: Unit, circle_id: int, person_id: int, now: datetime) -> int:
    """F7: queue the report for every learner and the team's organizers; returns how many are new.

    A second "send" adds only people who did not get it yet (new signups, new organizers).
    """
    figures = await report_cases.build(unit, circle_id, person_id, now)  # also checks who may send it
    readers = [s.person_id for s in await unit.signups.active_for_circle(circle_id)]
    if figures.circle.team_id is not None:
        readers += await unit.teams.organizer_ids(figures.circle.team_id)
    return await unit.outbox.add(
        [
            NewMessage(key=f"{REPORT}:{circle_id}:{p}", kind=REPORT, person_id=p, due_at=now, circle_id=circle_id)
            for p in dict.fromkeys(readers)
            if p != person_id
        ],
        now,
    )


async def load(unit: Unit, rows: Sequence[OutboxRow], snap: Snapshot) -> None:
    answered = {
        (r.circle_id or 0, kind): {s.person_id for s in await unit.surveys.of_circle(r.circle_id or 0, kind)}
        for r in rows
        for kind in (LEARNER, FACILITATOR)
    }
    for row in rows:
        if row.kind == REPORT:
            # The report is computed with a facilitator's rights (an organizer's when the circle
            # has none left), as they would see it; who gets which copy is decided now, at send time.
            circle = snap.circles.get(row.circle_id or 0)
            organizers = await unit.teams.organizer_ids(circle.team_id) if circle and circle.team_id else []
            managers = sorted(snap.facilitators.get(row.circle_id or 0, set())) + sorted(organizers)
            if managers:
                figures = await report_cases.build(unit, row.circle_id or 0, managers[0], snap.now)
                snap.extra[row.id] = ReportCopy(figures, for_learners=row.person_id not in organizers)
        elif row.kind in (LEARNER_SURVEY, FACILITATOR_SURVEY):
            kind = LEARNER if row.kind == LEARNER_SURVEY else FACILITATOR
            snap.extra[row.id] = row.person_id in answered.get((row.circle_id or 0, kind), set())


def _circle(row: OutboxRow, snap: Snapshot) -> tuple[str, int] | Drop:
    circle = snap.circles.get(row.circle_id or 0)
    if (dropped := circle_unwanted(circle)) is not None:
        return dropped
    assert circle is not None and circle.id is not None
    return circle.name, circle.id


def _survey(row: OutboxRow, snap: Snapshot, *, learner: bool) -> tuple[str, int] | Drop:
    """The circle a survey invitation is about, while the rules still want it sent."""
    circle = snap.circles.get(row.circle_id or 0)
    people = snap.learners if learner else snap.facilitators
    in_role = circle is not None and row.person_id in people.get(circle.id or 0, set())
    dropped = survey_unwanted(circle, still_in_role=in_role, answered=bool(snap.extra.get(row.id)), learner=learner)
    if dropped is not None:
        return dropped
    assert circle is not None and circle.id is not None
    return circle.name, circle.id


def render_learner_survey(row: OutboxRow, snap: Snapshot, t: Translator) -> Reply | Drop:
    found = _survey(row, snap, learner=True)
    if isinstance(found, Drop):
        return found
    name, circle_id = found
    return Reply(
        text=t(
            "{circle} is coming to an end. Would you answer four short questions about it? "
            "They help your facilitator and future circles.",
            circle=name,
        ),
        buttons=[[Button(t("Answer the survey"), StartSurvey("l", circle_id).token)]],
    )


def render_facilitator_survey(row: OutboxRow, snap: Snapshot, t: Translator) -> Reply | Drop:
    found = _survey(row, snap, learner=False)
    if isinstance(found, Drop):
        return found
    name, circle_id = found
    return Reply(
        text=t("{circle} has ended. How did it go? A few questions for the circle's report.", circle=name),
        buttons=[[Button(t("Answer the survey"), StartSurvey("f", circle_id).token)]],
    )


def render_offer(row: OutboxRow, snap: Snapshot, t: Translator) -> Reply | Drop:
    if (dropped := stale(row.due_at, snap.now)) is not None:
        return dropped
    found = _circle(row, snap)
    if isinstance(found, Drop):
        return found
    name, circle_id = found
    return Reply(
        text=t(
            "The last meeting of {circle} is over. Its report is ready: attendance, feedback and survey "
            "results. Look at it, then send it to your learners.",
            circle=name,
        ),
        buttons=[[Button(t("See the report"), PreviewReport(circle_id).token)]],
    )


@dataclass(frozen=True)
class ReportCopy:
    """The report as one reader gets it: organizers read all of it, learners their copy."""

    report: report_cases.Report
    for_learners: bool


def render_report(row: OutboxRow, snap: Snapshot, t: Translator) -> Reply | Drop:
    copy = snap.extra.get(row.id)
    if not isinstance(copy, ReportCopy):
        return Drop("circle removed")
    figures = copy.report
    heading = t("The facilitators of {circle} share the circle's report:", circle=figures.circle.name)
    text = report_text(t, figures, for_learners=copy.for_learners)
    return Reply(text=f"{heading}\n\n{text}", attachment=report_chart(t, figures))


RENDERERS = {
    LEARNER_SURVEY: render_learner_survey,
    FACILITATOR_SURVEY: render_facilitator_survey,
    REPORT_OFFER: render_offer,
    REPORT: render_report,
}
LOADERS = {LEARNER_SURVEY: load, FACILITATOR_SURVEY: load, REPORT: load}
