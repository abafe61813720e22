"""What learners see of their circles: a circle's card, the RSVP list, their circles, leaving,
and the confirmation of a signup."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.actions import (
    AnswerRsvp,
    CalendarFile,
    ClaimPlace,
    JoinWaitlist,
    LeaveCircle,
    LeaveCircleConfirmed,
    LeaveWaitlist,
    Manage,
    RsvpList,
    ShowCircle,
    SignUp,
    stored,
)
from bot.conversation.messages import Button, Reply
from bot.i18n import Translator
from bot.usecases.learner_views import CircleCard, MyCircles, RsvpSheet, SignedUp
from bot.usecases.waitlist import Waiting
from bot.views.circles import card, leader_line, moment_for, venue_text, when
from bot.views.files import calendar
from domain.model import Circle, CircleStatus
from domain.schedule import meetings_ahead

RSVP_AHEAD = 8  # meetings listed at once: two buttons each, well within what chats show


def card_reply(t: Translator, shown: CircleCard, now: datetime) -> Reply:
    """The circle's card with what this person can do with it."""
    circle = shown.circle
    text = card(t, circle, shown.meetings, now, link=shown.signed_up or shown.facilitates, leaders=shown.leaders)
    buttons: list[list[Button]] = []
    if shown.facilitates:
        buttons.append([Button(t("Manage the circle"), Manage(stored(circle.id)).token)])
    if circle.status is CircleStatus.CANCELLED:
        # Nothing to answer or add to a calendar: the meetings are off.
        return Reply(text=text, buttons=buttons)
    if shown.signed_up:
        text += "\n\n" + t("You are signed up.")
        buttons.append(
            [
                Button(t("RSVP"), RsvpList(stored(circle.id)).token),
                Button(t("Update my answers"), SignUp(stored(circle.id)).token),
            ]
        )
        buttons.append(
            [
                Button(t("Calendar file"), CalendarFile(stored(circle.id)).token),
                Button(t("Leave the circle"), LeaveCircle(stored(circle.id)).token),
            ]
        )
    elif circle.status is CircleStatus.PUBLISHED:
        text, more = _signup_part(t, shown, text)
        buttons += more
    return Reply(text=text, buttons=buttons)


def _signup_part(t: Translator, shown: CircleCard, text: str) -> tuple[str, list[list[Button]]]:
    """How someone not signed up may join: sign up, or the waitlist of a full circle (L7)."""
    circle = shown.circle
    circle_id = stored(circle.id)
    leave_line = Button(t("Leave the waitlist"), LeaveWaitlist(circle_id).token)
    if shown.offered_until is not None:
        until = moment_for(t, shown.offered_until, circle.timezone)
        text += "\n\n" + t("A place is held for you until {when}. Claim it before then.", when=until)
        return text, [[Button(t("Claim my place"), ClaimPlace(circle_id).token), leave_line]]
    if shown.place_in_line is not None:
        text += "\n\n" + t("You are number {place} on the waitlist.", place=shown.place_in_line)
        return text, [[leave_line]]
    if shown.full:
        text += "\n\n" + t("This circle is full. Join the waitlist, and you will be offered a place when one frees.")
        return text, [[Button(t("Join the waitlist"), JoinWaitlist(circle_id).token)]]
    return text, [[Button(t("Sign up"), SignUp(circle_id).token)]]


def rsvp_reply(t: Translator, sheet: RsvpSheet, now: datetime) -> Reply:
    """One message per circle: the next meetings with yes/no buttons, the current answer ticked."""
    circle = sheet.circle
    ahead = meetings_ahead(sheet.meetings, now)[:RSVP_AHEAD]
    lines = [t("{circle} — will you come?", circle=circle.name)]
    buttons: list[list[Button]] = []
    for meeting in ahead:
        answer = sheet.answers.get(meeting.id or 0)
        state = {True: t("yes"), False: t("no"), None: t("no answer yet")}[answer]
        lines.append(
            t(
                "Meeting {number}, {when}: {answer}",
                number=meeting.number,
                when=when(t, circle, meeting),
                answer=state,
            )
        )
        if (leader := sheet.leaders.get(meeting.id or 0)) is not None:
            lines.append("   " + leader_line(t, leader))
        yes, no = t("Yes"), t("No")
        buttons.append(
            [
                Button(
                    f"{'✓ ' if answer is True else ''}{meeting.number}: {yes}",
                    AnswerRsvp(stored(meeting.id), True).token,
                ),
                Button(
                    f"{'✓ ' if answer is False else ''}{meeting.number}: {no}",
                    AnswerRsvp(stored(meeting.id), False).token,
                ),
            ]
        )
    if not ahead:
        lines.append(t("There are no meetings ahead."))
    return Reply(text="\n".join(lines), buttons=buttons)


