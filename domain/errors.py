"""Rule violations, each a stable ``reason`` key the application turns into a translated message."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request that the rules of learning circles refuse."""

    reason = "domain"

    def __init__(self, **params: Any) -> None:
        super().__init__(self.reason, params)
        self.params = params


class NotFound(DomainError):
    reason = "not_found"


class NotAllowed(DomainError):
    """The acting person may not do this (e.g. manage a circle they do not facilitate)."""

    reason = "not_allowed"


class NotOrganizer(DomainError):
    """Only the team's organizers may do this."""

    reason = "team.not_organizer"


class NotInTeam(DomainError):
    reason = "team.none"


class AlreadyInTeam(DomainError):
    reason = "team.already"


class LastOrganizer(DomainError):
    """A team must keep an organizer while it has other members."""

    reason = "team.last_organizer"


class CircleNotOpen(DomainError):
    """The circle is a draft or was cancelled: nobody can sign up."""

    reason = "circle.not_open"


class CircleCancelled(DomainError):
    """The circle was cancelled: nothing about it can change any more."""

    reason = "circle.cancelled"


class SignupClosed(DomainError):
    reason = "signup.closed"


class CircleFull(DomainError):
    reason = "signup.full"


class NoOffer(DomainError):
    """A claim of a waitlist place that is not (or no longer) held for this person."""

    reason = "waitlist.no_offer"


class CircleFinished(DomainError):
    reason = "circle.finished"


class NotSignedUp(DomainError):
    reason = "rsvp.not_signed_up"


class MeetingPast(DomainError):
    reason = "meeting.past"


class MeetingCancelled(DomainError):
    reason = "meeting.cancelled"


class InvalidSchedule(DomainError):
    reason = "schedule.invalid"


class SurveyTooEarly(DomainError):
    reason = "survey.too_early"


class LeadOnly(DomainError):
    """A co-facilitator asked for something the lead facilitator (or an organizer) decides."""

    reason = "circle.lead_only"


class CoverTaken(DomainError):
    """Someone already covers the meeting (issue 14): the first to accept leads it."""

    reason = "cover.taken"


class CoverNotAsked(DomainError):
    """Nobody asks for cover for this meeting (any more): it was withdrawn, or never asked."""

    reason = "cover.not_asked"


class OwnCover(DomainError):
    """The facilitator who asked for cover cannot cover their own meeting."""

    reason = "cover.own"
