"""The old maintenance-reminder start/stop/status endpoints and the scheduled job."""

from __future__ import annotations

import httpx

from lacak.scheduler.registry import discover_jobs


async def test_start_stop_status(client: httpx.AsyncClient) -> None:
    status = await client.get("/scheduler/maintenance-reminder/status")
    assert status.status_code == 200, status.text
    assert status.json()["running"] is True
    stopped = await client.post("/scheduler/maintenance-reminder/stop")
    assert stopped.json()["running"] is False
    assert (await client.get("/scheduler/maintenance-reminder/status")).json()["paused"] is True
    started = await client.post("/scheduler/maintenance-reminder/start")
    assert started.json()["running"] is True
    assert started.json()["cron"] == "0 8 * * *"


def test_job_is_registered() -> None:
    job = discover_jobs()["maintenance_reminder"]
    assert job.cron_setting == "cron_reminders"
