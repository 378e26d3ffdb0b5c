"""The old bot's verdicts and the data-driven recommendations."""

from __future__ import annotations

from lacak.reports.analysis import analyse
from tests.reports.factories import figures


def _texts(lang: str = "en", **kwargs: int) -> list[str]:
    return [a.text for a in analyse(figures(**kwargs), lang)]  # type: ignore[arg-type]


def test_fewer_than_ten_signals_asks_for_more_data() -> None:
    texts = _texts(total=9, wins=5)
    assert any("more data" in t for t in texts)
    assert not any("Winrate" in t and "is" in t and "interval" not in t for t in texts)


def test_winrate_grades_follow_old_thresholds() -> None:
    assert any("70.00% is excellent" in t for t in _texts(total=10, wins=7))
    assert any("60.00% is good" in t for t in _texts(total=10, wins=6))
    assert any("50.00% is average" in t for t in _texts(total=10, wins=5))
    assert any("40.00% is poor" in t for t in _texts(total=10, wins=4))


def test_average_pnl_above_two_is_good() -> None:
    week = figures()
    week.signals.avg_pnl = 2.5
    assert any("+2.50% is good" in a.text for a in analyse(week, "en"))


def test_weak_symbol_is_named_when_sample_is_large_enough() -> None:
    assert any("DOGEUSDT is the weakest" in t for t in _texts())
    week = figures()
    assert week.signals.worst_symbol is not None
    week.signals.worst_symbol.total = 3
    assert not any("weakest" in a.text for a in analyse(week, "en"))


def test_failed_sends_above_threshold_warn() -> None:
    assert any("3 of 20 WhatsApp reminders failed" in t for t in _texts(failed=3))
    assert not any("failed" in t for t in _texts(failed=1))
    # A single failure in a quiet week is noise even when it is the only send.
    week = figures(failed=1)
    assert week.workshop is not None
    week.workshop.sent = 0
    assert not any("failed" in a.text for a in analyse(week, "en"))


def test_indonesian_is_default_wording() -> None:
    assert any(a.text == "Winrate 63,33% baik." for a in analyse(figures(), "id"))
