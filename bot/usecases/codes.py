"""Short codes people can type or share: circle share codes and one-time invitation codes."""

from __future__ import annotations

import secrets

# No 0/o, 1/l/i: codes are read aloud and retyped from phones.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_code(length: int = 8, prefix: str = "") -> str:
    return prefix + "".join(secrets.choice(ALPHABET) for _ in range(length))
