"""Dashboard signals page: filters, KPIs, cumulative PnL, winrate breakdowns, the table."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from lacak.api.deps import ClockDep, SessionDep
from lacak.signals import service as signals_service
from lacak.signals import stats as signals_stats
from lacak.signals.models import TIMEFRAMES
from lacak.signals.schemas import SignalFilter
from lacak.signals.stats_schemas import StatsQuery
from lacak.web import params
from lacak.web import session as web_session
from lacak.web.i18n import translator
from lacak.web.render import page, to_login
from lacak.web.svg import bar_chart, line_chart

router = APIRouter()
PAGE_SIZE = 50


def _short(symbol: str) -> str:
    # Axis labels are narrow: BTCUSDT reads as BTC when the quote currency is the usual one.
    for quote in ("USDT", "USDC", "BUSD", "USD"):
        if symbol.endswith(quote) and len(symbol) > len(quote):
            return symbol[: -len(quote)]
    return symbol


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
    errors = [window.error] if window.error else []
    try:
        query = StatsQuery(days=days, date_from=date_from, date_to=date_to, **filters)
    except ValidationError as exc:
        errors += [str(e["msg"]).removeprefix("Value error, ") for e in exc.errors()]
        query = StatsQuery(days=days, date_from=date_from, date_to=date_to)
    error = "; ".join(errors) or None
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
    t = translator(web_session.language(request))
    days_labels = [p.date.strftime("%d-%m") for p in stats.per_day]
    decided_symbols = [b for b in stats.by_symbol if b.total][:12]
    decided_tfs = [b for b in stats.by_timeframe if b.total]
    charts = {
        "pnl": line_chart(
            days_labels, [p.cumulative_pnl for p in stats.per_day], t["cum_pnl"], "%"
        ),
        "symbol": bar_chart([_short(b.key) for b in decided_symbols],
                            [b.winrate for b in decided_symbols],
                            t["winrate_by_symbol"], "%", threshold=50),
        "timeframe": bar_chart([b.key for b in decided_tfs], [b.winrate for b in decided_tfs],
                               t["winrate_by_tf"], "%", threshold=50),
    }  # fmt: skip
    export_query = request.url.query
    return page(
        request, "signals.html", "signals", "signals",
        s=stats, rows=rows, total=total, offset=offset, page_size=PAGE_SIZE,
        open_rows=open_rows, open_total=open_total, charts=charts, q=q, days=days,
        timeframes=TIMEFRAMES, error=error, clock=clock, export_query=export_query,
    )  # fmt: skip
