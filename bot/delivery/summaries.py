"""O3: the weekly summary of each team, one outbox row per team and week, posted to its channel.

The row is planned once the team's summary time of the week has come (key
``summary:<team>:<monday>``, so it can never go out twice) and rendered when sent; a week with
no activity renders to ``Drop`` and nothing is posted. When the channel refuses the message
(``channel_not_found``, ``not_in_channel`` …) the team's organizers are told in their direct
chat, once per week.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from bot.conversation.messages import Reply
from bot.delivery.messages import Snapshot
from bot.delivery.reasons import reason_code
from bot.i18n import Translator
from bot.usecases.summary import WeeklySummary, summary_due, weekly_summaries
from bot.views.summary import summary_reply
from domain.delivery import Drop, stale
from domain.model import Team
from domain.schedule import week_of
from storage.outbox import NewMessage, OutboxRow
from storage.planning import NEVER
from storage.unit import Unit

SUMMARY = "summary"
SUMMARY_FAILED = "summary_failed"
# A summary whose time passed while no dispatcher ran still goes out within this long; later
# it would describe a week that is over.
LATE_BY_AT_MOST = timedelta(days=1)
# How far back planning looks for summaries the channel refused, to tell the organizers.
REFUSALS_LOOK_BACK = timedelta(days=8)


def summary_key(team_id: int, monday: date) -> str:
    return f"{SUMMARY}:{team_id}:{monday.isoformat()}"


async def plan_summaries(unit: Unit, now: datetime) -> int:
    """The summaries of the teams whose summary time has come (or whose settings changed);
    each team is then marked with its next summary time, so the other passes do not read it."""
    due = await unit.planning.teams_to_plan(now)
    if not due:
        return 0
    found = await unit.teams.get_many([t.id for t in due])
    messages, marks = [], []
    for mark in due:
        team = found.get(mark.id)
        if team is None or team.id is None or not team.summary_chat_id:
            marks.append((mark, NEVER))  # choosing a channel clears the mark (Teams.save_summary)
            continue
        monday = week_of(now, team.timezone)
        due_at = summary_due(team, monday)
        if due_at <= now < due_at + LATE_BY_AT_MOST:
            messages.append(
                NewMessage(
                    key=summary_key(team.id, monday),
                    kind=SUMMARY,
                    person_id=None,
                    team_id=team.id,
                    due_at=due_at,
                    payload={"monday": monday.isoformat()},
                )
            )
        marks.append((mark, next_summary(team, now)))
    added = await unit.outbox.add(messages, now)
    await unit.planning.teams_planned(marks)
    return added


def next_summary(team: Team, now: datetime) -> datetime:
    """The next instant after ``now`` at which the team's summary falls due."""
    monday = week_of(now, team.timezone)
    for week in (monday, monday + timedelta(weeks=1), monday + timedelta(weeks=2)):
        due = summary_due(team, week)
        if due > now:
            return due
    return NEVER  # not reached: a week later is always ahead


async def plan_failure_notices(unit: Unit, now: datetime) -> int:
    """Tell a team's organizers when its summary could not be posted, once per summary."""
    messages = []
    # Only recent summaries can have just failed: a summary is tried within a day of its time.
    for row in await unit.outbox.closed_unsent(SUMMARY, since=now - REFUSALS_LOOK_BACK):
        if row.team_id is None:
            continue
        for organizer in await unit.teams.organizer_ids(row.team_id):
            messages.append(
                NewMessage(
                    key=f"{SUMMARY_FAILED}:{row.id}:{organizer}",
                    kind=SUMMARY_FAILED,
                    person_id=organizer,
                    team_id=row.team_id,
                    due_at=now,
                    payload={"error": row.last_error or "", "monday": row.payload.get("monday", "")},
                )
            )
    return await unit.outbox.add(messages, now)


async def load(unit: Unit, rows: Sequence[OutboxRow], snap: Snapshot) -> None:
    """The summaries of the batch's rows, read together: a constant number of statements for
    the batch, whatever its number of teams and circles."""
    wanted = [(row, snap.teams.get(row.team_id or 0)) for row in rows]
    found = [(row, team) for row, team in wanted if team is not None]
    asked = [(team, date.fromisoformat(str(row.payload["monday"]))) for row, team in found]
    made = await weekly_summaries(unit, asked, snap.now)
    for (row, _), summary in zip(found, made, strict=True):
        snap.extra[row.id] = summary


def render_summary(row: OutboxRow, snap: Snapshot, t: Translator) -> Reply | Drop:
    if (dropped := stale(row.due_at, snap.now)) is not None:
        return dropped  # this week's summary takes its place, in its time
    summary = snap.extra.get(row.id)
    if not isinstance(summary, WeeklySummary):
        return Drop("team removed")
    if summary.empty:
        return Drop("no activity this week")
    return summary_reply(t, summary)


def render_failure(row: OutboxRow, snap: Snapshot, t: Translator) -> Reply | Drop:
    team = snap.teams.get(row.team_id or 0)
    if team is None:
        return Drop("team removed")
    error = str(row.payload.get("error", ""))
    detail = error.split(":", 1)[1].strip() if ":" in error else reason_code(error)
    return Reply(
        text=t(
            "The weekly summary of {team} could not be posted to its channel ({error}). "
            "Invite the bot to the channel, or run /team in another channel and choose it there.",
            team=team.name,
            error=detail or error,
        )
    )


RENDERERS = {SUMMARY: render_summary, SUMMARY_FAILED: render_failure}
LOADERS = {SUMMARY: load}
