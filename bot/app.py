"""The core's single entry point: an ``Incoming`` in, the ``Reply`` list out.

Every event is handled in one transaction. A refusal by the rules rolls back whatever the
handler had started and explains itself; an unexpected failure rolls back too, keeps what the
person wrote, and tells them so.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, TypeVar

from bot import actions as act
from bot import logs
from bot.clock import Clock
from bot.commands import COMMAND_WORDS, PERSONAL_COMMANDS
from bot.config import Settings
from bot.conversation.boundary import clean_incoming
from bot.conversation.context import Context
from bot.conversation.dialog import Answer, DialogRunner
from bot.conversation.messages import HomeView, Incoming, Location, Reply
from bot.delivery.reasons import BLOCKED
from bot.dialogs.broadcast import BroadcastDialog
from bot.dialogs.browse import BrowseDialog
from bot.dialogs.create_circle import ChangeVenue, CreateCircle
from bot.dialogs.feedback import FeedbackDialog
from bot.dialogs.meeting_time import MeetingTimeDialog
from bot.dialogs.reminder import ReminderLeadDialog, ReminderTextDialog
from bot.dialogs.signup import SignupDialog
from bot.dialogs.signup_limit import SignupLimitDialog
from bot.dialogs.survey import FacilitatorSurvey, LearnerSurvey, start_survey
from bot.dialogs.team import CreateTeam, SummaryTime
from bot.dialogs.timezone import TimezoneDialog
from bot.handlers import attendance, covers, facilitator, general, learner, messaging, team
from bot.handlers import identity as identity_handlers
from bot.handlers import report as report_handlers
from bot.i18n import Translator, supported_language
from bot.metrics import Metrics, command_label
from bot.texts import domain_error_text
from bot.usecases import home as home_cases
from bot.usecases import offered as offered_cases
from bot.views.home import home_view
from domain.errors import DomainError
from domain.model import Identity, Person
from storage.db import Database
from storage.unit import Unit, unit_of_work

log = logging.getLogger(__name__)

CANCEL_WORDS = {"cancel", "/cancel", "stop"}
MAX_INPUT = 10_000  # Longer input is refused before it reaches any dialog.

# Buttons that make sense in a group or channel: a circle's card and the team's shared views.
GROUP_ACTIONS: frozenset[type[act.Action]] = frozenset(
    {act.ShowCircle, act.ShowTeam, act.TeamWeek, act.TeamFeedback, act.TeamCircles, act.TeamMembers, act.SummaryHere}
)
# Buttons of a card shared in a channel that start something personal: where the platform can
# write to the person privately (Slack), it continues in their private chat instead of refusing.
PRIVATE_FROM_GROUP: frozenset[type[act.Action]] = frozenset({act.SignUp, act.JoinWaitlist})


def private_please(ctx: Context) -> str:
    return ctx.t("Let's do that in a private chat with me, so that your answers stay yours.")


A = TypeVar("A", bound=act.Action)


def _on_earth(where: Location) -> bool:
    lat, lon = where.latitude, where.longitude
    return math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180


@dataclass
class Core:
    """The application, wired: storage, clock, settings and the dialogs."""

    db: Database
    clock: Clock
    settings: Settings
    share_links: dict[str, Callable[[str], str]] = field(default_factory=dict)
    # Set by bot.delivery.service.start: wakes the dispatcher once a use case enqueued a message.
    wake_delivery: Callable[[], None] | None = None
    # Served at /metrics; the dispatcher started for this app counts into it too.
    metrics: Metrics = field(default_factory=Metrics)

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
                SignupLimitDialog(),
                TimezoneDialog(),
            ]
        )
        # Every typed action (bot/actions.py) to its handler; the handler gets the decoded fields.
        self.handlers: dict[type[act.Action], Callable[[Context, Any], Awaitable[None]]] = {}
        self._learner_actions()
        self._circle_actions()
        self._team_actions()
        assert set(self.handlers) == set(act.ACTIONS.values()), "every action needs a handler"
        self.commands = self._command_words()

    def _learner_actions(self) -> None:
        on, r = self._on, self.runner
        # Learners and anyone
        on(act.ShowCircle, lambda ctx, x: learner.circle_card(ctx, x.circle_id))
        on(act.SignUp, lambda ctx, x: learner.sign_up(ctx, r, x.circle_id))
        on(act.JoinWaitlist, lambda ctx, x: learner.join_waitlist(ctx, r, x.circle_id))
        on(act.LeaveWaitlist, lambda ctx, x: learner.leave_waitlist(ctx, x.circle_id))
        on(act.ClaimPlace, lambda ctx, x: learner.claim_place(ctx, x.circle_id))
        on(act.CalendarFile, lambda ctx, x: learner.calendar_file(ctx, x.circle_id))
        on(act.RsvpList, lambda ctx, x: learner.rsvp_list(ctx, x.circle_id))
        on(act.AnswerRsvp, lambda ctx, x: learner.rsvp_answer(ctx, x.meeting_id, x.attending))
        on(act.CheckIn, lambda ctx, x: attendance.check_in(ctx, x.meeting_id))
        on(act.LeaveCircle, lambda ctx, x: learner.leave_ask(ctx, x.circle_id))
        on(act.LeaveCircleConfirmed, lambda ctx, x: learner.leave_confirm(ctx, x.circle_id))
        on(act.StartSurvey, lambda ctx, x: start_survey(ctx, r, x.kind, x.circle_id))
        # One's own account, and dialog answers
        on(act.Forget, lambda ctx, x: general.confirm_forget(ctx, x.confirmed))
        on(act.ChooseLanguage, lambda ctx, x: general.choose_language(ctx, x.code))
        on(act.ConfirmLink, lambda ctx, x: identity_handlers.confirm(ctx, x.code))
        on(act.DeclineLink, lambda ctx, x: identity_handlers.decline(ctx))
        on(act.DialogChoice, lambda ctx, x: r.press(ctx, x.step, x.value))

    def _circle_actions(self) -> None:
        on, r = self._on, self.runner
        on(act.Manage, lambda ctx, x: facilitator.manage(ctx, x.circle_id))
        on(act.ShowSignups, lambda ctx, x: facilitator.signups(ctx, x.circle_id))
        on(act.ShowSchedule, lambda ctx, x: facilitator.rsvps(ctx, x.circle_id))
        on(act.ExportSignups, lambda ctx, x: facilitator.export_signups(ctx, x.circle_id))
        on(act.Publish, lambda ctx, x: facilitator.publish(ctx, x.circle_id))
        on(act.SetSignupOpen, lambda ctx, x: facilitator.set_signup_open(ctx, x.circle_id, x.open))
        on(act.ChangeSignupLimit, lambda ctx, x: facilitator.change_limit(ctx, r, x.circle_id))
        on(act.PickMeeting, lambda ctx, x: facilitator.pick_meeting(ctx, x.circle_id, x.purpose))
        on(act.Reschedule, lambda ctx, x: facilitator.reschedule(ctx, r, x.meeting_id))
        on(act.CancelMeeting, lambda ctx, x: facilitator.cancel_meeting_ask(ctx, x.meeting_id))
        on(act.CancelMeetingConfirmed, lambda ctx, x: facilitator.cancel_meeting(ctx, x.meeting_id))
        on(act.AddMeeting, lambda ctx, x: facilitator.add_meeting(ctx, r, x.circle_id))
        on(act.ChangeVenue, lambda ctx, x: facilitator.change_venue(ctx, r, x.circle_id))
        on(act.CancelCircle, lambda ctx, x: facilitator.cancel_circle_ask(ctx, x.circle_id))
        on(act.CancelCircleConfirmed, lambda ctx, x: facilitator.cancel_circle(ctx, x.circle_id))
        on(act.InviteCoFacilitator, lambda ctx, x: facilitator.invite_cofacilitator(ctx, x.circle_id))
        on(act.ShareCircle, lambda ctx, x: facilitator.share_ask(ctx, x.circle_id))
        on(act.ShareCircleIn, lambda ctx, x: facilitator.share_in(ctx, x.circle_id))
        on(act.RemoveCoFacilitator, lambda ctx, x: facilitator.remove_co_ask(ctx, x.circle_id, x.person_id))
        on(act.RemoveCoFacilitatorConfirmed, lambda ctx, x: facilitator.remove_co(ctx, x.circle_id, x.person_id))
        on(act.StepDown, lambda ctx, x: facilitator.step_down_ask(ctx, x.circle_id))
        on(act.StepDownConfirmed, lambda ctx, x: facilitator.step_down(ctx, x.circle_id))
        on(act.PreviewReport, lambda ctx, x: report_handlers.preview(ctx, x.circle_id))
        on(act.SendReport, lambda ctx, x: report_handlers.send(ctx, x.circle_id))
        on(act.ShareInReport, lambda ctx, x: report_handlers.share(ctx, x.circle_id, x.include))
        # Delivery: /message, /reminder, /feedback and the buttons of reminders and prompts.
        on(act.WriteToLearners, lambda ctx, x: messaging.start_message(ctx, r, x.circle_id))
        on(act.ShowReminder, lambda ctx, x: messaging.show_reminder(ctx, x.circle_id))
        on(act.EditReminder, lambda ctx, x: messaging.edit_reminder(ctx, r, x.meeting_id))
        on(act.ResetReminder, lambda ctx, x: messaging.reset_reminder(ctx, x.meeting_id))
        on(act.EditDefaultReminder, lambda ctx, x: messaging.edit_default(ctx, r, x.circle_id))
        on(act.EditReminderLead, lambda ctx, x: messaging.edit_lead(ctx, r, x.circle_id))
        on(act.GiveFeedback, lambda ctx, x: messaging.start_feedback(ctx, r, x.meeting_id))
        on(act.RateMeeting, lambda ctx, x: messaging.start_feedback(ctx, r, x.meeting_id, x.rating))
        # Cover for a missed meeting (issue 14)
        on(act.PickCoverMeeting, lambda ctx, x: covers.pick_meeting(ctx, x.circle_id))
        on(act.AskCover, lambda ctx, x: covers.ask(ctx, x.meeting_id))
        on(act.WithdrawCover, lambda ctx, x: covers.withdraw(ctx, x.meeting_id))
        on(act.AnswerCover, lambda ctx, x: covers.answer(ctx, x.meeting_id, x.accept))
        on(act.CancelUncovered, lambda ctx, x: covers.cancel_uncovered(ctx, x.meeting_id))

    def _team_actions(self) -> None:
        on, r = self._on, self.runner
        on(act.ShowTeam, lambda ctx, x: team.team(ctx, r, edit=True))
        on(act.CreateTeam, lambda ctx, x: team.create(ctx, r))
        on(act.JoinTeam, lambda ctx, x: team.join(ctx, x.code))
        on(act.DeclineTeam, lambda ctx, x: team.decline(ctx))
        on(act.TeamWeek, lambda ctx, x: team.this_week(ctx))
        on(act.TeamFeedback, lambda ctx, x: team.feedback(ctx))
        on(act.TeamCircles, lambda ctx, x: team.circles(ctx))
        on(act.TeamMembers, lambda ctx, x: team.members(ctx))
        on(act.InviteToTeam, lambda ctx, x: team.invite(ctx, x.kind))
        on(act.AnswerJoinRequest, lambda ctx, x: team.decide(ctx, x.request_id, x.approve))
        on(act.SummaryHere, lambda ctx, x: team.summary_here(ctx))
        on(act.SummaryTime, lambda ctx, x: team.summary_time(ctx, r))
        on(act.RemoveMember, lambda ctx, x: team.remove_ask(ctx, x.person_id))
        on(act.RemoveMemberConfirmed, lambda ctx, x: team.remove(ctx, x.person_id))
        on(act.LeaveTeam, lambda ctx, x: team.leave_ask(ctx))
        on(act.LeaveTeamConfirmed, lambda ctx, x: team.leave(ctx))
        on(act.CloseTeam, lambda ctx, x: team.close_ask(ctx))
        on(act.CloseTeamConfirmed, lambda ctx, x: team.close(ctx))

    def _command_words(self) -> dict[str, Callable[[Context], Awaitable[None]]]:
        r = self.runner
        # The command words of SPEC §3 (bot/commands.py), each to its handler.
        commands: dict[str, Callable[[Context], Awaitable[None]]] = {
            "start": self._start,
            "help": general.help_command,
            "browse": lambda ctx: learner.browse(ctx, r),
            "mycircles": learner.my_circles,
            "new": lambda ctx: facilitator.new_circle(ctx, r),
            "rsvp": learner.rsvp_command,
            "here": attendance.here_command,
            "calendar": learner.calendar_command,
            "message": lambda ctx: messaging.message_command(ctx, r),
            "reminder": messaging.reminder_command,
            "feedback": messaging.feedback_command,
            "report": report_handlers.report_command,
            "team": lambda ctx: team.team(ctx, r),
            "link": identity_handlers.link_command,
            "leave": learner.leave_command,
            "forget": general.forget,
            "language": general.language,
            "timezone": lambda ctx: general.timezone(ctx, r),
            "cancel": self._cancel,
        }
        assert set(commands) == COMMAND_WORDS, "every command word needs a handler"
        return commands

    def share_link(self, platform: str) -> Callable[[str], str]:
        return self.share_links.get(platform, lambda code: f"/start {code}")

    async def handle(self, incoming: Incoming) -> list[Reply]:
        """Handle one event, counted in the metrics; every log line meanwhile names the event."""
        command = command_label(incoming, act.ACTIONS)
        self.metrics.in_flight.inc()
        started = time.perf_counter()  # real elapsed time, not the business clock
        try:
            with logs.handling(incoming.platform, incoming.update_id, command):
                return await self._handle(incoming)
        finally:
            self.metrics.in_flight.dec()
            elapsed = time.perf_counter() - started
            self.metrics.events.labels(platform=incoming.platform, command=command).observe(elapsed)

    async def _handle(self, incoming: Incoming) -> list[Reply]:
        # The boundary: whatever the platform delivered, the core sees it cleaned, once.
        incoming = clean_incoming(incoming)
        now = self.clock.now()
        language = supported_language(incoming.language or self.settings.circles.default_language)
        try:
            async with unit_of_work(self.db) as unit:
                person = await self._arrive(unit, incoming, language, now)
                if person is None:
                    return []  # A repeated update (webhook retry, double delivery): already handled.
                language = person.language  # refusals below speak the person's chosen language
                ctx = Context(
                    _unit=unit,
                    person=person,
                    incoming=incoming,
                    now=now,
                    t=Translator(person.language, person.zone),
                    settings=self.settings,
                    share_link=self.share_link(incoming.platform),
                )
                await self._route(ctx)
                offered = offered_cases.pressable(ctx.replies[-1]) if ctx.replies else []
                if offered and not ctx.incoming.in_group and person.id is not None:
                    # Typing instead of tapping: the last buttons offered are what a typed label names.
                    # (A reply without buttons, such as a refusal, leaves them and changes nothing.)
                    await offered_cases.remember_buttons(unit, person.id, offered, now)
                for reply in ctx.replies:
                    # The reader's language (possibly just changed with /language) for the labels
                    # adapters add; in a group, a way into the private chat unless the answer has buttons.
                    reply.language = reply.language or ctx.t.language
                    reply.offer_private_chat = incoming.in_group and not reply.buttons and not reply.private
            if unit.outbox.added and self.wake_delivery is not None:
                self.wake_delivery()  # after the commit: the dispatcher can see the new rows
            return ctx.replies
        except DomainError as error:
            # The transaction is rolled back: nothing half-done stays.
            return [Reply(text=domain_error_text(Translator(language), error))]
        except Exception as error:
            log.exception("handling %s event failed", incoming.platform)
            return [await self._kept(incoming, language, error)]

    async def _arrive(self, unit: Unit, incoming: Incoming, language: str, now: datetime) -> Person | None:
        """The person behind the event, found or created; None for an update seen before."""
        chat = incoming.private_chat_id or (None if incoming.in_group else incoming.chat_id)
        identity = Identity(incoming.platform, incoming.user_id, chat)
        if incoming.update_id is None:
            person, _ = await unit.people.ensure(identity, incoming.user_name, language, now)
        else:
            arrived = await unit.people.arrive(identity, incoming.user_name, language, now, incoming.update_id)
            if arrived is None:
                return None
            person, _ = arrived
        if incoming.timezone and incoming.timezone != person.platform_timezone and person.id is not None:
            # The zone the platform's profile states (Slack): used while the person chose none.
            await unit.people.set_platform_timezone(person.id, incoming.timezone)
            person.platform_timezone = incoming.timezone
        if person.unreachable_reason == BLOCKED and person.id is not None and not incoming.in_group:
            # Writing to the bot again means they unblocked it: messages may reach them again.
            await unit.people.mark_reachable(person.id)
            person.unreachable_reason = None
        return person

    async def home(self, incoming: Incoming) -> HomeView:
        """A person's home (Slack's App Home tab) as it is now: the second entry point, besides
        ``handle``, for a platform that shows a page of its own to each person. ``incoming`` names
        the person; nothing is written — someone the bot does not know (yet, or any more after
        ``/forget``) sees the welcome, and is not created by looking."""
        incoming = clean_incoming(incoming)
        now = self.clock.now()
        language = supported_language(incoming.language or self.settings.circles.default_language)
        async with unit_of_work(self.db) as unit:
            person = await unit.people.by_identity(incoming.platform, incoming.user_id)
            if person is None or person.id is None:
                return home_view(Translator(language, incoming.timezone), home_cases.Home())
            t = Translator(person.language, person.zone or incoming.timezone)
            return home_view(t, await home_cases.home(unit, person.id, now))

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
        if incoming.mentioned:
            await general.mention(ctx)
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
        token = await ctx.run(offered_cases.typed_button, ctx.person_id, text)
        if token is not None:
            await self._action(ctx, token)  # as if the button was pressed, authorised again there
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

    def _on(self, kind: type[A], handler: Callable[[Context, A], Awaitable[None]]) -> None:
        self.handlers[kind] = handler

    async def _action(self, ctx: Context, token: str) -> None:
        """A pressed button. Its token names what to do; who does it comes from the event, and the
        handler's use case asks the role model (domain/roles.py) whether they may."""
        try:
            pressed = act.decode(token)
        except act.BadToken:
            ctx.say(ctx.t("That button no longer works. Send /help to start again."))
            return
        if ctx.incoming.in_group and type(pressed) not in GROUP_ACTIONS:
            if type(pressed) in PRIVATE_FROM_GROUP and ctx.incoming.private_chat_id:
                await self._privately(ctx, pressed)
                return
            # Dialogs and personal answers cannot continue in a group, where plain text is ignored.
            ctx.say(private_please(ctx))
            return
        await self.handlers[type(pressed)](ctx, pressed)

    async def _privately(self, ctx: Context, pressed: act.Action) -> None:
        """A press in a group, handled as if made in the person's private chat: its answers go
        there (``Reply.private``), and the group hears only where to look."""
        private_chat = ctx.incoming.private_chat_id
        assert private_chat is not None
        ctx.incoming = replace(ctx.incoming, in_group=False, chat_id=private_chat)
        before = len(ctx.replies)
        await self.handlers[type(pressed)](ctx, pressed)
        for reply in ctx.replies[before:]:
            reply.private = True
        ctx.replies.insert(before, Reply(text=ctx.t("I wrote to you in a private chat with me: we continue there.")))
