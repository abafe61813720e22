"""Text in, text out: the terminal adapter's core, shared by the interactive chat and the tests.

Several people can take part: ``/as alice`` switches who is speaking. Buttons are shown as
numbered choices and picked with ``#2`` — or with a bare ``2`` when the message does not ask
for typed text, so a typed number answer (say, 6 meetings) is never mistaken for a button.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from bot.app import Core
from bot.conversation.messages import Attachment, Button, Incoming, Location, Reply

PLATFORM = "console"


@dataclass
class Shown:
    """A reply as one person saw it, with the buttons they can still press."""

    reply: Reply
    text: str


@dataclass
class ConsoleDriver:
    app: Core
    speaker: str = "you"
    language: str = "en"
    shown: dict[str, list[Shown]] = field(default_factory=dict)
    # Where files the bot sends (calendar, CSV, report chart) are saved, to open them; None: not saved.
    files_dir: Path | None = None
    _updates: int = 0
    # Update ids must not repeat across terminal sessions, or the core would ignore them as duplicates.
    _session: str = field(default_factory=lambda: secrets.token_hex(4))

    def as_(self, name: str) -> None:
        self.speaker = name.strip() or self.speaker

    async def say(self, line: str, *, as_: str | None = None) -> str:
        """What the current speaker types; returns the bot's answer as the terminal shows it."""
        if as_ is not None:
            self.as_(as_)
        line = line.rstrip("\n")
        if line.startswith("/as "):
            self.as_(line[4:])
            return f"(now speaking as {self.speaker})"
        if line.startswith("/location "):
            parts = line.split()
            try:
                where = Location(float(parts[1]), float(parts[2]))
            except (IndexError, ValueError):
                return "(usage: /location LATITUDE LONGITUDE)"
            return await self._send(location=where)
        button = self._button_for(line)
        if button is not None:
            return await self.press_token(button.token)
        if line.startswith("/") and len(line) > 1:
            command, _, args = line[1:].partition(" ")
            return await self._send(command=command.split("@")[0].lower(), args=args.strip())
        return await self._send(text=line)

    async def press(self, label: str, *, as_: str | None = None) -> str:
        """Press the button with this label (or the start of it) in the latest message that has it."""
        if as_ is not None:
            self.as_(as_)
        for shown in reversed(self.shown.get(self.speaker, [])):
            for button in _buttons(shown.reply):
                if button.label.casefold().lstrip("✓ ").startswith(label.casefold()):
                    return await self.press_token(button.token)
        raise LookupError(f"{self.speaker} sees no button {label!r}")

    async def press_token(self, token: str, *, as_: str | None = None) -> str:
        """Send a button's token as is: also how tests forge tokens no button carried."""
        if as_ is not None:
            self.as_(as_)
        return await self._send(action=token)

    def buttons(self) -> list[Button]:
        """Buttons of the latest message the speaker got that had any."""
        for shown in reversed(self.shown.get(self.speaker, [])):
            if shown.reply.buttons:
                return _buttons(shown.reply)
        return []

    def _button_for(self, line: str) -> Button | None:
        latest = self.shown.get(self.speaker, [])
        if not latest:
            return None
        stripped = line.strip()
        explicit = stripped.startswith("#")
        number = stripped[1:] if explicit else stripped
        if not number.isdigit():
            return None
        last = latest[-1].reply
        if not explicit and (last.expects_text or not last.buttons):
            return None
        choices = self.buttons()
        index = int(number) - 1
        return choices[index] if 0 <= index < len(choices) else None

    async def _send(self, **fields: object) -> str:
        self._updates += 1
        incoming = Incoming(
            platform=PLATFORM,
            user_id=self.speaker,
            chat_id=self.speaker,
            user_name=self.speaker.capitalize(),
            language=self.language,
            update_id=f"{self._session}-{self._updates}",
            **fields,  # type: ignore[arg-type]
        )
        replies = await self.app.handle(incoming)
        return "\n\n".join(self._show(reply) for reply in replies)

    def _show(self, reply: Reply) -> str:
        text = self.describe(reply)
        self.shown.setdefault(self.speaker, []).append(Shown(reply, text))
        return text

    def describe(self, reply: Reply) -> str:
        """The reply as the terminal shows it, saving its file first where files are kept."""
        return render(reply, self.save(reply.attachment) if reply.attachment else None)

    def save(self, attachment: Attachment) -> Path | None:
        if self.files_dir is None:
            return None
        self.files_dir.mkdir(parents=True, exist_ok=True)
        stem, dot, suffix = attachment.filename.rpartition(".")
        path = self.files_dir / attachment.filename
        for n in range(2, 1000):  # never overwrite a file saved earlier in the chat
            if not path.exists():
                break
            path = self.files_dir / (f"{stem}-{n}{dot}{suffix}" if dot else f"{attachment.filename}-{n}")
        path.write_bytes(attachment.content)
        return path


def _buttons(reply: Reply) -> list[Button]:
    return [button for row in reply.buttons for button in row]


def render(reply: Reply, saved: Path | None = None) -> str:
    lines = [("(updated) " if reply.edit else "") + reply.text]
    numbered = _buttons(reply)
    if numbered:
        # Where typed text is the answer, a bare number is text: such buttons are picked with #N.
        mark = "#" if reply.expects_text else ""
        lines.append("   ".join(f"[{mark}{n}] {b.label}" for n, b in enumerate(numbered, start=1)))
    if reply.ask_location:
        lines.append("(share a location with /location LATITUDE LONGITUDE)")
    if reply.attachment is not None:
        lines.append(f"(file: {saved})" if saved else f"(file: {reply.attachment.filename})")
    return "\n".join(lines)
