"""Audit log of who talked to the admin bot, and whether they were let in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from lacak.db import Base, BigIntPK, UTCDateTime, utcnow


class BotAuditEntry(Base):
    """One update the admin bot received."""

    __tablename__ = "bot_audit"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    username: Mapped[str | None] = mapped_column(String(255))
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    command: Mapped[str | None] = mapped_column(String(255))
    allowed: Mapped[bool] = mapped_column(Boolean)
