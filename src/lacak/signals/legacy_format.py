"""The old bot's JSONL lines: parse them into column dicts and write them back byte-compatibly."""

from __future__ import annotations

import hashlib
import json
import math
from datetime import datetime
from typing import Any

from lacak.bounds import text_problem
from lacak.clock import Clock
from lacak.errors import Invalid
from lacak.signals import validation as v
from lacak.signals.models import RESULTS

ACTIVE_FILE = "active_signals.jsonl"
COMPLETED_FILE = "completed_signals.jsonl"
PROMPT_GLOB = "prompts_*.jsonl"


def prompt_file_name(day: Any) -> str:
    """`prompts_YYYY-MM-DD.jsonl` for a business day."""
    return f"prompts_{day.isoformat()}.jsonl"


class LineError(ValueError):
    """A line that cannot be imported; the message is the reason shown after `file:line:`."""


def dump(obj: dict[str, Any]) -> str:
    """One line exactly as the old bot wrote it: `json.dumps` defaults plus a newline."""
    return json.dumps(obj) + "\n"


def local_iso(clock: Clock, moment: datetime | None) -> str | None:
    """Naive business-time ISO string (microseconds when non-zero), like `datetime.isoformat()`."""
    if moment is None:
        return None
    return clock.to_local(moment).replace(tzinfo=None).isoformat()


def parse_object(text: str) -> dict[str, Any]:
    """The JSON object on a line, or `LineError`."""
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LineError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise LineError(f"expected a JSON object, got {type(obj).__name__}")
    return obj


def _required(obj: dict[str, Any], key: str) -> Any:
    if key not in obj or obj[key] is None:
        raise LineError(f"missing field {key!r}")
    return obj[key]


