"""FastAPI dependencies: settings, clock, database session (commit at the edge), auth."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.api.throttle import check_bearer
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database
from lacak.errors import DomainError

log = logging.getLogger(__name__)
# Seconds a client is asked to wait after a commit that failed (busy or unreachable DB).
COMMIT_RETRY_AFTER = 2


class CommitFailed(DomainError):
    """The request's work could not be committed; nothing of it was stored."""

    status = 503
    title = "Service unavailable"


def get_settings(request: Request) -> Settings:
    """Settings the app was built with."""
    return request.app.state.settings


def get_clock(request: Request) -> Clock:
    """The app's clock (fixed in tests)."""
    return request.app.state.clock


def get_db(request: Request) -> Database:
    """The app's database."""
    return request.app.state.db


async def get_session(db: Annotated[Database, Depends(get_db)]) -> AsyncIterator[AsyncSession]:
    """One transaction per request, committed before the response is sent.

    The dependency is function-scoped (see `SessionDep`), so this exit code runs when the
    handler returns and before a single byte of the response goes out: a client is never
    told "201 Created" for a write whose commit then failed. A failed commit becomes a
    503 problem+json that says nothing was stored.
    """
    async with db.sessionmaker() as session:
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        try:
            await session.commit()
        except (DBAPIError, OSError) as exc:
            await session.rollback()
            log.warning("commit failed, answering 503: %s", type(exc).__name__)
            raise CommitFailed(
                "The change could not be saved because the database is busy or unreachable; "
                "nothing was stored. Try again in a moment.",
                headers={"Retry-After": str(COMMIT_RETRY_AFTER)},
            ) from exc


# Declares the scheme in the OpenAPI document (`components.securitySchemes.bearer` and a
# `security` requirement on every protected operation); it checks nothing itself
# (auto_error=False): the throttled gate below does.
BEARER = HTTPBearer(
    scheme_name="bearer",
    description="`Authorization: Bearer <LACAK_API_TOKEN>`; wrong tokens are throttled (429).",
    auto_error=False,
)


async def require_token(
    request: Request,
    _declared: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)],
) -> None:
    """Bearer-token gate for everything but health, metrics and signed webhooks (throttled)."""
    await check_bearer(request, request.app.state.api_token, "LACAK_API_TOKEN")


# scope="function": the transaction ends (commit or 503) before the response is sent.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ClockDep = Annotated[Clock, Depends(get_clock)]
DbDep = Annotated[Database, Depends(get_db)]
Authorized = Depends(require_token)
