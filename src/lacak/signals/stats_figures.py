"""From counted and folded figures to the `SignalStats` document (shared by both read paths)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from lacak.signals import stats_compute as calc
from lacak.signals.stats_schemas import Breakdown, DayPoint, Interval, SignalStats, WindowOut

MS_PER_HOUR = 3_600_000


@dataclass
class Sums:
    """Additive counters for one group of closed signals."""

    closed: int = 0
    wins: int = 0
    losses: int = 0
    breakeven: int = 0
    expired: int = 0
    cancelled: int = 0
    win_pnl: float = 0.0
    loss_pnl: float = 0.0
    gross_profit: float = 0.0
    gross_loss: float = 0.0
    close_ms: int = 0  # milliseconds from given to closed over realised signals

    def add(self, other: Sums) -> None:
        """Accumulate another group into this one."""
        self.closed += other.closed
        self.wins += other.wins
        self.losses += other.losses
        self.breakeven += other.breakeven
        self.expired += other.expired
        self.cancelled += other.cancelled
        self.win_pnl += other.win_pnl
        self.loss_pnl += other.loss_pnl
        self.gross_profit += other.gross_profit
        self.gross_loss += other.gross_loss
        self.close_ms += other.close_ms

    @classmethod
    def of(cls, values: Iterable[object]) -> Sums:
        """From database values in field order (NULL sums are 0; PostgreSQL may send Decimal)."""
        v: list[Any] = list(values)
        i = [int(x or 0) for x in v[:6]]
        f = [float(x or 0.0) for x in v[6:10]]
        return cls(i[0], i[1], i[2], i[3], i[4], i[5], f[0], f[1], f[2], f[3], int(v[10] or 0))

    @property
    def total(self) -> int:
        """Decided signals: wins + losses."""
        return self.wins + self.losses

    @property
    def total_pnl(self) -> float:
        """Summed pnl of every closed signal that is not CANCELLED."""
        return self.gross_profit + self.gross_loss

    def avg_pnl(self) -> float:
        """The old bot's avg_pnl: pnl of wins and losses over their count, 0 when none."""
        return calc.round2((self.win_pnl + self.loss_pnl) / self.total) if self.total else 0.0

    def breakdown(self, key: str) -> Breakdown:
        """This group as a breakdown row."""
        return Breakdown(
            key=key,
            closed=self.closed,
            total=self.total,
            wins=self.wins,
            losses=self.losses,
            winrate=calc.winrate(self.wins, self.total),
            avg_pnl=self.avg_pnl(),
            total_pnl=calc.round2(self.total_pnl),
        )


SUM_FIELDS = tuple(f.name for f in fields(Sums))


@dataclass
class Figures:
    """Everything counted for a window, before rounding and shaping."""

    total: Sums
    by_symbol: dict[str, Sums]
    by_timeframe: dict[str, Sums]
    by_side: dict[str, Sums]
    drawdown: float
    streaks: tuple[int, int, int]
    days: list[calc.DayRow]
    open: int


def assemble(
    fig: Figures, window: WindowOut, shown: dict[str, str | int], min_sample: int
) -> SignalStats:
    """The response document: rounded figures, rankings, breakdown rows, per-day series."""
    total = fig.total
    by_symbol = _rows(fig.by_symbol)
    ranked = [b for b in by_symbol if b.total >= min_sample]
    best = min(ranked, key=lambda b: (-b.avg_pnl, -b.total_pnl, b.key), default=None)
    worst = min(ranked, key=lambda b: (b.avg_pnl, b.total_pnl, b.key), default=None)
    longest_win, longest_loss, current = fig.streaks
    ci = calc.wilson(total.wins, total.total)
    realised = total.closed - total.cancelled
    return SignalStats(
        total_signals=total.total,
        wins=total.wins,
        losses=total.losses,
        winrate=calc.winrate(total.wins, total.total),
        avg_pnl=total.avg_pnl(),
        window=window,
        filters=shown,
        closed=total.closed,
        breakeven=total.breakeven,
        expired=total.expired,
        cancelled=total.cancelled,
        open=fig.open,
        total_pnl=calc.round2(total.total_pnl),
        gross_profit=calc.round2(total.gross_profit),
        gross_loss=calc.round2(total.gross_loss),
        profit_factor=(
            calc.round2(total.gross_profit / -total.gross_loss) if total.gross_loss < 0 else None
        ),
        avg_win=calc.round2(total.win_pnl / total.wins) if total.wins else None,
        avg_loss=calc.round2(total.loss_pnl / total.losses) if total.losses else None,
        expectancy=_expectancy(total),
        max_drawdown=calc.round2(fig.drawdown),
        winrate_ci95=Interval(low=calc.round2(ci[0]), high=calc.round2(ci[1])) if ci else None,
        longest_win_streak=longest_win,
        longest_loss_streak=longest_loss,
        current_streak=current,
        avg_hours_to_close=(
            calc.round2(total.close_ms / MS_PER_HOUR / realised) if realised else None
        ),
        best_symbol=best,
        worst_symbol=worst,
        min_sample=min_sample,
        by_symbol=by_symbol,
        by_timeframe=_rows(fig.by_timeframe),
        by_side=_rows(fig.by_side),
        per_day=_series(fig.days),
    )


def _rows(groups: dict[str, Sums]) -> list[Breakdown]:
    """Breakdown rows, most decided signals first, then by key."""
    rows = [sums.breakdown(key) for key, sums in groups.items()]
    return sorted(rows, key=lambda b: (-b.total, -b.closed, b.key))


def _expectancy(total: Sums) -> float | None:
    """winrate × avg win − lossrate × |avg loss| per decided signal (None without any)."""
    if not total.total:
        return None
    avg_win = total.win_pnl / total.wins if total.wins else 0.0
    avg_loss = total.loss_pnl / total.losses if total.losses else 0.0
    value = total.wins / total.total * avg_win - total.losses / total.total * abs(avg_loss)
    return calc.round2(value)


def _series(days: Iterable[calc.DayRow]) -> list[DayPoint]:
    """Per-day points with a running cumulative pnl (summed unrounded, shown rounded)."""
    points: list[DayPoint] = []
    running = 0.0
    for day in days:
        running += day.pnl
        points.append(
            DayPoint(
                date=day.day,
                closed=day.closed,
                wins=day.wins,
                losses=day.losses,
                pnl=calc.round2(day.pnl),
                cumulative_pnl=calc.round2(running),
            )
        )
    return points