def _int(obj: dict[str, Any], key: str, *, optional: bool = False) -> int | None:
    value = obj.get(key) if optional else _required(obj, key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise LineError(f"{key} must be an integer, got {value!r}")
    return value


def _str(obj: dict[str, Any], key: str, limit: int, *, optional: bool = False) -> str | None:
    value = obj.get(key) if optional else _required(obj, key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise LineError(f"{key} must be a string, got {value!r}")
    if len(value) > limit:
        raise LineError(f"{key} is longer than {limit} characters")
    if problem := text_problem(value):
        raise LineError(f"{key} {problem}")
    return value


def _number(obj: dict[str, Any], key: str, *, optional: bool = False) -> float | None:
    value = obj.get(key) if optional else _required(obj, key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise LineError(f"{key} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise LineError(f"{key} must be a finite number, got {value!r}")
    return float(value)


def _time(
    clock: Clock, obj: dict[str, Any], key: str, *, optional: bool = False
) -> datetime | None:
    value = obj.get(key) if optional else _required(obj, key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise LineError(f"{key} must be an ISO timestamp string, got {value!r}")
    try:
        moment = clock.from_naive_local(datetime.fromisoformat(value))
    except ValueError:
        raise LineError(f"{key} {value!r} is not an ISO timestamp") from None
    except OverflowError:
        raise LineError(f"{key} {value!r} is out of range") from None
    if problem := v.time_problem(key, moment, clock.now()):
        raise LineError(problem.rstrip("."))
    return moment


def parse_prompt(clock: Clock, obj: dict[str, Any]) -> dict[str, Any]:
    """Prompt columns from a `prompts_*.jsonl` object (values kept as the bot logged them)."""
    command = _str(obj, "command", 64)
    if not command:
        raise LineError("command is empty")
    return {
        "created_at": _time(clock, obj, "timestamp"),
        "user_id": _int(obj, "user_id"),
        "username": _str(obj, "username", 255, optional=True),
        "command": command,
        "symbol": _str(obj, "symbol", 32, optional=True),
        "timeframe": _str(obj, "timeframe", 8, optional=True),
    }


def prompt_identity(row: dict[str, Any]) -> tuple[Any, ...]:
    """What makes two prompt lines the same event."""
    return (
        row["created_at"],
        row["user_id"],
        row["username"],
        row["command"],
        row["symbol"],
        row["timeframe"],
    )


def prompt_import_key(identity: tuple[Any, ...], occurrence: int) -> str:
    """Stable hash of a line's fields plus its occurrence number (identical lines stay apart)."""
    created_at = identity[0].isoformat()
    text = json.dumps([created_at, *identity[1:], occurrence])
    return hashlib.sha256(text.encode()).hexdigest()


def parse_signal(clock: Clock, obj: dict[str, Any]) -> dict[str, Any]:
    """Signal columns from an active/completed object; levels are checked like any signal."""
    signal_id = _str(obj, "signal_id", 96)
    if not signal_id:
        raise LineError("signal_id is empty")
    prices = {k: _number(obj, k) for k in ("entry_price", "tp1", "tp2", "sl")}
    tp3 = _number(obj, "tp3", optional=True)
    try:
        symbol, timeframe, side = v.check_signal_fields(
            symbol=str(_str(obj, "symbol", 40)),
            timeframe=str(_str(obj, "timeframe", 8)),
            side=str(_str(obj, "signal_type", 8)),
            entry=prices["entry_price"] or 0.0,
            tp1=prices["tp1"] or 0.0,
            tp2=prices["tp2"] or 0.0,
            tp3=tp3,
            sl=prices["sl"] or 0.0,
        )
    except Invalid as exc:
        raise LineError(exc.detail) from None
    raw_status = str(_str(obj, "status", 16)).upper()
    status = {"ACTIVE": "OPEN", "OPEN": "OPEN", "CLOSED": "CLOSED"}.get(raw_status)
    if status is None:
        raise LineError(f"status {obj['status']!r} is not ACTIVE or CLOSED")
    result = _str(obj, "result", 16, optional=True)
    if result is not None:
        result = result.upper()
        if result not in RESULTS:
            raise LineError(f"result {obj['result']!r} is not one of {', '.join(RESULTS)}")
        if status == "OPEN":
            raise LineError("an ACTIVE signal cannot have a result")
    given_at = _time(clock, obj, "timestamp")
    closed_at = _time(clock, obj, "closed_at", optional=True)
    pnl = _number(obj, "pnl_percent", optional=True)
    if problem := v.pnl_problem("pnl_percent", pnl):
        raise LineError(problem.rstrip("."))
    if given_at is not None and closed_at is not None and closed_at < given_at:
        raise LineError("closed_at is before timestamp")
    return {
        "id": signal_id,
        "given_at": given_at,
        "user_id": _int(obj, "user_id", optional=True),
        "symbol": symbol,
        "timeframe": timeframe,
        "side": side,
        "entry": prices["entry_price"],
        "tp1": prices["tp1"],
        "tp2": prices["tp2"],
        "tp3": tp3,
        "sl": prices["sl"],
        "status": status,
        "result": result,
        "pnl_percent": pnl,
        "closed_at": closed_at,
    }


def prompt_line(clock: Clock, row: Any) -> str:
    """A prompt (row with the Prompt column names) as an old-bot line."""
    return dump(
        {
            "timestamp": local_iso(clock, row.created_at),
            "user_id": row.user_id,
            "username": row.username,
            "command": row.command,
            "symbol": row.symbol,
            "timeframe": row.timeframe,
        }
    )


def signal_line(clock: Clock, row: Any) -> str:
    """A signal as an old-bot line; `tp3` (not in the old format) is written only when set."""
    obj: dict[str, Any] = {
        "signal_id": row.id,
        "timestamp": local_iso(clock, row.given_at),
        "user_id": row.user_id,
        "symbol": row.symbol,
        "timeframe": row.timeframe,
        "signal_type": row.side,
        "entry_price": row.entry,
        "tp1": row.tp1,
        "tp2": row.tp2,
    }
    if row.tp3 is not None:
        obj["tp3"] = row.tp3
    obj.update(
        {
            "sl": row.sl,
            "status": "ACTIVE" if row.status == "OPEN" else row.status,
            "result": row.result,
            "pnl_percent": row.pnl_percent,
            "closed_at": local_iso(clock, row.closed_at),
        }
    )
    return dump(obj)
