"""The old bot's files: byte-exact round trip, idempotent re-import, bad lines, on both backends."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.clock import Clock
from lacak.errors import Invalid
from lacak.signals import legacy, service
from lacak.signals.models import Prompt, Signal
from lacak.signals.schemas import OutcomeIn, PromptIn
from tests.conftest import SHARED_DATA

SAMPLE = SHARED_DATA / "legacy-signals"
EXPECTED = json.loads((SAMPLE / "expected.json").read_text())


def jsonl_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.jsonl"))}


async def test_sample_round_trips_byte_for_byte(
    session: AsyncSession, clock: Clock, tmp_path: Path
) -> None:
    summary = await legacy.import_legacy(session, clock, SAMPLE)
    assert summary.errors == [] and len(summary.errors) == EXPECTED["dirty_lines"]
    assert summary.prompts_added == EXPECTED["prompts"]
    assert summary.signals_added == EXPECTED["signals"]
    assert (summary.open, summary.closed) == (EXPECTED["open"], EXPECTED["closed"])
    counts = await legacy.count_rows(session)
    assert counts == {
        "prompts": EXPECTED["prompts"],
        "signals": EXPECTED["signals"],
        "open": EXPECTED["open"],
        "closed": EXPECTED["closed"],
    }
    wins = await session.scalar(select(func.count()).where(Signal.result == "WIN"))
    losses = await session.scalar(select(func.count()).where(Signal.result == "LOSS"))
    assert (wins, losses) == (EXPECTED["all_time"]["wins"], EXPECTED["all_time"]["losses"])

    exported = await legacy.export_legacy(session, clock, tmp_path / "out")
    assert exported.prompts == 300 and exported.active == 14 and exported.completed == 46
    assert jsonl_files(tmp_path / "out") == jsonl_files(SAMPLE)

    again = await legacy.import_legacy(session, clock, tmp_path / "out")
    assert again.prompts_added == 0 and again.signals_added == 0 and again.signals_updated == 0
    assert again.prompts_existing == 300 and again.signals_existing == 60
    assert await legacy.count_rows(session) == counts
    await legacy.export_legacy(session, clock, tmp_path / "out2")
    assert jsonl_files(tmp_path / "out2") == jsonl_files(SAMPLE)


def write(folder: Path, name: str, lines: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("".join(line + "\n" for line in lines))


def sig(sid: str, status: str = "ACTIVE", **extra: object) -> str:
    obj: dict[str, object] = {
        "signal_id": sid,
        "timestamp": "2026-11-19T10:00:00.123456",
        "user_id": 5,
        "symbol": "BTCUSDT",
        "timeframe": "1h",
        "signal_type": "LONG",
        "entry_price": 100.0,
        "tp1": 101.0,
        "tp2": 102.0,
        "sl": 99.0,
        "status": status,
        "result": None,
        "pnl_percent": None,
        "closed_at": None,
    }
    if status == "CLOSED":
        obj.update(result="WIN", pnl_percent=1.5, closed_at="2026-11-19T12:00:00")
    obj.update(extra)
    return json.dumps(obj)


PROMPT = '{"timestamp": "2026-11-19T08:00:00", "user_id": 1, "username": "a", "command": "/x", "symbol": null, "timeframe": null}'  # noqa: E501


async def test_bad_lines_are_reported_and_the_rest_imported(
    session: AsyncSession, clock: Clock, tmp_path: Path
) -> None:
    folder = tmp_path / "old"
    write(
        folder,
        "prompts_2026-11-19.jsonl",
        [
            PROMPT,
            "{not json",
            "",
            '{"timestamp": "2026-11-19T09:00:00", "user_id": "x", "command": "/y"}',
            '{"timestamp": "yesterday", "user_id": 1, "command": "/y"}',
            '{"user_id": 1, "command": "/y"}',
            "[1, 2]",
            PROMPT,  # an identical event twice is kept twice
        ],
    )
    (folder / "prompts_2026-11-20.jsonl").write_bytes(b"\xff\xfe\n" + PROMPT.encode() + b"\n")
    write(
        folder,
        "active_signals.jsonl",
        [
            sig("a1"),
            sig("both"),
            sig("bad_levels", sl=100.5),
            sig("bad_status", status="PENDING"),
            sig("a1"),
            sig("bad_tf", timeframe="3h"),
        ],
    )
    write(folder, "completed_signals.jsonl", [sig("c1", "CLOSED"), sig("both", "CLOSED")])

    summary = await legacy.import_legacy(session, clock, folder)
    assert summary.errors == [
        "prompts_2026-11-19.jsonl:2: not valid JSON (Expecting property name enclosed in "
        "double quotes at column 2)",
        "prompts_2026-11-19.jsonl:4: user_id must be an integer, got 'x'",
        "prompts_2026-11-19.jsonl:5: timestamp 'yesterday' is not an ISO timestamp",
        "prompts_2026-11-19.jsonl:6: missing field 'timestamp'",
        "prompts_2026-11-19.jsonl:7: expected a JSON object, got list",
        "prompts_2026-11-20.jsonl:1: not valid UTF-8",
        "active_signals.jsonl:3: For a LONG, SL (100.5) must be below entry (100).",
        "active_signals.jsonl:4: status 'PENDING' is not ACTIVE or CLOSED",
        "active_signals.jsonl:6: Timeframe '3h' is not supported; use one of "
        "1m, 5m, 15m, 30m, 1h, 2h, 4h, 6h, 12h, 1d, 1w.",
        "active_signals.jsonl:5: duplicate signal_id 'a1' (first at line 1); skipped",
    ]
    # identical prompt lines in one file are both kept; the one in the other file is the same
    # event as the first and counts as already there
    assert summary.prompts_added == 2 and summary.prompts_existing == 1
    assert summary.signals_added == 3 and summary.signals_in_both == 1
    both = await service.get_signal(session, "both")
    assert both.status == "CLOSED" and both.result == "WIN" and both.resolved_by == "legacy"

    again = await legacy.import_legacy(session, clock, folder)
    assert again.prompts_added == 0 and again.signals_added == 0
    assert await session.scalar(select(func.count()).select_from(Prompt)) == 2


async def test_reimport_takes_outcomes_closed_since(
    session: AsyncSession, clock: Clock, tmp_path: Path
) -> None:
    first, later = tmp_path / "first", tmp_path / "later"
    write(first, "active_signals.jsonl", [sig("x1"), sig("x2")])
    await legacy.import_legacy(session, clock, first)
    write(later, "active_signals.jsonl", [sig("x2")])
    write(later, "completed_signals.jsonl", [sig("x1", "CLOSED")])
    summary = await legacy.import_legacy(session, clock, later)
    assert summary.signals_updated == 1 and summary.signals_existing == 1
    x1 = await service.get_signal(session, "x1")
    assert x1.status == "CLOSED" and x1.pnl_percent == 1.5
    out = tmp_path / "out"
    await legacy.export_legacy(session, clock, out)
    assert (
        jsonl_files(out)["completed_signals.jsonl"]
        == (later / "completed_signals.jsonl").read_bytes()
    )
    assert jsonl_files(out)["active_signals.jsonl"] == (later / "active_signals.jsonl").read_bytes()


async def test_closing_in_lacak_moves_the_line_to_completed_end(
    session: AsyncSession, clock: Clock, tmp_path: Path
) -> None:
    folder = tmp_path / "old"
    write(folder, "active_signals.jsonl", [sig("a1"), sig("a2")])
    write(folder, "completed_signals.jsonl", [sig("c2", "CLOSED"), sig("c1", "CLOSED")])
    await legacy.import_legacy(session, clock, folder)
    await service.set_outcome(session, clock, "a1", OutcomeIn(result="LOSS", exit_price=99.0))
    out = tmp_path / "out"
    await legacy.export_legacy(session, clock, out)
    completed = [json.loads(x) for x in (out / "completed_signals.jsonl").read_text().splitlines()]
    assert [c["signal_id"] for c in completed] == ["c2", "c1", "a1"]
    assert completed[2]["result"] == "LOSS" and completed[2]["pnl_percent"] == -1.0
    assert completed[2]["closed_at"] == "2026-11-20T20:00:00"
    active = (out / "active_signals.jsonl").read_text()
    assert active == sig("a2") + "\n"


async def test_tracked_prompts_export_then_import_adds_nothing(
    session: AsyncSession, clock: Clock, tmp_path: Path
) -> None:
    for user in (1, 2):
        await service.record_prompt(
            session, clock, PromptIn(user_id=user, username=None, command="/price")
        )
    summary = await legacy.export_day(session, clock, date(2026, 11, 20), tmp_path)
    assert summary.files == [
        "prompts_2026-11-20.jsonl",
        "active_signals.jsonl",
        "completed_signals.jsonl",
    ]
    line = (tmp_path / "prompts_2026-11-20.jsonl").read_text().splitlines()[0]
    assert line == (
        '{"timestamp": "2026-11-20T20:00:00", "user_id": 1, "username": null, '
        '"command": "/price", "symbol": null, "timeframe": null}'
    )
    again = await legacy.import_legacy(session, clock, tmp_path)
    assert again.prompts_added == 0 and again.prompts_existing == 2


async def test_export_day_only_writes_that_day(
    session: AsyncSession, clock: Clock, tmp_path: Path
) -> None:
    await legacy.import_legacy(session, clock, SAMPLE)
    summary = await legacy.export_day(session, clock, date(2026, 11, 19), tmp_path)
    assert summary.files[0] == "prompts_2026-11-19.jsonl" and summary.prompts == 22
    assert (tmp_path / "prompts_2026-11-19.jsonl").read_bytes() == (
        SAMPLE / "prompts_2026-11-19.jsonl"
    ).read_bytes()
    assert sorted(jsonl_files(tmp_path)) == [
        "active_signals.jsonl",
        "completed_signals.jsonl",
        "prompts_2026-11-19.jsonl",
    ]


def test_missing_or_empty_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(Invalid, match="does not exist"):
        legacy.legacy_files(tmp_path / "nope")
    with pytest.raises(Invalid, match="has no prompts"):
        legacy.legacy_files(tmp_path)
