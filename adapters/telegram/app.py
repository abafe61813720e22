"""The Telegram adapter, assembled: a python-telegram-bot ``Application`` around the core.

Every update goes the same way: translate it (``translate.py``), let the core decide
(``Circles.handle``), answer a pressed button's callback query, then render the replies
(``render.py``): inline keyboards for buttons, an edit in place where the core asks for one and
a button was pressed, a "share location" keyboard where the core asks for a location, a link to
the private chat under answers given in a group.

Updates arrive by long polling (default) or, in webhook mode, through ``/telegram/webhook`` on
the project's web server (``bot/server.py``), which must be mounted before ``start``::

    adapter = TelegramAdapter(circles, settings.telegram)
    adapter.mount(server)          # webhook mode only; adds the route and a health check
    await server.start()
    await adapter.start()          # getMe, menus and descriptions (profile.py), then webhook or polling
    ...
    await adapter.stop()

Updates of different chats are handled concurrently (at most ``telegram.concurrent_updates`` at
once), those of one chat one after another in arrival order (``ordering.py``), so a person's
quick succession of answers reaches their dialog in the order typed. Every answer to a person's
own action is marked interactive for the one rate limiter the adapter shares with the delivery
engine (``limiter.py``): it does not queue behind a fan-out.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import CallbackQuery, Message, ReplyKeyboardRemove, Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application, ContextTypes, TypeHandler

from adapters.kit.send import Pressed, answer_parts
from adapters.telegram.limiter import Interactive, SharedRateLimiter
from adapters.telegram.markup import (
    Markup,
    Part,
    edit_in_place,
    editable,
    inline_keyboard,
    link_keyboard,
    location_keyboard,
    plan,
    send_part,
)
from adapters.telegram.ordering import ChatOrderedProcessor
from adapters.telegram.profile import publish_profile
from adapters.telegram.request import AiohttpRequest
from adapters.telegram.sender import LIMITS, TelegramApplication, TelegramSender, chat_key
from adapters.telegram.translate import PLATFORM, to_incoming
from adapters.telegram.webhook import WEBHOOK_PATH, check_secret, webhook_handler
from bot.app import Core
from bot.clock import SystemClock
from bot.config import ConfigError, TelegramSettings
from bot.conversation.messages import Incoming, Reply, labels_language
from bot.conversation.outbound import PlatformLimits
from bot.delivery.limits import RateLimiter
from bot.i18n import Translator
from bot.server import WebServer

log = logging.getLogger(__name__)

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
# Replies to a person who is waiting go at once (limiter.py); if Telegram's flood control answers
# 429, every send waits the time asked and the answer is tried again (up to this many times)
# rather than dropped. The delivery engine's sends do not retry here: they are re-queued instead.
INTERACTIVE_RETRIES = 3
REPLY_OPTIONS = {"rate_limit_args": Interactive(INTERACTIVE_RETRIES)}
# Secrets never reach the logs: httpx logs every request URL at INFO, and Telegram's URLs carry
# the token; PTB's Bot logs its URL and every call's parameters (the webhook secret, people's
# messages) at DEBUG. These loggers are kept above those levels even when logging.level is DEBUG.
QUIET_LOGGERS = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "telegram.Bot": logging.INFO,
    "telegram.ext.ExtBot": logging.INFO,
}


def build_application(settings: TelegramSettings, limiter: RateLimiter | None = None) -> TelegramApplication:
    """A PTB ``Application`` talking to ``settings.api_base_url`` (``<root>/bot<token>/<method>``).

    ``limiter``: the rate limiter its answers to people share with the delivery engine (a new
    one on the system clock when not given)."""
    for name, level in QUIET_LOGGERS.items():
        logger = logging.getLogger(name)
        if logger.level < level:  # pinned, so a DEBUG root logger does not open them up
            logger.setLevel(level)
    root = settings.api_base_url.rstrip("/")
    return (
        Application.builder()
        .token(settings.token)
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        # aiohttp rather than PTB's httpx: a tenth of the CPU per call with many in flight (request.py).
        .request(AiohttpRequest())
        .get_updates_request(AiohttpRequest(connection_pool_size=1))
        .rate_limiter(SharedRateLimiter(limiter or RateLimiter(LIMITS, SystemClock())))
        .concurrent_updates(ChatOrderedProcessor(settings.concurrent_updates))
        .job_queue(None)  # the project's own scheduler and outbox send everything timed
        .build()
    )


class TelegramAdapter:
    """Telegram in front of the core: receive updates, translate, render the replies."""

    def __init__(
        self,
        circles: Core,
        settings: TelegramSettings,
        *,
        application: TelegramApplication | None = None,
        limits: PlatformLimits = LIMITS,
    ) -> None:
        if settings.mode not in ("polling", "webhook"):
            raise ConfigError(f"telegram.mode: must be polling or webhook, got {settings.mode!r}")
        if settings.concurrent_updates < 1:
            raise ConfigError(f"telegram.concurrent_updates: at least 1, got {settings.concurrent_updates}")
        self.circles = circles
        self.settings = settings
        # One limiter for the answers to people and the delivery engine's sends (via the sender).
        # ``limits``: Telegram's (the sender's declaration) unless a test double asks otherwise.
        self.limiter = RateLimiter(limits, circles.clock)
        self.application = application or build_application(settings, self.limiter)
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)
        self.sender = TelegramSender(self.application, limiter=self.limiter)
        self.username: str | None = None
        self._mounted = False

    @property
    def webhook_mode(self) -> bool:
        return self.settings.mode == "webhook"

    def mount(self, server: WebServer) -> None:
        """Serve the webhook route (webhook mode) and report on ``/healthz``."""
        if self.webhook_mode:
            server.add_route("POST", WEBHOOK_PATH, webhook_handler(self.application, self.settings.webhook_secret))
            self._mounted = True
        server.add_check("telegram", self._check)

    def share_link(self, code: str) -> str:
        """The deep link that opens a circle's card (or accepts an invitation) in Telegram."""
        return f"https://t.me/{self.username}?start={code}"

    @property
    def private_chat_url(self) -> str:
        return f"https://t.me/{self.username}"

    async def start(self) -> None:
        if self.webhook_mode:
            check_secret(self.settings.webhook_secret)
            if not self._mounted:
                raise RuntimeError("webhook mode: mount the adapter on the web server before starting it")
            if not self.settings.webhook_url.endswith(WEBHOOK_PATH):
                log.warning("telegram.webhook_url does not end in %s; make sure it reaches that path", WEBHOOK_PATH)
        try:
            await self.application.initialize()  # getMe: who we are
            bot = self.application.bot
            self.username = bot.username
            self.circles.share_links[PLATFORM] = self.share_link
            await publish_profile(bot, self.circles.settings.circles.default_language)
            if self.webhook_mode:
                await self.application.start()
                await bot.set_webhook(
                    self.settings.webhook_url,
                    secret_token=self.settings.webhook_secret,
                    allowed_updates=ALLOWED_UPDATES,
                )
                log.info("Telegram: @%s receives updates by webhook", self.username)
            else:
                updater = self.application.updater
                assert updater is not None
                # start_polling removes any webhook first; pending updates are kept, not dropped.
                await updater.start_polling(allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False)
                await self.application.start()
                log.info("Telegram: @%s receives updates by long polling", self.username)
        except InvalidToken:
            await self.stop()
            # PTB's own message quotes the token; this one does not.
            raise ConfigError("telegram.token: Telegram rejected the bot token (see @BotFather)") from None
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        """Stop receiving, finish the updates in hand, close the HTTP pool (webhook stays set)."""
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        # A start that failed half-way leaves the HTTP pool open without the application knowing.
        await self.application.bot.shutdown()

    async def _check(self) -> None:
        if not self.application.running:
            raise RuntimeError("the Telegram application is not running")

    # ------------------------------------------------------------------ one update

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        incoming = to_incoming(update, self.username)
        if incoming is None:
            return
        replies = await self.circles.handle(incoming)
        query = update.callback_query
        if query is not None:
            await self._answer(query)
        await self._deliver(update, incoming, replies)

    async def _answer(self, query: CallbackQuery) -> None:
        """Stop the button's spinner. A repeated update finds its query already answered."""
        try:
            await self.application.bot.answer_callback_query(query.id, **REPLY_OPTIONS)
        except TelegramError as error:
            log.info("callback query not answered: %s", error.message)

    async def _deliver(self, update: Update, incoming: Incoming, replies: list[Reply]) -> None:
        query = update.callback_query
        message = query.message if query is not None and isinstance(query.message, Message) else None
        # A file's caption is not replaced by a text: the new state comes as a new message.
        pressed = Pressed(message if message is not None and message.text is not None else None)
        chat = chat_key(incoming.chat_id)
        keyboard_cleared = False
        for reply in replies:
            markup = self._markup(reply, incoming, clear=not keyboard_cleared)
            keyboard_cleared = keyboard_cleared or isinstance(markup, ReplyKeyboardRemove)
            parts = plan(reply, markup)
            message = pressed.take(reply, fits=editable(parts))
            await answer_parts(parts, self._poster(chat), None if message is None else self._replacer(message))

    def _poster(self, chat: int | str) -> Callable[[Part], Awaitable[object]]:
        async def post(part: Part) -> Message:
            return await send_part(self.application.bot, chat, part, **REPLY_OPTIONS)

        return post

    def _replacer(self, message: Message) -> Callable[[Part], Awaitable[bool]]:
        async def replace(part: Part) -> bool:
            bot = self.application.bot
            return await edit_in_place(bot, message.chat.id, message.message_id, part, **REPLY_OPTIONS)

        return replace

    def _markup(self, reply: Reply, incoming: Incoming, *, clear: bool) -> Markup | None:
        t = Translator(labels_language(reply, incoming, self.circles.settings.circles.default_language))
        if reply.buttons:
            return inline_keyboard(reply.buttons)
        if reply.offer_private_chat:
            return link_keyboard(t("Open a private chat with me"), self.private_chat_url)
        if reply.ask_location:
            return location_keyboard(t("📍 Share my location"))
        if clear and incoming.action is None:
            # The person typed or shared something: take away a location keyboard shown before.
            return ReplyKeyboardRemove()
        return None

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        if error is None:
            return
        kind = f"update {update.update_id}" if isinstance(update, Update) else "the Telegram adapter"
        log.error("error while handling %s: %s", kind, type(error).__name__, exc_info=error)
