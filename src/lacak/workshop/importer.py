"""`lacak workshop import FILE`: customers and vehicles from the old CSV/XLSX, upserted.

Each row is held to the same bounds as the API (schemas.CustomerIn / VehicleIn and the
clock checks of limits), and written in its own savepoint: a row that breaks a bound, or
that the database refuses, is reported with its row, line, column and reason, and every
other row still imports. Reading the file (line numbers, unclosed quotes) is import_files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.bounds import text_problem
from lacak.workshop.import_files import SourceRow, open_sheet
from lacak.workshop.import_format import SheetError
from lacak.workshop.limits import clock_problems
from lacak.workshop.models import Customer, Vehicle
from lacak.workshop.schemas import CustomerIn, VehicleIn

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
_TEXT_FIELDS = ("model", "brand", "type", "colour", "engine_no", "chassis_no")
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y/%m/%d")
# Excel shows a long number such as 6281234567890 as 6,28123E+12 and saves it that way.
_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE]\+?\d+$")
# How much of a bad cell a reason quotes (a 100,000-character cell stays out of the report).
_QUOTED_CHARS = 40


@dataclass(slots=True)
class Counts:
    """created / updated / unchanged for one kind of record."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(slots=True)
class RowProblem:
    """A rejected row: spreadsheet row (header = 1), CSV line, column as in the file, why."""

    row: int
    reason: str
    column: str | None = None
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return {"row": self.row, "line": self.line, "column": self.column, "reason": self.reason}


@dataclass(slots=True)
class ImportResult:
    """What an import did: rows read, rows imported, counts, and each rejected row."""

    rows: int = 0
    imported: int = 0
    customers: Counts = field(default_factory=Counts)
    vehicles: Counts = field(default_factory=Counts)
    errors: list[RowProblem] = field(default_factory=list)
    # How the file was read: "csv" or "xlsx", the CSV's encoding and delimiter, and notes
    # for the person importing (an encoding that had to be assumed).
    kind: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    notes: list[str] = field(default_factory=list)

    def reject(self, source: SourceRow, reason: str, column: str | None = None) -> None:
        """Record `source` as rejected."""
        self.errors.append(RowProblem(source.row, reason, column, source.line))

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return {
            "rows": self.rows,
            "imported": self.imported,
            "rejected": len(self.errors),
            "customers": {k: getattr(self.customers, k) for k in Counts.__slots__},
            "vehicles": {k: getattr(self.vehicles, k) for k in Counts.__slots__},
            "errors": [problem.as_dict() for problem in self.errors],
            "file": {"kind": self.kind, "encoding": self.encoding, "delimiter": self.delimiter},
            "notes": list(self.notes),
        }


