"""A local fake of Binance's public spot REST API: exchangeInfo and klines.

Serves candles from arrays in Binance's wire format so ccxt's real `load_markets` and
`fetch_ohlcv` run against it. It can answer the next request(s) with a 429 (and a
Retry-After header) or drop the connection, and it records every request.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from lacak.signals.candles import timeframe_ms
from lacak.signals.outcomes import Candles


class FakeExchange:
    """State shared with the handler: markets, candles, injected failures, request log."""

    def __init__(self) -> None:
        self.candles: dict[tuple[str, str], Candles] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.fail_429 = 0
        self.drop = 0
        self.base_url = ""

    def add(self, symbol: str, base: str, quote: str, timeframe: str, candles: Candles) -> None:
        """Serve `candles` for `symbol` (e.g. BTCUSDT = BTC/USDT) at `timeframe`."""
        self.candles[(symbol, timeframe)] = candles
        self._assets = getattr(self, "_assets", {})
        self._assets[symbol] = (base, quote)

    def klines_requests(self) -> list[dict[str, str]]:
        """Query parameters of every klines request answered with data."""
        return [q for path, q in self.requests if path.endswith("/klines")]

    def exchange_info(self) -> dict[str, Any]:
        symbols = []
        for symbol, (base, quote) in getattr(self, "_assets", {}).items():
            symbols.append(
                {
                    "symbol": symbol,
                    "status": "TRADING",
                    "baseAsset": base,
                    "baseAssetPrecision": 8,
                    "quoteAsset": quote,
                    "quotePrecision": 8,
                    "quoteAssetPrecision": 8,
                    "baseCommissionPrecision": 8,
                    "quoteCommissionPrecision": 8,
                    "orderTypes": ["LIMIT", "MARKET"],
                    "icebergAllowed": True,
                    "ocoAllowed": True,
                    "isSpotTradingAllowed": True,
                    "isMarginTradingAllowed": False,
                    "permissions": ["SPOT"],
                    "permissionSets": [["SPOT"]],
                    "filters": [
                        {
                            "filterType": "PRICE_FILTER",
                            "minPrice": "0.01000000",
                            "maxPrice": "1000000.00000000",
                            "tickSize": "0.01000000",
                        },
                        {
                            "filterType": "LOT_SIZE",
                            "minQty": "0.00001000",
                            "maxQty": "9000.00000000",
                            "stepSize": "0.00001000",
                        },
                    ],
                }
            )
        return {
            "timezone": "UTC",
            "serverTime": 0,
            "rateLimits": [],
            "exchangeFilters": [],
            "symbols": symbols,
        }

    def klines(self, q: dict[str, str]) -> list[list[Any]]:
        c = self.candles.get((q["symbol"], q["interval"]))
        if c is None:
            return []
        tf = timeframe_ms(q["interval"])
        start = int(q.get("startTime", 0))
        end = int(q.get("endTime", 2**62))
        limit = min(int(q.get("limit", 500)), 1000)
        out = []
        for i in range(len(c)):
            t = int(c.time[i])
            if start <= t <= end:
                out.append(
                    [
                        t,
                        f"{c.open[i]:.8f}",
                        f"{c.high[i]:.8f}",
                        f"{c.low[i]:.8f}",
                        f"{c.close[i]:.8f}",
                        "10.0",
                        t + tf - 1,
                        "1000.0",
                        5,
                        "5.0",
                        "500.0",
                        "0",
                    ]
                )
            if len(out) >= limit:
                break
        return out


def _handler(state: FakeExchange) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

        def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlparse(self.path)
            q = {k: v[0] for k, v in parse_qs(url.query).items()}
            if state.drop:
                state.drop -= 1
                state.requests.append(("DROPPED " + url.path, q))
                self.close_connection = True
                self.connection.shutdown(2)  # network error: no answer at all
                return
            if state.fail_429:
                state.fail_429 -= 1
                state.requests.append(("429 " + url.path, q))
                self._send(429, {"code": -1003, "msg": "Too many requests."}, {"Retry-After": "0"})
                return
            state.requests.append((url.path, q))
            if url.path == "/api/v3/exchangeInfo":
                self._send(200, state.exchange_info())
            elif url.path == "/api/v3/klines":
                self._send(200, state.klines(q))
            else:
                self._send(404, {"code": -1, "msg": f"unknown path {url.path}"})

    return Handler


@contextmanager
def serve() -> Iterator[FakeExchange]:
    """Run a fake exchange on a free localhost port for the duration of the block."""
    state = FakeExchange()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def ccxt_config(state: FakeExchange) -> dict[str, Any]:
    """ccxt constructor config pointing binance's public spot API at the fake."""
    return {"urls": {"api": {"public": f"{state.base_url}/api/v3"}}}
