"""Pydantic shapes for prompts, signals and outcomes (rules live in `validation.py`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from lacak.api.params import (
    DATE_OR_TIME_SCHEMA,
    DATE_TIME_PATTERN,
    NO_NUL,
    PY_WHITESPACE,
    JsonBool,
    JsonNumber,
    JsonTime,
    SchemaExtra,
    enum_schema,
)
from lacak.bounds import BoundedTime, NoteStr, PnlPercent, Price, text_problem
from lacak.errors import Invalid
from lacak.signals.commands import parse_command
from lacak.signals.models import RESULTS, SIDES, TIMEFRAMES

# Ids in a body are JSON-safe integers (I-JSON, RFC 7493: at most 2**53 - 1 either way),
# which every Telegram user and chat id is (52 bits; group chats are negative). Larger
# numbers lose digits in JavaScript and most JSON libraries before they reach lacak.
MAX_JSON_ID = 2**53 - 1
BigId = Annotated[int, Field(ge=-MAX_JSON_ID, le=MAX_JSON_ID), JsonNumber]
# Stored ids are 64-bit columns (legacy files may hold any of them): a filter takes all.
StoredId = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]
# Numbers in a body are JSON numbers (not "1.5" or true), as the schema says.
Level = Annotated[Price, JsonNumber]
Pnl = Annotated[PnlPercent, JsonNumber]

# What the OpenAPI document says about signal fields (docs/api.md). Enums list the canonical
# spelling; the server also takes other letter case and surrounding spaces, as it always has.
STATUSES = ("OPEN", "CLOSED")
# Python's `\s` (which `clean_symbol` removes) and the separators typed inside symbols.
SYMBOL_SEPARATORS = PY_WHITESPACE + r"/_:.\-"
# 2 to 32 letters or digits once separators are removed (`btc/usdt`, `BTC-USDT`, `BTCUSDT`).
SYMBOL_CORE = f"[{SYMBOL_SEPARATORS}]*(?:[A-Za-z0-9][{SYMBOL_SEPARATORS}]*){{2,32}}"
SYMBOL_PATTERN = f"^{SYMBOL_CORE}$"
SymbolText = Annotated[str, SchemaExtra(pattern=SYMBOL_PATTERN)]
TimeframeText = Annotated[str, SchemaExtra(**enum_schema(TIMEFRAMES))]
SideText = Annotated[str, SchemaExtra(**enum_schema(SIDES))]
ResultText = Annotated[str, SchemaExtra(**enum_schema(RESULTS))]
StatusText = Annotated[str, SchemaExtra(**enum_schema(STATUSES))]
# Free text: the signal fields refuse only NUL (and lone surrogates, which JSON Schema
# cannot name).
PlainText = Annotated[str, SchemaExtra(pattern=NO_NUL)]
NoteText = Annotated[NoteStr, SchemaExtra(pattern=NO_NUL)]
# An instant in 2000..2099 (the clock-relative "at most a day ahead" is the service's).
Instant = Annotated[BoundedTime, SchemaExtra(pattern=DATE_TIME_PATTERN), JsonTime]
# A list bound: a business date (the whole day) or an instant, parsed by the service.
DateOrTime = Annotated[str, WithJsonSchema(DATE_OR_TIME_SCHEMA)]


class _In(BaseModel):
    """Shared input rules: every string must be storable on both backends."""

    @field_validator("*", mode="after")
    @classmethod
    def _storable_text(cls, value: object) -> object:
        # PostgreSQL text cannot hold NUL and no database takes a lone surrogate; say so
        # instead of failing deep in the driver.
        if isinstance(value, str) and (problem := text_problem(value)):
            raise ValueError(problem)
        return value


class PromptIn(_In):
    """One command a bot user sent."""

    user_id: BigId
    username: PlainText | None = Field(None, max_length=255)
    command: PlainText = Field(
        min_length=1,
        max_length=64,
        description=(
            "The command as the user typed it. A bot command with words after it "
            "(`/analyze BTC 1h`) is split as the Telegram integration splits it: `/analyze`, "
            "and the symbol, timeframe and args it names unless those fields are given."
        ),
    )
    # Kept as typed when it is not a symbol or timeframe lacak knows (free prompts).
    symbol: PlainText | None = Field(None, max_length=32)
    timeframe: PlainText | None = Field(None, max_length=8)
    chat_id: BigId | None = None
    args: NoteText | None = None
    # When the command was sent; default now. A naive value is read as business time.
    at: Instant | None = Field(None, validation_alias=AliasChoices("at", "timestamp"))

    @model_validator(mode="after")
    def _split_command(self) -> PromptIn:
        # The same parser as the bot integration, so both store `/analyze`, `BTC`, `1h`
        # for "/analyze BTC 1h"; a field the caller gave explicitly always wins.
        parsed = parse_command(self.command.strip())
        if parsed is None:
            return self  # free text (no leading `/`) is kept as typed
        self.command = parsed.command
        if self.symbol is None:
            self.symbol = parsed.symbol
        if self.timeframe is None:
            self.timeframe = parsed.timeframe
        if self.args is None and parsed.args:
            self.args = " ".join(parsed.args)
        return self


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

    symbol: SymbolText = Field(min_length=1, max_length=40)
    timeframe: TimeframeText = Field(min_length=1, max_length=8)
    side: SideText = Field(
        "LONG", max_length=16, validation_alias=AliasChoices("side", "signal_type")
    )
    entry: Level = Field(validation_alias=AliasChoices("entry", "entry_price"))
    tp1: Level
    tp2: Level
    tp3: Level | None = None
    sl: Level
    user_id: BigId | None = None
    chat_id: BigId | None = None
    source: PlainText | None = Field(None, max_length=64)
    note: NoteText | None = None
    # When it was given; default now. A naive value is read as business time.
    given_at: Instant | None = Field(None, validation_alias=AliasChoices("given_at", "timestamp"))
    # Optional client-chosen id (idempotent retries); generated when absent.
    id: PlainText | None = Field(
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


class SignalDeletionOut(BaseModel):
    """The record kept when a signal is deleted."""

    model_config = ConfigDict(from_attributes=True)

    signal_id: str
    deleted_at: datetime
    deleted_by: str
    reason: str
    snapshot: dict[str, Any]


# In the schema: a WIN or a LOSS needs a number in pnl_percent or exit_price.
_NUMBER_IN = [
    {"required": [name], "properties": {name: {"type": "number"}}}
    for name in ("pnl_percent", "exit_price")
]
OUTCOME_RULE: dict[str, Any] = {
    "if": {"required": ["result"], "properties": {"result": {"enum": ["WIN", "LOSS"]}}},
    "then": {"anyOf": _NUMBER_IN},
}


class OutcomeIn(_In):
    """A manual outcome: the result, and the PnL or the exit price it is computed from."""

    model_config = ConfigDict(json_schema_extra=OUTCOME_RULE)

    result: ResultText = Field(max_length=16)
    pnl_percent: Pnl | None = None
    exit_price: Level | None = None
    closed_at: Instant | None = None
    note: NoteText | None = None
    # Overwrite the outcome of a signal that is already closed.
    force: Annotated[bool, JsonBool] = False


class SignalFilter(_In):
    """Which signals a list should contain; None means no constraint."""

    status: str | None = Field(None, max_length=16)
    result: str | None = Field(None, max_length=16)
    symbol: str | None = Field(None, max_length=64)
    timeframe: str | None = Field(None, max_length=16)
    side: str | None = Field(None, max_length=16)
    user_id: StoredId | None = None
    source: str | None = Field(None, max_length=64)
    # Bounds on given_at: ISO date (a whole business day) or ISO datetime.
    given_from: str | None = Field(None, max_length=40)
    given_to: str | None = Field(None, max_length=40)

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
