"""Limit/offset pagination read from the query string of every list endpoint."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from lacak.paging import MAX_OFFSET, Page, PageParams

__all__ = ["MAX_OFFSET", "Page", "PageDep", "PageParams", "page_params"]


def page_params(
    limit: Annotated[int, Query(ge=1, le=1000, description="Rows per page")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Rows to skip")] = 0,
) -> PageParams:
    """Read `limit` and `offset` from the query string."""
    return PageParams(limit=limit, offset=offset)


PageDep = Annotated[PageParams, Depends(page_params)]
