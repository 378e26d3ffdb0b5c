"""Pydantic shapes of the message ledger: enqueue input and API output."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Channel = Literal["whatsapp", "telegram"]
Status = Literal["queued", "sending", "sent", "delivered", "read", "failed"]


# TemplateRef and EnqueueItem are slotted dataclasses, not Pydantic models: a reminder run
# builds up to a million of them and model validation would dominate its time.
@dataclass(frozen=True, slots=True)
class TemplateRef:
    """A pre-approved WhatsApp template: name, language code and body parameters."""

    name: str
    language: str = "id"
    parameters: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class EnqueueItem:
    """One message to queue (bulk form of `service.enqueue`)."""

    recipient: str
    kind: str
    idempotency_key: str
    channel: str = "whatsapp"
    body: str | None = None
    template: TemplateRef | None = None
    customer_id: uuid.UUID | None = None
    vehicle_id: uuid.UUID | None = None
    not_before: datetime | None = None
    provider: str | None = None
    attachment_path: str | None = None


class MessageEventOut(BaseModel):
    """A step in a message's history."""

    model_config = ConfigDict(from_attributes=True)

    status: str
    at: datetime
    detail: str | None


class MessageOut(BaseModel):
    """A ledger row as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    channel: str
    provider: str | None
    recipient: str
    kind: str
    idempotency_key: str
    body: str | None
    template_name: str | None
    template_language: str | None
    template_params: list[str] | None
    customer_id: uuid.UUID | None
    vehicle_id: uuid.UUID | None
    status: str
    attempts: int
    next_attempt_at: datetime
    provider_message_id: str | None
    error_code: str | None
    error_text: str | None
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None
    delivered_at: datetime | None
    read_at: datetime | None
    failed_at: datetime | None


class MessageDetail(MessageOut):
    """A ledger row with its history."""

    events: list[MessageEventOut] = Field(default_factory=list)


class MessageFilter(BaseModel):
    """Filters of the message list."""

    status: Status | None = None
    channel: Channel | None = None
    kind: str | None = None
    customer_id: uuid.UUID | None = None
    vehicle_id: uuid.UUID | None = None
    recipient: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None


class DispatchSummary(BaseModel):
    """What one dispatcher run did."""

    sent: int = 0
    failed: int = 0
    retried: int = 0
    remaining: int = 0
