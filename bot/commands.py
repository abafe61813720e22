"""The command words of SPEC §3, with the one-line description platforms show in their menus."""

from __future__ import annotations

from bot.texts import N_

# (command, description) in the order menus show them. Descriptions are catalogue ids.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Start, or open a circle from its code")),
    ("help", N_("What I can do")),
    ("browse", N_("Find learning circles near you")),
    ("mycircles", N_("Your circles")),
    ("new", N_("Create a learning circle")),
    ("rsvp", N_("Say whether you come to a meeting")),
    ("here", N_("Check in at the meeting you are at")),
    ("calendar", N_("Your circles' meetings in your calendar app")),
    ("message", N_("Write to the learners of your circle")),
    ("reminder", N_("See and edit meeting reminders")),
    ("feedback", N_("Give feedback on a meeting")),
    ("report", N_("The end-of-circle report")),
    ("team", N_("Your team of facilitators and organizers")),
    ("leave", N_("Leave a circle")),
    ("forget", N_("Delete all your personal data")),
    ("language", N_("Choose your language")),
    ("timezone", N_("Your time zone, to see circles' times in it")),
    ("link", N_("Be one person on Telegram and Slack")),
    ("cancel", N_("Stop what you are doing")),
)

COMMAND_WORDS = frozenset(name for name, _ in COMMANDS)
