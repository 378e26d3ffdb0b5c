"""HTTP: GET /backups (recorded runs), POST /backups (run one now)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from lacak.api.deps import ClockDep, DbDep, SessionDep, SettingsDep
from lacak.api.pagination import Page, PageDep
from lacak.backup import service
from lacak.backup.schemas import BackupRequest, BackupRunOut
from lacak.config import Settings
from lacak.errors import Conflict

router = APIRouter(prefix="/backups", tags=["backups"])


@router.get("", response_model=Page[BackupRunOut])
async def list_backups(session: SessionDep, page: PageDep) -> Page[BackupRunOut]:
    """Backup runs, newest first."""
    runs, total = await service.list_runs(session, page.limit, page.offset)
    items = [BackupRunOut.model_validate(r) for r in runs]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.post(
    "",
    response_model=BackupRunOut,
    status_code=201,
    responses={
        409: {
            "description": "The target is not set up on this server (Google Drive not authorised)."
        },
        502: {
            "description": "The backup ran and failed (the target refused it); the run says why.",
            "model": BackupRunOut,
        },
    },
)
async def create_backup(
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    db: DbDep,
    response: Response,
    body: BackupRequest | None = None,
) -> BackupRunOut:
    """Run a backup now (same as the nightly job); 201 when it worked, 502 with the run if not."""
    target = body.target if body else None
    if (target or settings.backup_target).startswith("gdrive") and not _gdrive_ready(settings):
        # A request the server cannot serve as configured: say so, instead of recording
        # (and alerting on) a failed run for every call.
        raise Conflict(
            "Google Drive is not set up on this server: set LACAK_GDRIVE_SERVICE_ACCOUNT_FILE, "
            "or LACAK_GDRIVE_TOKEN_FILE and run `lacak backup auth gdrive`; nothing was backed up."
        )
    run = await service.run_backup(session, settings, clock, db, target=target, trigger="api")
    if run.status != "ok":
        # The failed run is still recorded (the transaction commits); the status says it failed.
        response.status_code = 502
    return BackupRunOut.model_validate(run)


def _gdrive_ready(settings: Settings) -> bool:
    # The credentials lacak.backup.targets.gdrive_auth would load; anything else fails there.
    if settings.gdrive_service_account_file is not None:
        return True
    token = settings.gdrive_token_file
    return token is not None and token.exists()
