"""Pydantic shapes for prompts, signals and outcomes (rules live in `validation.py`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, field_validator

from lacak.api.errors import Invalid

# Ids are 64-bit columns; Telegram group chats have negative ids.
BigId = Annotated[int, Field(ge=-(2**63), lt=2**63)]


class _In(BaseModel):
    """Shared input rules."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        # PostgreSQL text cannot hold NUL; say so instead of failing deep in the driver.
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return value


class PromptIn(_In):
    """One command a bot user sent."""

    user_id: BigId
    username: str | None = Field(None, max_length=255)
    command: str = Field(min_length=1, max_length=64)
    symbol: str | None = Field(None, max_length=32)
    timeframe: str | None = Field(None, max_length=8)
    chat_id: BigId | None = None
    args: str | None = None
    # When the command was sent; default now. A naive value is read as business time.
    at: datetime | None = Field(None, validation_alias=AliasChoices("at", "timestamp"))


class PromptOut(BaseModel):
    """A stored prompt."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: datetime
    user_id: int
    username: str | None
    command: str
    symbol: str | None
    timeframe: str | None
    chat_id: int | None
    args: str | None


class SignalIn(_In):
    """A signal given to a user; the old bot's names (`signal_type`, `entry_price`) work too."""

    model_config = ConfigDict(populate_by_name=True)

    symbol: str = Field(min_length=1, max_length=40)
    timeframe: str = Field(min_length=1, max_length=8)
    side: str = Field("LONG", validation_alias=AliasChoices("side", "signal_type"))
    entry: float = Field(validation_alias=AliasChoices("entry", "entry_price"))
    tp1: float
    tp2: float
    tp3: float | None = None
    sl: float
    user_id: BigId | None = None
    chat_id: BigId | None = None
    source: str | None = Field(None, max_length=64)
    note: str | None = None
    # When it was given; default now. A naive value is read as business time.
    given_at: datetime | None = Field(None, validation_alias=AliasChoices("given_at", "timestamp"))
    # Optional client-chosen id (idempotent retries); generated when absent.
    id: str | None = Field(
        None, min_length=1, max_length=96, validation_alias=AliasChoices("id", "signal_id")
    )


class SignalOut(BaseModel):
    """A stored signal with its outcome, if any."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    given_at: datetime
    user_id: int | None
    chat_id: int | None
    symbol: str
    timeframe: str
    side: str
    entry: float
    tp1: float
    tp2: float
    tp3: float | None
    sl: float
    source: str | None
    status: str
    result: str | None
    pnl_percent: float | None
    closed_at: datetime | None
    exit_price: float | None
    exits: list[dict[str, Any]] | None
    tp1_hit_at: datetime | None
    tp2_hit_at: datetime | None
    tp3_hit_at: datetime | None
    sl_hit_at: datetime | None
    mfe_percent: float | None
    mae_percent: float | None
    resolved_by: str | None
    resolution_source: str | None
    resolution_timeframe: str | None
    note: str | None
    created_at: datetime
    updated_at: datetime


class OutcomeIn(_In):
    """A manual outcome: the result, and the PnL or the exit price it is computed from."""

    result: str
    pnl_percent: float | None = None
    exit_price: float | None = None
    closed_at: datetime | None = None
    note: str | None = None
    # Overwrite the outcome of a signal that is already closed.
    force: bool = False


class SignalFilter(_In):
    """Which signals a list should contain; None means no constraint."""

    status: str | None = None
    result: str | None = None
    symbol: str | None = None
    timeframe: str | None = None
    side: str | None = None
    user_id: BigId | None = None
    source: str | None = None
    # Bounds on given_at: ISO date (a whole business day) or ISO datetime.
    given_from: str | None = None
    given_to: str | None = None

    @classmethod
    def parse(cls, **values: Any) -> SignalFilter:
        """Build from query values; a broken rule is `Invalid` (422), not a server error."""
        try:
            return cls(**values)
        except ValidationError as exc:
            errors = [
                {"field": ".".join(map(str, e["loc"])), "message": e["msg"]} for e in exc.errors()
            ]
            detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
            raise Invalid(detail, errors=errors) from None
