"""Limit/offset slices of a list, shared by services and every adapter (no web imports)."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel

T = TypeVar("T")
# Beyond this no table has rows; it also keeps offsets inside a 64-bit SQL integer.
MAX_OFFSET = 1_000_000_000


class PageParams(BaseModel):
    """Which slice of a list the client asked for."""

    limit: int = 50
    offset: int = 0


class Page(BaseModel, Generic[T]):
    """A slice of a list plus the total count, so clients can page."""

    items: list[T]
    total: int
    limit: int
    offset: int
