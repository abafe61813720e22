"""Slack's refusals in the core's terms (``Outcome``), and explained to the person concerned.

Slack answers most failures with HTTP 200 and ``{"ok": false, "error": "<code>"}``; a rate limit
with HTTP 429, ``"ratelimited"`` and a ``Retry-After`` header in seconds; an outage with a 5xx.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.conversation.outbound import Outcome
from bot.i18n import Translator
from bot.texts import N_

# Nobody can be reached there: the row is closed and the person (or channel) marked unreachable.
UNREACHABLE = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "account_inactive",
        "user_not_found",
        "users_not_found",
        "user_disabled",
        "user_not_visible",
        "cannot_dm_bot",
        "messages_tab_disabled",
        "restricted_action",
        "restricted_action_read_only_channel",
        "restricted_action_thread_only_channel",
        "restricted_action_non_threadable_channel",
        "team_access_not_granted",
    }
)
RATE_LIMITED = "ratelimited"
DEFAULT_RETRY_AFTER = 1.0  # Slack always sends Retry-After; this is for the day it does not

EXPLANATIONS = {
    "channel_not_found": N_(
        "I cannot find that channel, or it is private and I am not in it. Invite me there with /invite @Circles."
    ),
    "not_in_channel": N_("I am not a member of that channel. Invite me there with /invite @Circles, then try again."),
    "is_archived": N_("That channel is archived, so I cannot post in it."),
    "account_inactive": N_("That Slack account is deactivated, so I cannot write to it."),
    "user_not_found": N_("I cannot find that person in this Slack workspace."),
    "user_disabled": N_("That Slack account is deactivated, so I cannot write to it."),
    "cannot_dm_bot": N_("I cannot write to another bot."),
    "messages_tab_disabled": N_("I cannot write to you: direct messages with me are turned off in this workspace."),
    RATE_LIMITED: N_("Slack asked me to slow down. Please try again in a moment."),
}
GENERIC = N_("Slack did not accept my message ({code}).")

# What a call to Slack can fail with: Slack's refusals, the SDK's own checks, the network.
SLACK_ERRORS: tuple[type[BaseException], ...] = (
    SlackClientError,
    aiohttp.ClientError,
    asyncio.TimeoutError,
    OSError,
)


@dataclass(frozen=True)
class Failure:
    """A failed call: the core's outcome, Slack's error code, and the wait asked for (429)."""

    outcome: Outcome
    code: str
    retry_after: float | None = None


def classify(error: BaseException) -> Failure:
    """What a failed Web API call means for the delivery engine."""
    if isinstance(error, SlackApiError):
        response = error.response
        status = int(response.status_code or 0)
        data = response.data if isinstance(response.data, dict) else {}
        code = str(data.get("error") or f"http_{status}")
        if status == 429 or code == RATE_LIMITED:
            return Failure(Outcome.RETRY_AFTER, RATE_LIMITED, retry_after_seconds(response.headers))
        if code in UNREACHABLE:
            return Failure(Outcome.UNREACHABLE, code)
        return Failure(Outcome.FAILED, code)
    if isinstance(error, (aiohttp.ClientError, asyncio.TimeoutError, SlackClientError, OSError)):
        return Failure(Outcome.FAILED, f"network: {type(error).__name__}")
    return Failure(Outcome.FAILED, type(error).__name__)


def retry_after_seconds(headers: object) -> float:
    """The ``Retry-After`` header in seconds (aiohttp's headers, or the SDK's dict of lists)."""
    value: object = None
    getter = getattr(headers, "get", None)
    if getter is not None:
        value = getter("Retry-After") or getter("retry-after")
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return max(float(str(value)), 0.0)
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER


def explain(t: Translator, code: str) -> str:
    """A sentence for the person whose action led to the failed message."""
    template = EXPLANATIONS.get(code)
    return t(template) if template is not None else t(GENERIC, code=code)
