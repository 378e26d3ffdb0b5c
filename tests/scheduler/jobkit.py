"""Jobs used only by the scheduler tests, passed explicitly to JobRunner."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from lacak.scheduler.models import JobState
from lacak.scheduler.registry import JobContext, JobSpec

# Daily 08:00 business time (Settings.cron_reminders default) and every minute.
DAILY = "cron_reminders"
EVERY_MINUTE = "cron_dispatch"


@dataclass
class Recorder:
    """A job that remembers each call and can be told to fail or wait."""

    calls: list[datetime] = field(default_factory=list)
    fail_with: Exception | None = None
    started: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event | None = None
    write_state: str | None = None

    async def __call__(self, ctx: JobContext) -> Mapping[str, Any] | None:
        self.calls.append(ctx.scheduled_for)
        self.started.set()
        if self.write_state:
            # A visible side effect in the job's own transaction.
            ctx.session.add(JobState(job_name=self.write_state, paused=False))
            await ctx.session.flush()
        if self.release is not None:
            await self.release.wait()
        if self.fail_with is not None:
            raise self.fail_with
        return {"calls": len(self.calls), "manual": ctx.manual, "at": ctx.scheduled_for}


def spec(name: str, func: Recorder, cron_setting: str = DAILY) -> JobSpec:
    """A JobSpec around a Recorder."""
    return JobSpec(name=name, func=func, cron_setting=cron_setting, description=f"test {name}")


def file_probe(out: Path, started: Path | None = None, release: Path | None = None) -> JobSpec:
    """A job whose side effect is one line in `out` per run (for multi-process tests)."""

    async def probe(ctx: JobContext) -> Mapping[str, Any]:
        await asyncio.to_thread(_probe_body, ctx.scheduled_for, out, started, release)
        return {"pid": os.getpid()}

    return JobSpec(name="probe", func=probe, cron_setting=DAILY, description="file probe")


def _probe_body(at: datetime, out: Path, started: Path | None, release: Path | None) -> None:
    if started is not None:
        started.touch()
    while release is not None and not release.exists():
        time.sleep(0.05)
    with out.open("a") as handle:
        handle.write(f"{os.getpid()} {at.isoformat()}\n")
