"""The human-readable extras in a backup: the day's legacy signal logs, the WhatsApp report.

Both come from their owning domains (signals.legacy, workshop); when a domain is not
installed yet its part is skipped and noted in the manifest instead of failing the backup.
"""

from __future__ import annotations

import csv
import importlib
import logging
from datetime import date, datetime
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.clock import Clock
from lacak.db import Database

log = logging.getLogger(__name__)

LOGS_DIR = "logs"
REPORT_FILE = "whatsapp_report.csv"


def _module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and name.startswith(exc.name):
            return None
        raise


async def signal_logs(session: AsyncSession, clock: Clock, day: date, staging: Path) -> str | None:
    """Write prompts_DAY.jsonl, active_signals.jsonl, completed_signals.jsonl; or say why not."""
    export_day = None
    for name in ("lacak.signals.legacy_export", "lacak.signals.legacy"):
        export_day = export_day or getattr(_module(name), "export_day", None)
    if export_day is None:
        return "signal logs skipped: lacak.signals export_day is not available"
    folder = staging / LOGS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    await export_day(session, clock, day, folder)
    return None


async def whatsapp_report(
    session: AsyncSession, db: Database, clock: Clock, staging: Path
) -> str | None:
    """Write whatsapp_report.csv: the exports domain's CSV if installed, else the raw table."""
    exports = _module("lacak.exports.service")
    files = _module("lacak.exports.files")
    if exports is not None and files is not None:
        plan = exports.plan("whatsapp_report", clock, {})
        with (staging / REPORT_FILE).open("wb") as sink:
            await files.write_csv(db, plan, clock, sink)
        return None
    models = _module("lacak.workshop.models")
    model = getattr(models, "WhatsappReport", None)
    if model is None:
        return "whatsapp_report.csv skipped: the workshop domain is not installed"
    table = model.__table__
    query = sa.select(table).order_by(*table.primary_key.columns)
    with (staging / REPORT_FILE).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([c.name for c in table.columns])
        result = await session.stream(query.execution_options(yield_per=1000))
        async for part in result.partitions(1000):
            writer.writerows([_cell(v) for v in row] for row in part)
    return None


def _cell(value: object) -> object:
    # ISO 8601 for times (UTC, as stored); everything else as Python prints it.
    return value.isoformat() if isinstance(value, datetime) else value
