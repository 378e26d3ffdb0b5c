"""`lacak signals stats`: the track record in a terminal table, or one JSON document."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from lacak.cli.common import clock, console, database, fail, print_json, run, settings
from lacak.cli.signals import app
from lacak.db import session_scope
from lacak.errors import DomainError
from lacak.signals import stats
from lacak.signals.stats_schemas import (
    Breakdown,
    PromptStats,
    PromptStatsQuery,
    SignalStats,
    StatsQuery,
    parse_query,
)

Opt = typer.Option
DaysOpt = Annotated[int | None, Opt(help="Last N days (N×24 h); all time if omitted.")]
FromOpt = Annotated[str | None, Opt("--from", help="First business date YYYY-MM-DD.")]
ToOpt = Annotated[str | None, Opt("--to", help="Last business date YYYY-MM-DD.")]


@app.command("stats")
def stats_command(
    days: DaysOpt = None,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    symbol: Annotated[str | None, Opt(help="Only this symbol, e.g. BTCUSDT.")] = None,
    timeframe: Annotated[str | None, Opt(help="Only this timeframe, e.g. 1h.")] = None,
    side: Annotated[str | None, Opt(help="Only LONG or SHORT.")] = None,
    user_id: Annotated[int | None, Opt("--user", help="Only this bot user id.")] = None,
    source: Annotated[str | None, Opt(help="Only this source/strategy.")] = None,
    as_json: Annotated[bool, Opt("--json", help="Print one JSON document.")] = False,
) -> None:
    """Winrate, PnL, risk figures and user activity (definitions: docs/statistics.md)."""
    cfg = settings()
    try:
        query = parse_query(
            StatsQuery,
            days=days,
            date_from=_date(date_from, "--from"),
            date_to=_date(date_to, "--to"),
            symbol=symbol,
            timeframe=timeframe,
            side=side,
            user_id=user_id,
            source=source,
            min_sample=cfg.stats_min_sample,
        )
        activity_query = parse_query(
            PromptStatsQuery, days=days, date_from=query.date_from, date_to=query.date_to
        )
    except DomainError as exc:
        fail(exc.detail)

    async def collect() -> tuple[SignalStats, PromptStats]:
        async with database(cfg) as db, session_scope(db) as session:
            biz = clock(cfg)
            figures = await stats.signal_stats(session, biz, query)
            activity = await stats.prompt_stats(session, biz, activity_query)
            return figures, activity

    figures, activity = run(collect())
    if as_json:
        document = figures.model_dump(mode="json")
        document["activity"] = activity.model_dump(mode="json")
        print_json(document)
        return
    _print(figures, activity)


def _date(raw: str | None, option: str) -> date | None:
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        fail(f"{option} {raw!r} is not a date; use YYYY-MM-DD.")


def _num(value: float | None, suffix: str = "") -> str:
    return "—" if value is None else f"{value:,.2f}{suffix}"


def _print(s: SignalStats, a: PromptStats) -> None:
    """Headline table, breakdowns and activity."""
    period = f"last {s.window.days} days" if s.window.days else "all time"
    if s.window.date_from or s.window.date_to:
        period = f"{s.window.date_from or '…'} to {s.window.date_to or '…'}"
    head = Table(title=f"Signals — {period} ({s.window.timezone})", show_header=False)
    ci = f" (95% CI {s.winrate_ci95.low:.2f}–{s.winrate_ci95.high:.2f})" if s.winrate_ci95 else ""
    rows = [
        ("Decided (wins + losses)", f"{s.total_signals}  ({s.wins} W / {s.losses} L)"),
        ("Winrate", f"{s.winrate:.2f}%{ci}"),
        ("Average PnL", _num(s.avg_pnl, "%")),
        ("Total PnL", _num(s.total_pnl, "%")),
        ("Profit factor", _num(s.profit_factor)),
        ("Expectancy", _num(s.expectancy, "%")),
        ("Max drawdown", _num(s.max_drawdown, " pts")),
        ("Streaks (win / loss)", f"{s.longest_win_streak} / {s.longest_loss_streak}"),
        ("Avg time to close", _num(s.avg_hours_to_close, " h")),
        ("Breakeven / expired / cancelled", f"{s.breakeven} / {s.expired} / {s.cancelled}"),
        ("Open", str(s.open)),
        ("Best symbol", _symbol(s.best_symbol)),
        ("Worst symbol", _symbol(s.worst_symbol)),
        ("Prompts / unique users", f"{a.prompts} / {a.unique_users}  ({a.avg_per_day:.2f}/day)"),
    ]
    for label, value in rows:
        head.add_row(label, value)
    if s.filters:
        head.caption = "filters: " + ", ".join(f"{k}={v}" for k, v in s.filters.items())
    console.print(head)
    for title, items in (
        ("Symbol", s.by_symbol),
        ("Timeframe", s.by_timeframe),
        ("Side", s.by_side),
    ):
        if items:
            console.print(_breakdown(title, items))
    if a.top_commands:
        console.print("Top commands: " + ", ".join(f"{r.key} ({r.count})" for r in a.top_commands))


def _symbol(b: Breakdown | None) -> str:
    return "—" if b is None else f"{b.key}  avg {b.avg_pnl:.2f}% over {b.total}"


def _breakdown(title: str, items: list[Breakdown]) -> Table:
    table = Table(title=f"By {title.lower()}")
    for column in (title, "Decided", "Wins", "Losses", "Winrate %", "Avg PnL %", "Total PnL %"):
        table.add_column(column, justify="left" if column == title else "right")
    for b in items:
        table.add_row(
            b.key,
            str(b.total),
            str(b.wins),
            str(b.losses),
            f"{b.winrate:.2f}",
            f"{b.avg_pnl:.2f}",
            f"{b.total_pnl:.2f}",
        )
    return table
