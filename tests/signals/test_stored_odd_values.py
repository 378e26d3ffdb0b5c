"""Values stored before the input bounds (year 1 and 9999, ±1e308, ±inf, NaN, huge text)
never break a read, an export, a report or the legacy log export (both backends)."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import insert

from lacak.clock import Clock
from lacak.db import Database, session_scope
from lacak.signals.legacy_export import export_legacy
from lacak.signals.models import Prompt, Signal
from tests.web.conftest import csrf_of

pytestmark = pytest.mark.hostile

FAR = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
EARLY = datetime(1, 1, 1, 0, 0, 1, tzinfo=UTC)
WEEK = datetime(2026, 11, 18, 3, 0, tzinfo=UTC)  # inside the report week before FIXED_NOW
ODD_PNL = (1e308, 1e308, -1e308, math.inf, -math.inf, math.nan, 2.5)


def _signal(
    sid: str, given: datetime, closed: datetime, pnl: float, **extra: Any
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": sid, "given_at": given, "symbol": "BTCUSDT", "timeframe": "1h", "side": "LONG",
        "entry": 100.0, "tp1": 110.0, "tp2": 120.0, "sl": 90.0, "status": "CLOSED",
        "result": "WIN" if pnl >= 0 or math.isnan(pnl) else "LOSS", "pnl_percent": pnl,
        "closed_at": closed, "note": "n" * 50_000,
        "created_at": WEEK, "updated_at": WEEK,
    }  # fmt: skip
    row.update(extra)
    return row


async def _seed(db: Database) -> None:
    rows = [
        _signal("far", FAR, FAR, 1e308),
        _signal("far2", FAR.replace(hour=1), FAR, 1e308),
        _signal("early", EARLY, EARLY, -1e308, entry=1e308, sl=1e-300),
        _signal("open_far", FAR, FAR, 0.0, status="OPEN", result=None, closed_at=None),
        _signal("ok", WEEK, WEEK.replace(hour=5), 2.5),
    ]
    rows += [
        _signal(f"week{i}", WEEK, WEEK.replace(minute=i + 1), pnl) for i, pnl in enumerate(ODD_PNL)
    ]
    prompts = [
        {"created_at": FAR, "user_id": 1, "command": "/signal", "symbol": "BTCUSDT"},
        {"created_at": EARLY, "user_id": 1, "command": "/signal", "symbol": "BTCUSDT"},
        {"created_at": WEEK, "user_id": 2, "command": "/signal", "symbol": None},
    ]
    async with session_scope(db) as session:
        await session.execute(insert(Signal.__table__), rows)
        await session.execute(insert(Prompt.__table__), prompts)


READS = (
    "/signals", "/signals?limit=1000", "/signals/far", "/signals/early", "/signals/week3",
    "/signals?status=CLOSED&from=2026-11-01", "/signals/stats", "/signals/stats?days=7",
    "/signals/stats?days=36600", "/signals/stats?symbol=BTCUSDT", "/signals/stats?user_id=1",
    "/prompts/stats", "/prompts/stats?days=36600",
    "/reports/weekly", "/reports/weekly?format=html", "/reports/weekly?format=text",
    "/reports/weekly?format=png", "/reports/weekly?format=pdf",
    "/exports/signals?format=csv", "/exports/signals?format=xlsx",
    "/exports/prompts?format=csv", "/exports/prompts?format=xlsx",
    "/signals?format=csv", "/prompts?format=xlsx",
)  # fmt: skip
PAGES = ("/dashboard", "/dashboard/signals", "/dashboard/signals?days=36600", "/dashboard/activity")


async def test_every_read_survives_odd_stored_values(
    client: httpx.AsyncClient, db: Database
) -> None:
    await _seed(db)
    for path in READS:
        response = await client.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        assert response.content, path
    stats = (await client.get("/signals/stats")).json()
    # The in-bounds rows count; PnL beyond ±10,000 % (and NaN/inf) reads as unknown (0), so
    # every figure stays a finite number. Rows with times near year 1 or 9999 are left out.
    assert stats["total_signals"] == len(ODD_PNL) + 1
    assert stats["avg_pnl"] is not None and math.isfinite(stats["avg_pnl"])
    csv_text = (await client.get("/exports/signals?format=csv")).text
    # The odd instant is exported as itself (in UTC) instead of stopping the export there.
    assert "9999-12-31T23:59:59+00:00" in csv_text
    assert csv_text.count("\n") >= 12


async def test_dashboard_pages_survive_odd_stored_values(
    client: httpx.AsyncClient, db: Database
) -> None:
    await _seed(db)
    form = await client.get("/dashboard/login")
    login = await client.post(
        "/dashboard/login",
        data={"token": client.headers["authorization"].split()[1], "csrf": csrf_of(form.text)},
    )
    assert login.status_code == 303
    for path in PAGES:
        response = await client.get(path)
        assert response.status_code == 200, (path, response.text[:300])


async def test_legacy_export_survives_odd_stored_values(
    db: Database, clock: Clock, tmp_path: Path
) -> None:
    await _seed(db)
    async with session_scope(db) as session:
        summary = await export_legacy(session, clock, tmp_path)
    written = {p.name: p.read_text() for p in sorted(tmp_path.iterdir())}  # noqa: ASYNC240
    assert summary is not None
    assert any("far" in text for text in written.values())
    assert any(name.startswith("prompts_") for name in written)


@pytest.mark.parametrize("pnl", [1e308, -1e308])
async def test_two_huge_outcomes_are_refused_and_figures_stay_up(
    client: httpx.AsyncClient, pnl: float
) -> None:
    made = await client.post(
        "/signals",
        json={"symbol": "BTCUSDT", "timeframe": "1h", "side": "LONG", "entry": 100,
              "tp1": 110, "tp2": 120, "sl": 90},
    )  # fmt: skip
    assert made.status_code == 201
    sid = made.json()["id"]
    for _ in range(2):
        response = await client.post(
            f"/signals/{sid}/outcome", json={"result": "WIN", "pnl_percent": pnl}
        )
        assert response.status_code == 422
        assert "pnl_percent" in response.json()["detail"]
        assert "10000" in response.json()["detail"]
    assert (await client.get("/signals/stats")).status_code == 200
    assert (await client.get("/reports/weekly")).status_code == 200
