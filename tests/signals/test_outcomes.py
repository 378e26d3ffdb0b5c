"""Hand-worked cases of the evaluator rules (pure numpy, no database)."""

from __future__ import annotations

import math

from lacak.signals.outcomes import (
    EXPIRED,
    KIND_BREAKEVEN,
    KIND_EXPIRY,
    KIND_SL,
    LOSS,
    WIN,
    Rules,
)
from tests.signals.outcome_cases import MIN, candles, compare, signals

NAN = math.nan
R = Rules(max_age_ms=10 * MIN)


def test_long_tp1_then_tp2_is_a_win_with_both_legs() -> None:
    c = candles([(100, 101, 99, 100), (100, 106, 100, 105), (105, 111, 104, 110)])
    s = signals([(0, 1, 100, 95, 105, 110, NAN)])
    (o,) = compare(c, s, R)
    assert o["result"] == WIN and o["closed"]
    assert o["leg_price"][:2] == [105, 110]
    assert o["tp_time"][:2] == [MIN, 2 * MIN]
    assert math.isclose(o["pnl"], 0.5 * 5 + 0.5 * 10)
    assert math.isclose(o["mfe"], 11) and math.isclose(o["mae"], -1)


def test_stop_first_is_a_loss_and_a_gapped_open_exits_at_the_open() -> None:
    c = candles([(100, 101, 97, 98), (93, 94, 90, 91)])
    s = signals([(0, 1, 100, 95, 105, 110, NAN)])
    (o,) = compare(c, s, R)
    assert o["result"] == LOSS
    assert o["leg_price"][:2] == [93, 93] and o["leg_kind"][:2] == [KIND_SL, KIND_SL]
    assert math.isclose(o["pnl"], -7)


def test_same_candle_is_pessimistic_without_finer_data_and_finer_decides_otherwise() -> None:
    c = candles([(100, 106, 94, 100)], tf_ms=5 * MIN)
    s = signals([(0, 1, 100, 95, 105, 110, NAN)])
    rules = Rules(max_age_ms=60 * MIN)
    (o,) = compare(c, s, rules)
    assert o["result"] == LOSS and o["tie_time"] == 0
    fine = candles([(100, 103, 99, 102), (102, 106, 101, 104), (104, 104, 94, 95)])
    (o,) = compare(c, s, rules, finer=fine)
    # TP1 at the second minute; the rest is stopped at entry later in the same candle.
    assert o["result"] == WIN and o["finer_used"] and o["tie_time"] == -1
    assert o["leg_time"][0] == MIN and o["leg_kind"][1] == KIND_BREAKEVEN
    assert math.isclose(o["pnl"], 2.5)


def test_short_breakeven_after_tp1() -> None:
    c = candles([(100, 100, 96, 97), (97, 101, 96, 100)])
    s = signals([(0, -1, 100, 104, 96, 90, NAN)])
    (o,) = compare(c, s, R)
    assert o["result"] == WIN and o["leg_kind"][:2] == [1, KIND_BREAKEVEN]
    assert math.isclose(o["pnl"], 2.0)


def test_expiry_closes_at_last_close_and_open_when_window_not_over() -> None:
    c = candles([(100, 101, 99, 100)] * 10 + [(100, 120, 80, 100)])
    s = signals([(0, 1, 100, 95, 105, 110, NAN), (5 * MIN, 1, 100, 95, 105, 110, NAN)])
    o1, o2 = compare(c, s, R)
    assert o1["result"] == EXPIRED and o1["leg_kind"][0] == KIND_EXPIRY
    assert o1["closed_time"] == 10 * MIN and o1["pnl"] == 0.0
    assert o2["result"] == LOSS  # the wide candle is inside its window


def test_signal_time_inside_a_candle_skips_that_candle() -> None:
    c = candles([(100, 106, 99, 100), (100, 101, 94, 95)])
    s = signals([(MIN // 2, 1, 100, 95, 105, 110, NAN)])
    (o,) = compare(c, s, R)
    assert o["result"] == LOSS and o["closed_time"] == MIN


def test_thirds_with_tp3_and_full_exit_at_tp1() -> None:
    c = candles([(100, 121, 100, 120)])
    s = signals([(0, 1, 100, 95, 105, 110, 120), (0, 1, 100, 95, 105, 110, NAN)])
    thirds = Rules(fractions=(0.5, 0.25, 0.25), max_age_ms=10 * MIN)
    a, b = compare(c, s, thirds)
    assert math.isclose(a["pnl"], 0.5 * 5 + 0.25 * 10 + 0.25 * 20)
    assert math.isclose(b["pnl"], 0.5 * 5 + 0.5 * 10)  # no TP3: its share rides to TP2
    (full,) = compare(c, signals([(0, 1, 100, 95, 105, 110, NAN)]), Rules(fractions=(1.0,)))
    assert full["closed"] and math.isclose(full["pnl"], 5.0)


def test_leverage_and_no_breakeven() -> None:
    c = candles([(100, 106, 100, 105), (105, 105, 94, 95)])
    s = signals([(0, 1, 100, 95, 105, 110, NAN)])
    (o,) = compare(c, s, Rules(breakeven=False, leverage=10, max_age_ms=10 * MIN))
    assert o["result"] == WIN and o["leg_kind"][1] == KIND_SL
    assert math.isclose(o["pnl"], 10 * (0.5 * 5 + 0.5 * -5))
