"""GET/POST /backups, the nightly job, and the Telegram alert on failure."""

from __future__ import annotations

import httpx
import pytest

from lacak.app import create_app
from lacak.backup import tasks
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database, session_scope
from lacak.scheduler.registry import JobContext
from tests.conftest import TEST_TOKEN


async def test_post_then_get_backups(client: httpx.AsyncClient) -> None:
    made = await client.post("/backups")
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["status"] == "ok" and body["backup_id"] == "2026-11-20"
    assert body["trigger"] == "api" and body["size_bytes"] > 0
    listed = (await client.get("/backups")).json()
    assert listed["total"] == 1
    assert listed["items"][0]["id"] == body["id"]


async def test_failed_backup_is_recorded_and_reported(
    settings: Settings, clock: Clock, db: Database
) -> None:
    blocker = settings.var_dir / "blocked"
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("a file where a folder should be")
    cfg = settings.model_copy(update={"backup_dir": blocker / "sub"})
    app = create_app(cfg, clock=clock, db=db, start_background=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://lacak.test",
        headers={"Authorization": f"Bearer {TEST_TOKEN}"},
    ) as client:
        made = await client.post("/backups")
        assert made.status_code == 502
        assert made.json()["status"] == "failed" and made.json()["error"]
        listed = (await client.get("/backups")).json()
    assert [i["status"] for i in listed["items"]] == ["failed"]


async def test_api_refuses_a_folder_target(client: httpx.AsyncClient) -> None:
    refused = await client.post("/backups", json={"target": "/tmp/elsewhere"})
    assert refused.status_code == 422
    assert "folder paths only with `lacak backup run --target`" in refused.json()["detail"]
    assert (await client.get("/backups")).json()["total"] == 0


async def test_job_records_failure_in_its_own_transaction(
    db: Database, settings: Settings, clock: Clock
) -> None:
    blocker = settings.var_dir / "blocked"
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("x")
    cfg = settings.model_copy(update={"backup_target": str(blocker / "sub")})
    async with db.sessionmaker() as session:
        ctx = JobContext(cfg, clock, db, session, clock.now())
        with pytest.raises(RuntimeError, match="backup 2026-11-20 failed"):
            await tasks.backup_job(ctx)
        await session.rollback()
    async with session_scope(db) as session:
        from lacak.backup.service import latest_run

        run = await latest_run(session)
    assert run is not None and run.status == "failed" and run.trigger == "schedule"


def test_backup_job_is_registered() -> None:
    from lacak.scheduler.registry import discover_jobs

    spec = discover_jobs()["backup"]
    assert spec.cron_setting == "cron_backup"
    assert Settings(_env_file=None).cron_backup == "0 23 * * *"
