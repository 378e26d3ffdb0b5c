"""The writers alone: CSV pieces, XLSX sheet split at the row limit, unsafe text."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from lacak.exports import csv_xlsx


async def _chunks(rows: list[list[Any]], size: int) -> AsyncIterator[list[list[Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


async def test_csv_guards_text_but_not_numbers() -> None:
    rows: list[list[Any]] = [["=1+1", -1.5, "@x", "+62", 'ok, "quoted"', None, 3]]
    data = b"".join([p async for p in csv_xlsx.csv_stream(["a", "b", "c", "d", "e", "f", "g"],
                                                          _chunks(rows, 10))])  # fmt: skip
    parsed = list(csv.reader(io.StringIO(data.decode())))
    assert parsed[1] == ["'=1+1", "-1.5", "'@x", "'+62", 'ok, "quoted"', "", "3"]
    assert data.endswith(b"\r\n")


async def test_csv_is_sent_in_pieces() -> None:
    rows = [[i, "x" * 100] for i in range(5000)]
    pieces = [p async for p in csv_xlsx.csv_stream(["i", "x"], _chunks(rows, 500))]
    assert len(pieces) > 3
    assert all(len(p) < 2 * csv_xlsx.CSV_FLUSH_BYTES for p in pieces)


async def test_xlsx_continues_on_new_sheets(tmp_path: Path) -> None:
    rows: list[list[Any]] = [[i, f"row {i}"] for i in range(7)]
    path = tmp_path / "x.xlsx"
    written = await csv_xlsx.write_xlsx(path, "signals", ["n", "text"], _chunks(rows, 3), 3)
    assert written == 7
    book = load_workbook(path)
    assert book.sheetnames == ["signals", "signals (2)", "signals (3)", "signals (4)"]
    sheets = [list(book[name].iter_rows(values_only=True)) for name in book.sheetnames]
    assert all(sheet[0] == ("n", "text") for sheet in sheets)
    assert [len(sheet) - 1 for sheet in sheets] == [2, 2, 2, 1]
    assert sheets[3][1] == (6, "row 6")


async def test_xlsx_unsafe_text(tmp_path: Path) -> None:
    rows: list[list[Any]] = [['=HYPERLINK("http://x")', "bell\x07 and nul\x00", "y" * 40000]]
    path = tmp_path / "u.xlsx"
    await csv_xlsx.write_xlsx(path, "messages", ["a", "b", "c"], _chunks(rows, 1))
    sheet = load_workbook(path)["messages"]
    formula, control, long = (cell.value for cell in sheet[2])
    assert sheet["A2"].data_type == "s" and formula == '=HYPERLINK("http://x")'
    assert control == "bell and nul"
    assert isinstance(long, str) and len(long) == csv_xlsx.XLSX_MAX_CELL


async def test_file_stream_removes_the_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "t.bin"
    path.write_bytes(b"a" * 1000)
    data = b"".join([p async for p in csv_xlsx.file_stream(path, piece=300)])
    assert data == b"a" * 1000 and not path.exists()
