"""The one place where text from a platform is cleaned before the core sees it.

Every adapter builds an ``Incoming`` and hands it to ``Circles.handle``, which passes it through
:func:`clean_incoming` first. So whatever a platform delivers — a typed answer, a slash command's
arguments, a button's token, an update id, a person's display name — reaches the core without
NUL and other control characters (PostgreSQL cannot store NUL, and a display name carrying one
used to make every event of that account fail) and without lone surrogates. Free text keeps its
line breaks and tabs; one-line values (commands, tokens, ids) keep neither. A display name also
loses bidirectional controls and zero-width characters: it is the platform's, not something the
person typed to us, so it is cleaned rather than refused.

Whether a *name typed in a dialog* is acceptable (not invisible, no bidi override) is decided
where a name is asked for, with ``bot.parsing.clean_name``.
"""

from __future__ import annotations

import dataclasses

from bot.conversation.messages import Incoming
from bot.parsing import InputError, parse_timezone, strip_controls, strip_invisible

NAME_MAX = 200  # what a person's stored name holds


def _line(value: str | None) -> str | None:
    return None if value is None else strip_controls(value, keep_lines=False)


def _zone(value: str | None) -> str | None:
    """A platform's time zone only when it is one the zone database knows (else as if untold)."""
    if not value:
        return None
    try:
        return parse_timezone(value[:64])
    except InputError:
        return None


def clean_incoming(incoming: Incoming, *, fallback_name: str = "?") -> Incoming:
    """``incoming`` with every text field cleaned (see the module's docstring)."""
    name = strip_invisible(incoming.user_name)[:NAME_MAX].strip()
    return dataclasses.replace(
        incoming,
        platform=strip_controls(incoming.platform, keep_lines=False),
        user_id=strip_controls(incoming.user_id, keep_lines=False),
        chat_id=strip_controls(incoming.chat_id, keep_lines=False),
        user_name=name or strip_controls(incoming.user_id, keep_lines=False)[:NAME_MAX] or fallback_name,
        language=_line(incoming.language),
        command=_line(incoming.command),
        args=strip_controls(incoming.args, keep_lines=True),
        text=None if incoming.text is None else strip_controls(incoming.text, keep_lines=True),
        action=_line(incoming.action),
        update_id=_line(incoming.update_id),
        private_chat_id=_line(incoming.private_chat_id),
        picked_chat=_line(incoming.picked_chat),
        timezone=_zone(incoming.timezone),
    )
