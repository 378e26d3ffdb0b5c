"""HTTP: GET /backups (recorded runs), POST /backups (run one now)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from lacak.api.deps import ClockDep, DbDep, SessionDep, SettingsDep
from lacak.api.pagination import Page, PageDep
from lacak.backup import service
from lacak.backup.schemas import BackupRequest, BackupRunOut

router = APIRouter(prefix="/backups", tags=["backups"])


@router.get("", response_model=Page[BackupRunOut])
async def list_backups(session: SessionDep, page: PageDep) -> Page[BackupRunOut]:
    """Backup runs, newest first."""
    runs, total = await service.list_runs(session, page.limit, page.offset)
    items = [BackupRunOut.model_validate(r) for r in runs]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.post("", response_model=BackupRunOut, status_code=201)
async def create_backup(
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    db: DbDep,
    response: Response,
    body: BackupRequest | None = None,
) -> BackupRunOut:
    """Run a backup now (same as the nightly job); 201 when it worked, 500 with the run if not."""
    run = await service.run_backup(
        session, settings, clock, db, target=body.target if body else None, trigger="api"
    )
    if run.status != "ok":
        # The failed run is still recorded (the transaction commits); the status says it failed.
        response.status_code = 502
    return BackupRunOut.model_validate(run)
