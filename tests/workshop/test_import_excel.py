"""Sheets as Excel on Indonesian Windows writes them, and files that are no sheet at all.

Every fixture is built here from exact bytes: `;` as the list separator, a UTF-8 BOM ("CSV
UTF-8") or Windows-1252 bytes ("CSV (MS-DOS)"), CRLF/LF/CR line ends, blank rows, a `sep=`
first line. A file that cannot be a sheet is one sentence, from the service and the CLI.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from typer.testing import CliRunner

from lacak.cli.main import app
from lacak.config import get_settings
from lacak.db import Database, session_scope
from lacak.errors import Invalid
from lacak.workshop.import_files import open_sheet
from lacak.workshop.import_format import SheetError
from lacak.workshop.importer import COLUMN_ALIASES, ImportResult, check_header, import_file
from lacak.workshop.models import Customer, Vehicle
from tests.conftest import FIXED_NOW

TODAY = date(2026, 11, 20)
BOM = b"\xef\xbb\xbf"
# "CSV UTF-8 (Comma delimited)" with Indonesian regional settings: `;` between cells, a
# BOM, CRLF, an empty row in the middle, a cell with a comma, dates as Excel shows them.
EXCEL_ID = (
    BOM
    + b"nama;no_hp;alamat;no_pol;merk;tanggal_servis\r\n"
    + b"Budi Santoso;0812-3456-7890;Jl. Merdeka 1, RT 02;b 1234 xyz;Toyota;01/12/2026\r\n"
    + b"\r\n"
    + b"Siti Rahma;+62 813 1111 2222;Jl. Sudirman 5;D 77 AB;Honda;05/12/2026\r\n"
    + b"Tanpa Plat;081377778888;Jl. Kosong;;Honda;05/12/2026\r\n"
)


def _workbook_bytes(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def _import(db: Database, path: Path) -> ImportResult:
    async with session_scope(db) as session:
        return await import_file(session, path, 180, today=TODAY)


async def _customers(db: Database) -> dict[str, tuple[str, str | None]]:
    """phone -> (name, address)."""
    async with session_scope(db) as session:
        rows = await session.execute(select(Customer.phone, Customer.name, Customer.address))
        return {phone: (name, address) for phone, name, address in rows.all()}


async def _plates(db: Database) -> set[str]:
    async with session_scope(db) as session:
        return set((await session.scalars(select(Vehicle.no_pol))).all())


@pytest.mark.parametrize("end", [b"\r\n", b"\n", b"\r"], ids=["crlf", "lf", "cr"])
async def test_an_excel_sheet_from_indonesia_imports_with_true_row_numbers(
    db: Database, tmp_path: Path, end: bytes
) -> None:
    path = tmp_path / "pelanggan.csv"
    path.write_bytes(EXCEL_ID.replace(b"\r\n", end))
    result = await _import(db, path)
    assert (result.kind, result.encoding, result.delimiter) == ("csv", "UTF-8", ";")
    assert result.notes == []
    assert (result.rows, result.imported) == (3, 2)
    # The blank line is row 3 of the sheet, so the plate-less row is row 5 on line 5.
    [problem] = result.errors
    assert (problem.row, problem.line, problem.column) == (5, 5, "no_pol")
    assert await _customers(db) == {
        "6281234567890": ("Budi Santoso", "Jl. Merdeka 1, RT 02"),
        "6281311112222": ("Siti Rahma", "Jl. Sudirman 5"),
    }
    assert await _plates(db) == {"B 1234 XYZ", "D 77 AB"}


async def test_windows_1252_bytes_are_read_as_such_and_the_result_says_so(
    db: Database, tmp_path: Path
) -> None:
    # "CSV (MS-DOS)": é is 0xE9, the en dash 0x96, no byte sequence is UTF-8.
    path = tmp_path / "lama.csv"
    path.write_bytes(
        b"nama;hp;alamat;no_pol\r\n"
        b"Jos\xe9 Ram\xedrez;081234500001;Jl. Cempaka \x96 Blok C;B 1 OK\r\n"
        b"Ani;081234500002;Jl. Mawar;B 2 OK\r\n"
    )
    result = await _import(db, path)
    assert result.errors == [] and result.imported == 2
    assert result.encoding == "Windows-1252"
    assert len(result.notes) == 1 and "Windows-1252" in result.notes[0]
    assert result.as_dict()["notes"] == result.notes
    assert result.as_dict()["file"] == {"kind": "csv", "encoding": "Windows-1252", "delimiter": ";"}
    customers = await _customers(db)
    assert customers["6281234500001"] == ("José Ramírez", "Jl. Cempaka – Blok C")


@pytest.mark.parametrize(
    ("data", "delimiter", "row"),
    [
        (b"nama\thp\tno_pol\nBudi\t081234500001\tB 1 OK\n", "\t", 2),
        (b"nama|hp|no_pol\nBudi|081234500001|B 1 OK\n", "|", 2),
        # A quoted header cell holding `;` does not turn a comma file into a `;` one.
        (b'"nama","catatan; lain","hp","no_pol"\nBudi,x,081234500001,B 1 OK\n', ",", 2),
        # Excel's `sep=` line names the delimiter and is not a row (Excel hides it).
        (b"sep=|\r\nnama|hp|no_pol\r\nBudi|081234500001|B 1 OK\r\n", "|", 2),
        # Blank rows above the header (one of them as Excel writes it: only separators).
        (b"\r\n;;;\r\nnama;hp;no_pol\r\nBudi;081234500001;B 1 OK\r\n", ";", 4),
    ],
    ids=["tab", "pipe", "quoted-semicolon", "sep-line", "blank-above"],
)
def test_the_delimiter_comes_from_the_header_names(
    tmp_path: Path, data: bytes, delimiter: str, row: int
) -> None:
    path = tmp_path / "customers.csv"
    path.write_bytes(data)
    sheet = open_sheet(path, COLUMN_ALIASES, check_header)
    rows = list(sheet.rows)
    assert sheet.delimiter == delimiter
    assert [(r.values["nama"], r.values["hp"], r.values["no_pol"]) for r in rows] == [
        ("Budi", "081234500001", "B 1 OK")
    ]
    assert rows[0].row == row


def test_a_sep_line_is_hidden_like_excel_hides_it(tmp_path: Path) -> None:
    path = tmp_path / "sep.csv"
    path.write_bytes(b"sep=;\r\nnama;hp;no_pol\r\n\r\nBudi;081234500001;B 1 OK\r\n")
    [row] = list(open_sheet(path, COLUMN_ALIASES, check_header).rows)
    # Excel: header row 1, the blank row 2, Budi row 3 (on the file's line 4).
    assert (row.row, row.line) == (3, 4)


async def test_a_phone_excel_shortened_is_named(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "angka.csv"
    path.write_bytes(b"nama;hp;no_pol\r\nBudi;6,28123E+12;B 1 OK\r\nAni;081234500002;B 2 OK\r\n")
    result = await _import(db, path)
    [problem] = result.errors
    assert (problem.row, problem.column) == (2, "hp")
    assert "scientific notation" in problem.reason and "Text" in problem.reason
    assert result.imported == 1


async def test_an_xlsx_is_read_by_its_bytes_and_blank_rows_keep_their_numbers(
    db: Database, tmp_path: Path
) -> None:
    # Saved with the wrong name: the zip signature says XLSX, so it imports as one.
    path = tmp_path / "export.csv"
    rows: list[list[object]] = [
        [None], ["nama", "hp", "no_pol"], ["Budi", 81234500001, "B 1 OK"], [None, None],
        ["Ani", "12", "B 2 OK"],
    ]  # fmt: skip
    path.write_bytes(_workbook_bytes(rows))
    result = await _import(db, path)
    assert (result.kind, result.encoding, result.delimiter) == ("xlsx", None, None)
    assert result.imported == 1
    assert [(p.row, p.line, p.column) for p in result.errors] == [(5, None, "hp")]


def _zip_without_sheet() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("foto/readme.txt", "not a workbook")
    return buffer.getvalue()


NOT_SHEETS = [
    ("empty.csv", b"", "is empty"),
    ("bom-only.csv", BOM, "is empty"),
    ("blank.csv", b"\r\n  \r\n", "is empty"),
    ("blank-bom.csv", BOM + b"\r\n\r\n", "only blank lines"),
    ("garbage.xlsx", b"PK\x03\x04 this is no workbook", "damaged"),
    ("renamed.xlsx", b"nama,hp,no_pol\n", "not an Excel workbook"),
    ("archive.xlsx", _zip_without_sheet(), "holds no sheet"),
    ("archive.csv", _zip_without_sheet(), "holds no sheet"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "old Excel .xls"),
    ("scan.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
    ("program.csv", b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00", "binary"),
    ("long.csv", b"nama,hp,no_pol," + b"x" * 200_000 + b"\nBudi,081234500001,B 1 OK,\n",
     "longer than 131,072 characters"),
    ("report.csv", b"Laporan bulanan Oktober\r\nBudi;081234500001\r\n", "'laporan bulanan"),
    ("sheet.xlsx", _workbook_bytes([[None], [None, None]]), "first sheet of the workbook is empty"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "data", "words"), NOT_SHEETS, ids=[n for n, _, _ in NOT_SHEETS])
def test_a_file_that_is_no_sheet_is_one_sentence(
    tmp_path: Path, name: str, data: bytes, words: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(SheetError) as caught:
        list(open_sheet(path, COLUMN_ALIASES, check_header).rows)
    sentence = str(caught.value)
    assert words in sentence, sentence
    assert "\n" not in sentence and len(sentence) < 300
    # A domain error: the API would answer it as a 422 with this sentence as `detail`.
    assert isinstance(caught.value, Invalid) and caught.value.detail == sentence


@pytest.fixture
def cli_env(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CliRunner]:
    """The CLI on the test database, with the fixed clock."""
    monkeypatch.setenv("LACAK_DATABASE_URL", database_url)
    monkeypatch.setenv("LACAK_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("LACAK_FAKE_NOW", FIXED_NOW.isoformat())
    monkeypatch.setenv("LACAK_LANGUAGE", "en")  # the CLI's lines are read in English here
    get_settings.cache_clear()
    try:
        yield CliRunner()
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [NOT_SHEETS[0], NOT_SHEETS[4], NOT_SHEETS[6], NOT_SHEETS[10], NOT_SHEETS[11]],
    ids=["empty", "garbage-xlsx", "zip-without-sheet", "binary", "long-header"],
)
def test_cli_says_the_sentence_without_a_traceback(
    cli_env: CliRunner, tmp_path: Path, name: str, data: bytes, words: str
) -> None:
    path = tmp_path / f"[red]{name}"
    path.write_bytes(data)
    result = cli_env.invoke(app, ["workshop", "import", str(path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    line = " ".join(result.stderr.split())  # Rich may wrap a long sentence
    # The file name is printed literally (no markup, no stray backslash).
    assert line.startswith(f"error: {path}: ") and words in line, line


def test_cli_prints_how_the_file_was_read_and_the_encoding_note(
    cli_env: CliRunner, db: Database, tmp_path: Path
) -> None:
    # `db` cleans the imported rows up afterwards.
    path = tmp_path / "lama.csv"
    path.write_bytes(b"nama;hp;no_pol\r\nJos\xe9;081234500001;B 1 OK\r\n")
    plain = cli_env.invoke(app, ["workshop", "import", str(path)])
    doc = json.loads(cli_env.invoke(app, ["workshop", "import", str(path), "--json"]).stdout)
    assert plain.exit_code == 0, plain.output
    text = " ".join(plain.stdout.split())
    assert "read as CSV, Windows-1252, semicolon-separated" in text
    assert "note: the file is not UTF-8; it was read as Windows-1252" in text
    assert doc["file"] == {"kind": "csv", "encoding": "Windows-1252", "delimiter": ";"}
    assert doc["notes"] and "Windows-1252" in doc["notes"][0]
