"""Limit/offset pagination shared by every list endpoint."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel

T = TypeVar("T")
# Beyond this no table has rows; it also keeps offsets inside a 64-bit SQL integer.
MAX_OFFSET = 1_000_000_000


class PageParams(BaseModel):
    """Which slice of a list the client asked for."""

    limit: int = 50
    offset: int = 0


def page_params(
    limit: Annotated[int, Query(ge=1, le=1000, description="Rows per page")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Rows to skip")] = 0,
) -> PageParams:
    """Read `limit` and `offset` from the query string."""
    return PageParams(limit=limit, offset=offset)


class Page(BaseModel, Generic[T]):
    """A slice of a list plus the total count, so clients can page."""

    items: list[T]
    total: int
    limit: int
    offset: int


PageDep = Annotated[PageParams, Depends(page_params)]
