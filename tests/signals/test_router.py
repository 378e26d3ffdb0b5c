"""REST endpoints for prompts, signals and outcomes, on both backends."""

from __future__ import annotations

import httpx
import pytest

from lacak.signals.telegram import parse_command
from lacak.signals.validation import clean_symbol

LONG = {
    "symbol": "BTC-USDT",
    "timeframe": "1h",
    "side": "long",
    "entry": 100.0,
    "tp1": 102.0,
    "tp2": 104.0,
    "sl": 98.0,
    "user_id": 42,
}


async def test_post_prompt(client: httpx.AsyncClient) -> None:
    resp = await client.post(
        "/prompts", json={"user_id": 1, "username": "u", "command": "/analyze", "symbol": "eth"}
    )
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["symbol"] == "ETH" and body["created_at"].startswith("2026-11-20T13:00")


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        # The whole message in `command`, as a bot that does not split it sends it.
        ({"command": "/analyze BTC 1h"}, ("/analyze", "BTC", "1h", "BTC 1h")),
        ({"command": "/Analyze@MyBot 4H btc/usdt"}, ("/analyze", "BTCUSDT", "4h", "4H btc/usdt")),
        # Explicit fields win over the words in the command, field by field.
        ({"command": "/analyze BTC 1h", "symbol": "eth", "args": "x"},
         ("/analyze", "ETH", "1h", "x")),
        ({"command": "/analyze BTC 1h", "timeframe": "4h"}, ("/analyze", "BTC", "4h", "BTC 1h")),
        # A bare command and free text stay as they were.
        ({"command": "/price"}, ("/price", None, None, None)),
        ({"command": "harga btc"}, ("harga btc", None, None, None)),
    ],
)  # fmt: skip
async def test_post_prompt_reads_the_command_like_the_bot_integration(
    client: httpx.AsyncClient, sent: dict[str, str], stored: tuple[str | None, ...]
) -> None:
    resp = await client.post("/prompts", json={"user_id": 1, **sent})
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert (body["command"], body["symbol"], body["timeframe"], body["args"]) == stored
    # The same text through the Telegram parser gives the same command, symbol, timeframe
    # (the API then writes the symbol without separators, as it always has).
    parsed = parse_command(sent["command"])
    if parsed is not None and "symbol" not in sent and "timeframe" not in sent:
        symbol = parsed.symbol and clean_symbol(parsed.symbol)
        assert (parsed.command, symbol, parsed.timeframe) == stored[:3]


async def test_signal_lifecycle(client: httpx.AsyncClient) -> None:
    resp = await client.post("/signals", json=LONG)
    assert resp.status_code == 201, resp.text
    signal = resp.json()
    assert signal["symbol"] == "BTCUSDT" and signal["status"] == "OPEN"
    sid = signal["id"]

    got = await client.get(f"/signals/{sid}")
    assert got.status_code == 200 and got.json()["id"] == sid

    listed = await client.get("/signals", params={"symbol": "btc/usdt", "status": "OPEN"})
    assert listed.status_code == 200
    page = listed.json()
    assert page["total"] == 1 and page["items"][0]["id"] == sid and page["limit"] == 50

    closed = await client.post(f"/signals/{sid}/outcome", json={"result": "WIN", "exit_price": 104})
    assert closed.status_code == 200, closed.text
    assert closed.json()["pnl_percent"] == 4.0 and closed.json()["status"] == "CLOSED"

    again = await client.post(f"/signals/{sid}/outcome", json={"result": "LOSS", "pnl_percent": -2})
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    assert "already closed" in again.json()["detail"]

    forced = await client.post(
        f"/signals/{sid}/outcome", json={"result": "LOSS", "pnl_percent": -2, "force": True}
    )
    assert forced.status_code == 200 and forced.json()["result"] == "LOSS"


async def test_invalid_signal_is_a_problem(client: httpx.AsyncClient) -> None:
    resp = await client.post("/signals", json={**LONG, "sl": 101.0, "timeframe": "3h"})
    assert resp.status_code == 422
    assert resp.headers["content-type"].startswith("application/problem+json")
    body = resp.json()
    assert "SL (101) must be below entry (100)" in body["detail"]
    assert "Timeframe '3h' is not supported" in body["detail"]
    assert {e["field"] for e in body["errors"]} == {"sl", "timeframe"}


async def test_unknown_signal_is_404(client: httpx.AsyncClient) -> None:
    resp = await client.get("/signals/does_not_exist")
    assert resp.status_code == 404
    assert resp.json()["detail"] == "No signal has the id 'does_not_exist'."
    out = await client.post("/signals/nope/outcome", json={"result": "WIN", "pnl_percent": 1})
    assert out.status_code == 404


async def test_list_pagination_and_bad_filters(client: httpx.AsyncClient) -> None:
    for hour in range(3):
        await client.post("/signals", json={**LONG, "given_at": f"2026-11-20T1{hour}:00:00"})
    page = (await client.get("/signals", params={"limit": 2, "offset": 1})).json()
    assert page["total"] == 3 and len(page["items"]) == 2
    assert page["items"][0]["given_at"] > page["items"][1]["given_at"]
    bad = await client.get("/signals", params={"side": "sideways"})
    assert bad.status_code == 422 and "LONG or SHORT" in bad.json()["detail"]
    dated = await client.get("/signals", params={"from": "2026-11-20", "to": "2026-11-20"})
    assert dated.json()["total"] == 3


async def test_old_bot_field_names(client: httpx.AsyncClient) -> None:
    resp = await client.post(
        "/signals",
        json={
            "signal_id": "1_SOLUSDT_1",
            "symbol": "SOLUSDT",
            "timeframe": "15m",
            "signal_type": "SHORT",
            "entry_price": 10.0,
            "tp1": 9.0,
            "tp2": 8.0,
            "sl": 11.0,
        },
    )
    assert resp.status_code == 201, resp.text
    assert resp.json()["id"] == "1_SOLUSDT_1" and resp.json()["side"] == "SHORT"
    dup = await client.post("/signals", json={**LONG, "id": "1_SOLUSDT_1"})
    assert dup.status_code == 409


async def test_token_required(client: httpx.AsyncClient) -> None:
    resp = await client.get("/signals", headers={"Authorization": ""})
    assert resp.status_code == 401


async def test_hostile_values_are_422_not_500(client: httpx.AsyncClient) -> None:
    nul = await client.post("/prompts", json={"user_id": 1, "command": "/x\u0000"})
    assert nul.status_code == 422 and "NUL" in nul.json()["detail"]
    huge = await client.post("/signals", json={**LONG, "user_id": 2**70})
    assert huge.status_code == 422
    old = await client.post("/signals", json={**LONG, "given_at": "0001-01-01T00:00:00"})
    assert old.status_code == 422
    assert "given_at: must be between 2000-01-01 and 2100-01-01" in old.json()["detail"]
    future = await client.post("/signals", json={**LONG, "given_at": "2026-11-25T00:00:00"})
    assert future.status_code == 422 and "more than a day after now" in future.json()["detail"]
    tiny = await client.post("/signals", json={**LONG, "entry": 1e-300, "sl": 1e-301})
    assert tiny.status_code == 422 and "entry" in tiny.json()["detail"]
    query = await client.get("/signals", params={"source": "a\u0000b"})
    assert query.status_code == 422 and "NUL" in query.json()["detail"]
    big = await client.get("/signals", params={"user_id": str(2**70)})
    assert big.status_code == 422
