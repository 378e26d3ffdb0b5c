"""What kind of file an import was given: a sheet's format, its text encoding, its delimiter.

Files come from Excel on Indonesian Windows as often as from anywhere else: `;` as the list
separator, a UTF-8 BOM ("CSV UTF-8") or Windows-1252 bytes ("CSV (MS-DOS)"), CRLF or CR line
ends, a `sep=;` first line, blank rows. Nothing here guesses from the data rows (as
`csv.Sniffer` does, which gives up on such files): the format comes from the first bytes,
the delimiter from the header's known column names.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Collection
from dataclasses import dataclass

from lacak.errors import Invalid

DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc, password-protected .xlsx
_OTHER_MAGIC = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"\x1f\x8b": "a gzip archive",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"SQLite format 3": "an SQLite database",
}
# A well-formed multi-byte UTF-8 sequence (surrogate code points included, as WTF-8 has
# them): bytes a Windows-1252 text practically never holds, so one of them means the file
# was written as UTF-8 and only some bytes are damaged.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
# Control characters no header line of a text sheet has (tab, CR, LF and FF are fine).
_BINARY = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SEP_LINE = re.compile(r"^sep=(.)\r?\n?$", re.IGNORECASE)
_SAVE_AS = "open it in Excel or LibreOffice and save it as .xlsx or as CSV UTF-8"


class SheetError(Invalid, ValueError):
    """A file that cannot be read as a sheet at all; the message says why in one sentence."""


@dataclass(frozen=True, slots=True)
class Text:
    """A CSV file's text and the encoding it was read with."""

    text: str
    encoding: str
    note: str | None = None


def sniff_binary(data: bytes) -> str | None:
    """`xlsx` for a zip (an XLSX whatever its name), else None; SheetError for non-sheets."""
    if not data.strip() or data in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        raise SheetError("the file is empty: there is no header line and no rows to import")
    if data.startswith(ZIP_MAGIC):
        return "xlsx"
    if data.startswith(_OLE2_MAGIC):
        raise SheetError(
            "the file is an old Excel .xls workbook (or a password-protected one), which "
            f"cannot be imported; {_SAVE_AS}"
        )
    for magic, kind in _OTHER_MAGIC.items():
        if data.startswith(magic):
            raise SheetError(f"the file is {kind}, not a sheet; import a CSV or XLSX file")
    return None


def decode(data: bytes) -> Text:
    """The text of a CSV: UTF-16 (with a BOM), UTF-8 (BOM optional) or Windows-1252.

    A file that is not valid UTF-8 but holds UTF-8 sequences is damaged UTF-8: its bad bytes
    become lone surrogates, which cost only their rows (see importer.parse_row). One with no
    UTF-8 sequence at all was written in Excel's legacy 8-bit encoding and is read as
    Windows-1252 (Latin-1 for the five bytes Windows-1252 leaves undefined), with a note.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return Text(data.decode("utf-16"), "UTF-16")
        except UnicodeDecodeError:
            raise SheetError("the file starts as UTF-16 but is not valid UTF-16") from None
    try:
        return Text(data.decode("utf-8-sig"), "UTF-8")
    except UnicodeDecodeError:
        pass
    if _UTF8_SEQUENCE.search(data):
        return Text(data.decode("utf-8-sig", errors="surrogateescape"), "UTF-8")
    text = data.decode("cp1252", errors="lacak_latin1_fallback")
    note = (
        "the file is not UTF-8; it was read as Windows-1252 (Latin-1), the encoding Excel "
        "uses for 'CSV (MS-DOS)'. If names look wrong, save the file as CSV UTF-8"
    )
    return Text(text, "Windows-1252", note)


def _latin1_fallback(exc: UnicodeError) -> tuple[str, int]:
    # 0x81, 0x8D, 0x8F, 0x90 and 0x9D have no Windows-1252 character: read them as Latin-1
    # (C1 controls), which the row checks then report instead of refusing the whole file.
    assert isinstance(exc, UnicodeDecodeError)
    return exc.object[exc.start : exc.end].decode("latin-1"), exc.end


codecs.register_error("lacak_latin1_fallback", _latin1_fallback)


def header_start(lines: list[str]) -> tuple[int, str | None]:
    """(index of the header line, delimiter named by a `sep=` first line, or None).

    Blank lines before the header are skipped (they are still rows of the file, as a
    spreadsheet shows them); Excel's `sep=;` first line names the delimiter.
    """
    forced: str | None = None
    if lines and (match := _SEP_LINE.match(lines[0])):
        forced = match.group(1)
    for index in range(1 if forced else 0, len(lines)):
        line = lines[index]
        # Excel writes an empty row as its separators alone (`;;;`).
        if line.strip("".join(DELIMITERS) + ' "\r\n\x0c'):
            if _BINARY.search(line[:4096]):
                raise SheetError(
                    f"the file holds binary data, not text, so it is not a CSV sheet; {_SAVE_AS}"
                )
            return index, forced
    raise SheetError("the file has no header line: it holds only blank lines")


def choose_delimiter(header_line: str, known: Collection[str]) -> str:
    """The delimiter under which the header line shows the most known column names.

    Ties (no known name at all, say) go to the delimiter that splits the line into the most
    cells, then to the order of DELIMITERS; a comma-separated header that happens to hold a
    `;` inside a quoted name is still read with commas.
    """

    def score(delimiter: str) -> tuple[int, int, int]:
        try:
            cells = next(csv.reader([header_line], delimiter=delimiter, strict=False), [])
        except csv.Error:  # a cell past the field limit: this split is no header
            return (0, 0, -DELIMITERS.index(delimiter))
        names = sum(1 for cell in cells if cell.strip().lower() in known)
        return (names, len(cells), -DELIMITERS.index(delimiter))

    return max(DELIMITERS, key=score)
