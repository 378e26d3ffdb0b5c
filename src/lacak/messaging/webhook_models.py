"""Typed webhook payloads (Meta Cloud API, Fonnte) and a parser that names what is wrong.

Only the parts lacak acts on are modelled; unknown fields are ignored. Anything in those
parts of the wrong type, text with NUL characters, timestamps outside 2000–2100, bodies
that are not UTF-8 JSON objects or nest too deep are refused with one of `REASONS`, a
fixed set, so it can be a metrics label.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    StringConstraints,
    ValidationError,
)
from pydantic_core import PydanticCustomError

Reason = Literal[
    "bad_encoding", "not_json", "too_deep", "not_object", "bad_shape", "bad_text",
    "bad_timestamp",
]  # fmt: skip
REASONS: tuple[str, ...] = Reason.__args__  # type: ignore[attr-defined]
# Epoch seconds lacak accepts in a webhook: 2000-01-01 up to 2100-01-01 (UTC).
EPOCH_MIN, EPOCH_MAX = 946_684_800, 4_102_444_800
MAX_TEXT = 4096
_EPOCH_RULE = "timestamp must be epoch seconds between 2000-01-01 and 2100-01-01"


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL; refusing it here keeps a query from failing later.
    if "\x00" in value:
        raise PydanticCustomError("nul_character", "text must not contain NUL characters")
    return value


def _epoch(value: object) -> datetime:
    text = value.strip() if isinstance(value, str) else None
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    # The length check first: int() of a huge digit string is slow and never in range.
    if text is None or not text.isdigit() or len(text) > 12:
        raise PydanticCustomError("timestamp_range", _EPOCH_RULE)
    seconds = int(text)
    if not EPOCH_MIN <= seconds < EPOCH_MAX:
        raise PydanticCustomError("timestamp_range", _EPOCH_RULE)
    return datetime.fromtimestamp(seconds, UTC)


Text = Annotated[StrictStr, StringConstraints(max_length=MAX_TEXT), AfterValidator(_no_nul)]
# Fonnte sends some ids as numbers; both become text.
TextOrNumber = Annotated[Text | StrictInt, AfterValidator(str)]
Epoch = Annotated[datetime, BeforeValidator(_epoch)]


class _Part(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class CloudError(_Part):
    """One entry of a status's `errors`."""

    code: TextOrNumber | None = None
    title: Text | None = None
    message: Text | None = None


class CloudStatus(_Part):
    """A delivery status (`sent`, `delivered`, `read`, `failed`; others are ignored)."""

    id: Text
    status: Text
    timestamp: Epoch | None = None
    recipient_id: Text | None = None
    biz_opaque_callback_data: Text | None = None
    errors: list[CloudError] | None = None


class CloudBody(_Part):
    """`text` of an inbound message, `button` of a quick-reply tap."""

    body: Text | None = None
    text: Text | None = None


class CloudInbound(_Part):
    """A customer's message to the business number."""

    sender: Text = Field(alias="from")
    id: Text | None = None
    timestamp: Epoch | None = None
    type: Text | None = None
    text: CloudBody | None = None
    button: CloudBody | None = None

    def words(self) -> str:
        """What the customer typed or tapped, trimmed and lower case."""
        typed = (self.text.body if self.text else None) or (
            self.button.text if self.button else None
        )
        return (typed or "").strip().lower()


class CloudValue(_Part):
    """`value` of a change: statuses and inbound messages."""

    statuses: list[CloudStatus] | None = None
    messages: list[CloudInbound] | None = None


class CloudChange(_Part):
    """One change of an entry."""

    field: Text | None = None
    value: CloudValue | None = None


class CloudEntry(_Part):
    """One entry (a WhatsApp Business Account) of a delivery."""

    id: TextOrNumber | None = None
    changes: list[CloudChange] | None = None


class CloudPayload(_Part):
    """A Meta webhook delivery."""

    object: Text | None = None
    entry: list[CloudEntry] | None = None


class FonntePayload(_Part):
    """Fonnte's status webhook (`id`, `status`, `state`) or an inbound message."""

    device: TextOrNumber | None = None
    id: TextOrNumber | None = None
    stateid: TextOrNumber | None = None
    status: Text | None = None
    state: Text | None = None
    sender: TextOrNumber | None = None
    message: Text | None = None
    pesan: Text | None = None


class PayloadRejected(ValueError):
    """A webhook body lacak refuses; `reason` is one of REASONS, `detail` a sentence."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail


Model = TypeVar("Model", bound=BaseModel)


def parse(model: type[Model], body: bytes) -> Model:
    """Validate a raw body as `model`, or raise PayloadRejected with a reason."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PayloadRejected(
            "bad_encoding", f"The body is not UTF-8 (byte {exc.start} is invalid)."
        ) from None
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        raise _rejection(exc) from None


def _rejection(exc: ValidationError) -> PayloadRejected:
    first = exc.errors(include_url=False, include_input=False)[0]
    kind, loc, msg = first["type"], first.get("loc", ()), str(first.get("msg", ""))
    where = ".".join(str(part) for part in loc)
    if kind == "json_invalid":
        low = msg.lower()
        if "recursion limit" in low:
            return PayloadRejected("too_deep", "The body nests deeper than a webhook can.")
        if "surrogate" in low or "unicode" in low or "hex escape" in low:
            return PayloadRejected("bad_encoding", f"The body has invalid text: {msg}.")
        return PayloadRejected("not_json", f"The body is not JSON: {msg}.")
    if not loc:
        return PayloadRejected("not_object", "The body must be a JSON object.")
    if kind == "timestamp_range":
        return PayloadRejected("bad_timestamp", f"{where}: {msg}.")
    if kind in ("nul_character", "string_too_long"):
        return PayloadRejected("bad_text", f"{where}: {msg}.")
    return PayloadRejected("bad_shape", f"{where}: {msg}.")
