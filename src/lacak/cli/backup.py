"""`lacak backup run|list|verify|restore|key|auth`: thin commands over lacak.backup.

Every failure ends as one sentence on stderr and exit code 1; the trace of an unexpected
error goes to the debug log (`lacak -v backup ...`), never to the user's screen.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from lacak.cli import common, text
from lacak.cli.text import t

if TYPE_CHECKING:
    from rich.progress import TaskID

    from lacak.backup.verify import VerifyResult

log = logging.getLogger(__name__)

# The group's help is in lacak.cli.main (listed without importing this module).
app = typer.Typer(no_args_is_help=True)

TargetOpt = typer.Option(
    None, "--target", "-t", help='"local", a folder path, "gdrive" or "gdrive:ROOT_FOLDER"'
)
AllowUnauthenticatedOpt = typer.Option(
    False,
    "--allow-unauthenticated",
    help="Accept an archive without a MAC (made before archives were signed). Only for "
    "files whose whole history you trust.",
)


def expected() -> tuple[type[BaseException], ...]:
    """Failures whose message already says what happened and what to do."""
    from lacak.backup import verify
    from lacak.backup.keys import KeyProblem
    from lacak.backup.manifest import BackupCorrupt
    from lacak.backup.targets import gdrive_auth
    from lacak.backup.targets.base import TargetError
    from lacak.errors import DomainError

    return (
        DomainError,  # a value lacak refuses (e.g. an --into URL), already a sentence
        verify.RestoreRefused,
        BackupCorrupt,
        TargetError,
        KeyProblem,
        gdrive_auth.AuthProblem,
        OSError,
    )


def _sentence(exc: BaseException) -> str:
    said = " ".join(str(exc).split()) or type(exc).__name__
    return said if len(said) <= 600 else said[:600] + "…"


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
    except Exception as exc:
        if isinstance(exc, expected()):
            common.fail(f"{what}: {_sentence(exc)}")
        log.debug("%s", unexpected or what, exc_info=True)
        common.fail(f"{unexpected or what}: {type(exc).__name__}: {_sentence(exc)}")


class RichProgress:
    """lacak.backup Progress shown as one Rich bar per phase (on stderr)."""

    def __init__(self) -> None:
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

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
        self.task = self.bars.add_task(phase_name(name), total=total)

    def advance(self, amount: int) -> None:
        """Move the current bar."""
        if self.task is not None:
            self.bars.advance(self.task, amount)


# lacak.backup's progress phases, as the bars name them.
PHASES = {
    "snapshot": "cli.backup.phase.snapshot", "logs": "cli.backup.phase.logs",
    "checksums": "cli.backup.phase.checksums", "compress": "cli.backup.phase.compress",
    "verify": "cli.backup.phase.verify", "store": "cli.backup.phase.store",
    "upload": "cli.backup.phase.upload", "download": "cli.backup.phase.download",
    "load": "cli.backup.phase.load", "schema check": "cli.backup.phase.schema_check",
    "upgrade schema": "cli.backup.phase.upgrade_schema",
}  # fmt: skip
_RETRY = re.compile(r"^upload \(attempt (\d+)\)$")


def phase_name(name: str) -> str:
    """A backup phase in the CLI's language; one lacak does not know yet is shown as is."""
    if (retry := _RETRY.match(name)) is not None:
        return t("cli.backup.phase.upload_again", n=retry.group(1))
    return t(PHASES[name]) if name in PHASES else name


@app.command("run")
def run_cmd(
    target: str | None = TargetOpt,
    json_out: bool = typer.Option(False, "--json", help="Print the run as one JSON document"),
) -> None:
    """Back up now: snapshot, logs, report CSV, manifest; verify; store; apply retention."""
    from lacak.backup import service
    from lacak.db import session_scope

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

    with one_sentence(t("cli.backup.run_failed")):
        outcome = common.run(go())
    if json_out:
        common.print_json(outcome)
    elif outcome["status"] == "ok":
        done = t(
            "cli.backup.ok", id=outcome["backup_id"], location=outcome["location"],
            size=text.size(outcome["size_bytes"]),  # type: ignore[arg-type]
            files=outcome["files"], deleted=outcome["deleted"],
            secs=text.seconds(outcome["duration_seconds"]),  # type: ignore[arg-type]
        )  # fmt: skip
        common.console.print(f"[green]{escape(done)}[/]", soft_wrap=True)
        if outcome["error"]:
            # The archive is good; a part of it (logs, report CSV) or retention was skipped.
            common.warn(str(outcome["error"]))
    if outcome["status"] != "ok":
        common.fail(t("cli.backup.failed", id=outcome["backup_id"], error=outcome["error"]))


