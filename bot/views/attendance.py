"""What learners see when they check in (*I'm here*, ``/here``)."""

from __future__ import annotations

from bot.actions import CheckIn as CheckInAction
from bot.actions import stored
from bot.conversation.messages import Button, Reply
from bot.i18n import Translator
from bot.usecases.attendance import CheckIn, Here
from bot.views.circles import moment_for, when
from domain.attendance import Window, check_in_closes


def check_in_reply(t: Translator, done: CheckIn) -> Reply:
    circle, meeting = done.circle, done.meeting
    if done.window is Window.EARLY:
        text = t(
            "Check-in for meeting {number} of {circle} opens when it starts: {when}. See you there!",
            number=meeting.number,
            circle=circle.name,
            when=when(t, circle, meeting),
        )
    elif done.window is Window.CLOSED:
        text = t(
            "Check-in for meeting {number} of {circle} closed at {closed}. Thank you all the same! "
            "Your facilitator confirms who came.",
            number=meeting.number,
            circle=circle.name,
            closed=moment_for(t, check_in_closes(meeting), circle.timezone),
        )
    elif done.first:
        text = t(
            "Welcome! You are checked in at meeting {number} of {circle}.", number=meeting.number, circle=circle.name
        )
    else:
        text = t(
            "You are already checked in at meeting {number} of {circle}. Welcome!",
            number=meeting.number,
            circle=circle.name,
        )
    return Reply(text=text)


def here_reply(t: Translator, found: Here) -> Reply:
    """``/here`` when it cannot check in at once: which meeting (several now), or when the next one is."""
    if found.open:
        buttons = [
            [Button(f"{circle.name}: {meeting.number}", CheckInAction(stored(meeting.id)).token)]
            for circle, meeting in found.open
        ]
        return Reply(text=t("Several of your circles meet now. Which one are you at?"), buttons=buttons)
    if not found.learner:
        return Reply(text=t("You have not signed up for any circle yet. Find one with /browse."))
    if found.upcoming is None:
        return Reply(text=t("None of your circles meets now, and none has a meeting ahead."))
    circle, meeting = found.upcoming
    return Reply(
        text=t(
            "None of your circles meets now. Your next meeting: {circle}, meeting {number}, {when}. "
            "Check-in opens when it starts.",
            circle=circle.name,
            number=meeting.number,
            when=when(t, circle, meeting),
        )
    )
