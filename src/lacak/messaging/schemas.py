"""Pydantic shapes of the message ledger: enqueue input and API output."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from lacak.api.params import DATE_OR_LOCAL_TIME_SCHEMA, NO_NUL, SchemaExtra
from lacak.bounds import BoundedTime, CleanStr
from lacak.clock import Clock

Channel = Literal["whatsapp", "telegram"]
Status = Literal["queued", "sending", "in_doubt", "sent", "delivered", "read", "failed"]


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
    # When the last attempt's request started (committed before it was sent).
    inflight_at: datetime | None = None
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
    kind: Annotated[CleanStr, SchemaExtra(pattern=NO_NUL)] | None = Field(None, max_length=32)
    customer_id: uuid.UUID | None = None
    vehicle_id: uuid.UUID | None = None
    recipient: Annotated[CleanStr, SchemaExtra(pattern=NO_NUL)] | None = Field(None, max_length=64)
    # 2000..2099 (docs/limits.md); a value without an offset is business time.
    created_from: Annotated[BoundedTime, WithJsonSchema(DATE_OR_LOCAL_TIME_SCHEMA)] | None = None
    created_to: Annotated[BoundedTime, WithJsonSchema(DATE_OR_LOCAL_TIME_SCHEMA)] | None = None

    def in_business_time(self, clock: Clock) -> MessageFilter:
        """The filter with naive bounds read as business time (the house rule)."""
        bounds = {
            name: clock.from_naive_local(value)
            for name in ("created_from", "created_to")
            if (value := getattr(self, name)) is not None
        }
        return self.model_copy(update=bounds)


class ResolveIn(BaseModel):
    """An operator's verdict on an in-doubt message, after checking with the customer."""

    model_config = ConfigDict(extra="forbid")

    outcome: Literal["sent", "failed"] = Field(
        description="sent: it did arrive (counted in the whatsapp_report); failed: it did not."
    )
    note: str | None = Field(None, max_length=500, description="Why, for the history.")


class DispatchSummary(BaseModel):
    """What one dispatcher run did."""

    sent: int = 0
    failed: int = 0
    retried: int = 0
    # Held for a person: the request may have reached a provider that does not dedupe.
    in_doubt: int = 0
    remaining: int = 0
