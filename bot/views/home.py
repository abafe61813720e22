"""A person's home (Slack's App Home tab), in the reader's language: their circles with the next
meeting and RSVP buttons, the circles they facilitate with signups and who comes, and an
organizer's week. Platform-neutral (``HomeView``); ``adapters/slack/blocks.py`` draws it.

The buttons are the same typed actions as everywhere (``AnswerRsvp`` as on a reminder,
``Manage``, ``ShowCircle``, ``ShowTeam``), so the core handles a press from the home like any other.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.actions import AnswerRsvp, Manage, ShowCircle, ShowTeam, stored
from bot.conversation.messages import Button, HomeSection, HomeView
from bot.i18n import Translator
from bot.usecases.home import Home, LearnerCircle, RunCircle
from bot.views.circles import leader_line, when
from bot.views.summary import meeting_line
from domain.model import Circle, CircleStatus, Meeting


def home_view(t: Translator, home: Home) -> HomeView:
    sections: list[HomeSection] = []
    if home.learning:
        sections.append(HomeSection(t("Your circles"), "", heading=True))
        sections += [_learning(t, entry, home.leaders) for entry in home.learning]
        if home.more_learning:
            sections.append(HomeSection("", _more(t, home.more_learning)))
    if home.running:
        sections.append(HomeSection(t("Circles you facilitate"), "", heading=True))
        sections += [_running(t, entry, home.leaders) for entry in home.running]
        if home.more_running:
            sections.append(HomeSection("", _more(t, home.more_running)))
    if home.week is not None:
        week = home.week
        lines = [meeting_line(t, entry) for entry in week.meetings] or [t("No meetings this week.")]
        sections.append(HomeSection(t("This week in {team}", team=week.team.name), "", heading=True))
        sections.append(HomeSection("", "\n".join(lines), [[Button(t("Your team"), ShowTeam().token)]]))
    if not sections:
        sections.append(HomeSection(t("Welcome to Circles"), "", heading=True))
        sections.append(HomeSection("", _welcome(t)))
    else:
        sections.append(HomeSection("", t("Send /help to see what I can do.")))
    shown = [e.circle.id for e in home.learning] + [e.circle.id for e in home.running]
    shown += [entry.circle.id for entry in home.week.meetings] if home.week is not None else []
    return HomeView(sections, t.language, frozenset(c for c in shown if c is not None))


def _next_meeting(t: Translator, circle: Circle, upcoming: Meeting, leaders: Mapping[int, str]) -> list[str]:
    """The next meeting, and who leads it when someone covers it."""
    lines = [t("Next meeting: {when}", when=when(t, circle, upcoming))]
    if (leader := leaders.get(upcoming.id or 0)) is not None:
        lines.append(leader_line(t, leader))
    return lines


def _learning(t: Translator, entry: LearnerCircle, leaders: Mapping[int, str]) -> HomeSection:
    circle, upcoming = entry.circle, entry.upcoming
    show = Button(t("Open the circle"), ShowCircle(stored(circle.id)).token)
    if upcoming is None or upcoming.id is None:
        return HomeSection(circle.name, t("There are no meetings ahead."), [[show]])
    answer = {True: t("yes"), False: t("no"), None: t("no answer yet")}[entry.answer]
    text = "\n".join([*_next_meeting(t, circle, upcoming, leaders), t("Your answer: {answer}", answer=answer)])
    yes = ("✓ " if entry.answer is True else "") + t("I'll be there")
    no = ("✓ " if entry.answer is False else "") + t("I can't make it")
    buttons = [
        [
            Button(yes, AnswerRsvp(upcoming.id, True).token),
            Button(no, AnswerRsvp(upcoming.id, False).token),
            show,
        ]
    ]
    return HomeSection(circle.name, text, buttons)


def _running(t: Translator, entry: RunCircle, leaders: Mapping[int, str]) -> HomeSection:
    circle, upcoming = entry.circle, entry.upcoming
    title = circle.name if circle.status is CircleStatus.PUBLISHED else f"{circle.name} ({t('draft')})"
    lines = [t("Signups: {count}", count=entry.signups)]
    if upcoming is None:
        lines.append(t("There are no meetings ahead."))
    else:
        lines += _next_meeting(t, circle, upcoming, leaders)
        if entry.coming:
            lines.append(t("Said yes: {names}", names=", ".join(entry.coming)))
        else:
            lines.append(t("Nobody said yes yet."))
    return HomeSection(title, "\n".join(lines), [[Button(t("Manage the circle"), Manage(stored(circle.id)).token)]])


def _more(t: Translator, count: int) -> str:
    return t("…and {count} more: /mycircles lists them all.", count=count)


def _welcome(t: Translator) -> str:
    return "\n".join(
        [
            t(
                "Circles runs learning circles: small groups that meet every week "
                "to take a free online course together."
            ),
            t("Find one with /browse, or create one with /new."),
            t("Send /help to see what I can do."),
        ]
    )
