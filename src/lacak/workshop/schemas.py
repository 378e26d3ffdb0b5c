"""Pydantic shapes for customers, vehicles, visits and the whatsapp_report API.

Every input field carries its domain bound (lacak.workshop.limits, docs/workshop.md): a
value outside it is a 422 naming the field and the allowed range.
"""

from __future__ import annotations

import math
import re
import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from lacak.api.params import (
    CONTROL,
    DATE_PATTERN,
    LAST_DAY,
    MULTILINE,
    NO_NUL,
    NOT_BLANK,
    SPACE,
    TRIM_WHITESPACE,
    JsonBool,
    JsonNumber,
    JsonTime,
    SchemaExtra,
    date_pattern,
    raw_max_length,
)
from lacak.bounds import NoteStr, OdometerKm
from lacak.workshop.limits import (
    EARLIEST_BIRTH_DATE,
    MAX_ADDRESS,
    MAX_COLOUR,
    MAX_EMAIL,
    MAX_ENGINE_NO,
    MAX_LABEL,
    MAX_NAME,
    Address,
    BirthDate,
    Colour,
    EmailText,
    EngineNo,
    Label,
    Name,
    NextVisitDate,
    Phone,
    Plate,
    VisitDate,
    Year,
)

# Deliberately loose: one @ and a dot in the domain; delivery is not our check.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# What the OpenAPI document says about each field: the patterns accept exactly what the
# validators in lacak.workshop.limits accept (tests/api/test_openapi_params.py holds them
# together); the clock-relative date ceilings are the services' (docs/api.md).
_WS = f"[{TRIM_WHITESPACE}]*"
# Stripped first, then no control character may remain (and something must, for names).
STRIPPED_LINE = f"^{_WS}[^{CONTROL}]*{_WS}$"
STRIPPED_NOT_BLANK = f"^{_WS}[^{CONTROL}]*[^{CONTROL}{SPACE}][^{CONTROL}]*{_WS}$"
STRIPPED_MULTILINE = f"^{_WS}{MULTILINE[1:-1]}{_WS}$"
_E = f"[^@{CONTROL}{SPACE}]+"
# Blank (no e-mail) or a plausible address, spaces around allowed.
EMAIL_PATTERN = f"^{_WS}(?:{_E}@{_E}\\.{_E}{_WS})?$"
# Separators people type in a number (spaces, - . ( ) /); control characters are refused.
_SEP = f"[{SPACE}()./\\-]*"
# `0812…`, `812…`, `62812…`, `+62 812…`, `0062…`: an Indonesian mobile number, 10–14 digits.
PHONE_PATTERN = (
    f"^{_SEP}(?:\\+{_SEP}|0{_SEP}0{_SEP})?(?:6{_SEP}2{_SEP}|0{_SEP})?"
    f"8{_SEP}(?:[0-9]{_SEP}){{7,11}}$"
)


# Each limit counts what is sent (spaces included), as the schema's maxLength does.
NameText = Annotated[
    Name, raw_max_length(MAX_NAME), SchemaExtra(pattern=STRIPPED_NOT_BLANK, maxLength=MAX_NAME)
]
PhoneText = Annotated[Phone, SchemaExtra(pattern=PHONE_PATTERN)]
AddressText = Annotated[
    Address,
    raw_max_length(MAX_ADDRESS),
    SchemaExtra(pattern=STRIPPED_MULTILINE, maxLength=MAX_ADDRESS),
]
EmailField = Annotated[
    EmailText, raw_max_length(MAX_EMAIL), SchemaExtra(pattern=EMAIL_PATTERN, maxLength=MAX_EMAIL)
]
LabelText = Annotated[
    Label, raw_max_length(MAX_LABEL), SchemaExtra(pattern=STRIPPED_LINE, maxLength=MAX_LABEL)
]
ColourText = Annotated[
    Colour, raw_max_length(MAX_COLOUR), SchemaExtra(pattern=STRIPPED_LINE, maxLength=MAX_COLOUR)
]
EngineText = Annotated[
    EngineNo,
    raw_max_length(MAX_ENGINE_NO),
    SchemaExtra(pattern=STRIPPED_LINE, maxLength=MAX_ENGINE_NO),
]
# As typed at most MAX_PLATE_INPUT characters (stray spaces are fine); stored upper case
# with single spaces, at most MAX_PLATE long, which a schema cannot count (docs/api.md).
PlateText = Annotated[Plate, SchemaExtra(pattern=NOT_BLANK)]
NotesText = Annotated[NoteStr, SchemaExtra(pattern=NO_NUL)]
BirthDay = Annotated[
    BirthDate, SchemaExtra(pattern=date_pattern(EARLIEST_BIRTH_DATE, LAST_DAY)), JsonTime
]
VisitDay = Annotated[VisitDate, SchemaExtra(pattern=DATE_PATTERN), JsonTime]
NextVisitDay = Annotated[NextVisitDate, SchemaExtra(pattern=DATE_PATTERN), JsonTime]
# JSON numbers and booleans only (lax validation would read "7", true or 0 as well).
YearNumber = Annotated[Year, JsonNumber]
IntervalDays = Annotated[int, Field(ge=1, le=3650), JsonNumber]
Odometer = Annotated[OdometerKm, JsonNumber]
Flag = Annotated[bool, JsonBool]


