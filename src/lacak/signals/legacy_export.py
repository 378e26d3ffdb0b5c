"""Write prompts and signals in the old bot's file layout, byte-compatible with its files."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Select, and_, case, select
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.clock import Clock
from lacak.signals import legacy_format as fmt
from lacak.signals.models import Prompt, Signal

_PROMPT_COLS = (
    Prompt.created_at,
    Prompt.user_id,
    Prompt.username,
    Prompt.command,
    Prompt.symbol,
    Prompt.timeframe,
)
_BATCH = 5000


@dataclass
class ExportSummary:
    """Files written and how many lines went into them."""

    files: list[str] = field(default_factory=list)
    prompts: int = 0
    active: int = 0
    completed: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output and job summaries."""
        return asdict(self)

    def sentence(self) -> str:
        """One-line human summary."""
        return (
            f"{len(self.files)} files written: {self.prompts} prompts, "
            f"{self.active} active and {self.completed} completed signals."
        )


class _AtomicFile:
    """Write to a temporary name and rename, so readers never see half a file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp = path.with_name(f".{path.name}.tmp")
        self.handle: IO[str] = self.tmp.open("w", encoding="utf-8", newline="\n")

    def close(self) -> None:
        self.handle.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        self.handle.close()
        self.tmp.unlink(missing_ok=True)


def _ensure_folder(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)


def _active_query() -> Select[Any]:
    # Imported rows first in their old file order, then newer ones in the order given,
    # which is where the old bot would have appended them.
    imported = case((Signal.legacy_seq.is_not(None), 0), else_=1)
    return (
        select(Signal)
        .where(Signal.status == "OPEN")
        .order_by(imported, Signal.legacy_seq, Signal.given_at, Signal.id)
    )


def _completed_query() -> Select[Any]:
    # Only outcomes that came from the old files keep their old position; anything closed
    # in lacak is appended in close order, as the old bot appended on close.
    imported = case(
        (and_(Signal.legacy_seq.is_not(None), Signal.resolved_by == "legacy"), 0), else_=1
    )
    return (
        select(Signal)
        .where(Signal.status == "CLOSED")
        .order_by(imported, Signal.legacy_seq, Signal.closed_at, Signal.id)
    )


async def _write_signals(
    session: AsyncSession, clock: Clock, folder: Path, summary: ExportSummary
) -> None:
    for name, query in (
        (fmt.ACTIVE_FILE, _active_query()),
        (fmt.COMPLETED_FILE, _completed_query()),
    ):
        out = _AtomicFile(folder / name)
        count = 0
        try:
            stream = await session.stream_scalars(query.execution_options(yield_per=_BATCH))
            async for signal in stream:
                out.handle.write(fmt.signal_line(clock, signal))
                count += 1
        except BaseException:
            out.abort()
            raise
        out.close()
        summary.files.append(name)
        if name == fmt.ACTIVE_FILE:
            summary.active = count
        else:
            summary.completed = count


async def _write_prompts(
    session: AsyncSession,
    clock: Clock,
    folder: Path,
    summary: ExportSummary,
    span: tuple[datetime, datetime] | None,
    progress: Callable[[str, int], None] | None,
) -> None:
    stmt = select(*_PROMPT_COLS).order_by(Prompt.created_at, Prompt.id)
    if span is not None:
        stmt = stmt.where(Prompt.created_at >= span[0], Prompt.created_at < span[1])
    current: date | None = None
    out: _AtomicFile | None = None
    count = 0
    try:
        stream = await session.stream(stmt.execution_options(yield_per=_BATCH))
        async for row in stream:
            day = clock.to_local(row.created_at).date()
            if day != current:
                if out is not None:
                    out.close()
                    if progress:
                        progress(out.path.name, count)
                current, count = day, 0
                out = _AtomicFile(folder / fmt.prompt_file_name(day))
                summary.files.append(out.path.name)
            assert out is not None
            out.handle.write(fmt.prompt_line(clock, row))
            count += 1
            summary.prompts += 1
    except BaseException:
        if out is not None:
            out.abort()
        raise
    if out is not None:
        out.close()
        if progress:
            progress(out.path.name, count)


async def export_legacy(
    session: AsyncSession,
    clock: Clock,
    folder: Path,
    progress: Callable[[str, int], None] | None = None,
) -> ExportSummary:
    """Write every day's prompts plus the active and completed signal files into `folder`."""
    _ensure_folder(folder)
    summary = ExportSummary()
    await _write_prompts(session, clock, folder, summary, None, progress)
    await _write_signals(session, clock, folder, summary)
    return summary


async def export_day(session: AsyncSession, clock: Clock, day: date, folder: Path) -> ExportSummary:
    """Write one business day's prompt file and the current signal files (idempotent)."""
    _ensure_folder(folder)
    summary = ExportSummary()
    await _write_prompts(session, clock, folder, summary, clock.day_bounds(day), None)
    await _write_signals(session, clock, folder, summary)
    return summary
