"""Why a message did not reach someone: stable codes in the outbox, texts in the catalogue."""

from __future__ import annotations

from bot.i18n import Translator
from bot.texts import N_

# The codes the delivery rules decide (forgotten, no chat, left) come from domain/delivery.py.
from domain.delivery import FORGOTTEN, LEFT, NO_CHAT

BLOCKED = "blocked"  # the platform said the person blocked the bot or the account is gone
FAILED = "failed"  # the platform kept failing; the dispatcher gave up
NO_SENDER = "no_sender"  # no adapter for the person's platform ran when the message was due

_TEXTS = {
    BLOCKED: N_("has blocked the bot"),
    NO_CHAT: N_("has not started a chat with the bot"),
    FORGOTTEN: N_("deleted their data"),
    FAILED: N_("the platform kept failing"),
    LEFT: N_("left the circle"),
    # Given up after repeated claims by processes none of which serves the person's platform.
    NO_SENDER: N_("is only on a platform this bot is not connected to"),
}


def reason_code(error: str | None) -> str:
    """The code at the start of a stored error such as ``blocked: Forbidden: bot was blocked``."""
    return (error or FAILED).split(":", 1)[0].strip()


def reason_text(t: Translator, error: str | None) -> str:
    code = reason_code(error)
    template = _TEXTS.get(code)
    return t(template) if template else code
