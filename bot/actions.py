"""What a button means: every button token is a small typed action with one encoder and one decoder.

A token is the action's readable verb and its fields, joined by ``:`` (``rsvp:12:y``); it names
*what* to do, never *who* does it — the acting person always comes from the platform event, and
the role model (domain/roles.py) is asked again on arrival for the capability the action names.
Tokens fit Telegram's 64 bytes (``tests/unit/test_actions.py`` checks every action).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any, ClassVar, Literal, TypeVar, get_args, get_origin, get_type_hints

from domain.roles import Capability

MAX_TOKEN_BYTES = 64  # Telegram's callback_data limit; Slack allows more
MAX_ID = 2**31 - 1  # ids are PostgreSQL integers


class BadToken(ValueError):
    """A token that no button of ours could have carried (forged, garbled, outdated)."""


@dataclass(frozen=True)
class Action:
    verb: ClassVar[str]
    capability: ClassVar[Capability]

    @property
    def token(self) -> str:
        return ":".join([self.verb, *(_encode(getattr(self, name)) for name, _ in _fields(type(self)))])


ACTIONS: dict[str, type[Action]] = {}
A = TypeVar("A", bound=type[Action])


def action(verb: str, capability: Capability) -> Any:
    """Register an action class under its verb, with the capability it asks for."""

    def register(cls: A) -> A:
        assert verb not in ACTIONS, f"two actions with the verb {verb!r}"
        cls.verb, cls.capability = verb, capability
        ACTIONS[verb] = cls
        return cls

    return register


def decode(token: str) -> Action:
    """The action a token stands for; ``BadToken`` when no button of ours carries it."""
    verb, _, rest = token.partition(":")
    cls = ACTIONS.get(verb)
    if cls is None:
        raise BadToken(token)
    shape = _fields(cls)
    # The last field may itself contain ':' (a dialog choice such as a time, 18:00).
    parts = rest.split(":", len(shape) - 1) if shape and rest else []
    if len(parts) != len(shape) or not all(parts) or (not shape and rest):
        raise BadToken(token)
    return cls(**{name: _decode(kind, part) for (name, kind), part in zip(shape, parts, strict=True)})


_FIELDS: dict[type[Action], tuple[tuple[str, Any], ...]] = {}


def _fields(cls: type[Action]) -> tuple[tuple[str, Any], ...]:
    """An action's fields with their types, in token order: worked out once per action, not per
    press (resolving the annotations was a measurable part of an RSVP press)."""
    shape = _FIELDS.get(cls)
    if shape is None:
        hints = get_type_hints(cls)
        shape = _FIELDS[cls] = tuple((f.name, hints[f.name]) for f in fields(cls))
    return shape


def _encode(value: object) -> str:
    if isinstance(value, bool):
        return "y" if value else "n"
    return str(value)


def _decode(kind: Any, text: str) -> object:
    if kind is bool:
        if text not in ("y", "n"):
            raise BadToken(text)
        return text == "y"
    if kind is int:
        if not re.fullmatch(r"\d{1,10}", text) or int(text) > MAX_ID:
            raise BadToken(text)
        return int(text)
    if get_origin(kind) is Literal:
        for allowed in get_args(kind):
            if text == str(allowed):
                return allowed
        raise BadToken(text)
    return text


C = Capability

# Learners and anyone


@action("circle", C.VIEW_CARD)
@dataclass(frozen=True)
class ShowCircle(Action):
    circle_id: int


@action("signup", C.SIGN_UP)
@dataclass(frozen=True)
class SignUp(Action):
    circle_id: int


# L7: a full circle's waitlist. Joining and leaving it, and claiming a place offered from it, are
# part of signing up; the use cases check that the place offered is the presser's.


@action("waitlist", C.SIGN_UP)
@dataclass(frozen=True)
class JoinWaitlist(Action):
    circle_id: int


@action("waitlist-leave", C.SIGN_UP)
@dataclass(frozen=True)
class LeaveWaitlist(Action):
    circle_id: int


@action("claim", C.SIGN_UP)
@dataclass(frozen=True)
class ClaimPlace(Action):
    circle_id: int


@action("calendar", C.CALENDAR)
@dataclass(frozen=True)
class CalendarFile(Action):
    circle_id: int


@action("rsvps", C.RSVP)
@dataclass(frozen=True)
class RsvpList(Action):
    circle_id: int


@action("rsvp", C.RSVP)
@dataclass(frozen=True)
class AnswerRsvp(Action):
    meeting_id: int
    attending: bool


@action("here", C.CHECK_IN)
@dataclass(frozen=True)
class CheckIn(Action):
    meeting_id: int


@action("leave", C.LEAVE_CIRCLE)
@dataclass(frozen=True)
class LeaveCircle(Action):
    circle_id: int


@action("leave-yes", C.LEAVE_CIRCLE)
@dataclass(frozen=True)
class LeaveCircleConfirmed(Action):
    circle_id: int


@action("survey", C.ANSWER_SURVEY)
@dataclass(frozen=True)
class StartSurvey(Action):
    kind: Literal["l", "f"]  # the learners' or the facilitators' survey
    circle_id: int


# One's own account, and dialog answers


@action("forget", C.OWN_ACCOUNT)
@dataclass(frozen=True)
class Forget(Action):
    confirmed: bool


@action("language", C.OWN_ACCOUNT)
@dataclass(frozen=True)
class ChooseLanguage(Action):
    code: str


@action("link", C.OWN_ACCOUNT)
@dataclass(frozen=True)
class ConfirmLink(Action):
    code: str


@action("link-no", C.OWN_ACCOUNT)
@dataclass(frozen=True)
class DeclineLink(Action):
    pass


@action("d", C.OWN_ACCOUNT)  # short: the value may be long (a time zone name)
@dataclass(frozen=True)
class DialogChoice(Action):
    step: str
    value: str


# Running a circle


@action("manage", C.MANAGE)
@dataclass(frozen=True)
class Manage(Action):
    circle_id: int


@action("signups", C.VIEW_SIGNUPS)
@dataclass(frozen=True)
class ShowSignups(Action):
    circle_id: int


@action("schedule", C.VIEW_SIGNUPS)
@dataclass(frozen=True)
class ShowSchedule(Action):
    circle_id: int


@action("csv", C.EXPORT_SIGNUPS)
@dataclass(frozen=True)
class ExportSignups(Action):
    circle_id: int


@action("publish", C.PUBLISH)
@dataclass(frozen=True)
class Publish(Action):
    circle_id: int


@action("signup-open", C.OPEN_SIGNUP)
@dataclass(frozen=True)
class SetSignupOpen(Action):
    circle_id: int
    open: bool


@action("signup-limit", C.OPEN_SIGNUP)
@dataclass(frozen=True)
class ChangeSignupLimit(Action):
    circle_id: int


@action("pick-meeting", C.CHANGE_MEETINGS)
@dataclass(frozen=True)
class PickMeeting(Action):
    circle_id: int
    purpose: Literal["r", "c"]  # to reschedule or to cancel


@action("reschedule", C.CHANGE_MEETINGS)
@dataclass(frozen=True)
class Reschedule(Action):
    meeting_id: int


@action("cancel-meeting", C.CHANGE_MEETINGS)
@dataclass(frozen=True)
class CancelMeeting(Action):
    meeting_id: int


@action("cancel-meeting-yes", C.CHANGE_MEETINGS)
@dataclass(frozen=True)
class CancelMeetingConfirmed(Action):
    meeting_id: int


@action("add-meeting", C.CHANGE_MEETINGS)
@dataclass(frozen=True)
class AddMeeting(Action):
    circle_id: int


@action("venue", C.CHANGE_VENUE)
@dataclass(frozen=True)
class ChangeVenue(Action):
    circle_id: int


@action("cancel-circle", C.CANCEL_CIRCLE)
@dataclass(frozen=True)
class CancelCircle(Action):
    circle_id: int


@action("cancel-circle-yes", C.CANCEL_CIRCLE)
@dataclass(frozen=True)
class CancelCircleConfirmed(Action):
    circle_id: int


# Share a published circle's card in a channel the person picks (Slack's conversation picker):
# asked from the circle's manage screen, so it takes what managing the circle takes.
@action("share", C.MANAGE)
@dataclass(frozen=True)
class ShareCircle(Action):
    circle_id: int


# The picker's choice: the channel chosen arrives with the event (``Incoming.picked_chat``).
@action("share-in", C.MANAGE)
@dataclass(frozen=True)
class ShareCircleIn(Action):
    circle_id: int


@action("invite-co", C.INVITE_FACILITATOR)
@dataclass(frozen=True)
class InviteCoFacilitator(Action):
    circle_id: int


@action("remove-co", C.REMOVE_FACILITATOR)
@dataclass(frozen=True)
class RemoveCoFacilitator(Action):
    circle_id: int
    person_id: int


@action("remove-co-yes", C.REMOVE_FACILITATOR)
@dataclass(frozen=True)
class RemoveCoFacilitatorConfirmed(Action):
    circle_id: int
    person_id: int


@action("step-down", C.STEP_DOWN)
@dataclass(frozen=True)
class StepDown(Action):
    circle_id: int


@action("step-down-yes", C.STEP_DOWN)
@dataclass(frozen=True)
class StepDownConfirmed(Action):
    circle_id: int


@action("report", C.REPORT)
@dataclass(frozen=True)
class PreviewReport(Action):
    circle_id: int


@action("report-send", C.REPORT)
@dataclass(frozen=True)
class SendReport(Action):
    circle_id: int


@action("report-share", C.SHARE_REFLECTIONS)
@dataclass(frozen=True)
class ShareInReport(Action):
    circle_id: int
    include: bool  # the facilitator's own reflections in the learners' copy


@action("message", C.MESSAGE_LEARNERS)
@dataclass(frozen=True)
class WriteToLearners(Action):
    circle_id: int


@action("reminders", C.EDIT_REMINDERS)
@dataclass(frozen=True)
class ShowReminder(Action):
    circle_id: int


@action("reminder-edit", C.EDIT_REMINDERS)
@dataclass(frozen=True)
class EditReminder(Action):
    meeting_id: int


@action("reminder-reset", C.EDIT_REMINDERS)
@dataclass(frozen=True)
class ResetReminder(Action):
    meeting_id: int


@action("reminder-default", C.EDIT_REMINDERS)
@dataclass(frozen=True)
class EditDefaultReminder(Action):
    circle_id: int


@action("reminder-lead", C.EDIT_REMINDERS)
@dataclass(frozen=True)
class EditReminderLead(Action):
    circle_id: int


@action("feedback", C.GIVE_FEEDBACK)
@dataclass(frozen=True)
class GiveFeedback(Action):
    meeting_id: int


# The rating buttons of feedback prompts sent when the dialog still began with the rating: they stay
# in people's chats, so they still open the dialog (at who came, the rating kept).
@action("rate", C.GIVE_FEEDBACK)
@dataclass(frozen=True)
class RateMeeting(Action):
    meeting_id: int
    rating: Literal[1, 2, 3, 4, 5]


# Cover for a missed meeting (issue 14): one request per meeting, so the meeting names it.


@action("cover-pick", C.ASK_COVER)
@dataclass(frozen=True)
class PickCoverMeeting(Action):
    circle_id: int


@action("cover-ask", C.ASK_COVER)
@dataclass(frozen=True)
class AskCover(Action):
    meeting_id: int


@action("cover-withdraw", C.ASK_COVER)
@dataclass(frozen=True)
class WithdrawCover(Action):
    meeting_id: int


@action("cover-answer", C.COVER_MEETING)
@dataclass(frozen=True)
class AnswerCover(Action):
    meeting_id: int
    accept: bool


@action("cover-cancel", C.CHANGE_MEETINGS)  # cancels the meeting through the usual cancel use case
@dataclass(frozen=True)
class CancelUncovered(Action):
    meeting_id: int


# Teams


@action("team", C.OWN_ACCOUNT)  # what it shows depends on the person's role in their team
@dataclass(frozen=True)
class ShowTeam(Action):
    pass


@action("team-create", C.CREATE_TEAM)
@dataclass(frozen=True)
class CreateTeam(Action):
    pass


@action("team-join", C.OWN_ACCOUNT)
@dataclass(frozen=True)
class JoinTeam(Action):
    code: str


@action("team-join-no", C.OWN_ACCOUNT)
@dataclass(frozen=True)
class DeclineTeam(Action):
    pass


@action("team-week", C.VIEW_TEAM_WEEK)
@dataclass(frozen=True)
class TeamWeek(Action):
    pass


@action("team-feedback", C.VIEW_TEAM_FEEDBACK)
@dataclass(frozen=True)
class TeamFeedback(Action):
    pass


@action("team-circles", C.VIEW_TEAM_CIRCLES)
@dataclass(frozen=True)
class TeamCircles(Action):
    pass


@action("team-members", C.VIEW_TEAM_MEMBERS)
@dataclass(frozen=True)
class TeamMembers(Action):
    pass


@action("team-invite", C.INVITE_TO_TEAM)
@dataclass(frozen=True)
class InviteToTeam(Action):
    kind: Literal["m", "a", "o"]  # a facilitator once, facilitators with approval, an organizer


@action("team-request", C.APPROVE_JOINING)
@dataclass(frozen=True)
class AnswerJoinRequest(Action):
    request_id: int
    approve: bool


@action("team-summary-here", C.CHOOSE_SUMMARY)
@dataclass(frozen=True)
class SummaryHere(Action):
    pass


@action("team-summary-time", C.CHOOSE_SUMMARY)
@dataclass(frozen=True)
class SummaryTime(Action):
    pass


@action("team-remove", C.REMOVE_FROM_TEAM)
@dataclass(frozen=True)
class RemoveMember(Action):
    person_id: int


@action("team-remove-yes", C.REMOVE_FROM_TEAM)
@dataclass(frozen=True)
class RemoveMemberConfirmed(Action):
    person_id: int


@action("team-leave", C.LEAVE_TEAM)
@dataclass(frozen=True)
class LeaveTeam(Action):
    pass


@action("team-leave-yes", C.LEAVE_TEAM)
@dataclass(frozen=True)
class LeaveTeamConfirmed(Action):
    pass


@action("team-close", C.CLOSE_TEAM)
@dataclass(frozen=True)
class CloseTeam(Action):
    pass


@action("team-close-yes", C.CLOSE_TEAM)
@dataclass(frozen=True)
class CloseTeamConfirmed(Action):
    pass


def stored(identifier: int | None) -> int:
    """The id of a stored entity, for a token (entities carry None only before they are saved)."""
    if identifier is None:
        raise ValueError("a button for something not saved yet")
    return identifier
