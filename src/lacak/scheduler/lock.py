"""One runner per job at a time: PostgreSQL advisory lock, or live-row check on SQLite."""

from __future__ import annotations

import hashlib
import os
import socket
from datetime import datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.scheduler.models import RUNNING, JobRun

# Namespaced so lacak's keys cannot collide with another app's advisory locks on the server.
_LOCK_NAMESPACE = b"lacak.scheduler.job:"


def host_name() -> str:
    """This machine's name as recorded on run rows."""
    return socket.gethostname()


def advisory_key(job_name: str) -> int:
    """Stable signed 64-bit advisory-lock key for a job name."""
    digest = hashlib.blake2b(_LOCK_NAMESPACE + job_name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists on this machine."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


async def try_job_lock(session: AsyncSession, job_name: str, run_id: int) -> int | None:
    """Take the job's lock for this transaction; None if taken, else the blocking run's id.

    PostgreSQL: `pg_try_advisory_xact_lock`, released when the job's transaction ends (also
    when the process dies). SQLite (one machine by nature): the oldest still-running row of
    the job whose process is alive wins; a later claimant backs off.
    """
    if session.get_bind().dialect.name == "postgresql":
        got = await session.scalar(
            text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": advisory_key(job_name)}
        )
        if got:
            return None
        holder = await session.scalar(
            select(func.min(JobRun.id)).where(
                JobRun.job_name == job_name, JobRun.status == RUNNING, JobRun.id != run_id
            )
        )
        return int(holder) if holder is not None else -1
    rows = await session.execute(
        select(JobRun.id, JobRun.host, JobRun.pid).where(
            JobRun.job_name == job_name, JobRun.status == RUNNING, JobRun.id < run_id
        )
    )
    here = host_name()
    for other_id, host, pid in rows:
        if host != here or pid_alive(pid):
            return int(other_id)
    return None


# A claimed row takes the lock a moment after it is inserted; rows younger than this are
# never judged abandoned, so a run that is just starting elsewhere is left alone.
_CLAIM_MARGIN = timedelta(minutes=2)


async def abandoned_runs(session: AsyncSession, now: datetime) -> list[JobRun]:
    """`running` rows nobody is running any more.

    On this host: the recorded process is gone. On PostgreSQL also on other hosts: the
    job's advisory lock is free (held by this transaction from now on), so no process is
    inside that job, and the row is older than the claim margin.
    """
    rows = (await session.scalars(select(JobRun).where(JobRun.status == RUNNING))).all()
    here = host_name()
    postgres = session.get_bind().dialect.name == "postgresql"
    free: dict[str, bool] = {}
    dead: list[JobRun] = []
    for row in rows:
        if row.host == here and row.pid != os.getpid():
            if not pid_alive(row.pid):
                dead.append(row)
            continue
        if not postgres or row.started_at > now - _CLAIM_MARGIN:
            continue
        if row.job_name not in free:
            free[row.job_name] = bool(
                await session.scalar(
                    text("SELECT pg_try_advisory_xact_lock(:key)"),
                    {"key": advisory_key(row.job_name)},
                )
            )
        if free[row.job_name]:
            dead.append(row)
    return dead
