"""Dashboard workshop pages: vehicles due soon, the reminder funnel, the report, a customer.

Also the one-click actions on messages in doubt (resend, or mark sent/failed after checking
with the customer), CSRF-protected like every dashboard form.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from lacak.api.deps import ClockDep, DbDep, SessionDep, SettingsDep
from lacak.db import session_scope
from lacak.errors import Conflict, DomainError, NotFound
from lacak.i18n import label
from lacak.messaging import service as messaging_service
from lacak.messaging.schemas import MessageFilter
from lacak.reports.workshop_figures import workshop_figures
from lacak.web import flash, params
from lacak.web import session as web_session
from lacak.web.render import page, to_login
from lacak.workshop import alerts as workshop_alerts
from lacak.workshop import effectiveness as workshop_effectiveness
from lacak.workshop import report as workshop_report
from lacak.workshop import search as workshop_search
from lacak.workshop import service as workshop_service
from lacak.workshop.models import ServiceVisit, Vehicle

router = APIRouter()
DUE_DAYS = 7
PAGE_SIZE = 25
DOUBT_ROWS = 50  # in-doubt messages listed on the workshop page (oldest first)
URGENCIES = ("overdue", "today", "soon")


def urgency(due: date | None, today: date) -> str:
    """overdue (before today), today, or soon (in the coming days)."""
    if due is None or due > today:
        return "soon"
    return "today" if due == today else "overdue"


def _dates(period: params.Period, today: date) -> tuple[date, date]:
    """The period as business dates start..end (days = the last N dates through today)."""
    if period.days is not None:
        return today - timedelta(days=period.days - 1), today
    start = period.date_from or date(2000, 1, 1)
    return start, period.date_to or today


@router.get("/workshop")
async def workshop_page(
    request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep
) -> Response:
    """Who is due, how reminders fared, and the searchable whatsapp_report."""
    if not web_session.is_logged_in(request):
        return to_login(request)
    q = request.query_params
    today = clock.today()
    horizon = today + timedelta(days=DUE_DAYS + 1)
    bounds = {"overdue": (None, today), "today": (today, today + timedelta(days=1)),
              "soon": (today + timedelta(days=1), horizon)}  # fmt: skip
    counts = {}
    for name, (low, high) in bounds.items():
        _, counts[name] = await workshop_service.list_vehicles(
            session, due_from=low, due_before=high, active=True, limit=1
        )
    chosen = q.get("urgency") if q.get("urgency") in URGENCIES else None
    low, high = bounds[chosen] if chosen else (None, horizon)
    due_offset = params.offset(q, "due_offset")
    vehicles, due_total = await workshop_service.list_vehicles(
        session, due_from=low, due_before=high, active=True, by_due_date=True,
        limit=PAGE_SIZE, offset=due_offset,
    )  # fmt: skip
    owners = await workshop_service.customers_by_ids(session, [v.customer_id for v in vehicles])
    period = params.period(q)
    start, end = _dates(period, today)
    figures = await workshop_figures(session, settings, clock, start, end)
    lang = web_session.language(request)
    steps: list[tuple[str, int, bool]] = []
    if figures is not None:
        counts_by_step = (("queued", figures.queued), ("sent", figures.sent),
                          ("delivered", figures.delivered), ("read", figures.read),
                          ("failed", figures.failed))  # fmt: skip
        steps = [(label("message.status", name, lang), n, name == "failed")
                 for name, n in counts_by_step]  # fmt: skip
    alerts = await workshop_alerts.dashboard_alerts(session, settings, clock)
    months = params.whole_number(q.get("months"), 1, 120) or 6
    effect = await workshop_effectiveness.effectiveness(session, settings, clock, months)
    search = params.text(q, "q")
    offset = params.offset(q)
    if search and search.strip():
        # A search finds every customer and plate, not only pairs already messaged (those
        # show frequency 0); the plain list is the whatsapp_report itself.
        rows, total = await workshop_search.search_pairs(
            session, search, limit=PAGE_SIZE, offset=offset
        )
        rows = [{**r, "vehicle_nopol": r["vehicle_nopol"] or "–"} for r in rows]
    else:
        rows, total = await workshop_report.list_details(session, limit=PAGE_SIZE, offset=offset)
    doubt, doubt_total = await messaging_service.list_messages(
        session, MessageFilter(status="in_doubt"), limit=DOUBT_ROWS, offset=0
    )
    owners.update(await workshop_service.customers_by_ids(
        session, [m.customer_id for m in doubt if m.customer_id]
    ))  # fmt: skip
    return page(
        request, "workshop.html", "nav.workshop", "workshop",
        counts=counts, chosen=chosen, vehicles=vehicles, owners=owners, due_total=due_total,
        due_offset=due_offset, urgency=urgency, today=today, period=period, start=start, end=end,
        figures=figures, steps=steps, funnel_max=max([n for _, n, _ in steps] + [1]),
        search=search, rows=rows, total=total, offset=offset,
        page_size=PAGE_SIZE, clock=clock, pager_query=params.without(q, "offset"),
        due_query=params.without(q, "due_offset"), alerts=alerts,
        alert_max=settings.alert_max_reminders, effect=effect, doubt=doubt,
        doubt_total=doubt_total, notice=flash.pop(request),
    )  # fmt: skip


@router.get("/customers/{customer_id}")
async def customer_page(
    request: Request, customer_id: str, session: SessionDep, clock: ClockDep
) -> Response:
    """One customer: details, vehicles with their visits, and every message sent to them."""
    if not web_session.is_logged_in(request):
        return to_login(request)
    try:
        customer = await workshop_service.get_customer(session, uuid.UUID(customer_id))
    except (ValueError, NotFound):
        response = page(request, "not_found.html", "nav.customer", "workshop", what=customer_id)
        response.status_code = 404
        return response
    vehicles, _ = await workshop_service.list_vehicles(session, customer_id=customer.id, limit=100)
    visits: list[tuple[Vehicle, ServiceVisit]] = []
    for vehicle in vehicles:
        rows, _ = await workshop_service.list_visits(session, vehicle.id, limit=200)
        visits.extend((vehicle, visit) for visit in rows)
    visits.sort(key=lambda pair: pair[1].visit_date, reverse=True)
    offset = params.offset(q := request.query_params)
    messages, total = await messaging_service.list_messages(
        session, MessageFilter(customer_id=customer.id), limit=100, offset=offset
    )
    plates = {v.id: v.no_pol for v in vehicles}
    return page(
        request, "customer.html", "nav.customer", "workshop", title=customer.name,
        customer=customer, vehicles=vehicles, visits=visits, messages=messages, total=total,
        offset=offset, page_size=100, plates=plates, clock=clock, today=clock.today(),
        urgency=urgency, pager_query=params.without(q, "offset"), notice=flash.pop(request),
        back=f"/dashboard/customers/{customer.id}#messages",
    )  # fmt: skip


Csrf = Annotated[str, Form()]
Next = Annotated[str, Form()]


def _back(target: str) -> RedirectResponse:
    # Only this dashboard's own pages: a form must not bounce the browser to another site.
    safe = target if target.startswith("/dashboard/") and "//" not in target else None
    return RedirectResponse(safe or "/dashboard/workshop#doubt", status_code=303)


def _refusal(exc: DomainError) -> str:
    # The service's sentence is English for the API; the dashboard names the case instead.
    if isinstance(exc, NotFound):
        return "workshop.message_missing"
    return "workshop.message_settled" if isinstance(exc, Conflict) else "workshop.message_refused"


def _who(request: Request) -> str:
    host = request.client.host if request.client else "unknown"
    return f"the dashboard ({host})"


@router.post("/messages/{message_id}/resend")
async def resend_message(
    request: Request, message_id: uuid.UUID, clock: ClockDep, db: DbDep,
    csrf: Csrf = "", next: Next = "",
) -> Response:  # fmt: skip
    """Queue an in-doubt (or failed) message again; the customer may then get it twice."""
    web_session.check_csrf(request, csrf)
    if not web_session.is_logged_in(request):
        return to_login(request)
    try:
        # Commit before redirecting: the page the browser loads next must show the change.
        async with session_scope(db) as session:
            await messaging_service.retry_message(
                session, message_id, clock.now(), by=_who(request)
            )
        flash.push(request, "workshop.resent_done")
    except DomainError as exc:
        flash.push(request, _refusal(exc), bad=True)
    return _back(next)


@router.post("/messages/{message_id}/resolve")
async def resolve_message(
    request: Request, message_id: uuid.UUID, clock: ClockDep, db: DbDep,
    outcome: Annotated[str, Form()] = "", csrf: Csrf = "", next: Next = "",
) -> Response:  # fmt: skip
    """Settle an in-doubt message as sent (it arrived) or failed (it did not)."""
    web_session.check_csrf(request, csrf)
    if not web_session.is_logged_in(request):
        return to_login(request)
    try:
        async with session_scope(db) as session:
            await messaging_service.resolve_message(
                session, message_id, outcome, clock.now(), by=_who(request)
            )
        flash.push(request, "workshop.resolved_sent" if outcome == "sent" else
                   "workshop.resolved_failed")  # fmt: skip
    except DomainError as exc:
        flash.push(request, _refusal(exc), bad=True)
    return _back(next)
