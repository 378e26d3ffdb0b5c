"""`lacak signals stats`: the track record in a terminal table, or one JSON document."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from lacak.cli.common import (
    clock,
    console,
    database,
    fail,
    not_a_date,
    print_json,
    run,
    settings,
)  # fmt: skip
from lacak.cli.signals import app
from lacak.cli.text import DASH, day, num, pct, signed, t
from lacak.errors import DomainError

if TYPE_CHECKING:
    from rich.table import Table

    from lacak.signals.stats_schemas import Breakdown, PromptStats, SignalStats

Opt = typer.Option
DaysOpt = Annotated[int | None, Opt(help="Last N days (N×24 h); all time if omitted.")]
FromOpt = Annotated[str | None, Opt("--from", help="First business date YYYY-MM-DD.")]
ToOpt = Annotated[str | None, Opt("--to", help="Last business date YYYY-MM-DD.")]


@app.command("stats")
def stats_command(
    days: DaysOpt = None,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    symbol: Annotated[
        str | None, Opt(help="Only this symbol: BTCUSDT, btc/usdt, or BTC (= BTCUSDT).")
    ] = None,
    timeframe: Annotated[str | None, Opt(help="Only this timeframe, e.g. 1h.")] = None,
    side: Annotated[str | None, Opt(help="Only LONG or SHORT.")] = None,
    user_id: Annotated[int | None, Opt("--user", help="Only this bot user id.")] = None,
    source: Annotated[str | None, Opt(help="Only this source/strategy.")] = None,
    as_json: Annotated[bool, Opt("--json", help="Print one JSON document.")] = False,
) -> None:
    """Winrate, PnL, risk figures and user activity (definitions: docs/statistics.md)."""
    from lacak.db import session_scope
    from lacak.signals import stats
    from lacak.signals.stats_schemas import PromptStatsQuery, StatsQuery, parse_query

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
    if nothing := no_match(figures):
        console.print(nothing, highlight=False, markup=False, soft_wrap=True)
        return
    _print(figures, activity)


def _period(s: SignalStats) -> str:
    if s.window.date_from or s.window.date_to:
        return t("cli.stats.between", start=_day(s.window.date_from), end=_day(s.window.date_to))
    return t("bot.window_days", d=s.window.days) if s.window.days else t("bot.window_all")


def _day(value: date | None) -> str:
    return day(value) if value is not None else "…"


# Filter names as a sentence says them (`user_id` → "user"); phrases under `cli.stats.`.
FILTERS = {
    "symbol": "cli.stats.filter_symbol", "timeframe": "cli.stats.filter_timeframe",
    "side": "cli.stats.filter_side", "user_id": "cli.stats.filter_user",
    "source": "cli.stats.filter_source",
}  # fmt: skip


def _filter(name: str) -> str:
    return t(FILTERS[name]) if name in FILTERS else name.replace("_", " ")


def no_match(s: SignalStats) -> str | None:
    """The sentence for filters that select no signal at all (else the table shows zeros)."""
    if not s.filters or s.closed or s.open:
        return None
    shown = ", ".join(f"{_filter(k)} {v}" for k, v in s.filters.items())
    if s.window.date_from or s.window.date_to:
        start = day(s.window.date_from) if s.window.date_from else t("cli.stats.the_start")
        end = day(s.window.date_to) if s.window.date_to else t("cli.stats.now")
        return t("cli.stats.none_between", filters=shown, start=start, end=end)
    if s.window.days:
        return t("cli.stats.none_days", filters=shown, d=s.window.days)
    return t("cli.stats.none", filters=shown)


def _date(raw: str | None, option: str) -> date | None:
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        not_a_date(option, raw)


def _print(s: SignalStats, a: PromptStats) -> None:
    """Headline table, breakdowns and activity."""
    from rich.markup import escape
    from rich.table import Table

    title = t("cli.stats.title", period=_period(s), tz=s.window.timezone)
    head = Table(title=escape(title), show_header=False)
    ci = s.winrate_ci95
    interval = f" ({t('stat.interval')} {num(ci.low, 2)}–{pct(ci.high, 2)})" if ci else ""
    wl = f"{num(s.wins, 0)} W / {num(s.losses, 0)} L"
    streaks = f"{num(s.longest_win_streak, 0)} / {num(s.longest_loss_streak, 0)}"
    rows = [
        (t("cli.stats.decided"), f"{num(s.total_signals, 0)}  ({wl})"),
        (t("stat.winrate"), f"{pct(s.winrate, 2)}{interval}"),
        (t("stat.avg_pnl"), _pct(s.avg_pnl)),
        (t("stat.total_pnl"), _pct(s.total_pnl)),
        (t("stat.profit_factor"), num(s.profit_factor)),
        (t("cli.stats.expectancy"), _pct(s.expectancy)),
        (t("stat.max_drawdown"), t("cli.stats.points", n=num(s.max_drawdown))),
        (t("cli.stats.streaks"), streaks),
        (t("cli.stats.hours_to_close"), _hours(s.avg_hours_to_close)),
        (t("cli.stats.other_results"),
         f"{num(s.breakeven, 0)} / {num(s.expired, 0)} / {num(s.cancelled, 0)}"),
        (t("stat.open"), num(s.open, 0)),
        (t("stat.best_symbol"), _symbol(s.best_symbol)),
        (t("stat.worst_symbol"), _symbol(s.worst_symbol)),
        (t("cli.stats.activity"), t(
            "cli.stats.activity_value", prompts=num(a.prompts, 0), users=num(a.unique_users, 0),
            per_day=num(a.avg_per_day),
        )),
    ]  # fmt: skip
    for name, value in rows:
        head.add_row(escape(name), escape(value))
    if s.filters:
        # NAME=VALUE as typed on the command line (`--symbol BTCUSDT`), so not worded.
        shown = ", ".join(f"{k}={v}" for k, v in s.filters.items())
        head.caption = escape(t("cli.stats.filters", filters=shown))
    console.print(head)
    for title, column, items in (
        ("stat.by_symbol", "stat.symbol", s.by_symbol),
        ("stat.by_timeframe", "stat.timeframe", s.by_timeframe),
        ("cli.stats.by_side", "stat.side", s.by_side),
    ):
        if items:
            console.print(_breakdown(t(title), t(column), items))
    if a.top_commands:
        top = ", ".join(f"{r.key} ({num(r.count, 0)})" for r in a.top_commands)
        console.print(f"{t('activity.top_commands')}: {top}", markup=False, highlight=False)


def _pct(value: float | None) -> str:
    return pct(value, 2)


def _hours(value: float | None) -> str:
    return DASH if value is None else t("cli.stats.hours", n=num(value))


def _symbol(b: Breakdown | None) -> str:
    if b is None:
        return DASH
    return t("cli.stats.symbol_value", key=b.key, pnl=_signed(b.avg_pnl), n=num(b.total, 0))


def _signed(value: float) -> str:
    return signed(value) + "%"


def _breakdown(title: str, column: str, items: list[Breakdown]) -> Table:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=escape(title))
    table.add_column(escape(column), justify="left")
    for key in ("cli.stats.decided_short", "cli.stats.wins", "cli.stats.losses",
                "stat.winrate", "stat.avg_pnl", "stat.total_pnl"):  # fmt: skip
        table.add_column(escape(t(key)), justify="right")
    for b in items:
        table.add_row(
            escape(b.key), num(b.total, 0), num(b.wins, 0), num(b.losses, 0), pct(b.winrate, 2),
            _signed(b.avg_pnl), _signed(b.total_pnl),
        )  # fmt: skip
    return table
