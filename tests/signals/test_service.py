"""Validation rules and the signal service, on both backends."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.clock import Clock
from lacak.errors import Conflict, Invalid, NotFound
from lacak.signals import service
from lacak.signals import validation as v
from lacak.signals.models import Prompt, Signal
from lacak.signals.schemas import OutcomeIn, PromptIn, SignalFilter, SignalIn


def long_signal(**overrides: object) -> SignalIn:
    data: dict[str, object] = {
        "symbol": "btc/usdt",
        "timeframe": "1h",
        "side": "long",
        "entry": 100.0,
        "tp1": 102.0,
        "tp2": 104.0,
        "sl": 98.0,
        "user_id": 7,
    }
    data.update(overrides)
    return SignalIn.model_validate(data)


@pytest.mark.parametrize("raw", ["btc/usdt", "BTC-USDT", " btcusdt ", "btc_usdt", "BtC UsDt"])
def test_symbols_are_normalised(raw: str) -> None:
    assert v.normalize_symbol(raw) == "BTCUSDT"


@pytest.mark.parametrize("raw", ["", "  ", "B", "BTC$USDT", "ÄBC"])
def test_bad_symbols_are_refused(raw: str) -> None:
    with pytest.raises(Invalid, match="Symbol"):
        v.normalize_symbol(raw)


def test_timeframes_and_sides() -> None:
    for tf in ("1m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "12h", "1d", "1w"):
        assert v.clean_timeframe(tf) == tf
    assert v.clean_timeframe(" 4H ") == "4h"
    assert v.clean_timeframe("3h") is None
    assert v.clean_side("short") == "SHORT"
    assert v.clean_side("buy") is None


def check(**overrides: object) -> Invalid:
    fields: dict[str, object] = {
        "symbol": "BTCUSDT",
        "timeframe": "1h",
        "side": "LONG",
        "entry": 100.0,
        "tp1": 102.0,
        "tp2": 104.0,
        "tp3": None,
        "sl": 98.0,
    }
    fields.update(overrides)
    with pytest.raises(Invalid) as info:
        v.check_signal_fields(**fields)  # type: ignore[arg-type]
    return info.value


@pytest.mark.parametrize(
    ("overrides", "field", "phrase"),
    [
        ({"timeframe": "3h"}, "timeframe", "not supported"),
        ({"side": "up"}, "side", "LONG or SHORT"),
        ({"entry": math.nan}, "entry", "finite"),
        ({"tp1": math.inf}, "tp1", "finite"),
        ({"sl": 0.0}, "sl", "greater than 0"),
        ({"tp2": -1.0}, "tp2", "greater than 0"),
        ({"sl": 100.0}, "sl", "below entry"),
        ({"tp1": 99.0}, "tp1", "above entry"),
        ({"tp2": 101.0}, "tp2", "not be below TP1"),
        ({"tp3": 103.0}, "tp3", "not be below TP2"),
        ({"side": "SHORT"}, "sl", "above entry"),
        ({"side": "SHORT", "sl": 102.0, "tp1": 98.0, "tp2": 99.0}, "tp2", "not be above TP1"),
        (
            {"side": "SHORT", "sl": 102.0, "tp1": 98.0, "tp2": 96.0, "tp3": 97.0},
            "tp3",
            "not be above TP2",
        ),
    ],
)
def test_each_rule_has_a_sentence(overrides: dict[str, object], field: str, phrase: str) -> None:
    err = check(**overrides)
    fields = [e["field"] for e in err.extra["errors"]]
    assert field in fields
    assert phrase in err.detail
    assert err.detail.endswith(".")


def test_valid_levels_pass_and_equal_tps_are_allowed() -> None:
    assert v.check_signal_fields(
        symbol="eth-usdt", timeframe="4H", side="short", entry=10, tp1=9, tp2=9, tp3=8, sl=11
    ) == ("ETHUSDT", "4h", "SHORT")


def test_every_violation_is_reported_at_once() -> None:
    err = check(timeframe="7m", side="LONG", sl=101.0, tp1=99.0)
    assert len(err.extra["errors"]) == 3


def test_pnl_from_exit() -> None:
    assert v.pnl_from_exit("LONG", 100, 103) == pytest.approx(3.0)
    assert v.pnl_from_exit("SHORT", 100, 103) == pytest.approx(-3.0)


async def test_create_get_and_ids(session: AsyncSession, clock: Clock) -> None:
    signal = await service.create_signal(session, clock, long_signal())
    assert signal.symbol == "BTCUSDT" and signal.side == "LONG" and signal.status == "OPEN"
    assert signal.given_at == clock.now()
    prefix = f"7_BTCUSDT_{int(clock.now().timestamp())}_"
    assert signal.id.startswith(prefix) and len(signal.id) == len(prefix) + 6
    again = await service.get_signal(session, signal.id)
    assert again.id == signal.id
    with pytest.raises(NotFound):
        await service.get_signal(session, "nope")
    with pytest.raises(Conflict):
        await service.create_signal(session, clock, long_signal(id=signal.id))


async def test_naive_given_at_is_business_time(session: AsyncSession, clock: Clock) -> None:
    signal = await service.create_signal(
        session, clock, long_signal(given_at="2026-11-20T07:00:00")
    )
    assert signal.given_at == datetime(2026, 11, 20, 0, 0, tzinfo=UTC)


async def test_prompts_single_and_bulk(session: AsyncSession, clock: Clock) -> None:
    prompt = await service.record_prompt(
        session,
        clock,
        PromptIn(user_id=1, username="a", command="/analyze", symbol="btc/usdt", timeframe="1H"),
    )
    assert prompt.symbol == "BTCUSDT" and prompt.timeframe == "1h"
    rows = [
        {"created_at": clock.now(), "user_id": i, "command": "/price", "symbol": None}
        for i in range(500)
    ]
    assert await service.record_prompts_bulk(session, rows) == 500
    assert await service.record_prompts_bulk(session, []) == 0
    from sqlalchemy import func, select

    assert await session.scalar(select(func.count()).select_from(Prompt)) == 501


async def test_signals_bulk(session: AsyncSession, clock: Clock) -> None:
    now = clock.now()
    rows = [
        {
            "id": service.new_signal_id(i, "ETHUSDT", now),
            "given_at": now,
            "user_id": i,
            "symbol": "ETHUSDT",
            "timeframe": "1h",
            "side": "LONG",
            "entry": 10.0,
            "tp1": 11.0,
            "tp2": 12.0,
            "sl": 9.0,
        }
        for i in range(50)
    ]
    assert await service.record_signals_bulk(session, rows) == 50
    items, total = await service.list_signals(session, clock, SignalFilter(status="open"))
    assert total == 50 and all(s.status == "OPEN" for s in items)


async def test_list_filters_and_order(session: AsyncSession, clock: Clock) -> None:
    specs = [
        ("BTCUSDT", "1h", "LONG", 1, "2026-11-18T10:00:00"),
        ("ETHUSDT", "4h", "SHORT", 2, "2026-11-19T10:00:00"),
        ("BTCUSDT", "4h", "SHORT", 2, "2026-11-20T10:00:00"),
    ]
    for sym, tf, side, user, at in specs:
        levels = (
            {"entry": 100, "tp1": 102, "tp2": 104, "sl": 98}
            if side == "LONG"
            else {"entry": 100, "tp1": 98, "tp2": 96, "sl": 102}
        )
        await service.create_signal(
            session,
            clock,
            SignalIn.model_validate(
                {
                    "symbol": sym,
                    "timeframe": tf,
                    "side": side,
                    "user_id": user,
                    "given_at": at,
                    "source": "s1" if user == 1 else None,
                    **levels,
                }
            ),
        )

    async def ids(**kw: object) -> list[str]:
        rows, total = await service.list_signals(session, clock, SignalFilter.model_validate(kw))
        assert total == len(rows)
        return [r.symbol + r.timeframe for r in rows]

    assert await ids() == ["BTCUSDT4h", "ETHUSDT4h", "BTCUSDT1h"]
    assert await ids(symbol="btc/usdt") == ["BTCUSDT4h", "BTCUSDT1h"]
    assert await ids(side="short", timeframe="4h") == ["BTCUSDT4h", "ETHUSDT4h"]
    assert await ids(user_id=1) == ["BTCUSDT1h"]
    assert await ids(source="s1") == ["BTCUSDT1h"]
    assert await ids(given_from="2026-11-19", given_to="2026-11-19") == ["ETHUSDT4h"]
    assert await ids(given_from="2026-11-19T12:00:00") == ["BTCUSDT4h"]
    rows, total = await service.list_signals(session, clock, None, limit=1, offset=1)
    assert total == 3 and len(rows) == 1 and rows[0].symbol == "ETHUSDT"
    with pytest.raises(Invalid, match="not supported"):
        await ids(timeframe="9h")
    with pytest.raises(Invalid, match="not a date"):
        await ids(given_from="yesterday")


async def test_outcome_rules(session: AsyncSession, clock: Clock) -> None:
    signal = await service.create_signal(
        session, clock, long_signal(given_at="2026-11-20T10:00:00")
    )
    with pytest.raises(Invalid, match="needs pnl_percent or exit_price"):
        await service.set_outcome(session, clock, signal.id, OutcomeIn(result="WIN"))
    with pytest.raises(Invalid, match="not valid"):
        await service.set_outcome(session, clock, signal.id, OutcomeIn(result="MAYBE"))
    with pytest.raises(Invalid, match="before the signal was given"):
        await service.set_outcome(
            session,
            clock,
            signal.id,
            OutcomeIn(result="LOSS", pnl_percent=-2, closed_at=datetime(2026, 11, 1, tzinfo=UTC)),
        )
    closed = await service.set_outcome(
        session, clock, signal.id, OutcomeIn(result="win", exit_price=103.0)
    )
    assert closed.status == "CLOSED" and closed.result == "WIN"
    assert closed.pnl_percent == pytest.approx(3.0)
    assert closed.resolved_by == "manual" and closed.closed_at == clock.now()
    with pytest.raises(Conflict, match="already closed"):
        await service.set_outcome(
            session, clock, signal.id, OutcomeIn(result="LOSS", pnl_percent=-2)
        )
    forced = await service.set_outcome(
        session, clock, signal.id, OutcomeIn(result="LOSS", pnl_percent=-2, force=True)
    )
    assert forced.result == "LOSS" and forced.pnl_percent == -2 and forced.exit_price is None


async def test_outcome_short_and_breakeven(session: AsyncSession, clock: Clock) -> None:
    short = await service.create_signal(
        session, clock, long_signal(side="SHORT", tp1=98.0, tp2=96.0, sl=102.0)
    )
    done = await service.set_outcome(
        session, clock, short.id, OutcomeIn(result="WIN", exit_price=96.0)
    )
    assert done.pnl_percent == pytest.approx(4.0)
    other = await service.create_signal(session, clock, long_signal())
    be = await service.set_outcome(session, clock, other.id, OutcomeIn(result="BREAKEVEN"))
    assert be.pnl_percent == 0.0
    third = await service.create_signal(session, clock, long_signal())
    exp = await service.set_outcome(session, clock, third.id, OutcomeIn(result="EXPIRED"))
    assert exp.pnl_percent is None and exp.result == "EXPIRED"
    assert isinstance(await session.get(Signal, third.id), Signal)
