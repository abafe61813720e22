"""One text splitter for every platform, parameterised by the platform's length measure."""

from __future__ import annotations

from collections.abc import Callable

Measure = Callable[[str], int]

# Where a long text may be cut, best first. A break is used only if it keeps at least half of
# the allowed length in the part, so that no part is a stub.
BREAKS = ("\n\n", "\n", ". ", "! ", "? ", " ")


def utf16_len(text: str) -> int:
    """Telegram's measure of text length: UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def fitting_prefix(text: str, limit: int, measure: Measure = len) -> int:
    """How many characters of ``text`` fit in ``limit`` by ``measure`` (at least one).

    ``measure`` must never shrink when a character is added and count every character at least
    once (true of UTF-16 units and of escaped text), so the answer is found by bisection.
    """
    low, high = 1, min(len(text), limit)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def split_text(text: str, limit: int, measure: Measure = len) -> list[str]:
    """``text`` in parts of at most ``limit`` by ``measure``, cut at the best break that fits:
    paragraph, line, sentence end, space; a text with none is cut where the limit falls.
    Whitespace around parts is dropped; nothing else is."""
    if limit < 2:
        raise ValueError("limit too small")
    parts: list[str] = []
    rest = text.strip()
    while rest:
        if measure(rest) <= limit:
            parts.append(rest)
            break
        fit = fitting_prefix(rest, limit, measure)
        cut = fit
        for separator in BREAKS:
            found = rest.rfind(separator, 0, fit)
            if found >= fit // 2:
                cut = max(found + len(separator.rstrip()), 1)  # keep the full stop, drop the space
                break
        head = rest[:cut].rstrip()
        if head:
            parts.append(head)
        rest = rest[cut:].strip()
    return parts
