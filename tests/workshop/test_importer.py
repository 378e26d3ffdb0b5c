"""Importing the old CSV/XLSX: sample data, bad rows with row numbers, idempotent re-import."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select

from lacak.db import Database, session_scope
from lacak.workshop.importer import import_file
from lacak.workshop.models import Customer, Vehicle
from tests.conftest import SHARED_DATA

SAMPLE = SHARED_DATA / "workshop-customers.csv"
TODAY = date(2026, 11, 20)  # the business day of tests.conftest.FIXED_NOW


async def test_sample_import_is_idempotent(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    shutil.copy(SAMPLE, path)
    expected = json.loads((SHARED_DATA / "workshop-customers.expected.json").read_text())
    async with session_scope(db) as session:
        first = await import_file(session, path, 180, today=TODAY)
    assert first.errors == []
    assert first.vehicles.created == len(expected["vehicles"])
    async with session_scope(db) as session:
        phones = dict(
            (await session.execute(select(Vehicle.no_pol, Customer.phone).join(Customer))).all()
        )
    assert phones == {v["no_pol"]: v["phone"] for v in expected["vehicles"]}
    customers = len(set(phones.values()))
    assert first.customers.created == customers
    async with session_scope(db) as session:
        again = await import_file(session, path, 180, today=TODAY)
    assert (again.customers.created, again.customers.updated) == (0, 0)
    assert (again.vehicles.created, again.vehicles.updated) == (0, 0)
    assert again.customers.unchanged == customers
    assert again.vehicles.unchanged == len(expected["vehicles"])


async def test_bad_rows_reported_rest_imported(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text(
        "nama,hp,no_pol,tahun,next_visit_date\n"
        "Budi,0812-3456-7890,b 1 xy,2020,2026-12-01\n"
        "Ani,12345,B 2 XY,2020,2026-12-01\n"
        "Cici,081299998888,,2020,2026-12-01\n"
        "Dodi,081277776666,B 3 XY,20x0,2026-12-01\n"
        "Eko,081255554444,B 4 XY,2021,31-02-2026\n"
        "Fani,081233332222,B 5 XY,2019,01-12-2026\n",
        encoding="utf-8",
    )
    async with session_scope(db) as session:
        result = await import_file(session, path, 180, today=TODAY)
    rows = {e.row: e for e in result.errors}
    assert sorted(rows) == [3, 4, 5, 6]
    assert "Indonesian" in rows[3].reason and rows[3].column == "hp"
    assert "no_pol" in rows[4].reason and rows[4].column == "no_pol"
    assert rows[5].column == "tahun" and "year" in rows[5].reason
    assert rows[6].column == "next_visit_date" and "not a date" in rows[6].reason
    assert result.imported == 2 and result.rows == 6
    async with session_scope(db) as session:
        plates = set((await session.scalars(select(Vehicle.no_pol))).all())
        fani = await session.scalar(select(Vehicle).where(Vehicle.no_pol == "B 5 XY"))
    assert plates == {"B 1 XY", "B 5 XY"}
    assert fani is not None and fani.next_visit_date.isoformat() == "2026-12-01"  # type: ignore[union-attr]


async def test_xlsx_english_columns_and_update(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "customers.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Name", "Phone", "Plate", "Brand", "Year", "Next_Visit_Date"])
    sheet.append(["Budi", "+62 812 3456 7890", "B 1 XY", "Toyota", 2020, "2026-12-01"])
    book.save(path)
    async with session_scope(db) as session:
        first = await import_file(session, path, 180, today=TODAY)
    assert first.errors == [] and first.vehicles.created == 1
    sheet.append(["Budi", "081234567890", "B 1 XY", "Honda", 2020, "2026-12-01"])
    book.save(path)
    async with session_scope(db) as session:
        second = await import_file(session, path, 180, today=TODAY)
    assert second.vehicles.updated == 1
    async with session_scope(db) as session:
        brand = await session.scalar(select(Vehicle.brand))
        count = await session.scalar(select(func.count()).select_from(Customer))
    assert brand == "Honda" and count == 1
