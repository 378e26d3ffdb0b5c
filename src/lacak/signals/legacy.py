"""Import the old bot's JSONL files (idempotent); export lives in `legacy_export.py`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.clock import Clock
from lacak.errors import Invalid
from lacak.signals import legacy_format as fmt
from lacak.signals import service
from lacak.signals.legacy_export import ExportSummary, export_day, export_legacy
from lacak.signals.models import Prompt, Signal

# Called after each file with its name and how many lines it had (for progress bars).
Progress = Callable[[str, int], None]
_CHUNK = 500

__all__ = ["ExportSummary", "ImportSummary", "export_day", "export_legacy", "import_legacy"]


@dataclass
class ImportSummary:
    """What an import read, added, updated and skipped, and which lines were bad."""

    files: int = 0
    prompts_read: int = 0
    prompts_added: int = 0
    prompts_existing: int = 0
    signals_read: int = 0
    signals_added: int = 0
    signals_updated: int = 0
    signals_existing: int = 0
    signals_in_both: int = 0
    open: int = 0
    closed: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output and job summaries."""
        return asdict(self)

    def sentence(self) -> str:
        """One-line human summary."""
        return (
            f"{self.files} files: prompts {self.prompts_added} added, "
            f"{self.prompts_existing} already there; signals {self.signals_added} added, "
            f"{self.signals_updated} closed since last import, {self.signals_existing} already "
            f"there ({self.open} open, {self.closed} closed in the files, "
            f"{self.signals_in_both} in both files counted as completed); "
            f"{len(self.errors)} bad lines skipped."
        )


def legacy_files(folder: Path) -> list[Path]:
    """The old bot's files in `folder`, in import order (prompts, completed, active)."""
    if not folder.is_dir():
        raise Invalid(f"Folder {str(folder)!r} does not exist or is not a folder.")
    found = sorted(folder.glob(fmt.PROMPT_GLOB))
    found += [p for p in (folder / fmt.COMPLETED_FILE, folder / fmt.ACTIVE_FILE) if p.is_file()]
    if not found:
        raise Invalid(
            f"Folder {str(folder)!r} has no prompts_*.jsonl, {fmt.ACTIVE_FILE} or "
            f"{fmt.COMPLETED_FILE}."
        )
    return found


def _lines(path: Path) -> Iterator[tuple[int, str | None]]:
    # Decode per line so one bad byte costs one line, not the file.
    for number, raw in enumerate(path.read_bytes().split(b"\n"), start=1):
        try:
            text = raw.decode("utf-8").strip()
        except UnicodeDecodeError:
            yield number, None
            continue
        if text:
            yield number, text


def _parse_file(
    path: Path, parse: Callable[[dict[str, Any]], dict[str, Any]], summary: ImportSummary
) -> tuple[list[tuple[int, dict[str, Any]]], int]:
    rows: list[tuple[int, dict[str, Any]]] = []
    count = 0
    for number, text in _lines(path):
        count += 1
        try:
            if text is None:
                raise fmt.LineError("not valid UTF-8")
            rows.append((number, parse(fmt.parse_object(text))))
        except fmt.LineError as exc:
            summary.errors.append(f"{path.name}:{number}: {exc}")
    return rows, count


async def _import_prompts(
    session: AsyncSession, rows: list[tuple[int, dict[str, Any]]], summary: ImportSummary
) -> None:
    if not rows:
        return
    summary.prompts_read += len(rows)
    times = [r["created_at"] for _, r in rows]
    # Whatever is already stored for this span counts as imported, tracked rows included.
    cols = (
        Prompt.created_at,
        Prompt.user_id,
        Prompt.username,
        Prompt.command,
        Prompt.symbol,
        Prompt.timeframe,
    )
    stmt = select(*cols).where(Prompt.created_at >= min(times), Prompt.created_at <= max(times))
    stored = Counter(tuple(r) for r in (await session.execute(stmt)).all())
    seen: Counter[tuple[Any, ...]] = Counter()
    new: list[dict[str, Any]] = []
    for _, row in rows:
        identity = fmt.prompt_identity(row)
        seen[identity] += 1
        if stored[identity] >= seen[identity]:
            summary.prompts_existing += 1
            continue
        new.append({**row, "import_key": fmt.prompt_import_key(identity, seen[identity])})
    summary.prompts_added += await service.record_prompts_bulk(session, new)


