"""Scheduler tables: one row per job run, and per-job pause state shared by every process."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lacak.db import Base, UTCDateTime, utcnow

RUNNING = "running"
SUCCESS = "success"
FAILED = "failed"
SKIPPED = "skipped"
STATUSES = (RUNNING, SUCCESS, FAILED, SKIPPED)


class JobRun(Base):
    """One attempt at one occurrence of a job; (job, occurrence, manual) is claimed once."""

    __tablename__ = "job_runs"
    __table_args__ = (
        # The claim: whoever inserts this row first runs the occurrence, everyone else
        # skips. `manual` is part of the key so a button press at exactly a cron instant
        # never steals the scheduled occurrence.
        UniqueConstraint(
            "job_name", "scheduled_for", "manual", name="uq_job_runs_job_name_occurrence"
        ),
        Index("ix_job_runs_job_name_started_at", "job_name", "started_at"),
        Index("ix_job_runs_status", "status"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    job_name: Mapped[str] = mapped_column(String(64))
    scheduled_for: Mapped[datetime] = mapped_column(UTCDateTime())
    manual: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(8), default=RUNNING)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)


class JobState(Base):
    """Pause flag of a job; a row exists once a job was paused or resumed."""

    __tablename__ = "job_states"

    job_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
