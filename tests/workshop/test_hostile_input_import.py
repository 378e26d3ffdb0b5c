"""Hostile files for `lacak workshop import`: one bad row never costs the others.

Part of the hostile-input suite (see test_hostile_input.py). A NUL, a lone surrogate or
bytes that are not UTF-8 are that row's error (row, column, reason); an unclosed quote
is reported on the line where it opened instead of swallowing the rows after it; a row
the database itself refuses is rolled back alone; the API's bounds hold in the import too.
Both backends.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select, text
from typer.testing import CliRunner

from lacak.cli.main import app
from lacak.config import get_settings
from lacak.db import Database, session_scope
from lacak.workshop.importer import ImportResult, RowProblem, import_file
from lacak.workshop.models import Customer, Vehicle
from tests.conftest import FIXED_NOW

pytestmark = pytest.mark.hostile

TODAY = date(2026, 11, 20)
HEADER = b"nama,hp,alamat,no_pol,model,tahun\n"


def row(
    n: int, *, name: bytes = b"", address: bytes = b"Jl. Baik", model: bytes = b"Avanza"
) -> bytes:
    """One good CSV line for customer n (fresh phone and plate), with cells to spoil."""
    return b"%s,08123450%04d,%s,B %d OK,%s,2020\n" % (name or b"Orang %d" % n, n, address, n, model)


async def _import(db: Database, path: Path) -> ImportResult:
    async with session_scope(db) as session:
        return await import_file(session, path, 180, today=TODAY)


async def _plates_at(url: str) -> set[str]:
    database = Database(url)
    try:
        return await _plates(database)
    finally:
        await database.dispose()


async def _plates(db: Database) -> set[str]:
    async with session_scope(db) as session:
        return set((await session.scalars(select(Vehicle.no_pol))).all())


def _by_row(result: ImportResult) -> dict[int, RowProblem]:
    return {problem.row: problem for problem in result.errors}


async def test_nul_surrogate_and_bad_bytes_cost_only_their_row(
    db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "dirty.csv"
    path.write_bytes(
        HEADER
        + row(1)
        + row(2, name=b"Bu\x00di")
        + row(3)
        + row(4, address=b"Jl. \xed\xa0\x80 Lone surrogate (WTF-8)")
        + row(5, model=b"Av\xffnza")
        + row(6)
    )
    result = await _import(db, path)
    assert (result.rows, result.imported, len(result.errors)) == (6, 3, 3)
    bad = _by_row(result)
    assert (bad[3].column, bad[3].line) == ("nama", 3) and "NUL" in bad[3].reason
    assert bad[5].column == "alamat" and "surrogate" in bad[5].reason and "UTF-8" in bad[5].reason
    assert bad[6].column == "model" and "surrogate" in bad[6].reason
    assert await _plates(db) == {"B 1 OK", "B 3 OK", "B 6 OK"}
    # The summary is JSON-safe: no raw NUL or surrogate is echoed back.
    dumped = json.dumps(result.as_dict(), ensure_ascii=False).encode("utf-8")
    assert b"\x00" not in dumped and json.loads(dumped)["rejected"] == 3


@pytest.mark.parametrize(
    ("lines", "bad_line", "words"),
    [
        # Left open to the end of the file: csv would make one row of everything after it.
        ([b'Budi,081234500001,"Jl. Merdeka 1,B 1 OK,Avanza,2020\n'], 2, "never closed"),
        # Closed by a stray quote on a later line: csv would join the lines between.
        ([b'Budi,081234500001,"Jl. Merdeka 1,B 1 OK,Avanza,2020\n', None,
          b'Cici,081234500003,Jl. Tiga",B 3 OK,Brio,2021\n'], 2, "line 3"),
        # A cell past the csv module's field limit (131,072 characters).
        ([b"Budi,081234500001," + b"x" * 200_000 + b",B 1 OK,Avanza,2020\n"], 2, "field limit"),
        # Text after a closing quote.
        ([b'Budi,081234500001,"Jl. Merdeka" 1,B 1 OK,Avanza,2020\n'], 2, "cannot be read"),
    ],
)  # fmt: skip
async def test_an_unclosed_quote_is_reported_on_its_line_and_swallows_nothing(
    db: Database, tmp_path: Path, lines: list[bytes | None], bad_line: int, words: str
) -> None:
    body = [line if line is not None else row(2) for line in lines]
    path = tmp_path / "quotes.csv"
    path.write_bytes(HEADER + b"".join(body) + row(8) + row(9))
    result = await _import(db, path)
    assert [(p.row, p.line) for p in result.errors] == [(2, bad_line)]
    assert words in result.errors[0].reason, result.errors[0].reason
    plates = await _plates(db)
    assert {"B 8 OK", "B 9 OK"} <= plates and "B 1 OK" not in plates
    assert result.imported == len(body) - 1 + 2


async def test_a_quoted_cell_may_span_lines(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "multiline.csv"
    path.write_bytes(
        HEADER
        + b'Budi,081234500001,"Jl. Merdeka 1\r\nRT 01, RW 02",B 1 OK,Avanza,2020\n'
        + row(2)
        + row(3, model=b"\x00")
    )
    result = await _import(db, path)
    assert result.imported == 2
    # Row numbers are the spreadsheet's; the line is where the row starts in the file.
    assert [(p.row, p.line, p.column) for p in result.errors] == [(4, 5, "model")]
    async with session_scope(db) as session:
        address = await session.scalar(select(Customer.address).where(Customer.name == "Budi"))
    assert address == "Jl. Merdeka 1\r\nRT 01, RW 02"


async def test_the_import_holds_the_api_bounds(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "bounds.csv"
    long_name, long_brand, wide_plate = "x" * 201, "x" * 101, "ß" * 11
    path.write_text(
        "nama,hp,no_pol,tahun,tanggal_lahir,next_visit_date,last_service_date,email,merk\n"
        "Ok,081234500001,B 1 OK,2027,1900-01-01,2036-11-20,2026-11-21,ok@mail.test,Toyota\n"
        "A,081234500002,B 2 OK,2028,,,,,\n"
        "B,081234500003,B 3 OK,,1899-12-31,,,,\n"
        "C,081234500004,B 4 OK,,,2036-11-21,,,\n"
        "D,081234500005,B 5 OK,,,,22/11/2026,,\n"
        f"{long_name},081234500006,B 6 OK,,,,,,\n"
        f"F,081234500007,{wide_plate},,,,,,\n"
        "G,٠٨١٢٣٤٥٠٠٠٠٨,B 8 OK,,,,,,\n"
        "H,081234500009,B 9 OK,,,0001-01-01,,,\n"
        "I,081234500010,B 10 OK,²⁰²⁰,,,,,\n"
        f"J,081234500011,B 11 OK,,,,,,{long_brand}\n",
        encoding="utf-8",
    )
    result = await _import(db, path)
    got = {p.row: (p.column, p.reason) for p in result.errors}
    expected = {
        3: ("tahun", "next year (2027)"), 4: ("tanggal_lahir", "1900-01-01"),
        5: ("next_visit_date", "10 years from today (2036-11-20)"),
        6: ("last_service_date", "tomorrow (2026-11-21)"), 7: ("nama", "200"),
        8: ("no_pol", "20"), 9: ("hp", "0-9"), 10: ("next_visit_date", "2000-01-01"),
        11: ("tahun", "not a year"), 12: ("merk", "100"),
    }  # fmt: skip
    assert set(got) == set(expected)
    for number, (column, words) in expected.items():
        assert got[number][0] == column and words in got[number][1], (number, got[number])
    assert result.imported == 1 and await _plates(db) == {"B 1 OK"}


async def test_xlsx_rows_are_held_to_the_same_bounds(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "customers.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Name", "Phone", "Plate", "Year", "Next_Visit_Date"])
    sheet.append(["Budi", 81234500001, "B 1 OK", 2020.0, datetime(2026, 12, 1)])
    sheet.append(["x" * 201, 81234500002, "B 2 OK", None, None])
    sheet.append(["Cici", 81234500003, "B 3 OK", 2030.0, None])
    sheet.append(["Dodi", 81234500004, "B 4 OK", None, datetime(1990, 1, 1)])
    book.save(path)
    result = await _import(db, path)
    assert [(p.row, p.line, p.column) for p in result.errors] == [
        (3, None, "name"), (4, None, "year"), (5, None, "next_visit_date"),
    ]  # fmt: skip
    assert result.imported == 1 and await _plates(db) == {"B 1 OK"}
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is no workbook")
    with pytest.raises(ValueError, match="damaged"):
        await _import(db, broken)


@pytest.fixture
async def refusing_db(db: Database) -> AsyncIterator[Database]:
    """The test database with a trigger that refuses customers named 'Tolak'."""
    if db.dialect == "sqlite":
        create = [
            "CREATE TRIGGER refuse_tolak BEFORE INSERT ON customers WHEN NEW.name = 'Tolak' "
            "BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END"
        ]
        drop = ["DROP TRIGGER IF EXISTS refuse_tolak"]
    else:
        create = [
            "CREATE FUNCTION refuse_tolak() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'refused by the test trigger'; END $$",
            "CREATE TRIGGER refuse_tolak BEFORE INSERT ON customers FOR EACH ROW "
            "WHEN (NEW.name = 'Tolak') EXECUTE FUNCTION refuse_tolak()",
        ]
        drop = ["DROP TRIGGER IF EXISTS refuse_tolak ON customers",
                "DROP FUNCTION IF EXISTS refuse_tolak()"]  # fmt: skip
    async with db.engine.begin() as conn:
        for sql in create:
            await conn.execute(text(sql))
    try:
        yield db
    finally:
        async with db.engine.begin() as conn:
            for sql in drop:
                await conn.execute(text(sql))


async def test_a_row_the_database_refuses_is_rolled_back_alone(
    refusing_db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "refused.csv"
    path.write_bytes(HEADER + row(1) + row(2, name=b"Tolak") + row(3) + row(1, model=b"Brio"))
    result = await _import(refusing_db, path)
    assert [(p.row, p.column) for p in result.errors] == [(3, None)]
    assert "refused by the test trigger" in result.errors[0].reason
    assert result.imported == 3
    assert (result.customers.created, result.vehicles.created, result.vehicles.updated) == (2, 2, 1)
    assert await _plates(refusing_db) == {"B 1 OK", "B 3 OK"}


def test_cli_lists_rejected_rows_and_prints_cells_literally(
    database_url: str, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Synchronous: the command runs its own event loop, as it does for a user. `db` is
    # requested for its clean-up of the rows afterwards.
    monkeypatch.setenv("LACAK_DATABASE_URL", database_url)
    monkeypatch.setenv("LACAK_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("LACAK_FAKE_NOW", FIXED_NOW.isoformat())
    monkeypatch.setenv("LACAK_LANGUAGE", "en")  # the CLI's lines are read in English here
    get_settings.cache_clear()
    path = tmp_path / "[bold]file.csv"
    path.write_bytes(
        b"nama,hp,no_pol,next_visit_date\n"
        b"Budi,081234500001,B 1 OK,2026-12-01\n"
        b"Ani,081234500002,B 2 OK,[/red]\n"
        b'Cici,081234500003,"B 3 OK,2026-12-01\n'
    )
    runner = CliRunner()
    try:
        plain = runner.invoke(app, ["workshop", "import", str(path)])
        again = runner.invoke(app, ["workshop", "import", str(path), "--json"])
    finally:
        get_settings.cache_clear()
    assert plain.exit_code == 0, plain.output
    assert "[bold]file.csv: 3 rows, 1 imported, 2 rejected" in plain.output
    assert "row 3, column next_visit_date: '[/red]' is not a date" in plain.output
    assert "row 4: a quote" in plain.output
    doc = json.loads(again.stdout)
    assert (doc["rows"], doc["imported"], doc["rejected"]) == (3, 1, 2)
    assert doc["errors"][1] == {
        "row": 4, "line": 4, "column": None, "reason": doc["errors"][1]["reason"],
    }  # fmt: skip
    assert doc["customers"]["unchanged"] == 1 and doc["vehicles"]["unchanged"] == 1
    assert asyncio.run(_plates_at(database_url)) == {"B 1 OK"}
