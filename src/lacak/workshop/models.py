"""Tables for customers, their vehicles, service visits and the whatsapp_report."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from lacak.db import Base, UTCDateTime, new_uuid, utcnow

DEFAULT_SERVICE_INTERVAL_DAYS = 180
DUE_INDEX_COLUMNS = ("next_visit_date", "no_pol", "active", "customer_id", "id", "model", "brand")


class Customer(Base):
    """A workshop customer; `phone` is normalised international digits (`62812…`)."""

    __tablename__ = "customers"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    name: Mapped[str] = mapped_column(String(200), index=True)
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    address: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(254))
    birth_date: Mapped[date | None] = mapped_column(Date)
    # Set when the customer asked not to be messaged (STOP/BERHENTI or by staff).
    opted_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Vehicle(Base):
    """A customer's vehicle; `no_pol` is the plate, upper case with single spaces."""

    __tablename__ = "vehicles"
    __table_args__ = (
        # The reminder run selects a narrow date range out of millions of rows; the index
        # covers every vehicle column it reads, in its order, so no table row is visited.
        Index("ix_vehicles_due", *DUE_INDEX_COLUMNS),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    customer_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    no_pol: Mapped[str] = mapped_column(String(20), unique=True)
    model: Mapped[str | None] = mapped_column(String(100))
    brand: Mapped[str | None] = mapped_column(String(100))
    type: Mapped[str | None] = mapped_column(String(100))
    year: Mapped[int | None] = mapped_column(Integer)
    colour: Mapped[str | None] = mapped_column(String(50))
    engine_no: Mapped[str | None] = mapped_column(String(64))
    chassis_no: Mapped[str | None] = mapped_column(String(64))
    next_visit_date: Mapped[date | None] = mapped_column(Date)
    last_service_date: Mapped[date | None] = mapped_column(Date)
    service_interval_days: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_SERVICE_INTERVAL_DAYS
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ServiceVisit(Base):
    """One visit of a vehicle to the workshop."""

    __tablename__ = "service_visits"
    __table_args__ = (Index("ix_service_visits_vehicle_date", "vehicle_id", "visit_date"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    vehicle_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("vehicles.id", ondelete="CASCADE")
    )
    visit_date: Mapped[date] = mapped_column(Date)
    odometer: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WhatsappReport(Base):
    """Per customer+vehicle: how often it was messaged and when last (old API's table)."""

    __tablename__ = "whatsapp_report"
    __table_args__ = (
        UniqueConstraint("id_customer", "id_vehicle", name="uq_whatsapp_report_pair"),
        # Covering index: statistics group by frequency without touching the table.
        Index("ix_whatsapp_report_frequency", "frequency", "id_customer"),
        Index("ix_whatsapp_report_id_vehicle", "id_vehicle"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    id_customer: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("customers.id", ondelete="CASCADE")
    )
    id_vehicle: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("vehicles.id", ondelete="CASCADE")
    )
    last_message_date: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Messages since the last reset (the old API's figure).
    frequency: Mapped[int] = mapped_column(Integer, default=0)
    # Messages ever sent; a reset does not touch it (history is kept).
    lifetime_frequency: Mapped[int] = mapped_column(Integer, default=0)
    reset_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class WhatsappReportCounter(Base):
    """Maintained aggregates of whatsapp_report, so statistics never scan the table.

    `name` is `pairs` (rows whose frequency is `bucket`), `lifetime` (Σ lifetime_frequency)
    or `customers` (customers with at least one row); `bucket` is 0 for the last two. Each
    figure is the sum over `shard`s: concurrent writers add to different shards, so one hot
    row does not serialise them on PostgreSQL. A shard may go negative; only sums count.
    """

    __tablename__ = "whatsapp_report_counters"

    name: Mapped[str] = mapped_column(String(16), primary_key=True)
    bucket: Mapped[int] = mapped_column(Integer, primary_key=True)
    shard: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class WhatsappReportCustomer(Base):
    """How many whatsapp_report rows a customer has (feeds the `customers` counter)."""

    __tablename__ = "whatsapp_report_customers"

    id_customer: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    pairs: Mapped[int] = mapped_column(Integer, default=0)