@app.command("list")
def list_cmd(
    target: str | None = TargetOpt,
    ids_only: bool = typer.Option(False, "--ids", "-q", help="Only the ids"),
    json_out: bool = typer.Option(False, "--json", help="One JSON document"),
) -> None:
    """Backups on the target, oldest first: the id first on each line, then size, time, place."""
    from lacak.backup.targets import open_target

    cfg = common.settings()
    with one_sentence(t("cli.backup.list_failed")):
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
    tz = common.clock(cfg).tz
    for b in backups:
        if ids_only:
            print(b.backup_id)
        else:
            # The id first and tabs between: `cut -f1` still gives the ids.
            when = text.moment(b.modified, tz)
            print(f"{b.backup_id}\t{text.size(b.size)}\t{when}\t{b.location}")


@app.command("verify")
def verify_cmd(
    backup_id: str = typer.Argument(..., help="Backup id (its date, YYYY-MM-DD)"),
    target: str | None = TargetOpt,
    allow_unauthenticated: bool = AllowUnauthenticatedOpt,
) -> None:
    """Check one backup completely (MAC, every file, schema objects) without restoring it."""
    from lacak.backup import verify

    cfg = common.settings()
    progress = RichProgress()
    with one_sentence(t("cli.backup.not_usable", id=backup_id)), progress.bars:
        result = common.run(
            verify.verify_backup(
                cfg,
                backup_id,
                target=target,
                allow_unauthenticated=allow_unauthenticated,
                progress=progress,
            )
        )
    print(verified_line(result))


def verified_line(result: VerifyResult) -> str:
    """What `backup verify` found, as one line in the CLI's language."""
    proof = (
        t("cli.backup.authenticated", key_id=result.key_id)
        if result.authenticated
        else t("cli.backup.not_authenticated")
    )
    return t(
        "cli.backup.verified", id=result.backup_id, target=result.target, files=result.files,
        size=text.size(result.size), proof=proof,
        schema=result.schema_revision or t("cli.backup.no_schema"), format=result.snapshot_format,
    )  # fmt: skip


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
    from lacak.backup import restore

    cfg = common.settings()
    progress = RichProgress()
    with (
        one_sentence(t("cli.backup.restore_refused"), t("cli.backup.restore_failed")),
        progress.bars,
    ):
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
    done = t(
        "cli.backup.restored", id=result.backup_id, database=result.database,
        rows=sum(result.tables.values()), tables=len(result.tables),
        old=result.from_revision, new=result.to_revision,
    )  # fmt: skip
    common.console.print(f"[green]{escape(done)}[/]", soft_wrap=True)
    if not result.authenticated:
        common.warn(t("cli.backup.restored_no_mac"))


@app.command("key")
def key_cmd(
    show: bool = typer.Option(
        False, "--show", help="Print the key itself (only the key, on stdout) to save it"
    ),
) -> None:
    """Where the key that signs backups is (generated on first use); --show prints it."""
    from lacak.backup.keys import load_key

    cfg = common.settings()
    with one_sentence(t("cli.backup.key")):
        key = load_key(cfg)
    if show:
        print(key.secret.decode("utf-8"))
        return
    where = t("cli.backup.key_env") if key.path is None else t("cli.backup.key_file", path=key.path)
    common.console.print(
        escape(t("cli.backup.key_where", key_id=key.key_id, where=where)),
        soft_wrap=True,  # a path broken over two lines cannot be copied
    )


@app.command("auth")
def auth_cmd(
    provider: str = typer.Argument("gdrive", help="Only gdrive for now"),
    client_secrets: Path | None = typer.Option(None, help="OAuth client JSON (Desktop app)"),
    token_file: Path | None = typer.Option(None, help="Where to keep the token"),
) -> None:
    """Authorise Google Drive once, headless: open the printed URL anywhere, paste back the code."""
    from lacak.backup.targets import gdrive_auth as auth

    if provider != "gdrive":
        common.fail(t("cli.backup.auth_unknown", provider=provider))
    cfg = common.settings()
    secrets_path = client_secrets or cfg.gdrive_client_secrets_file
    token_path = token_file or cfg.gdrive_token_file
    if secrets_path is None or token_path is None:
        common.fail(t("cli.backup.auth_needs"))
    with one_sentence(t("cli.backup.auth_failed")):
        client = auth.read_client(secrets_path)
        verifier, challenge = auth.pkce_pair()
        state = secrets.token_urlsafe(16)
        common.console.print(t("cli.backup.auth_open") + "\n")
        common.console.print(auth.consent_url(cfg, client, challenge, state), soft_wrap=True)
        pasted = typer.prompt("\n" + t("cli.backup.auth_prompt"))
        document = auth.exchange(cfg, client, auth.code_from(pasted, state), verifier)
        auth.save_token(token_path, document)
    done = t("cli.backup.auth_done", path=token_path)
    common.console.print(f"[green]{escape(done)}[/]", soft_wrap=True)
