"""Exchange candles through ccxt (async), cached in the database so none is fetched twice."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

import ccxt.async_support as ccxt
import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.retry_after import parse_retry_after
from lacak.signals import candles as candle_store
from lacak.signals.candles import Outage, Row, candle_problem, timeframe_ms
from lacak.signals.outcomes import Candles

log = logging.getLogger(__name__)
PAGE = 1000
# Retries before the exchange has answered once in a run (1 s + 2 s apart by default).
FIRST_CONTACT_RETRIES = 2


class ExchangeSource:
    """Closed candles of one exchange; fetches only what the cache does not hold yet."""

    def __init__(
        self,
        exchange_id: str,
        config: dict[str, Any] | None = None,
        *,
        now_ms: Callable[[], int],
        retries: int = 5,
        retry_seconds: float = 1.0,
    ) -> None:
        if exchange_id not in ccxt.exchanges:
            raise ValueError(f"unknown exchange {exchange_id!r} (ccxt has no such id)")
        cfg: dict[str, Any] = dict(config or {})
        cfg["enableRateLimit"] = True  # never hammer the exchange, whatever the options say
        if exchange_id == "binance":
            # Spot markets only: derivatives would be more requests and other symbols.
            cfg.setdefault("options", {}).setdefault("fetchMarkets", ["spot"])
        self.name = exchange_id
        self.exchange = getattr(ccxt, exchange_id)(cfg)
        self.now_ms = now_ms
        self.retries = retries
        self.retry_seconds = retry_seconds
        self._symbols: dict[str, str] | None = None
        self.fetched = 0  # candles fetched over HTTP in this run (tests, logs)
        self.skipped = 0  # candles the exchange sent that cannot be real (non-finite, ...)
        # Set when the exchange failed after its retries: the rest of the run is served
        # from the cache, so one outage costs one round of retries, not one per market.
        self.outage: Outage | None = None
        self.reached = False  # the exchange answered at least once in this run

    async def _call(self, what: str, func: Callable[[], Any]) -> Any:
        for attempt in range(self.retries + 1):
            try:
                answer = await func()
            except (ccxt.NetworkError, ccxt.RateLimitExceeded, ccxt.DDoSProtection) as exc:
                if attempt >= self._retry_budget(exc):
                    raise
                wait = self.retry_seconds * 2**attempt
                headers = self.exchange.last_response_headers or {}
                asked = parse_retry_after(
                    headers.get("Retry-After") or headers.get("retry-after"),
                    datetime.fromtimestamp(self.now_ms() / 1000, UTC),
                )
                if asked is not None:
                    wait = max(wait, min(asked, 60.0))
                # INFO: an outage is reported once by the caller (one line), not per retry.
                log.info(
                    "%s %s failed (%s); retry %d in %.1fs",
                    self.name,
                    what,
                    type(exc).__name__,
                    attempt + 1,
                    wait,
                )
                await asyncio.sleep(wait)
            else:
                self.reached = True
                return answer
        raise AssertionError("unreachable")

    def _retry_budget(self, exc: Exception) -> int:
        """How many retries this failure gets."""
        if self.reached or isinstance(exc, ccxt.DDoSProtection):
            # An exchange that answered before (or answers 429) is worth waiting for.
            return self.retries
        # Never reached in this run: a machine without internet should hear so in seconds,
        # not after the full back-off (the cache is used either way).
        return min(self.retries, FIRST_CONTACT_RETRIES)

    async def market(self, symbol: str) -> str | None:
        """ccxt symbol (`BTC/USDT`) for a lacak symbol (`BTCUSDT`), or None when unknown."""
        if self._symbols is None:
            markets = await self._call("load_markets", self.exchange.load_markets)
            self._symbols = {}
            for m in markets.values():
                plain = str(m["id"]).upper().replace("/", "").replace("-", "").replace("_", "")
                self._symbols.setdefault(plain, m["symbol"])
                self._symbols.setdefault(str(m["symbol"]).replace("/", "").upper(), m["symbol"])
        return self._symbols.get(symbol.upper())

    async def _fetch(self, market: str, timeframe: str, since: int, until: int) -> list[Row]:
        tf = timeframe_ms(timeframe)
        now = self.now_ms()
        rows: list[Row] = []
        while since < until:
            fetch = partial(self.exchange.fetch_ohlcv, market, timeframe, since=since, limit=PAGE)
            page = await self._call("fetch_ohlcv", fetch)
            fresh = [r for r in page if r[0] >= since]
            if not fresh:
                break
            for r in fresh:
                # The still-forming candle is never used (nor cached).
                if r[0] < until and r[0] + tf <= now:
                    o, h, lo, c, v = (float(x or 0) for x in r[1:6])
                    if candle_problem(o, h, lo, c):
                        # A broken candle from the feed would resolve signals on garbage.
                        self.skipped += 1
                        continue
                    rows.append((int(r[0]), o, h, lo, c, v))
            since = int(fresh[-1][0]) + tf
        self.fetched += len(rows)
        return rows

    async def candles(
        self, session: AsyncSession, symbol: str, timeframe: str, since_ms: int, until_ms: int
    ) -> Candles | None:
        """Cached candles plus the missing stretches fetched (and cached) now.

        When the exchange cannot be reached (or keeps answering errors) the cache is used
        as it is (offline re-evaluation) and `outage` records the market and how far its
        cache reaches; no error reaches the caller, who reports the outage once.
        """
        tf = timeframe_ms(timeframe)
        now = self.now_ms()
        until_ms = min(until_ms, now)
        have = await candle_store.cached(session, self.name, symbol, timeframe, since_ms, until_ms)
        gaps = _gaps(have.time, tf, since_ms, until_ms, now)
        if not gaps:
            return have
        if self.outage is not None:
            return self._short(symbol, timeframe, have)
        added = 0
        try:
            market = await self.market(symbol)
            if market is None:
                return have if len(have) else None
            for a, b in gaps:
                rows = await self._fetch(market, timeframe, a, b)
                await candle_store.store(session, self.name, symbol, timeframe, rows)
                added += len(rows)
        except ccxt.BaseError as exc:
            self.outage = Outage(self.name, _reason(exc))
            if added:
                have = await candle_store.cached(
                    session, self.name, symbol, timeframe, since_ms, until_ms
                )
            return self._short(symbol, timeframe, have)
        if added:
            have = await candle_store.cached(
                session, self.name, symbol, timeframe, since_ms, until_ms
            )
        return have

    def _short(self, symbol: str, timeframe: str, have: Candles) -> Candles:
        """`have`, with the market noted in the outage as one that had to make do with it."""
        assert self.outage is not None
        self.outage.groups.add((symbol, timeframe))
        return have

    async def close(self) -> None:
        """Close ccxt's HTTP session."""
        await self.exchange.close()


def _reason(exc: BaseException) -> str:
    """`ExchangeNotAvailable: binance GET https://…` cut to one short line."""
    first = (str(exc).strip().splitlines() or [""])[0]
    text = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    return text if len(text) <= 160 else text[:159] + "…"


def _gaps(times: np.ndarray, tf: int, since: int, until: int, now: int) -> list[tuple[int, int]]:
    """Stretches of [since, until) where a closed candle may exist but none is cached."""
    if len(times) == 0:
        return [(since, until)] if since < until and since + tf <= now else []
    out: list[tuple[int, int]] = []
    if times[0] - since >= tf:
        out.append((since, int(times[0])))
    jumps = np.flatnonzero(np.diff(times) > tf)
    out.extend((int(times[j]) + tf, int(times[j + 1])) for j in jumps)
    nxt = int(times[-1]) + tf
    if nxt < until and nxt + tf <= now:
        out.append((nxt, until))
    return out
