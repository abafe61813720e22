"""The core's single entry point: an ``Incoming`` in, the ``Reply`` list out.

Every event is handled in one transaction. A refusal by the rules rolls back whatever the
handler had started and explains itself; an unexpected failure rolls back too, keeps what the
person wrote, and tells them so.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.clock import Clock
from bot.commands import COMMAND_WORDS
from bot.config import Settings
from bot.conversation.context import Context
from bot.conversation.dialog import DIALOG_TOKEN, Answer, DialogRunner
from bot.conversation.messages import Incoming, Location, Reply
from bot.delivery.reasons import BLOCKED
from bot.dialogs.broadcast import BroadcastDialog
from bot.dialogs.browse import BrowseDialog
from bot.dialogs.create_circle import ChangeVenue, CreateCircle
from bot.dialogs.feedback import FeedbackDialog
from bot.dialogs.meeting_time import MeetingTimeDialog
from bot.dialogs.reminder import ReminderLeadDialog, ReminderTextDialog
from bot.dialogs.signup import SignupDialog
from bot.dialogs.survey import FacilitatorSurvey, LearnerSurvey, start_survey
from bot.dialogs.team import CreateTeam, SummaryTime
from bot.handlers import delivery, facilitator, general, learner, team
from bot.handlers import identity as identity_handlers
from bot.handlers import report as report_handlers
from bot.i18n import Translator, supported_language
from bot.texts import domain_error_text
from domain.errors import DomainError
from domain.model import Identity
from storage.db import Database
from storage.unit import unit_of_work

log = logging.getLogger(__name__)

CANCEL_WORDS = {"cancel", "/cancel", "stop"}
MAX_INPUT = 10_000  # Longer input is refused before it reaches any dialog.

# What must happen in a private chat: dialogs, personal answers, managing a circle.
PERSONAL_COMMANDS = frozenset(
    {"new", "rsvp", "mycircles", "leave", "forget", "language", "link", "message", "reminder", "feedback", "report"}
)
# Buttons that make sense in a group or channel: a circle's card and the team's shared views.
GROUP_ACTIONS = frozenset({"c", "t", "tw", "tf", "tl", "tm", "th"})


def private_please(ctx: Context) -> str:
    return ctx.t("Let's do that in a private chat with me, so that your answers stay yours.")


Action = Callable[[Context, list[str]], Awaitable[None]]


def _on_earth(where: Location) -> bool:
    lat, lon = where.latitude, where.longitude
    return math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180


class BadToken(ValueError):
    """A button token that no button of ours could have carried (forged, garbled, outdated)."""


def _int(text: str) -> int:
    if not re.fullmatch(r"\d{1,10}", text) or int(text) > 2**31 - 1:  # ids are PostgreSQL integers
        raise BadToken(text)
    return int(text)


def _flag(text: str) -> bool:
    if text not in ("0", "1"):
        raise BadToken(text)
    return text == "1"


def _rating(text: str) -> int:
    if text not in ("1", "2", "3", "4", "5"):
        raise BadToken(text)
    return int(text)


@dataclass
class Circles:
    """The application, wired: storage, clock, settings and the dialogs."""

    db: Database
    clock: Clock
    settings: Settings
    share_links: dict[str, Callable[[str], str]] = field(default_factory=dict)
    # Set by bot.delivery.service.start: wakes the dispatcher once a use case enqueued a message.
    wake_delivery: Callable[[], None] | None = None

    def __post_init__(self) -> None:
        self.runner = DialogRunner(
            [
                CreateCircle(),
                ChangeVenue(),
                SignupDialog(),
                BrowseDialog(),
                MeetingTimeDialog(),
                CreateTeam(),
                SummaryTime(),
                LearnerSurvey(),
                FacilitatorSurvey(),
                FeedbackDialog(),
                BroadcastDialog(),
                ReminderTextDialog(),
                ReminderLeadDialog(),
            ]
        )
        r = self.runner
        self.actions: dict[str, tuple[int, Action]] = {
            # token verb: (number of arguments, handler)
            "c": (1, lambda ctx, a: learner.circle_card(ctx, _int(a[0]))),
            "su": (1, lambda ctx, a: learner.sign_up(ctx, r, _int(a[0]))),
            "rl": (1, lambda ctx, a: learner.rsvp_list(ctx, _int(a[0]))),
            "rsvp": (2, self._rsvp),
            "lv": (1, lambda ctx, a: learner.leave_ask(ctx, _int(a[0]))),
            "lvy": (1, lambda ctx, a: learner.leave_confirm(ctx, _int(a[0]))),
            "fg": (1, lambda ctx, a: general.confirm_forget(ctx, a[0])),
            "lang": (1, lambda ctx, a: general.choose_language(ctx, a[0])),
            "m": (1, lambda ctx, a: facilitator.manage(ctx, _int(a[0]))),
            "ics": (1, lambda ctx, a: learner.calendar_file(ctx, _int(a[0]))),
            "mcsv": (1, lambda ctx, a: facilitator.export_signups(ctx, _int(a[0]))),
            "ms": (1, lambda ctx, a: facilitator.signups(ctx, _int(a[0]))),
            "mr": (1, lambda ctx, a: facilitator.rsvps(ctx, _int(a[0]))),
            "mp": (1, lambda ctx, a: facilitator.publish(ctx, _int(a[0]))),
            "mo": (2, lambda ctx, a: facilitator.set_signup_open(ctx, _int(a[0]), a[1] == "1")),
            "mm": (2, lambda ctx, a: facilitator.pick_meeting(ctx, _int(a[0]), a[1])),
            "mx": (1, lambda ctx, a: facilitator.reschedule(ctx, r, _int(a[0]))),
            "mc": (1, lambda ctx, a: facilitator.cancel_meeting_ask(ctx, _int(a[0]))),
            "mcy": (1, lambda ctx, a: facilitator.cancel_meeting(ctx, _int(a[0]))),
            "ma": (1, lambda ctx, a: facilitator.add_meeting(ctx, r, _int(a[0]))),
            "mv": (1, lambda ctx, a: facilitator.change_venue(ctx, r, _int(a[0]))),
            "mk": (1, lambda ctx, a: facilitator.cancel_circle_ask(ctx, _int(a[0]))),
            "mky": (1, lambda ctx, a: facilitator.cancel_circle(ctx, _int(a[0]))),
            "t": (0, lambda ctx, a: team.team(ctx, r, edit=True)),
            "tc": (0, lambda ctx, a: team.create(ctx, r)),
            "tj": (1, lambda ctx, a: team.join(ctx, a[0])),
            "tjn": (0, lambda ctx, a: team.decline(ctx)),
            "tw": (0, lambda ctx, a: team.this_week(ctx)),
            "tf": (0, lambda ctx, a: team.feedback(ctx)),
            "tl": (0, lambda ctx, a: team.circles(ctx)),
            "tm": (0, lambda ctx, a: team.members(ctx)),
            "ti": (1, lambda ctx, a: team.invite(ctx, a[0])),
            "th": (0, lambda ctx, a: team.summary_here(ctx)),
            "ts": (0, lambda ctx, a: team.summary_time(ctx, r)),
            "tr": (1, lambda ctx, a: team.remove_ask(ctx, _int(a[0]))),
            "try": (1, lambda ctx, a: team.remove(ctx, _int(a[0]))),
            "tx": (0, lambda ctx, a: team.leave_ask(ctx)),
            "txy": (0, lambda ctx, a: team.leave(ctx)),
            "tz": (0, lambda ctx, a: team.close_ask(ctx)),
            "tzy": (0, lambda ctx, a: team.close(ctx)),
            "rp": (1, lambda ctx, a: report_handlers.preview(ctx, _int(a[0]))),
            "rps": (1, lambda ctx, a: report_handlers.send(ctx, _int(a[0]))),
            "rpr": (2, lambda ctx, a: report_handlers.share(ctx, _int(a[0]), _flag(a[1]))),
            "sv": (2, lambda ctx, a: start_survey(ctx, r, a[0], _int(a[1]))),
            "mf": (1, lambda ctx, a: facilitator.invite_cofacilitator(ctx, _int(a[0]))),
            identity_handlers.CONFIRM: (1, lambda ctx, a: identity_handlers.confirm(ctx, a[0])),
            identity_handlers.DECLINE: (0, lambda ctx, a: identity_handlers.decline(ctx)),
            # Delivery: /message, /reminder, /feedback and the buttons of reminders and prompts.
            "bm": (1, lambda ctx, a: delivery.start_message(ctx, r, _int(a[0]))),
            "rm": (1, lambda ctx, a: delivery.show_reminder(ctx, _int(a[0]))),
            "rme": (1, lambda ctx, a: delivery.edit_reminder(ctx, r, _int(a[0]))),
            "rmr": (1, lambda ctx, a: delivery.reset_reminder(ctx, _int(a[0]))),
            "rmd": (1, lambda ctx, a: delivery.edit_default(ctx, r, _int(a[0]))),
            "rml": (1, lambda ctx, a: delivery.edit_lead(ctx, r, _int(a[0]))),
            "fb": (1, lambda ctx, a: delivery.start_feedback(ctx, r, _int(a[0]))),
            "fbr": (2, lambda ctx, a: delivery.start_feedback(ctx, r, _int(a[0]), _rating(a[1]))),
            DIALOG_TOKEN: (2, lambda ctx, a: r.press(ctx, a[0], a[1])),
        }
        # The command words of SPEC §3 (bot/commands.py), each to its handler.
        self.commands: dict[str, Callable[[Context], Awaitable[None]]] = {
            "start": self._start,
            "help": general.help_command,
            "browse": lambda ctx: learner.browse(ctx, r),
            "mycircles": learner.my_circles,
            "new": lambda ctx: facilitator.new_circle(ctx, r),
            "rsvp": learner.rsvp_command,
            "message": lambda ctx: delivery.message_command(ctx, r),
            "reminder": delivery.reminder_command,
            "feedback": delivery.feedback_command,
            "report": report_handlers.report_command,
            "team": lambda ctx: team.team(ctx, r),
            "link": identity_handlers.link_command,
            "leave": learner.leave_command,
            "forget": general.forget,
            "language": general.language,
            "cancel": self._cancel,
        }
        assert set(self.commands) == COMMAND_WORDS, "every command word needs a handler"

    def share_link(self, platform: str) -> Callable[[str], str]:
        return self.share_links.get(platform, lambda code: f"/start {code}")

    async def handle(self, incoming: Incoming) -> list[Reply]:
        now = self.clock.now()
        language = supported_language(incoming.language or self.settings.circles.default_language)
        try:
            async with unit_of_work(self.db) as unit:
                if incoming.update_id is not None and not await unit.updates.first_time(
                    incoming.platform, incoming.update_id, now
                ):
                    return []  # A repeated update (webhook retry, double delivery): already handled.
                chat = incoming.private_chat_id or (None if incoming.in_group else incoming.chat_id)
                person, _ = await unit.people.ensure(
                    Identity(incoming.platform, incoming.user_id, chat), incoming.user_name[:200], language, now
                )
                language = person.language  # refusals below speak the person's chosen language
                if person.unreachable_reason == BLOCKED and person.id is not None and not incoming.in_group:
                    # Writing to the bot again means they unblocked it: messages may reach them again.
                    await unit.people.mark_reachable(person.id)
                    person.unreachable_reason = None
                ctx = Context(
                    unit=unit,
                    person=person,
                    incoming=incoming,
                    now=now,
                    t=Translator(person.language),
                    settings=self.settings,
                    share_link=self.share_link(incoming.platform),
                )
                await self._route(ctx)
                for reply in ctx.replies:
                    # The reader's language (possibly just changed with /language) for the labels
                    # adapters add; in a group, a way into the private chat unless the answer has buttons.
                    reply.language = reply.language or ctx.t.language
                    reply.offer_private_chat = incoming.in_group and not reply.buttons
            if unit.outbox.added and self.wake_delivery is not None:
                self.wake_delivery()  # after the commit: the dispatcher can see the new rows
            return ctx.replies
        except DomainError as error:
            # The transaction is rolled back: nothing half-done stays.
            return [Reply(text=domain_error_text(Translator(language), error))]
        except Exception as error:
            log.exception("handling %s event failed", incoming.platform)
            return [await self._kept(incoming, language, error)]

    async def _kept(self, incoming: Incoming, language: str, error: Exception) -> Reply:
        t = Translator(language)
        text = incoming.raw_text
        if text:
            try:
                async with unit_of_work(self.db) as unit:
                    await unit.kept_inputs.keep(
                        incoming.platform, incoming.user_id, text, type(error).__name__, self.clock.now()
                    )
            except Exception:
                log.exception("could not keep the input of a failed event")
            return Reply(
                text=t("Sorry, something went wrong on my side. I kept what you wrote, here it is:")
                + f"\n\n{text[:MAX_INPUT]}\n\n"
                + t("Please try again in a moment.")
            )
        return Reply(text=t("Sorry, something went wrong on my side. Please try again in a moment."))

    async def _route(self, ctx: Context) -> None:
        incoming = ctx.incoming
        if incoming.action is not None:
            await self._action(ctx, incoming.action)
            return
        if incoming.command is not None:
            await self._command(ctx, incoming.command.lower())
            return
        if incoming.in_group:
            return  # In a group only commands addressed to the bot are answered.
        text = incoming.text or ""
        if len(text) > MAX_INPUT:
            ctx.say(ctx.t("That message is too long for me ({length} characters).", length=len(text)))
            return
        if incoming.location is not None and not _on_earth(incoming.location):
            ctx.say(ctx.t("That location does not look right. Please share it again, or type a city."))
            return
        state = await self.runner.active(ctx)
        if state is not None and text.strip().casefold() in CANCEL_WORDS:
            await self._command(ctx, "cancel")
            return
        if state is not None:
            answer = Answer(text=text if incoming.location is None else None, location=incoming.location)
            await self.runner.answer(ctx, state, answer)
            return
        word = text.strip().lstrip("/").split(" ", 1)
        if word[0].lower() in COMMAND_WORDS:
            # Plain words work like commands where slash commands are awkward (Slack DMs, terminal).
            ctx.incoming = Incoming(
                **{**incoming.__dict__, "command": word[0].lower(), "args": word[1] if len(word) > 1 else ""}
            )
            await self._command(ctx, word[0].lower())
            return
        ctx.say(ctx.t("I did not understand that.") + " " + ctx.t("Send /help to see what I can do."))

    async def _command(self, ctx: Context, command: str) -> None:
        if ctx.incoming.in_group and command in PERSONAL_COMMANDS:
            ctx.say(private_please(ctx))
            return
        if command not in ("start", "cancel", "help") and await self.runner.active(ctx) is not None:
            # A new command replaces an unfinished dialog; say so, so nothing seems lost silently.
            await self.runner.cancel(ctx)
            ctx.say(ctx.t("(I stopped the previous conversation.)"))
        handler = self.commands.get(command)
        if handler is None:
            ctx.say(
                ctx.t("I do not know the command /{command}.", command=command)
                + " "
                + ctx.t("Send /help to see what I can do.")
            )
            return
        await handler(ctx)

    async def _start(self, ctx: Context) -> None:
        # A deep link opens something new (a card to sign up from, an invitation), which the
        # unfinished dialog would swallow the answers of: it stops, and says so like other commands.
        if await self.runner.cancel(ctx):
            ctx.say(ctx.t("(I stopped the previous conversation.)"))
        await learner.start(ctx, self.runner, general.help_text(ctx))

    async def _cancel(self, ctx: Context) -> None:
        if await self.runner.cancel(ctx):
            ctx.say(ctx.t("Stopped. Nothing was saved."))
        else:
            ctx.say(ctx.t("There is nothing to cancel."))

    async def _action(self, ctx: Context, token: str) -> None:
        """A pressed button. Its token names what to do; who does it comes from the event."""
        verb, _, rest = token.partition(":")
        if ctx.incoming.in_group and verb not in GROUP_ACTIONS:
            # Dialogs and personal answers cannot continue in a group, where plain text is ignored.
            ctx.say(private_please(ctx))
            return
        handler = self.actions.get(verb)
        # The last argument may itself contain ':' (a dialog choice such as a time, 18:00).
        args = rest.split(":", handler[0] - 1) if handler is not None and rest else []
        if handler is None or len(args) != handler[0] or not all(args):
            ctx.say(ctx.t("That button no longer works. Send /help to start again."))
            return
        try:
            await handler[1](ctx, args)
        except BadToken:
            ctx.say(ctx.t("That button no longer works. Send /help to start again."))

    async def _rsvp(self, ctx: Context, args: list[str]) -> None:
        if args[1] not in ("y", "n"):
            raise BadToken(args[1])
        await learner.rsvp_answer(ctx, _int(args[0]), args[1] == "y")
