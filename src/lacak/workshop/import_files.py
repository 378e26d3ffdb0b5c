"""Reading the workshop import's CSV/XLSX files into numbered rows, one bad row at a time.

A CSV is read with a line map, so every row knows the physical line it starts on. Python's
csv module joins lines silently while a quote is open: a row that spans several lines is
kept only when none of its extra lines looks like a row of its own and its width matches
the header; otherwise the row is reported as an unclosed quote on its first line and
reading resumes at the next line that looks like a row, so nothing after it is swallowed.
Undecodable bytes and NULs reach the row checks as text (see importer.parse_row), so a
bad byte costs its row, not the file. Which format, encoding and delimiter a file has is
import_format's; a file that is no sheet at all is one SheetError sentence.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lacak.workshop import import_format
from lacak.workshop.phones import is_valid_phone

_QUOTE = '"'


@dataclass(slots=True)
class SourceRow:
    """One data row: spreadsheet row number (header = 1), CSV line, cells by header."""

    row: int
    line: int | None
    values: dict[str, Any]
    # Set when the row could not be read at all (an unclosed quote, a broken CSV record).
    problem: str | None = None


@dataclass(slots=True)
class Sheet:
    """An opened import file: how it was read, and its rows (read lazily)."""

    rows: Iterator[SourceRow]
    kind: str  # "csv" or "xlsx"
    encoding: str | None = None  # CSV only: UTF-8, UTF-16 or Windows-1252
    delimiter: str | None = None  # CSV only
    notes: list[str] = field(default_factory=list)


class _Dialect(csv.Dialect):
    delimiter = ","
    quotechar = _QUOTE
    doublequote = True
    skipinitialspace = False
    lineterminator = "\r\n"
    quoting = csv.QUOTE_MINIMAL
    # Strict: a quote left open at the end of the file, or text right after a closing
    # quote, is an error we report on that row instead of a silent guess.
    strict = True


def _dialect(delimiter: str) -> type[csv.Dialect]:
    dialect: type[csv.Dialect] = type("Dialect", (_Dialect,), {"delimiter": delimiter})
    return dialect


HeaderCheck = Callable[[list[str]], None]


def open_sheet(path: Path, aliases: Mapping[str, str], check_header: HeaderCheck) -> Sheet:
    """The file as a Sheet, its header already checked; SheetError when it is no sheet.

    `aliases` maps header names to field names (name, phone and no_pol are the ones a row
    must have); `check_header` raises ValueError for a header the caller cannot import.
    The format comes from the file's first bytes, so an XLSX saved as `.csv` still reads.
    """
    data = path.read_bytes()
    kind = import_format.sniff_binary(data)
    if kind == "xlsx":
        return Sheet(_xlsx_rows(data, check_header), "xlsx")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise import_format.SheetError(
            "the file is named .xlsx but is not an Excel workbook (an XLSX is a zip "
            "archive and this is not one); open it in Excel and save it again as .xlsx"
        )
    text = import_format.decode(data)
    rows, delimiter = csv_rows(text.text, aliases, check_header)
    return Sheet(rows, "csv", text.encoding, delimiter, [text.note] if text.note else [])


def csv_rows(
    text: str, aliases: Mapping[str, str], check_header: HeaderCheck
) -> tuple[Iterator[SourceRow], str]:
    """(numbered rows, delimiter) of CSV text; the header is read and checked at once."""
    # newline="": lines split at \n, \r\n and \r, the same ends the csv module knows.
    lines = io.StringIO(text, newline="").readlines()
    start, forced = import_format.header_start(lines)
    delimiter = forced or import_format.choose_delimiter(lines[start], aliases)
    dialect = _dialect(delimiter)
    try:
        header = [h.strip().lower() for h in next(csv.reader([lines[start]], dialect), [])]
    except csv.Error as exc:
        if "field limit" in str(exc):
            reason = f"has a cell longer than {csv.field_size_limit():,} characters"
        else:
            reason = f"cannot be read as CSV ({exc})"
        raise import_format.SheetError(
            f"the header (line {start + 1}) {reason}, so it is no header of a customer "
            "sheet; check that this is the right file"
        ) from None
    check_header(header)
    # Excel hides a `sep=` line, so the header is row 1 there while it is line 2.
    header_row = start if forced else start + 1
    return _data_rows(lines, start, header_row, header, dialect, aliases), delimiter


def _data_rows(
    lines: list[str],
    start: int,
    header_row: int,
    header: list[str],
    dialect: type[csv.Dialect],
    aliases: Mapping[str, str],
) -> Iterator[SourceRow]:
    # Blank lines are rows of the file as a spreadsheet shows them: the numbers count them.
    shape = _RowShape(header, dialect, aliases)
    number = header_row
    for first, _end, fields, problem in _records(lines, start + 1, dialect, shape):
        number += 1
        if problem is not None:
            yield SourceRow(number, first + 1, {}, problem)
        elif any(v.strip() for v in fields):
            yield SourceRow(number, first + 1, dict(zip(header, fields, strict=False)))


class _RowShape:
    """Whether a single physical line looks like a data row of this file."""

    def __init__(
        self, header: list[str], dialect: type[csv.Dialect], aliases: Mapping[str, str]
    ) -> None:
        self.width = len(header)
        self.dialect = dialect
        fields = [aliases.get(h) for h in header]
        self.required = [i for i, f in enumerate(fields) if f in ("name", "phone", "no_pol")]
        self.phone = next((i for i, f in enumerate(fields) if f == "phone"), None)

    def matches(self, line: str) -> bool:
        """True when `line`, read on its own, is a complete row with the required cells."""
        try:
            records = [r for r in csv.reader([line], self.dialect) if r]
        except csv.Error:
            return False
        if len(records) != 1:
            return False
        fields = records[0]
        if len(fields) > self.width or any(_QUOTE in f for f in fields):
            return False
        if not all(i < len(fields) and fields[i].strip() for i in self.required):
            return False
        # A short line is a row only when its phone is a real one (not an address line).
        phone_ok = self.phone is not None and is_valid_phone(fields[self.phone])
        return len(fields) == self.width or phone_ok


def _records(
    lines: Sequence[str], start: int, dialect: type[csv.Dialect], shape: _RowShape
) -> Iterator[tuple[int, int, list[str], str | None]]:
    """(first line index, end index, fields, problem) for each record from `start`."""
    pos = start
    while pos < len(lines):
        reader = csv.reader(_lines_from(lines, pos), dialect)
        done = 0  # lines the reader consumed for complete records
        resume: int | None = None
        try:
            for fields in reader:
                first, end = pos + done, pos + reader.line_num
                done = reader.line_num
                if end - first > 1:
                    problem, resume = _multiline_problem(lines, first, end, fields, shape)
                    if problem is not None:
                        yield first, end, [], problem
                        break
                yield first, end, fields, None
            else:
                return
        except csv.Error as exc:
            first = pos + done
            yield first, first + 1, [], _broken(first, str(exc))
            resume = first + 1
        assert resume is not None
        pos = resume


def _lines_from(lines: Sequence[str], pos: int) -> Iterator[str]:
    for index in range(pos, len(lines)):
        yield lines[index]


def _multiline_problem(
    lines: Sequence[str], first: int, end: int, fields: list[str], shape: _RowShape
) -> tuple[str | None, int]:
    """(problem, where to resume) for a record spanning lines first..end-1."""
    for index in range(first + 1, end):
        if shape.matches(lines[index]):
            return (
                f"a quote ({_QUOTE}) opened on line {first + 1} is not closed, so line "
                f"{index + 1} and the lines after it were being read as part of this row; "
                "close the quote (or double it inside a quoted cell) and import again",
                index,
            )
    if len(fields) != shape.width:
        return (
            f"this row spans lines {first + 1}-{end} and has {len(fields)} cells where the "
            f"header has {shape.width}: a quote ({_QUOTE}) opened on line {first + 1} is "
            "probably not closed",
            end,
        )
    return None, end


def _broken(first: int, error: str) -> str:
    if "unexpected end of data" in error:
        return (
            f"a quote ({_QUOTE}) opened on line {first + 1} is never closed before the end "
            "of the file; close it and import again"
        )
    return f"line {first + 1} cannot be read as CSV ({error})"


def _xlsx_rows(data: bytes, check_header: HeaderCheck) -> Iterator[SourceRow]:
    """Rows of the first sheet; the workbook is opened (and the header checked) at once."""
    from openpyxl import load_workbook  # imported lazily: only XLSX imports need it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # A file object, not the path: openpyxl would refuse a workbook named .csv.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except zipfile.BadZipFile:
        raise import_format.SheetError(
            "the file starts like an XLSX workbook but is damaged (not a readable zip "
            "archive); open it in Excel and save it again as .xlsx"
        ) from None
    except (KeyError, InvalidFileException):
        raise import_format.SheetError(
            "the file is a zip archive but not an Excel workbook (it holds no sheet); "
            "import the .xlsx file itself, not an archive"
        ) from None
    except (ValueError, TypeError, OSError, EOFError) as exc:
        # openpyxl's parsers raise many kinds on a workbook whose XML is broken.
        raise import_format.SheetError(
            f"the XLSX workbook is damaged ({type(exc).__name__}); open it in Excel and "
            "save it again as .xlsx"
        ) from None
    try:
        if not book.worksheets:
            raise import_format.SheetError("the workbook has no sheet")
        rows = book.worksheets[0].iter_rows(min_row=1, values_only=True)
        number, header = 0, []
        for values in rows:
            number += 1
            header = [str(h if h is not None else "").strip().lower() for h in values]
            if any(header):
                break  # blank rows above the header are skipped (they keep their numbers)
        if not any(header):
            raise import_format.SheetError("the first sheet of the workbook is empty")
        check_header(header)
    except BaseException:
        book.close()
        raise
    return _xlsx_data(book, rows, number, header)


def _xlsx_data(
    book: Any, rows: Iterator[tuple[Any, ...]], number: int, header: list[str]
) -> Iterator[SourceRow]:
    try:
        for row, values in enumerate(rows, start=number + 1):
            if any(v not in (None, "") for v in values):
                yield SourceRow(row, None, dict(zip(header, values, strict=False)))
    finally:
        book.close()
