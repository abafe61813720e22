"""/help: what Circles does and its commands, for learners, facilitators and organizers."""

from __future__ import annotations

from bot.i18n import Translator


def help_view(t: Translator) -> str:
    """Every command, by role, in one message."""
    return "\n".join(
        [
            t(
                "Circles runs learning circles: small groups that meet every week "
                "to take a free online course together."
            ),
            "",
            t("For learners:"),
            t("/browse [city] – find circles near you"),
            t("/mycircles – your circles, their schedule and calendar"),
            t("/rsvp – tell your facilitator whether you come to a meeting"),
            t("/here – check in at the meeting you are at"),
            t("/calendar – all your circles' meetings in your calendar app, kept up to date"),
            t("/leave – leave a circle"),
            t("/forget – delete all your personal data"),
            "",
            t("For facilitators:"),
            t("/new – create a learning circle"),
            t("/mycircles – manage your circles: signups, RSVPs, schedule"),
            t("/message – write to all learners of a circle"),
            t("/reminder – see and edit the reminders before meetings"),
            t("/feedback – say how a meeting went"),
            t("/report – the end-of-circle report, to share with your learners"),
            "",
            t("For organizers:"),
            t("/team – your team: facilitators, circles, this week's meetings, feedback, weekly summary"),
            "",
            t("/link – connect your accounts on Telegram and Slack"),
            t("/language – choose your language"),
            t("/timezone [city or zone] – your time zone, to see circles' times in it too"),
            t("/cancel – stop what you are doing"),
        ]
    )


def short_help(t: Translator) -> str:
    """What a group reads when someone names the bot: what it is and how to start."""
    return "\n".join(
        [
            t("Hi! I run learning circles: small groups that meet every week to take a free online course together."),
            t("/browse [city] – find circles near you"),
            t("/new – create a learning circle"),
            t("/help – everything I can do (write to me privately to sign up, RSVP and run your circles)"),
        ]
    )
