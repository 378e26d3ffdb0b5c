"""`lacak backup run|list|verify|restore|key|auth`: thin commands over lacak.backup.

Every failure ends as one sentence on stderr and exit code 1; the trace of an unexpected
error goes to the debug log (`lacak -v backup ...`), never to the user's screen.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from lacak.backup import restore, service, verify
from lacak.backup.keys import KeyProblem, load_key
from lacak.backup.manifest import BackupCorrupt
from lacak.backup.targets import gdrive_auth as auth
from lacak.backup.targets import open_target
from lacak.backup.targets.base import TargetError
from lacak.cli import common
from lacak.db import session_scope

log = logging.getLogger(__name__)

app = typer.Typer(
    help="Backups: run, list, verify, restore, show the key, authorise Google Drive.",
    no_args_is_help=True,
)

TargetOpt = typer.Option(
    None, "--target", "-t", help='"local", a folder path, "gdrive" or "gdrive:ROOT_FOLDER"'
)
AllowUnauthenticatedOpt = typer.Option(
    False,
    "--allow-unauthenticated",
    help="Accept an archive without a MAC (made before archives were signed). Only for "
    "files whose whole history you trust.",
)
# Failures whose message already says what happened and what to do.
EXPECTED = (
    verify.RestoreRefused,
    BackupCorrupt,
    TargetError,
    KeyProblem,
    auth.AuthProblem,
    OSError,
)


def _sentence(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 600 else text[:600] + "…"


@contextmanager
def one_sentence(what: str, unexpected: str | None = None) -> Iterator[None]:
    """Turn any failure inside into `error: WHAT: reason` on stderr and exit code 1.

    `unexpected` replaces `what` for errors lacak did not foresee (e.g. "restore failed"
    where "restore refused" would be wrong).
    """
    try:
        yield
    except (typer.Exit, typer.Abort):
        raise  # Typer's own exits and prompts cut short
    except EXPECTED as exc:
        common.fail(f"{what}: {_sentence(exc)}")
    except Exception as exc:
        log.debug("%s", unexpected or what, exc_info=True)
        common.fail(f"{unexpected or what}: {type(exc).__name__}: {_sentence(exc)}")


class RichProgress:
    """lacak.backup Progress shown as one Rich bar per phase (on stderr)."""

    def __init__(self) -> None:
        self.bars = Progress(
            TextColumn("{task.description:>10}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=common.err_console,
            transient=False,
        )
        self.task: TaskID | None = None

    def phase(self, name: str, total: int | None = None) -> None:
        """Finish the previous bar, start a new one."""
        if self.task is not None:
            task = self.bars.tasks[self.task]
            self.bars.update(self.task, completed=task.total or task.completed)
        self.task = self.bars.add_task(name, total=total)

    def advance(self, amount: int) -> None:
        """Move the current bar."""
        if self.task is not None:
            self.bars.advance(self.task, amount)


def _size(n: int | None) -> str:
    if n is None:
        return "-"
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.1f} {unit}" if unit != "B" else f"{n} B"
        value /= 1024
    return f"{n} B"


@app.command("run")
def run_cmd(
    target: str | None = TargetOpt,
    json_out: bool = typer.Option(False, "--json", help="Print the run as one JSON document"),
) -> None:
    """Back up now: snapshot, logs, report CSV, manifest; verify; store; apply retention."""
    cfg = common.settings()
    clock = common.clock(cfg)

    async def go() -> dict[str, object]:
        async with common.database(cfg) as db, session_scope(db) as session:
            progress = RichProgress()
            with progress.bars:
                run = await service.run_backup(
                    session, cfg, clock, db, target=target, progress=progress
                )
            return {
                "id": str(run.id),
                "backup_id": run.backup_id,
                "status": run.status,
                "target": run.target,
                "location": run.location,
                "size_bytes": run.size_bytes,
                "files": run.files,
                "deleted": run.deleted,
                "duration_seconds": run.duration_seconds,
                "error": run.error,
            }

    with one_sentence("backup failed"):
        outcome = common.run(go())
    if json_out:
        common.print_json(outcome)
    elif outcome["status"] == "ok":
        common.console.print(
            f"[green]backup {outcome['backup_id']} ok[/]: {escape(str(outcome['location']))} "
            f"({_size(outcome['size_bytes'])}, {outcome['files']} files, "  # type: ignore[arg-type]
            f"{outcome['deleted']} old removed, {outcome['duration_seconds']} s)",
            soft_wrap=True,
        )
        if outcome["error"]:
            # The archive is good; a part of it (logs, report CSV) or retention was skipped.
            common.err_console.print(f"[yellow]warning:[/] {escape(str(outcome['error']))}")
    if outcome["status"] != "ok":
        common.fail(f"backup {outcome['backup_id']} failed: {outcome['error']}")


@app.command("list")
def list_cmd(
    target: str | None = TargetOpt,
    ids_only: bool = typer.Option(False, "--ids", "-q", help="Only the ids"),
    json_out: bool = typer.Option(False, "--json", help="One JSON document"),
) -> None:
    """Backups on the target, oldest first: the id first on each line, then size, time, place."""
    cfg = common.settings()
    with one_sentence("cannot list backups"):
        backups = common.run(open_target(cfg, target).list())
    if json_out:
        common.print_json(
            [
                {
                    "backup_id": b.backup_id,
                    "size_bytes": b.size,
                    "modified": b.modified,
                    "location": b.location,
                }
                for b in backups
            ]
        )
        return
    for b in backups:
        if ids_only:
            print(b.backup_id)
        else:
            modified = b.modified.strftime("%Y-%m-%d %H:%M UTC") if b.modified else "-"
            print(f"{b.backup_id}\t{_size(b.size)}\t{modified}\t{b.location}")


@app.command("verify")
def verify_cmd(
    backup_id: str = typer.Argument(..., help="Backup id (its date, YYYY-MM-DD)"),
    target: str | None = TargetOpt,
    allow_unauthenticated: bool = AllowUnauthenticatedOpt,
) -> None:
    """Check one backup completely (MAC, every file, schema objects) without restoring it."""
    cfg = common.settings()
    progress = RichProgress()
    with one_sentence(f"backup {backup_id} is not usable"), progress.bars:
        result = common.run(
            verify.verify_backup(
                cfg,
                backup_id,
                target=target,
                allow_unauthenticated=allow_unauthenticated,
                progress=progress,
            )
        )
    print(result.line())


@app.command("restore")
def restore_cmd(
    backup_id: str = typer.Argument(..., help="Backup id (its date, YYYY-MM-DD)"),
    target: str | None = TargetOpt,
    into: str | None = typer.Option(
        None, "--into", help="Database URL (default: the configured one)"
    ),
    force: bool = typer.Option(
        False, "--force", help="Replace the contents of a non-empty database"
    ),
    allow_unauthenticated: bool = AllowUnauthenticatedOpt,
) -> None:
    """Verify a backup and restore it into an empty database, then upgrade its schema."""
    cfg = common.settings()
    progress = RichProgress()
    with one_sentence("restore refused", "restore failed"), progress.bars:
        result = common.run(
            restore.restore_backup(
                cfg,
                backup_id,
                target=target,
                into=into,
                force=force,
                allow_unauthenticated=allow_unauthenticated,
                progress=progress,
            )
        )
    rows = sum(result.tables.values())
    common.console.print(
        f"[green]restored {result.backup_id}[/] into {escape(result.database)}: {rows} rows in "
        f"{len(result.tables)} tables; schema {result.from_revision} → {result.to_revision}"
    )
    if not result.authenticated:
        common.err_console.print(
            "[yellow]warning:[/] the archive carried no MAC; it was restored because "
            "--allow-unauthenticated was given"
        )


@app.command("key")
def key_cmd(
    show: bool = typer.Option(
        False, "--show", help="Print the key itself (only the key, on stdout) to save it"
    ),
) -> None:
    """Where the key that signs backups is (generated on first use); --show prints it."""
    cfg = common.settings()
    with one_sentence("backup key"):
        key = load_key(cfg)
    if show:
        print(key.secret.decode("utf-8"))
        return
    where = (
        "LACAK_BACKUP_KEY (environment or .env)"
        if key.path is None
        else f"the file {key.path} (mode 600)"
    )
    common.console.print(
        f"The backup key (key id {key.key_id}) is {escape(where)}. Keep a copy apart from "
        "the backups: restoring on another machine needs it (set LACAK_BACKUP_KEY there). "
        "`lacak backup key --show` prints it.",
        soft_wrap=True,  # a path broken over two lines cannot be copied
    )


@app.command("auth")
def auth_cmd(
    provider: str = typer.Argument("gdrive", help="Only gdrive for now"),
    client_secrets: Path | None = typer.Option(None, help="OAuth client JSON (Desktop app)"),
    token_file: Path | None = typer.Option(None, help="Where to keep the token"),
) -> None:
    """Authorise Google Drive once, headless: open the printed URL anywhere, paste back the code."""
    if provider != "gdrive":
        common.fail(f"unknown provider {provider!r}; only gdrive is supported")
    cfg = common.settings()
    secrets_path = client_secrets or cfg.gdrive_client_secrets_file
    token_path = token_file or cfg.gdrive_token_file
    if secrets_path is None or token_path is None:
        common.fail(
            "set LACAK_GDRIVE_CLIENT_SECRETS_FILE and LACAK_GDRIVE_TOKEN_FILE "
            "(or pass --client-secrets and --token-file)"
        )
    with one_sentence("Google Drive authorisation failed"):
        client = auth.read_client(secrets_path)
        verifier, challenge = auth.pkce_pair()
        state = secrets.token_urlsafe(16)
        common.console.print("Open this URL in any browser, approve, then paste the code or the")
        common.console.print(
            "whole address you were sent to (it may fail to load; that is fine):\n"
        )
        common.console.print(auth.consent_url(cfg, client, challenge, state), soft_wrap=True)
        pasted = typer.prompt("\ncode or redirect URL")
        document = auth.exchange(cfg, client, auth.code_from(pasted, state), verifier)
        auth.save_token(token_path, document)
    common.console.print(
        f"[green]Google Drive authorised[/]; token saved to {token_path} (mode 600)"
    )
