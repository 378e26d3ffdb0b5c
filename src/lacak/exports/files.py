"""Exports written to a file or a byte stream (the CLI and the benchmark use these)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import func, select

from lacak.clock import Clock
from lacak.db import Database
from lacak.exports import csv_xlsx, service

Progress = Callable[[int], None]


async def count_rows(db: Database, plan: service.ExportPlan) -> int:
    """How many rows the export will have (for a progress bar)."""
    async with db.sessionmaker() as session:
        total = await session.scalar(select(func.count()).select_from(plan.stmt.subquery()))
    return int(total or 0)


async def _counted(
    db: Database, plan: service.ExportPlan, clock: Clock, chunk_rows: int, progress: Progress
) -> AsyncIterator[list[list[Any]]]:
    async with db.sessionmaker() as session:
        async for rows in service.iter_chunks(session, plan, clock, chunk_rows):
            progress(len(rows))
            yield rows


async def write_csv(
    db: Database,
    plan: service.ExportPlan,
    clock: Clock,
    sink: BinaryIO,
    *,
    chunk_rows: int = 5000,
    progress: Progress = lambda _: None,
) -> None:
    """Stream the export as CSV into an open binary file (stdout works too)."""
    rows = _counted(db, plan, clock, chunk_rows, progress)
    async for piece in csv_xlsx.csv_stream(plan.columns, rows):
        await asyncio.to_thread(sink.write, piece)
    await asyncio.to_thread(sink.flush)


async def write_xlsx(
    db: Database,
    plan: service.ExportPlan,
    clock: Clock,
    path: Path,
    *,
    chunk_rows: int = 5000,
    progress: Progress = lambda _: None,
    max_rows: int = csv_xlsx.XLSX_MAX_ROWS,
) -> int:
    """Write the export as an XLSX workbook at `path`; returns the number of rows."""
    rows = _counted(db, plan, clock, chunk_rows, progress)
    return await csv_xlsx.write_xlsx(path, plan.kind, plan.columns, rows, max_rows)
