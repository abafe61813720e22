"""Messages for refusals: each rule's ``reason`` key and each input problem, in the catalogue.

``N_`` marks a text for extraction without translating it yet: the translation happens when
the message is shown, in the reader's language.
"""

from __future__ import annotations

from bot.i18n import Translator
from bot.parsing import InputError
from domain.errors import DomainError
from domain.model import MAX_DURATION_MINUTES, MAX_WEEKS, MIN_DURATION_MINUTES


def N_(message: str) -> str:
    return message


# The limits a refusal may name, as placeholders, from the one place that states them
# (domain/model.py): the texts never restate a number.
LIMITS = {
    "max_weeks": MAX_WEEKS,
    "min_minutes": MIN_DURATION_MINUTES,
    "max_hours": MAX_DURATION_MINUTES // 60,
}


DOMAIN_ERRORS = {
    "not_found": N_("I could not find that. It may have been removed."),
    "not_allowed": N_("Only the circle's facilitators can do that."),
    "circle.not_open": N_("{circle} is not open for signup."),
    "signup.closed": N_("Signup for {circle} is closed. Ask the facilitator if you would like to join."),
    "signup.full": N_("Sorry, {circle} is full: all {limit} places are taken."),
    "waitlist.no_offer": N_(
        "No place in {circle} is held for you (any more). Open the circle's card to see where you stand."
    ),
    "circle.cancelled": N_("{circle} was cancelled, so it cannot change any more."),
    "survey.too_early": N_("The survey opens once the circle has met."),
    "circle.finished": N_("{circle} has already finished."),
    "rsvp.not_signed_up": N_("You can only answer for meetings of circles you signed up for."),
    "meeting.past": N_("That meeting has already started, so it cannot be changed any more."),
    "meeting.cancelled": N_("That meeting was cancelled."),
    "team.not_organizer": N_("Only the team's organizers can do that."),
    "circle.lead_only": N_("Only the circle's lead facilitator or the team's organizers can do that."),
    "team.none": N_("You are not in a team yet. Create one with /team, or ask an organizer for an invitation."),
    "team.already": N_("You are already in the team {team}. Leave it first to join another."),
    "team.last_organizer": N_(
        "You are the team's only organizer. Invite another organizer before you leave, or close the team."
    ),
    "forget.only_organizer": N_(
        "You are the only organizer of {team}, so I cannot forget you yet: the team would have nobody to "
        "look after it. Invite another organizer first (/team → Invite an organizer), or close the team "
        "(/team → Close the team), then send /forget again. Nothing was deleted."
    ),
    "schedule.invalid": N_("A circle meets between 1 and {max_weeks} times."),
    "cover.taken": N_("Someone already covers that meeting, so nothing changed. Thank you all the same!"),
    "cover.not_asked": N_("Nobody is asking for cover for that meeting any more, so nothing changed."),
    "cover.own": N_("You asked for cover for that meeting yourself, so you cannot cover it."),
}

INPUT_ERRORS = {
    "date.unrecognised": N_("I could not read that as a date. Try 2026-12-07 or 7 Dec 2026."),
    "date.weekday_mismatch": N_("The weekday does not match that date. Please check it."),
    "date.impossible": N_("That date does not exist. Please check the day and month."),
    "date.past": N_("That date has already passed. Please choose a date from today on."),
    "date.too_far": N_("That date is too far ahead. Please choose a date no later than {latest}."),
    "time.unrecognised": N_("I could not read that as a time. Try 18:30 or 6:30pm."),
    "number.range": N_("Please send a whole number from {lo} to {hi}."),
    "duration.unrecognised": N_("Please send the length in minutes, such as 90, or like 1h30."),
    "duration.range": N_(
        "Please send a duration between {min_minutes} minutes and {max_hours} hours, e.g. 90 or 1h30."
    ),
    "timezone.unknown": N_("I do not know that time zone. Send a name like Europe/Berlin or America/New_York."),
    "text.empty": N_("Please send some text."),
    "name.invisible": N_("That name has no visible letters. Please send a name people can read."),
    "name.bidi": N_(
        "That name contains characters that change the writing direction, which can disguise what it says. "
        "Please send it without them."
    ),
    "city.invalid": N_("That does not look like the name of a town or city. Please type the city's name."),
    "text.too_long": N_("That is {length} characters long; the limit here is {max_len}. Please shorten it."),
    "url.not_https": N_("Please send a secure link, one that starts with https://."),
    "url.invalid": N_("That does not look like a web address. Send a link such as https://example.org/course."),
    "time.past": N_("That time has already passed today. Please choose a later time or another date."),
    "language.unknown": N_("I do not know that language. Send a code such as en, es, de or pt."),
    "city.not_found": N_("I found no town near that location. Please type the city's name."),
    "choice.needed": N_("Please choose one of the buttons."),
}


def domain_error_text(t: Translator, error: DomainError) -> str:
    template = DOMAIN_ERRORS.get(error.reason, DOMAIN_ERRORS["not_found"])
    return t(template, **{**LIMITS, **error.params})


def input_error_text(t: Translator, error: InputError) -> str:
    template = INPUT_ERRORS.get(error.reason, INPUT_ERRORS["choice.needed"])
    params = {k: v for k, v in error.params.items() if k != "suggestions"}
    text = t(template, **{**LIMITS, **params})
    suggestions = error.params.get("suggestions")
    if suggestions:
        text += " " + t("Did you mean: {names}?", names=", ".join(suggestions))
    return text


# Who reads the answer to a free-text question (SPEC §1: "read only by the people the question
# names"). Each sentence must stay true to the code: the views, copies and summaries that show
# the answer.


def readers_of_learner_words(t: Translator) -> str:
    """Learners' survey comment, how they will help peers, the custom answer: the circle's
    signups and the report preview (facilitators, organizers) and the organizers' report copy."""
    return t("Only your circle's facilitators and its team's organizers read this.")


def readers_of_goal(t: Translator) -> str:
    """The signup goal: as above, and the team's weekly summary lists new signups with their goals."""
    return t(
        "Your circle's facilitators and its team's organizers read this; it also appears in the team's weekly summary."
    )


def readers_of_reflection(t: Translator) -> str:
    """A meeting's reflection: the report preview, the team's feedback view and weekly summary,
    and the learners' report copy only when its author chose so."""
    return t(
        "Your co-facilitators and your team's organizers read this, also in the team's weekly summary. "
        "Learners see it only if you include your reflections when you send them the report."
    )


def readers_of_survey_comment(t: Translator) -> str:
    """The facilitator survey's comment: the report, for learners only when its author chose so."""
    return t(
        "Your co-facilitators and your team's organizers read this. Learners see it only if you "
        "include your reflections when you send them the report."
    )
