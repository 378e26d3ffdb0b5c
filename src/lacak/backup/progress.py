"""A tiny progress interface so services report progress without knowing about Rich."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Receives phases (with a total in bytes or rows, when known) and advances."""

    def phase(self, name: str, total: int | None = None) -> None:
        """A new phase starts."""

    def advance(self, amount: int) -> None:
        """`amount` more units of the current phase are done."""


class NoProgress:
    """Progress that goes nowhere (API, scheduler)."""

    def phase(self, name: str, total: int | None = None) -> None:
        """Ignore."""

    def advance(self, amount: int) -> None:
        """Ignore."""


NO_PROGRESS = NoProgress()
