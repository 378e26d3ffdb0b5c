"""Reading the workshop import's CSV/XLSX files into numbered rows, one bad row at a time.

A CSV is read with a line map, so every row knows the physical line it starts on. Python's
csv module joins lines silently while a quote is open: a row that spans several lines is
kept only when none of its extra lines looks like a row of its own and its width matches
the header; otherwise the row is reported as an unclosed quote on its first line and
reading resumes at the next line that looks like a row, so nothing after it is swallowed.
Undecodable bytes and NULs reach the row checks as text (see importer.parse_row), so a
bad byte costs its row, not the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lacak.workshop.phones import is_valid_phone

_DELIMITERS = (",", ";", "\t")
_QUOTE = '"'


@dataclass(slots=True)
class SourceRow:
    """One data row: spreadsheet row number (header = 1), CSV line, cells by header."""

    row: int
    line: int | None
    values: dict[str, Any]
    # Set when the row could not be read at all (an unclosed quote, a broken CSV record).
    problem: str | None = None


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


class _Semicolon(_Dialect):
    delimiter = ";"


class _Tab(_Dialect):
    delimiter = "\t"


_BY_DELIMITER: dict[str, type[csv.Dialect]] = {",": _Dialect, ";": _Semicolon, "\t": _Tab}


def _dialect(header_line: str) -> type[csv.Dialect]:
    # The header decides the delimiter (it always holds at least nama, hp and no_pol);
    # guessing from the data, as csv.Sniffer does, lets one odd row change the quoting.
    counts = {d: header_line.count(d) for d in _DELIMITERS}
    return _BY_DELIMITER[max(_DELIMITERS, key=lambda d: (counts[d], d == ","))]


def decode(data: bytes) -> str:
    """The file's text: UTF-16 when it has a UTF-16 BOM, else UTF-8 (BOM optional)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ValueError("the file starts as UTF-16 but is not valid UTF-16") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Bytes that are not UTF-8 become lone surrogates, which the row check reports
        # as that row's error; the other rows still import.
        return data.decode("utf-8-sig", errors="surrogateescape")


HeaderCheck = Callable[[list[str]], None]


def read_rows(
    path: Path, aliases: Mapping[str, str], check_header: HeaderCheck
) -> Iterator[SourceRow]:
    """Numbered rows of a CSV or XLSX file.

    `aliases` maps header names to field names (name, phone and no_pol are the ones a row
    must have); `check_header` raises ValueError for a header the caller cannot import.
    """
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        yield from _xlsx_rows(path, check_header)
        return
    yield from csv_rows(decode(path.read_bytes()), aliases, check_header)


def csv_rows(
    text: str, aliases: Mapping[str, str], check_header: HeaderCheck
) -> Iterator[SourceRow]:
    """Numbered rows of CSV text (see the module docstring for unclosed quotes)."""
    # newline="": lines split at \n, \r\n and \r, the same ends the csv module knows.
    lines = io.StringIO(text, newline="").readlines()
    if not lines:
        check_header([])
        return
    dialect = _dialect(lines[0])
    try:
        header = [h.strip().lower() for h in next(csv.reader([lines[0]], dialect), [])]
    except csv.Error as exc:
        raise ValueError(f"the header line cannot be read as CSV ({exc})") from None
    check_header(header)
    shape = _RowShape(header, dialect, aliases)
    number = 1
    for first, _end, fields, problem in _records(lines, 1, dialect, shape):
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


def _xlsx_rows(path: Path, check_header: HeaderCheck) -> Iterator[SourceRow]:
    from openpyxl import load_workbook  # imported lazily: only XLSX imports need it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise ValueError(f"the file cannot be read as XLSX ({type(exc).__name__})") from None
    try:
        if not book.worksheets:
            raise ValueError("the workbook has no sheet")
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [str(h or "").strip().lower() for h in next(rows, ())]
        check_header(header)
        for number, values in enumerate(rows, start=2):
            if any(v not in (None, "") for v in values):
                yield SourceRow(number, None, dict(zip(header, values, strict=False)))
    finally:
        book.close()