def _stored_int(value: Any) -> Any:
    # SQLite keeps whatever was written: past 64 bits an integer column holds a REAL
    # (1e+24), which no int field reads. Such a value is shown as unknown, not a 500.
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and abs(value) < 2**63 else None
    return value


# An integer read back from a nullable column, tolerant of odd stored values.
StoredInt = Annotated[int | None, BeforeValidator(_stored_int)]


def check_email(value: str | None) -> str | None:
    """Blank → None; otherwise a plausible address or ValueError."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if not _EMAIL.match(value):
        raise ValueError(f"{value!r} is not an e-mail address")
    return value


class CustomerIn(BaseModel):
    """A new customer; the phone is normalised (`0812…` → `62812…`)."""

    name: NameText
    phone: PhoneText
    address: AddressText | None = None
    email: EmailField | None = None
    birth_date: BirthDay | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return check_email(value)


class CustomerPatch(BaseModel):
    """Fields to change on a customer; `opted_out` true/false opts out or back in."""

    name: NameText | None = None
    phone: PhoneText | None = None
    address: AddressText | None = None
    email: EmailField | None = None
    birth_date: BirthDay | None = None
    opted_out: Flag | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return check_email(value)


class CustomerOut(BaseModel):
    """A customer as the API returns it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    phone: str
    address: str | None
    email: str | None
    birth_date: date | None
    opted_out_at: datetime | None
    created_at: datetime
    updated_at: datetime


class VehicleFields(BaseModel):
    """Vehicle attributes shared by create and update."""

    model: LabelText | None = None
    brand: LabelText | None = None
    type: LabelText | None = None
    year: YearNumber | None = None
    colour: ColourText | None = None
    engine_no: EngineText | None = None
    chassis_no: EngineText | None = None
    next_visit_date: NextVisitDay | None = None
    last_service_date: VisitDay | None = None
    service_interval_days: IntervalDays | None = None
    active: Flag | None = None


class VehicleIn(VehicleFields):
    """A new vehicle; the plate is normalised (upper case, single spaces)."""

    no_pol: PlateText
    customer_id: uuid.UUID | None = None


class VehicleCreate(VehicleIn):
    """A new vehicle under `/vehicles`, which names its owner in the body."""

    customer_id: uuid.UUID


class VehiclePatch(VehicleFields):
    """Fields to change on a vehicle."""

    no_pol: PlateText | None = None
    customer_id: uuid.UUID | None = None


class VehicleOut(BaseModel):
    """A vehicle as the API returns it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    customer_id: uuid.UUID
    no_pol: str
    model: str | None
    brand: str | None
    type: str | None
    year: StoredInt
    colour: str | None
    engine_no: str | None
    chassis_no: str | None
    next_visit_date: date | None
    last_service_date: date | None
    service_interval_days: int
    active: bool
    created_at: datetime
    updated_at: datetime


class VisitIn(BaseModel):
    """A service visit; `next_visit_date` overrides visit date + interval."""

    visit_date: VisitDay
    odometer: Odometer | None = None
    notes: NotesText | None = None
    next_visit_date: NextVisitDay | None = None


class VisitOut(BaseModel):
    """A recorded service visit."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    vehicle_id: uuid.UUID
    visit_date: date
    odometer: StoredInt
    notes: str | None
    created_at: datetime


class ReportOut(BaseModel):
    """A whatsapp_report row with the old system's field names."""

    id: uuid.UUID
    id_customer: uuid.UUID
    id_vehicle: uuid.UUID
    last_message_date: datetime | None
    frequency: int
    created_at: datetime
    updated_at: datetime


class ReportDetailOut(BaseModel):
    """A whatsapp_report row joined with its customer and vehicle (old field names)."""

    id: uuid.UUID
    customer_name: str
    customer_phone: str
    vehicle_model: str | None
    vehicle_nopol: str
    last_message_date: datetime | None
    frequency: int
    created_at: datetime
    updated_at: datetime


class ResetIn(BaseModel):
    """Optional body of reset-frequency: one customer, or everyone when absent."""

    id_customer: uuid.UUID | None = None