def my_circles_replies(t: Translator, mine: MyCircles) -> list[Reply]:
    """/mycircles: the circles one facilitates, then those one signed up for, each as a message."""
    if not mine.facilitated and not mine.signed_up:
        return [Reply(text=t("You have no circles yet. Find one with /browse, or create one with /new."))]
    replies = []
    if mine.facilitated:
        buttons = [[Button(c.name[:60], Manage(stored(c.id)).token)] for c in mine.facilitated]
        replies.append(Reply(text=t("Circles you facilitate:"), buttons=buttons))
    if mine.signed_up:
        lines = [t("Circles you signed up for:")]
        buttons = []
        for entry in mine.signed_up:
            circle = entry.circle
            ahead = when(t, circle, entry.upcoming) if entry.upcoming else t("no meetings ahead")
            if circle.status is CircleStatus.CANCELLED:
                lines.append(f"• {circle.name} — {t('cancelled')}")
            else:
                nxt = t("next: {when}", when=ahead)
                lines.append(f"• {circle.name} — {nxt}")
            buttons.append([Button(circle.name[:60], ShowCircle(stored(circle.id)).token)])
        replies.append(Reply(text="\n".join(lines), buttons=buttons))
    return replies


def leave_choice(t: Translator, circles: list[Circle], waiting: Sequence[Circle] = ()) -> Reply:
    """/leave: which of one's circles to leave, or whose waitlist (L7)."""
    if not circles and not waiting:
        return Reply(text=t("You are not signed up for any circle."))
    buttons = [[Button(c.name[:60], LeaveCircle(stored(c.id)).token)] for c in circles]
    for circle in waiting:
        label = t("Waitlist: {circle}", circle=circle.name)
        buttons.append([Button(label[:60], LeaveWaitlist(stored(circle.id)).token)])
    return Reply(text=t("Which circle do you want to leave?"), buttons=buttons)


def leave_question(t: Translator, circle: Circle) -> Reply:
    return Reply(
        text=t("Leave {circle}? You will get no more reminders for it.", circle=circle.name),
        buttons=[
            [
                Button(t("Yes, leave"), LeaveCircleConfirmed(stored(circle.id)).token),
                Button(t("No, stay"), ShowCircle(stored(circle.id)).token),
            ]
        ],
    )


def signup_confirmation(t: Translator, signed: SignedUp, now: datetime) -> Reply:
    """L2: what a signup means from here on, with the next meeting's RSVP buttons and the calendar file."""
    circle, upcoming = signed.circle, signed.upcoming
    lines = [
        t("You are signed up for {circle}!", circle=circle.name)
        if signed.is_new
        else t("Your signup for {circle} is updated.", circle=circle.name)
    ]
    if upcoming is not None:
        lines.append(t("Next meeting: {when}", when=when(t, circle, upcoming)))
    lines.append(t("Where: {venue}", venue=venue_text(t, circle.venue)))
    lines.append(t("You will get a reminder before each meeting. Answer it, or use /rsvp, to say if you come."))
    lines.append(t("The calendar file has every meeting; open it to add them to your calendar."))
    buttons = []
    if upcoming is not None and upcoming.id is not None:
        buttons = [
            [
                Button(t("I'll be there"), AnswerRsvp(upcoming.id, True).token),
                Button(t("I can't make it"), AnswerRsvp(upcoming.id, False).token),
            ]
        ]
    return Reply(text="\n".join(lines), buttons=buttons, attachment=calendar(t, circle, signed.meetings, now))


def waiting_reply(t: Translator, waiting: Waiting, hold: timedelta) -> Reply:
    """L7: one's place on the waitlist, and what happens when a place frees."""
    circle = waiting.circle
    if waiting.offered_until is not None:
        until = moment_for(t, waiting.offered_until, circle.timezone)
        return Reply(
            text=t(
                "A place in {circle} is free for you until {when}. Claim it before then.",
                circle=circle.name,
                when=until,
            ),
            buttons=[[Button(t("Claim my place"), ClaimPlace(stored(circle.id)).token)]],
        )
    text = t.plural(
        "You are number {place} on the waitlist for {circle}. When a place frees, I will offer it to you; "
        "you then have {n} hour to claim it.",
        "You are number {place} on the waitlist for {circle}. When a place frees, I will offer it to you; "
        "you then have {n} hours to claim it.",
        int(hold.total_seconds() // 3600),
        place=waiting.place,
        circle=circle.name,
    )
    return Reply(text=text, buttons=[[Button(t("Leave the waitlist"), LeaveWaitlist(stored(circle.id)).token)]])
