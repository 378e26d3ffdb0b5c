"""Dashboard activity page: prompts per day, top commands and symbols, the users table."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response

from lacak.api.deps import ClockDep, SessionDep
from lacak.i18n import day, t
from lacak.signals import activity, stats_prompts
from lacak.signals.stats_schemas import PromptStatsQuery
from lacak.web import params
from lacak.web import session as web_session
from lacak.web.render import page, to_login
from lacak.web.svg import daily_bars

router = APIRouter()
PAGE_SIZE = 50
TOP = 10


@router.get("/activity")
async def activity_page(request: Request, session: SessionDep, clock: ClockDep) -> Response:
    """Who uses the bot, how much, and for what, over a period."""
    if not web_session.is_logged_in(request):
        return to_login(request)
    q = request.query_params
    period = params.period(q)
    query = PromptStatsQuery(
        days=period.days, date_from=period.date_from, date_to=period.date_to, top=TOP
    )
    stats = await stats_prompts.prompt_stats(session, clock, query)
    per_day = await activity.prompts_per_day(session, clock, query)
    offset = params.offset(q)
    users, users_total = await activity.prompt_users(
        session, clock, query, limit=PAGE_SIZE, offset=offset
    )
    # The export gets the same window: the exact start instant for "last N days", else dates.
    bounds = {"from": stats.window.start.isoformat() if period.days and stats.window.start
              else period.date_from, "to": period.date_to}  # fmt: skip
    export_query = urlencode({k: str(v) for k, v in bounds.items() if v is not None})
    lang = web_session.language(request)
    chart = daily_bars(
        [day(d.date, lang, "short") for d in per_day],
        [d.count for d in per_day],
        t("activity.per_day", lang),
        lang,
    )
    return page(
        request, "activity.html", "nav.activity", "activity",
        period=period, stats=stats, chart=chart, users=users, users_total=users_total,
        offset=offset, page_size=PAGE_SIZE, clock=clock, pager_query=params.without(q, "offset"),
        export_query=export_query,
    )  # fmt: skip
