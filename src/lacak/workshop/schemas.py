"""Pydantic shapes for customers, vehicles, visits and the whatsapp_report API."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from lacak.workshop.phones import normalize_phone, normalize_plate

# Deliberately loose: one @ and a dot in the domain; delivery is not our check.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


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

    name: str = Field(min_length=1, max_length=200)
    phone: str
    address: str | None = None
    email: str | None = Field(None, max_length=254)
    birth_date: date | None = None

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        return normalize_phone(value)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return check_email(value)


class CustomerPatch(BaseModel):
    """Fields to change on a customer; `opted_out` true/false opts out or back in."""

    name: str | None = Field(None, min_length=1, max_length=200)
    phone: str | None = None
    address: str | None = None
    email: str | None = Field(None, max_length=254)
    birth_date: date | None = None
    opted_out: bool | None = None

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return None if value is None else normalize_phone(value)

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

    model: str | None = Field(None, max_length=100)
    brand: str | None = Field(None, max_length=100)
    type: str | None = Field(None, max_length=100)
    year: int | None = Field(None, ge=1900, le=2100)
    colour: str | None = Field(None, max_length=50)
    engine_no: str | None = Field(None, max_length=64)
    chassis_no: str | None = Field(None, max_length=64)
    next_visit_date: date | None = None
    last_service_date: date | None = None
    service_interval_days: int | None = Field(None, ge=1, le=3650)
    active: bool | None = None


class VehicleIn(VehicleFields):
    """A new vehicle; the plate is normalised (upper case, single spaces)."""

    no_pol: str = Field(min_length=1, max_length=20)
    customer_id: uuid.UUID | None = None

    @field_validator("no_pol")
    @classmethod
    def _plate(cls, value: str) -> str:
        return normalize_plate(value)


class VehiclePatch(VehicleFields):
    """Fields to change on a vehicle."""

    no_pol: str | None = Field(None, min_length=1, max_length=20)
    customer_id: uuid.UUID | None = None

    @field_validator("no_pol")
    @classmethod
    def _plate(cls, value: str | None) -> str | None:
        return None if value is None else normalize_plate(value)


class VehicleOut(BaseModel):
    """A vehicle as the API returns it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    customer_id: uuid.UUID
    no_pol: str
    model: str | None
    brand: str | None
    type: str | None
    year: int | None
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

    visit_date: date
    odometer: int | None = Field(None, ge=0)
    notes: str | None = None
    next_visit_date: date | None = None


class VisitOut(BaseModel):
    """A recorded service visit."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    vehicle_id: uuid.UUID
    visit_date: date
    odometer: int | None
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
