"""A `lacak serve`-like scheduler process for multi-process tests.

Usage: python -m tests.scheduler.worker MODE DATABASE_URL WORKDIR
  start   wait for WORKDIR/go, start the scheduler runtime (catch-up) and fire `probe` once
  holder  run `probe` by hand; its body signals WORKDIR/started and waits for WORKDIR/release
  late    wait for WORKDIR/started, then run `probe` by hand
The clock is frozen at LACAK_FAKE_NOW, read through Settings as the composition root does
(only the scheduler is loaded, not the whole app, to keep process start-up short).
Prints one JSON document: the statuses of the runs this process made.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database
from lacak.scheduler.runner import JobRunner
from lacak.scheduler.runtime import SchedulerRuntime
from tests.scheduler.jobkit import file_probe


async def main(mode: str, url: str, workdir: Path) -> list[str]:
    """Run the mode and return the statuses of the runs this process recorded."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=url,
        var_dir=workdir / "var",
        cron_reminders="0 8 * * *",
    )
    assert settings.fake_now is not None, "set LACAK_FAKE_NOW"
    clock = Clock(settings.timezone, now=settings.fake_now)
    db = Database(url)
    out = workdir / "side-effects.txt"
    probe = file_probe(out, started=workdir / "started", release=workdir / "release")
    if mode == "start":
        probe = file_probe(out)
    runner = JobRunner(settings, clock, db, {"probe": probe})
    try:
        if mode == "start":
            await asyncio.to_thread(_wait_for, workdir / "go")
            scheduler = SchedulerRuntime(runner)
            await scheduler.start()  # catch-up of the 08:00 occurrence starts here
            await scheduler.fire("probe")  # what APScheduler does at the occurrence
            await scheduler.wait_idle()
            await scheduler.stop()
            return ["done"]
        if mode == "late":
            await asyncio.to_thread(_wait_for, workdir / "started")
        return [(await runner.run_now("probe")).status]
    finally:
        await db.dispose()


def _wait_for(path: Path) -> None:
    while not path.exists():
        time.sleep(0.01)


if __name__ == "__main__":
    statuses = asyncio.run(main(sys.argv[1], sys.argv[2], Path(sys.argv[3])))
    sys.stdout.write(json.dumps(statuses) + "\n")
