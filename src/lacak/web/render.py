"""Render dashboard pages with the shared layout context and the catalog's wording."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from lacak import i18n
from lacak.i18n.formats import DayStyle, MomentStyle
from lacak.web import session as web_session

TEMPLATES = Path(__file__).parent / "templates"
# (catalog key, active name, path) of every page in the navigation.
NAV = (
    ("nav.overview", "overview", "/dashboard"),
    ("nav.signals", "signals", "/dashboard/signals"),
    ("nav.activity", "activity", "/dashboard/activity"),
    ("nav.workshop", "workshop", "/dashboard/workshop"),
    ("nav.jobs", "jobs", "/dashboard/jobs"),
    ("nav.backups", "backups", "/dashboard/backups"),
)
env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


@pass_context
def _num_filter(ctx: Context, value: float | None, digits: int = 2) -> str:
    return i18n.DASH if value is None else i18n.num(value, ctx["lang"], digits)


@pass_context
def _pct_filter(ctx: Context, value: float | None, digits: int = 1) -> str:
    return i18n.DASH if value is None else i18n.percent(value, ctx["lang"], digits)


env.filters["num"] = _num_filter
env.filters["pct"] = _pct_filter


def alert_reason(reason: str, lang: str) -> tuple[str, str | None]:
    """An alert's reason ("failed: <provider text>") as a phrase, and the detail after it."""
    code, _, detail = reason.partition(":")
    return i18n.label("alert.reason", code.strip(), lang), detail.strip() or None


def helpers(lang: str, tz: tzinfo) -> dict[str, Any]:
    """The catalog lookup and the number/date formatters, bound to the page's language."""

    def t(key: str, /, **values: object) -> str:
        return i18n.t(key, lang, **values)

    def num(value: float | None, digits: int = 2) -> str:
        return i18n.DASH if value is None else i18n.num(value, lang, digits)

    def signed(value: float | None, digits: int = 2) -> str:
        return i18n.DASH if value is None else i18n.signed(value, lang, digits)

    def pct(value: float | None, digits: int = 1) -> str:
        return i18n.DASH if value is None else i18n.percent(value, lang, digits)

    def price(value: float | None) -> str:
        return i18n.DASH if value is None else i18n.price(value, lang)

    def size(value: int | None) -> str:
        return i18n.DASH if value is None else i18n.size(value, lang)

    def day(value: date | str | None, style: DayStyle = "medium") -> str:
        # A string is an ISO date from a figure's key (the cohort month "2026-07" + "-01").
        shown = date.fromisoformat(value) if isinstance(value, str) else value
        return i18n.DASH if shown is None else i18n.day(shown, lang, style)

    def moment(value: datetime | None, style: MomentStyle = "medium") -> str:
        return i18n.DASH if value is None else i18n.moment(value, lang, tz, style)

    def label(group: str, value: str | None) -> str:
        return i18n.label(group, value, lang)

    def failure(code: str | None) -> str:
        return i18n.failure(code, lang)

    def say(phrases: i18n.Phrase | list[i18n.Phrase] | None) -> str:
        return i18n.say(phrases, lang)

    def reason(text: str) -> tuple[str, str | None]:
        return alert_reason(text, lang)

    def known_failure(detail: str | None) -> str | None:
        # Provider prose stays in the tooltip; only a code we can explain is shown.
        key = i18n.failure_key(detail) if detail else None
        return i18n.t(key, lang) if key and key != "failure.unknown" else None

    def job_description(name: str, fallback: str) -> str:
        key = f"job.{name}.description"
        return i18n.t(key, lang) if i18n.has(key) else fallback

    return {
        "t": t, "num": num, "signed": signed, "pct": pct, "price": price, "size": size,
        "day": day, "moment": moment, "label": label, "failure": failure, "say": say,
        "alert_reason": reason, "known_failure": known_failure, "job_description": job_description,
    }  # fmt: skip


def page(
    request: Request,
    template: str,
    title_key: str,
    active: str,
    *,
    title: str | None = None,
    **context: Any,
) -> HTMLResponse:
    """A full page with navigation, language and CSRF token filled in.

    `title_key` names the heading in the catalog; `title` replaces it with data (a name).
    """
    lang = web_session.language(request)
    tz = request.app.state.clock.tz
    html = env.get_template(template).render(
        request=request,
        lang=lang,
        title=title if title is not None else i18n.t(title_key, lang),
        nav=NAV,
        active=active,
        logged_in=web_session.is_logged_in(request),
        csrf=web_session.csrf_token(request),
        **helpers(lang, tz),
        **context,
    )
    return HTMLResponse(html)


def to_login(request: Request) -> RedirectResponse:
    """Send a browser that is not logged in to the login page, remembering where it was."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/dashboard/login?next={quote(target)}", status_code=303)
