"""The errors services raise; each adapter (HTTP, CLI, bot) turns them into its own answer."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A business-rule failure a service raises; adapters turn it into HTTP 4xx or a CLI line."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra


class NotFound(DomainError):
    """The thing asked for does not exist."""

    status = 404
    title = "Not found"


class Conflict(DomainError):
    """The request clashes with the current state (duplicate, already closed...)."""

    status = 409
    title = "Conflict"


class Invalid(DomainError):
    """Well-formed request whose values break a rule."""

    status = 422
    title = "Invalid input"
