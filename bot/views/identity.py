"""/link in words: the code to type on the other account, the question, the outcome, refusals."""

from __future__ import annotations

from bot.i18n import Translator
from bot.texts import N_
from bot.usecases.identity import LinkPreview, LinkRefused

PLATFORM_NAMES = {"telegram": N_("Telegram"), "slack": N_("Slack"), "console": N_("the terminal")}

REFUSALS = {
    "invalid": N_("That code is not valid (any more). Send /link on your other account for a new one."),
    "own": N_("That is the code of this account. Type it on your account on the other platform."),
    "same_platform": N_(
        "Both accounts are on {platform}, and I can link only accounts on different platforms. "
        "Type the code on your account on the other platform."
    ),
}


def platform_names(t: Translator, platforms: list[str]) -> str:
    return t(" and ").join(t(PLATFORM_NAMES.get(platform, platform)) for platform in platforms)


def refusal(t: Translator, refused: LinkRefused) -> str:
    params = dict(refused.params)
    if "platform" in params:
        params["platform"] = platform_names(t, [params["platform"]])
    return t(REFUSALS.get(refused.reason, REFUSALS["invalid"]), **params)


def link_code_text(t: Translator, code: str, minutes: int) -> str:
    """The new code, and what to send from the other account."""
    return (
        t("Your link code is {code}", code=code)
        + "\n\n"
        + t(
            "To be one person on Telegram and Slack, send me this from your other account, "
            "in its private chat with me, within {minutes} minutes:",
            minutes=minutes,
        )
        + f"\n\nlink {code}\n\n"
        + t("The code works once. Never give it to anyone else: it opens your circles to them.")
    )


def link_question(t: Translator, preview: LinkPreview) -> str:
    return t(
        "Link this account with {name} on {platforms}? Your circles, signups and RSVPs become one, "
        "and I will write to you on either. This cannot be undone.",
        name=preview.other.name,
        platforms=platform_names(t, preview.other_platforms),
    )


def linked_text(t: Translator, platforms: list[str]) -> str:
    return t(
        "Done: your accounts on {platforms} are linked. Your circles, signups and RSVPs are together, "
        "and you can use either account.",
        platforms=platform_names(t, platforms),
    )
