"""The backup_runs table: one row per backup attempt and its outcome."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Float, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from lacak.db import Base, UTCDateTime, new_uuid, utcnow

STATUSES = ("ok", "failed")


class BackupRun(Base):
    """Where a backup went, how big it was, how long it took and whether it worked."""

    __tablename__ = "backup_runs"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    # Backup id as users see it: the business date, e.g. "2026-11-20".
    backup_id: Mapped[str] = mapped_column(String(32), index=True)
    target: Mapped[str] = mapped_column(String(255))
    location: Mapped[str | None] = mapped_column(Text)
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    files: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(8), index=True)
    error: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))
    deleted: Mapped[int] = mapped_column(Integer, default=0)  # old backups removed by retention
    trigger: Mapped[str] = mapped_column(String(16), default="manual")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
