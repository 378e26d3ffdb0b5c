"""One hostile line in the old bot's files costs that line, never the import (both backends)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.clock import Clock
from lacak.signals import legacy

pytestmark = pytest.mark.hostile

GOOD_PROMPT = {"timestamp": "2026-11-19T10:00:00", "user_id": 1, "username": "ok",
               "command": "/signal", "symbol": "BTCUSDT", "timeframe": "1h"}  # fmt: skip
GOOD_SIGNAL = {"signal_id": "s1", "timestamp": "2026-11-19T10:00:00", "user_id": 1,
               "symbol": "BTCUSDT", "timeframe": "1h", "signal_type": "LONG",
               "entry_price": 100.0, "tp1": 110.0, "tp2": 120.0, "sl": 90.0,
               "status": "CLOSED", "result": "WIN", "pnl_percent": 10.0,
               "closed_at": "2026-11-19T12:00:00"}  # fmt: skip


def _line(obj: dict[str, object], **changes: object) -> str:
    return json.dumps({**obj, **changes})


async def test_hostile_lines_are_reported_and_the_rest_imports(
    session: AsyncSession, clock: Clock, tmp_path: Path
) -> None:
    prompts = [
        _line(GOOD_PROMPT),
        # JSON escapes that decode into strings no database can store.
        _line(GOOD_PROMPT, username="\ud800"),
        _line(GOOD_PROMPT, username="nul\u0000name"),
        _line(GOOD_PROMPT, timestamp="9999-12-31T23:59:59"),
        _line(GOOD_PROMPT, timestamp="0001-01-01T00:00:00"),
        _line(GOOD_PROMPT, command="/price", timestamp="2026-11-19T11:00:00"),
    ]
    (tmp_path / "prompts_2026-11-19.jsonl").write_text("\n".join(prompts) + "\n")
    (tmp_path / "prompts_2026-11-18.jsonl").write_bytes(
        b'{"timestamp": "2026-11-18T10:00:00", "user_id": 2, "command": "/x\xff"}\n'
        + _line(GOOD_PROMPT, timestamp="2026-11-18T11:00:00").encode()
        + b"\n"
    )
    signals = [
        _line(GOOD_SIGNAL),
        _line(GOOD_SIGNAL, signal_id="s2", pnl_percent=1e308),
        _line(GOOD_SIGNAL, signal_id="s3", entry_price=1e308, tp1=2e308),
        _line(GOOD_SIGNAL, signal_id="s4", timestamp="9999-12-31T00:00:00"),
        _line(GOOD_SIGNAL, signal_id="s5\ud800"),
        _line(GOOD_SIGNAL, signal_id="s6", closed_at="2026-11-19T13:00:00"),
    ]
    (tmp_path / "completed_signals.jsonl").write_text("\n".join(signals) + "\n")

    summary = await legacy.import_legacy(session, clock, tmp_path)

    assert summary.prompts_added == 3
    assert summary.signals_added == 2
    reasons = "\n".join(summary.errors)
    assert len(summary.errors) == 9, reasons
    assert "prompts_2026-11-19.jsonl:2: username must not contain lone surrogate" in reasons
    assert "prompts_2026-11-19.jsonl:3: username must not contain NUL" in reasons
    assert "prompts_2026-11-19.jsonl:4: timestamp must be between 2000-01-01 and 2100" in reasons
    assert "prompts_2026-11-18.jsonl:1: not valid UTF-8" in reasons
    assert "completed_signals.jsonl:2: pnl_percent must be between -10000 and 10000" in reasons
    assert "completed_signals.jsonl:5: signal_id must not contain lone surrogate" in reasons
