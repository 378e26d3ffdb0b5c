"""Dashboard signals page: filters, KPIs, cumulative PnL, winrate breakdowns, the table."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from markupsafe import Markup
from pydantic import ValidationError

from lacak.api.deps import ClockDep, SessionDep
from lacak.i18n import day, percent, say, t
from lacak.signals import service as signals_service
from lacak.signals import stats as signals_stats
from lacak.signals.models import TIMEFRAMES
from lacak.signals.schemas import SignalFilter
from lacak.signals.stats_schemas import Breakdown, SignalStats, StatsQuery
from lacak.signals.timeframes import in_time_order
from lacak.web import params
from lacak.web import session as web_session
from lacak.web.render import page, to_login
from lacak.web.svg import LegendItem, bar_chart, line_chart

router = APIRouter()
PAGE_SIZE = 50
WINRATE_LINE = 50.0  # bars at or above it are green, below it red


def _short(symbol: str) -> str:
    # Axis labels are narrow: BTCUSDT reads as BTC when the quote currency is the usual one.
    for quote in ("USDT", "USDC", "BUSD", "USD"):
        if symbol.endswith(quote) and len(symbol) > len(quote):
            return symbol[: -len(quote)]
    return symbol


def _winrate_bars(
    groups: list[Breakdown],
    labels: list[str],
    title: str,
    s: SignalStats,
    lang: str,
    legend: list[LegendItem],
) -> Markup:
    return bar_chart(
        labels, [b.winrate for b in groups], title, lang, unit="%", threshold=WINRATE_LINE,
        average=s.winrate if s.total_signals else None, counts=[b.total for b in groups],
        min_count=s.min_sample, items=legend,
    )  # fmt: skip


def _charts(s: SignalStats, lang: str) -> dict[str, Markup]:
    """Cumulative PnL, and winrate by symbol and by timeframe (time order) with a legend."""
    days_labels = [day(p.date, lang, "short") for p in s.per_day]
    symbols = [b for b in s.by_symbol if b.total][:12]
    timeframes = in_time_order((b for b in s.by_timeframe if b.total), lambda b: b.key)
    legend = [
        LegendItem("good", t("chart.legend_good", lang)),
        LegendItem("bad", t("chart.legend_bad", lang)),
        LegendItem("few", t("chart.legend_few", lang, n=s.min_sample)),
    ]
    if s.total_signals:
        average = percent(s.winrate, lang, 1)
        legend.append(LegendItem("average", t("chart.legend_average", lang, value=average)))
    pnl = [p.cumulative_pnl for p in s.per_day]
    return {
        "pnl": line_chart(days_labels, pnl, t("stat.cum_pnl", lang), lang, "%"),
        "symbol": _winrate_bars(
            symbols,
            [_short(b.key) for b in symbols],
            t("stat.winrate_by_symbol", lang),
            s,
            lang,
            legend,
        ),
        "timeframe": _winrate_bars(
            timeframes,
            [b.key for b in timeframes],
            t("stat.winrate_by_timeframe", lang),
            s,
            lang,
            legend,
        ),
    }


@router.get("/signals")
async def signals_page(request: Request, session: SessionDep, clock: ClockDep) -> Response:
    """Filterable statistics and the signals behind them."""
    if not web_session.is_logged_in(request):
        return to_login(request)
    q = request.query_params
    filters = {k: params.text(q, k, limit=64) for k in ("symbol", "timeframe", "side", "source")}
    window = params.period(q, max_days=36600)
    date_from, date_to, days = window.date_from, window.date_to, window.days
    if "days" in q and not q["days"].strip() and not (date_from or date_to):
        days = None  # the form sent an empty "days": all time
    problems = list(window.problems)
    try:
        query = StatsQuery(days=days, date_from=date_from, date_to=date_to, **filters)
    except ValidationError as exc:
        problems += params.filter_problems(exc, filters)
        query = StatsQuery(days=days, date_from=date_from, date_to=date_to)
    stats = await signals_stats.signal_stats(session, clock, query)
    offset = params.offset(q)
    table_filter = SignalFilter(
        symbol=query.symbol, timeframe=query.timeframe, side=query.side, source=query.source,
        given_from=date_from.isoformat() if date_from else None,
        given_to=date_to.isoformat() if date_to else None,
    )  # fmt: skip
    rows, total = await signals_service.list_signals(
        session, clock, table_filter, limit=PAGE_SIZE, offset=offset
    )
    open_filter = table_filter.model_copy(update={"status": "OPEN"})
    open_rows, open_total = await signals_service.list_signals(
        session, clock, open_filter, limit=20
    )
    lang = web_session.language(request)
    charts = _charts(stats, lang)
    export_query = request.url.query
    error = say(problems, lang) or None
    return page(
        request, "signals.html", "nav.signals", "signals",
        s=stats, rows=rows, total=total, offset=offset, page_size=PAGE_SIZE,
        open_rows=open_rows, open_total=open_total, charts=charts, q=q, days=days,
        timeframes=in_time_order(TIMEFRAMES, str), error=error, clock=clock,
        export_query=export_query,
    )  # fmt: skip
