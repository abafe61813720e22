"""What the people of a team see from /team: its card, an invitation, its members, circles, this
week's meetings and recent feedback (O1, O2, O4)."""

from __future__ import annotations

from babel.dates import get_day_names

from bot.actions import (
    CloseTeam,
    CreateTeam,
    DeclineTeam,
    InviteToTeam,
    JoinTeam,
    LeaveTeam,
    Manage,
    RemoveMember,
    SummaryHere,
    SummaryTime,
    TeamCircles,
    TeamFeedback,
    TeamMembers,
    TeamWeek,
    stored,
)
from bot.conversation.messages import Button, Reply
from bot.i18n import Translator
from bot.usecases import team_views
from bot.usecases.summary import WeeklySummary
from bot.views.circles import when
from bot.views.summary import meeting_line, warning_buttons, warning_lines
from domain.model import CircleStatus, Team, TeamRole


def role_text(t: Translator, role: TeamRole) -> str:
    return t("an organizer") if role is TeamRole.ORGANIZER else t("a member")


def team_card(t: Translator, card: team_views.TeamCard | None) -> Reply:
    """/team: what a team is (to someone in none), the team as a member sees it, or an organizer's
    overview with everything they can do."""
    if card is None:
        return Reply(
            text=t(
                "You are not in a team. A team lets organizers look after the circles and facilitators "
                "of a town or city. Create one, or ask an organizer for an invitation link."
            ),
            buttons=[[Button(t("Create a team"), CreateTeam().token)]],
        )
    found = card.team
    lines = [
        t("Team {team} — you are {role}.", team=found.name, role=role_text(t, card.role)),
        t("Organizers: {names}", names=", ".join(card.organizers)),
    ]
    if card.role is not TeamRole.ORGANIZER:
        lines.append(t("Your circles in the team: {circles}", circles=", ".join(card.own_circles) or "—"))
        return Reply(text="\n".join(lines), buttons=[[Button(t("Leave the team"), LeaveTeam().token)]])
    lines += [t("Members: {count}", count=card.member_count), t("Circles: {count}", count=card.circle_count)]
    day = get_day_names("wide", locale=t.locale)[found.summary_weekday]
    if found.summary_chat_id:
        lines.append(
            t(
                "Weekly summary: every {day} at {time} ({zone}).",
                day=day,
                time=found.summary_time.strftime("%H:%M"),
                zone=found.timezone,
            )
        )
    else:
        lines.append(t("Weekly summary: no channel chosen yet. Run /team in the channel where it should go."))
    lines += warning_lines(t, card.warnings)
    buttons = [
        *warning_buttons(card.warnings),
        [Button(t("This week's meetings"), TeamWeek().token), Button(t("Recent feedback"), TeamFeedback().token)],
        [Button(t("Circles"), TeamCircles().token), Button(t("Members"), TeamMembers().token)],
        [
            Button(t("Invite a facilitator"), InviteToTeam("m").token),
            Button(t("Invite an organizer"), InviteToTeam("o").token),
        ],
        [
            Button(t("Send the weekly summary here"), SummaryHere().token),
            Button(t("Summary day and time"), SummaryTime().token),
        ],
        [Button(t("Leave the team"), LeaveTeam().token), Button(t("Close the team"), CloseTeam().token)],
    ]
    return Reply(text="\n".join(lines), buttons=buttons)


def offer_question(t: Translator, opened: team_views.TeamOffer, code: str) -> Reply:
    """An invitation opened: what joining means, asked before anything changes."""
    offer = opened.offer
    lines = [t("Join the team {team} as {role}?", team=offer.team.name, role=role_text(t, offer.role))]
    if offer.needs_approval:
        lines.append(t("An organizer of the team will be asked to let you in."))
    if opened.led:
        lines.append(
            t(
                "The circles you facilitate ({circles}) will belong to the team, and its organizers "
                "will be able to manage them.",
                circles=", ".join(opened.led),
            )
        )
    return Reply(
        text="\n".join(lines),
        buttons=[[Button(t("Join the team"), JoinTeam(code).token), Button(t("No, thanks"), DeclineTeam().token)]],
    )


def invitation(t: Translator, kind: str, team: Team, days: int, link: str) -> Reply:
    """The link an organizer shares (``kind`` as in ``InviteToTeam``)."""
    if kind == "o":
        text = t(
            "Send this link to the organizer you want to invite to {team}. It works once, for {days} days:\n{link}",
            team=team.name,
            days=days,
            link=link,
        )
        return Reply(text=text)
    if kind == "a":
        text = t(
            "Share this link with the facilitators you want to invite to {team}. It works for {days} days, "
            "and you or another organizer let each person in:\n{link}",
            team=team.name,
            days=days,
            link=link,
        )
        return Reply(text=text)
    text = t(
        "Send this link to the facilitator you want to invite to {team}. It works once, for {days} days:\n{link}",
        team=team.name,
        days=days,
        link=link,
    )
    several = Button(t("A link for several people, with my approval"), InviteToTeam("a").token)
    return Reply(text=text, buttons=[[several]])


def members_list(t: Translator, found: team_views.TeamMembers, viewer_id: int) -> Reply:
    """The team's members, with a button to remove each one but the viewer."""
    lines = [t("Members of {team}:", team=found.team.name)]
    buttons = []
    for member in found.members:
        role = t("organizer") if member.role is TeamRole.ORGANIZER else t("member")
        lines.append(f"• {member.name} — {role}")
        if member.person_id != viewer_id:
            label = t("Remove {name}", name=member.name)
            buttons.append([Button(label[:60], RemoveMember(member.person_id).token)])
    return Reply(text="\n".join(lines), buttons=buttons)


def circles_list(t: Translator, found: team_views.TeamCircles) -> Reply:
    """O4: the team's circles, each with a button to manage it."""
    if not found.circles:
        return Reply(text=t("The team has no circles yet."))
    lines = [t("Circles of {team}:", team=found.team.name)]
    buttons = []
    for entry in found.circles:
        circle = entry.circle
        status = {
            CircleStatus.DRAFT: t("draft"),
            CircleStatus.PUBLISHED: t("published"),
            CircleStatus.CANCELLED: t("cancelled"),
        }[circle.status]
        lines.append(f"• {circle.name} ({status}) — {', '.join(entry.facilitators)}")
        buttons.append([Button(circle.name[:60], Manage(stored(circle.id)).token)])
    return Reply(text="\n".join(lines), buttons=buttons)


def week_text(t: Translator, week: WeeklySummary) -> str:
    """O2: the team's meetings of this week."""
    if not week.meetings:
        return t("No meetings this week in {team}.", team=week.team.name)
    lines = [t("This week in {team}:", team=week.team.name)]
    lines += [meeting_line(t, entry) for entry in week.meetings]
    return "\n".join(lines)


def feedback_text(t: Translator, found: team_views.TeamFeedback) -> str:
    """O1: facilitators' feedback on the team's recent meetings."""
    if not found.entries:
        return t("No feedback from facilitators in {team} in the last four weeks.", team=found.team.name)
    lines = [t("Feedback from facilitators in {team}, last four weeks:", team=found.team.name)]
    for entry in found.entries:
        given = entry.given
        lines.append(
            "• "
            + t(
                "{circle}, meeting {number} ({when}): rated {rating}/5, {attendance} came. {reflection}",
                circle=entry.circle.name,
                number=entry.meeting.number,
                when=when(t, entry.circle, entry.meeting),
                rating=given.rating,
                attendance=given.attendance,
                reflection=given.reflection,
            )
        )
    return "\n".join(lines)
