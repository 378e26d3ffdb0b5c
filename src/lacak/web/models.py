"""Dashboard sessions kept on the server; the browser holds only a random id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from lacak.db import Base, UTCDateTime


class DashboardSession(Base):
    """One logged-in browser; deleting the row logs it out."""

    __tablename__ = "dashboard_sessions"

    # HMAC-SHA256 of the cookie's id under a key derived from LACAK_API_TOKEN: a stolen
    # table opens nothing, and a new token makes every stored session unreachable.
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    # NULL = logged in with LACAK_API_TOKEN; a later issue puts a user id here.
    principal: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    client: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(200))
