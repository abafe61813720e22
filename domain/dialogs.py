"""Where a person stands in a dialog: which one, at which step, with the answers so far.

Plain data, so that the application (which moves people through dialogs) and the storage (which
keeps the state across restarts) share it without either depending on the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class DialogState:
    name: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)