def _collect_signals(
    folder: Path, clock: Clock, summary: ImportSummary, progress: Progress | None
) -> dict[str, dict[str, Any]]:
    signals: dict[str, dict[str, Any]] = {}
    for name in (fmt.COMPLETED_FILE, fmt.ACTIVE_FILE):
        path = folder / name
        if not path.is_file():
            continue
        rows, count = _parse_file(path, lambda o: fmt.parse_signal(clock, o), summary)
        first_line: dict[str, int] = {}
        for number, row in rows:
            sid = row["id"]
            if sid in first_line:
                summary.errors.append(
                    f"{name}:{number}: duplicate signal_id {sid!r} (first at line "
                    f"{first_line[sid]}); skipped"
                )
                continue
            first_line[sid] = number
            if sid in signals:
                summary.signals_in_both += 1  # completed was read first and wins
                continue
            # Line position keeps the old file's order for an exact export later.
            row["legacy_seq"] = number
            row["resolved_by"] = "legacy" if row["status"] == "CLOSED" else None
            signals[sid] = row
        summary.signals_read += len(rows)
        summary.files += 1
        if progress:
            progress(name, count)
    return signals


async def _import_signals(
    session: AsyncSession, signals: dict[str, dict[str, Any]], summary: ImportSummary
) -> None:
    ids = list(signals)
    stored: dict[str, str] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        found = await session.execute(select(Signal.id, Signal.status).where(Signal.id.in_(chunk)))
        stored.update({sid: status for sid, status in found.all()})
    new = []
    for sid, row in signals.items():
        summary.open += row["status"] == "OPEN"
        summary.closed += row["status"] == "CLOSED"
        if sid not in stored:
            new.append(row)
        elif stored[sid] == "OPEN" and row["status"] == "CLOSED":
            # The old bot closed it after an earlier import: take its outcome.
            signal = await session.get(Signal, sid)
            assert signal is not None
            for key in ("status", "result", "pnl_percent", "closed_at"):
                setattr(signal, key, row[key])
            signal.resolved_by, signal.legacy_seq = "legacy", row["legacy_seq"]
            summary.signals_updated += 1
        else:
            summary.signals_existing += 1
    summary.signals_added += await service.record_signals_bulk(session, new)
    await session.flush()


async def import_legacy(
    session: AsyncSession, clock: Clock, folder: Path, progress: Progress | None = None
) -> ImportSummary:
    """Import prompts and signals from the old bot's folder; re-running adds nothing."""
    files = legacy_files(folder)
    summary = ImportSummary()
    for path in (p for p in files if p.name.startswith("prompts_")):
        rows, count = _parse_file(path, lambda o: fmt.parse_prompt(clock, o), summary)
        await _import_prompts(session, rows, summary)
        summary.files += 1
        if progress:
            progress(path.name, count)
    signals = _collect_signals(folder, clock, summary, progress)
    await _import_signals(session, signals, summary)
    return summary


async def count_rows(session: AsyncSession) -> dict[str, int]:
    """Prompts, signals, open and closed signals stored (for checks and summaries)."""
    prompts = await session.scalar(select(func.count()).select_from(Prompt))
    by_status = dict(
        (await session.execute(select(Signal.status, func.count()).group_by(Signal.status))).all()
    )
    return {
        "prompts": int(prompts or 0),
        "signals": sum(int(n) for n in by_status.values()),
        "open": int(by_status.get("OPEN", 0)),
        "closed": int(by_status.get("CLOSED", 0)),
    }