class RowError(ValueError):
    """A row that cannot be imported: the column (as in the file) and the reason in words."""

    def __init__(self, column: str | None, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


def _quoted(text: str) -> str:
    shown = text if len(text) <= _QUOTED_CHARS else text[:_QUOTED_CHARS] + "…"
    return repr(shown)  # repr: control characters and lone surrogates come out escaped


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
    raise RowError(column, f"{_quoted(text)} is not a date (use YYYY-MM-DD)")


def _year(value: Any, column: str) -> int | None:
    text = _text(value)
    if text is None:
        return None
    # ASCII and short: int() also reads "²"-like digits oddly and refuses 4,300+ digits.
    if not (text.isascii() and text.isdigit() and len(text) <= 4):
        raise RowError(column, f"{_quoted(text)} is not a year (like 2020)")
    return int(text)


def _validation_reason(exc: ValidationError) -> tuple[str, str]:
    """(field, reason) of the first problem pydantic found."""
    err = exc.errors()[0]
    loc = err.get("loc") or ("",)
    reason = str(err.get("msg", "is not valid")).removeprefix("Value error, ")
    return str(loc[0]), reason


def parse_row(raw: dict[str, Any], today: date) -> tuple[str, dict[str, Any], str, dict[str, Any]]:
    """(phone, customer fields, plate, vehicle fields) or RowError naming the problem.

    The row goes through the API's own schemas, so an import holds every bound the API
    does; `today` (the business day) bounds the dates and the year from above.
    """
    cells: dict[str, Any] = {}
    columns: dict[str, str] = {}  # field name -> the column's header in the file
    for key, value in raw.items():
        name = COLUMN_ALIASES.get(key)
        if name is None:
            continue  # not imported, so not checked
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                if "surrogate" in problem:
                    problem += "; save the file as UTF-8"
                raise RowError(key, problem)
        cells[name], columns[name] = value, key

    def column(name: str) -> str:
        return columns.get(name, name)

    if not _text(cells.get("name")):
        raise RowError(column("name"), f"the name ({column('name')}) is empty")
    if not _text(cells.get("phone")):
        raise RowError(column("phone"), "the phone number is empty")
    if _SCIENTIFIC.match(_text(cells.get("phone")) or ""):
        raise RowError(
            column("phone"),
            f"{_quoted(str(cells['phone']))} is a number Excel shortened (scientific "
            "notation), so digits are lost; format the column as Text, retype the numbers "
            "and save again",
        )
    if not _text(cells.get("no_pol")):
        raise RowError(column("no_pol"), f"the plate number ({column('no_pol')}) is empty")
    customer_in: dict[str, Any] = {
        "name": _text(cells.get("name")),
        "phone": _text(cells.get("phone")),
        "address": _text(cells.get("address")),
        "email": _text(cells.get("email")),
        "birth_date": parse_date(cells.get("birth_date"), column("birth_date")),
    }
    vehicle_in: dict[str, Any] = {k: _text(cells.get(k)) for k in _TEXT_FIELDS}
    vehicle_in["no_pol"] = _text(cells.get("no_pol"))
    vehicle_in["year"] = _year(cells.get("year"), column("year"))
    for name in ("next_visit_date", "last_service_date"):
        vehicle_in[name] = parse_date(cells.get(name), column(name))
    try:
        customer = CustomerIn.model_validate(customer_in)
        vehicle = VehicleIn.model_validate(vehicle_in)
    except ValidationError as exc:
        name, reason = _validation_reason(exc)
        raise RowError(column(name), reason) from None
    values = {**customer.model_dump(), **vehicle.model_dump()}
    late = clock_problems(values, today)
    if late:
        raise RowError(column(late[0][0]), late[0][1])
    return (
        customer.phone,
        {k: values[k] for k in CUSTOMER_FIELDS},
        vehicle.no_pol,
        {k: values[k] for k in VEHICLE_FIELDS},
    )


def check_header(header: list[str]) -> None:
    """SheetError unless the header has the name, phone and plate columns."""
    known = {COLUMN_ALIASES[h] for h in header if h in COLUMN_ALIASES}
    missing = [c for c in ("name", "phone", "no_pol") if c not in known]
    if missing:
        found = ", ".join(_quoted(h) for h in header[:8] if h) or "nothing"
        raise SheetError(
            "the file's header lacks the column(s) "
            + ", ".join(missing)
            + f" (old names: nama, hp, no_pol); its first line holds {found}"
        )


def _apply(obj: Any, fields: dict[str, Any]) -> bool:
    # Empty cells never blank out what the database already knows.
    changed = False
    for key, value in fields.items():
        if value is not None and getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


async def _upsert(
    session: AsyncSession,
    phone: str,
    cfields: dict[str, Any],
    plate: str,
    vfields: dict[str, Any],
    default_interval: int,
) -> tuple[str, str]:
    """Write one row; ("created" | "updated" | "unchanged") for its customer and vehicle."""
    customer = await session.scalar(select(Customer).where(Customer.phone == phone))
    if customer is None:
        customer = Customer(phone=phone, **cfields)
        session.add(customer)
        await session.flush()
        customer_done = "created"
    else:
        customer_done = "updated" if _apply(customer, cfields) else "unchanged"
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
        vehicle_done = "created"
    else:
        changed = _apply(vehicle, {**vfields, "customer_id": customer.id})
        vehicle_done = "updated" if changed else "unchanged"
    await session.flush()
    return customer_done, vehicle_done


def _refused(exc: DBAPIError) -> str:
    # The driver's first line says what the database disliked, without the SQL or values.
    first = (str(exc.orig).strip().splitlines() or [type(exc.orig).__name__])[0]
    return f"the database refused the row ({first[:200]})"


async def import_file(
    session: AsyncSession, path: Path, default_interval: int, *, today: date
) -> ImportResult:
    """Upsert every good row (customer by phone, vehicle by plate); report the bad ones.

    `today` is the business day the dates are bounded by. Each row is its own savepoint,
    so neither a bad value nor a row the database refuses costs the other rows.
    """
    sheet = open_sheet(path, COLUMN_ALIASES, check_header)
    result = ImportResult(
        kind=sheet.kind, encoding=sheet.encoding, delimiter=sheet.delimiter, notes=sheet.notes
    )
    seen_customers: set[str] = set()
    seen_vehicles: set[str] = set()
    for source in sheet.rows:
        result.rows += 1
        if source.problem is not None:
            result.reject(source, source.problem)
            continue
        try:
            phone, cfields, plate, vfields = parse_row(source.values, today)
        except RowError as exc:
            result.reject(source, exc.reason, exc.column)
            continue
        try:
            async with session.begin_nested():
                done = await _upsert(session, phone, cfields, plate, vfields, default_interval)
        except DBAPIError as exc:
            result.reject(source, _refused(exc))
            continue
        result.imported += 1
        _count(result.customers, done[0], phone in seen_customers)
        _count(result.vehicles, done[1], plate in seen_vehicles)
        seen_customers.add(phone)
        seen_vehicles.add(plate)
    return result


def _count(counts: Counts, done: str, seen: bool) -> None:
    # A customer listed on several rows is "unchanged" once, not once per row.
    if done == "created":
        counts.created += 1
    elif done == "updated":
        counts.updated += 1
    elif not seen:
        counts.unchanged += 1
