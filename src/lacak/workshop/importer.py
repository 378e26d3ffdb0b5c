"""`lacak workshop import FILE`: customers and vehicles from the old CSV/XLSX, upserted."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.workshop.models import Customer, Vehicle
from lacak.workshop.phones import InvalidPhone, normalize_phone, normalize_plate
from lacak.workshop.schemas import check_email

# Old Indonesian headers (and a few English spellings) → field names.
COLUMN_ALIASES = {
    "nama": "name", "name": "name",
    "hp": "phone", "phone": "phone", "telepon": "phone", "no_hp": "phone",
    "alamat": "address", "address": "address",
    "email": "email",
    "tanggal_lahir": "birth_date", "birth_date": "birth_date",
    "no_pol": "no_pol", "nopol": "no_pol", "plate": "no_pol", "plate_number": "no_pol",
    "model": "model",
    "merk": "brand", "brand": "brand",
    "tipe": "type", "type": "type",
    "tahun": "year", "year": "year",
    "warna": "colour", "colour": "colour", "color": "colour",
    "no_mesin": "engine_no", "engine_no": "engine_no",
    "no_rangka": "chassis_no", "chassis_no": "chassis_no",
    "next_visit_date": "next_visit_date", "tanggal_servis": "next_visit_date",
    "last_service_date": "last_service_date",
}  # fmt: skip
CUSTOMER_FIELDS = ("name", "address", "email", "birth_date")
VEHICLE_FIELDS = (
    "model", "brand", "type", "year", "colour", "engine_no", "chassis_no",
    "next_visit_date", "last_service_date",
)  # fmt: skip
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y/%m/%d")


@dataclass(slots=True)
class Counts:
    """created / updated / unchanged for one kind of record."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(slots=True)
class ImportResult:
    """What an import did; `errors` are (row number, reason), header = row 1."""

    rows: int = 0
    customers: Counts = field(default_factory=Counts)
    vehicles: Counts = field(default_factory=Counts)
    errors: list[tuple[int, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return {
            "rows": self.rows,
            "customers": {k: getattr(self.customers, k) for k in Counts.__slots__},
            "vehicles": {k: getattr(self.vehicles, k) for k in Counts.__slots__},
            "errors": [{"row": n, "reason": why} for n, why in self.errors],
        }


class RowError(ValueError):
    """A row that cannot be imported, with the reason in words."""


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def parse_date(value: Any, column: str) -> date | None:
    """ISO, dd-mm-yyyy or dd/mm/yyyy text, or a spreadsheet date cell."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if text is None:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text[:10], fmt).date()
        except ValueError:
            continue
    raise RowError(f"{column} {text!r} is not a date (use YYYY-MM-DD)")


def _year(value: Any) -> int | None:
    text = _text(value)
    if text is None:
        return None
    if not text.isdigit() or not 1900 <= int(text) <= 2100:
        raise RowError(f"year {text!r} is not a year between 1900 and 2100")
    return int(text)


def parse_row(raw: dict[str, Any]) -> tuple[str, dict[str, Any], str, dict[str, Any]]:
    """(phone, customer fields, plate, vehicle fields) or RowError naming the problem."""
    row = {COLUMN_ALIASES[k]: v for k, v in raw.items() if k in COLUMN_ALIASES}
    name = _text(row.get("name"))
    if not name:
        raise RowError("the name (nama) is empty")
    try:
        phone = normalize_phone(_text(row.get("phone")) or "")
    except InvalidPhone as exc:
        raise RowError(str(exc)) from None
    try:
        plate = normalize_plate(_text(row.get("no_pol")) or "")
    except ValueError as exc:
        raise RowError(str(exc)) from None
    try:
        email = check_email(_text(row.get("email")))
    except ValueError as exc:
        raise RowError(str(exc)) from None
    customer = {
        "name": name,
        "address": _text(row.get("address")),
        "email": email,
        "birth_date": parse_date(row.get("birth_date"), "birth_date"),
    }
    vehicle: dict[str, Any] = {k: _text(row.get(k)) for k in VEHICLE_FIELDS}
    vehicle["year"] = _year(row.get("year"))
    vehicle["next_visit_date"] = parse_date(row.get("next_visit_date"), "next_visit_date")
    vehicle["last_service_date"] = parse_date(row.get("last_service_date"), "last_service_date")
    return phone, customer, plate, vehicle


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, {lower-case header: value}) from a CSV or XLSX file; header is row 1."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        yield from _xlsx_rows(path)
        return
    text = path.read_bytes().decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = [h.strip().lower() for h in next(reader, [])]
    _check_header(header)
    for number, values in enumerate(reader, start=2):
        if any(v.strip() for v in values):
            yield number, dict(zip(header, values, strict=False))


def _xlsx_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    from openpyxl import load_workbook  # imported lazily: only XLSX imports need it

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [str(h or "").strip().lower() for h in next(rows, ())]
        _check_header(header)
        for number, values in enumerate(rows, start=2):
            if any(v not in (None, "") for v in values):
                yield number, dict(zip(header, values, strict=False))
    finally:
        book.close()


def _check_header(header: list[str]) -> None:
    known = {COLUMN_ALIASES[h] for h in header if h in COLUMN_ALIASES}
    missing = [c for c in ("name", "phone", "no_pol") if c not in known]
    if missing:
        raise ValueError(
            "the file's header lacks the column(s) "
            + ", ".join(missing)
            + " (old names: nama, hp, no_pol)"
        )


def _apply(obj: Any, fields: dict[str, Any]) -> bool:
    # Empty cells never blank out what the database already knows.
    changed = False
    for key, value in fields.items():
        if value is not None and getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


async def import_file(session: AsyncSession, path: Path, default_interval: int) -> ImportResult:
    """Upsert every good row (customer by phone, vehicle by plate); report the bad ones."""
    result = ImportResult()
    seen_customers: set[str] = set()
    seen_vehicles: set[str] = set()
    for number, raw in read_rows(path):
        result.rows += 1
        try:
            phone, cfields, plate, vfields = parse_row(raw)
        except RowError as exc:
            result.errors.append((number, str(exc)))
            continue
        async with session.begin_nested():
            customer = await session.scalar(select(Customer).where(Customer.phone == phone))
            if customer is None:
                customer = Customer(phone=phone, **cfields)
                session.add(customer)
                await session.flush()
                result.customers.created += 1
            elif _apply(customer, cfields):
                result.customers.updated += 1
            elif phone not in seen_customers:
                result.customers.unchanged += 1
            seen_customers.add(phone)
            vehicle = await session.scalar(select(Vehicle).where(Vehicle.no_pol == plate))
            if vehicle is None:
                session.add(
                    Vehicle(
                        customer_id=customer.id,
                        no_pol=plate,
                        service_interval_days=default_interval,
                        **{k: v for k, v in vfields.items() if v is not None},
                    )
                )
                result.vehicles.created += 1
            elif _apply(vehicle, {**vfields, "customer_id": customer.id}):
                result.vehicles.updated += 1
            elif plate not in seen_vehicles:
                result.vehicles.unchanged += 1
            seen_vehicles.add(plate)
            await session.flush()
    return result
