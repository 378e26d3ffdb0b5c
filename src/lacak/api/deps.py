"""FastAPI dependencies: settings, clock, database session (commit at the edge), auth."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database, session_scope


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
    """One transaction per request, committed when the handler returns without error."""
    async with session_scope(db) as session:
        yield session


def require_token(request: Request) -> None:
    """Bearer-token gate for everything but health, metrics and signed webhooks."""
    expected: str = request.app.state.api_token
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(
            401,
            "Missing bearer token: send 'Authorization: Bearer <LACAK_API_TOKEN>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not secrets.compare_digest(token.encode(), expected.encode()):
        raise HTTPException(
            401, "The bearer token is not valid.", headers={"WWW-Authenticate": "Bearer"}
        )


SessionDep = Annotated[AsyncSession, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ClockDep = Annotated[Clock, Depends(get_clock)]
DbDep = Annotated[Database, Depends(get_db)]
Authorized = Depends(require_token)
