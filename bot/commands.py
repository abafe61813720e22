"""The command words of SPEC §3: the one list of commands, the one-line description platforms show
in their menus, and whether a command works in a group chat or only in a private one.

Adding a command here puts it in every menu (Telegram's per scope and language) and, with
``in_group=False``, makes the core send a group's use of it to the private chat.
"""

from __future__ import annotations

from typing import NamedTuple

from bot.texts import N_


class Command(NamedTuple):
    name: str
    description: str  # a catalogue id, translated where shown
    # False: dialogs, personal answers, managing a circle and secrets (the live calendar's address)
    # must happen in a private chat; used in a group, the core asks to move there.
    in_group: bool = False


# In the order menus show them.
COMMANDS: tuple[Command, ...] = (
    Command("start", N_("Start, or open a circle from its code"), in_group=True),
    Command("help", N_("What I can do"), in_group=True),
    Command("browse", N_("Find learning circles near you"), in_group=True),
    Command("mycircles", N_("Your circles")),
    Command("new", N_("Create a learning circle")),
    Command("rsvp", N_("Say whether you come to a meeting")),
    Command("here", N_("Check in at the meeting you are at")),
    Command("calendar", N_("Your circles' meetings in your calendar app")),
    Command("message", N_("Write to the learners of your circle")),
    Command("reminder", N_("See and edit meeting reminders")),
    Command("feedback", N_("Give feedback on a meeting")),
    Command("report", N_("The end-of-circle report")),
    Command("team", N_("Your team of facilitators and organizers"), in_group=True),
    Command("leave", N_("Leave a circle")),
    Command("forget", N_("Delete all your personal data")),
    Command("language", N_("Choose your language")),
    Command("timezone", N_("Your time zone, to see circles' times in it")),
    Command("link", N_("Be one person on Telegram and Slack")),
    Command("cancel", N_("Stop what you are doing"), in_group=True),
)

COMMAND_WORDS = frozenset(command.name for command in COMMANDS)
# What works in a group chat (its menu there); every other command is answered in private.
GROUP_COMMANDS: tuple[Command, ...] = tuple(command for command in COMMANDS if command.in_group)
PERSONAL_COMMANDS = COMMAND_WORDS - {command.name for command in GROUP_COMMANDS}

# How the bot introduces itself where a platform shows it (Telegram: the empty chat before /start,
# and the profile and shared links). Catalogue ids, translated per language.
DESCRIPTION = N_(
    "I run learning circles: small groups that meet weekly to take a free online course together. "
    "Find a circle near you or online, sign up, and get reminders; facilitators create circles, "
    "send messages and collect feedback. Send /start to begin."
)
SHORT_DESCRIPTION = N_("Learning circles: find one, sign up, get reminders, or run your own.")
