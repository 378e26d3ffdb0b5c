"""Streaming writers: CSV chunks as bytes, XLSX through openpyxl's write-only workbook."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from collections.abc import AsyncIterator, Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# Excel's hard limit per sheet, header row included.
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_CELL = 32_767
CSV_FLUSH_BYTES = 64 * 1024
# A spreadsheet treats a cell starting with these as a formula ("CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Control characters XML 1.0 (and so XLSX) cannot hold.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


async def csv_stream(
    header: Sequence[str], chunks: AsyncIterator[list[list[Any]]]
) -> AsyncIterator[bytes]:
    """UTF-8 CSV, header first, yielded in ~64 KiB pieces as rows arrive."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    start = _FORMULA_START
    async for rows in chunks:
        # Inlined (no call per value): this loop runs for every cell of a million rows.
        writer.writerows(
            [["'" + v if v.__class__ is str and v.startswith(start) else v for v in row]
             for row in rows]
        )  # fmt: skip
        if buffer.tell() >= CSV_FLUSH_BYTES:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


class XlsxWriter:
    """A write-only workbook that starts a new sheet whenever Excel's row limit is hit."""

    def __init__(self, title: str, header: Sequence[str], max_rows: int = XLSX_MAX_ROWS) -> None:
        self.title = title[:25]
        self.header = list(header)
        self.max_rows = max_rows
        self.workbook = Workbook(write_only=True)
        self.sheets = 0
        self.rows = 0
        self._sheet: WriteOnlyWorksheet | None = None
        self._used = 0

    def _new_sheet(self) -> WriteOnlyWorksheet:
        self.sheets += 1
        name = self.title if self.sheets == 1 else f"{self.title} ({self.sheets})"
        sheet = self.workbook.create_sheet(name)
        sheet.append(self.header)
        self._used = 1
        return sheet

    def _cell(self, sheet: WriteOnlyWorksheet, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        text = _ILLEGAL_XML.sub("", value)[:XLSX_MAX_CELL]
        if text.startswith("="):
            # openpyxl would store it as a formula; force a plain text cell.
            cell = WriteOnlyCell(sheet, value=text)
            cell.data_type = "s"
            return cell
        return text

    def append_rows(self, rows: Iterable[Sequence[Any]]) -> None:
        """Add rows, opening a continuation sheet at the row limit."""
        sheet = self._sheet
        for row in rows:
            if sheet is None or self._used >= self.max_rows:
                sheet = self._sheet = self._new_sheet()
            sheet.append([self._cell(sheet, v) for v in row])
            self._used += 1
            self.rows += 1

    def save(self, path: Path) -> None:
        """Write the file (an empty export still has its header sheet)."""
        if self._sheet is None:
            self._sheet = self._new_sheet()
        self.workbook.save(path)


async def write_xlsx(
    path: Path,
    title: str,
    header: Sequence[str],
    chunks: AsyncIterator[list[list[Any]]],
    max_rows: int = XLSX_MAX_ROWS,
) -> int:
    """Write all chunks to `path`; the CPU work runs off the event loop. Returns rows."""
    writer = XlsxWriter(title, header, max_rows)
    async for rows in chunks:
        await asyncio.to_thread(writer.append_rows, rows)
    await asyncio.to_thread(writer.save, path)
    return writer.rows


async def file_stream(path: Path, piece: int = 256 * 1024) -> AsyncIterator[bytes]:
    """A file's bytes in pieces; the file is removed afterwards (it is a temp copy)."""
    try:
        with path.open("rb") as handle:
            while data := await asyncio.to_thread(handle.read, piece):
                yield data
    finally:
        await asyncio.to_thread(path.unlink, missing_ok=True)
