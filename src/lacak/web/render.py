"""Render dashboard pages with the shared layout context."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from lacak import i18n
from lacak.web import session as web_session
from lacak.web.i18n import translator

TEMPLATES = Path(__file__).parent / "templates"
NAV = (
    ("overview", "/dashboard"),
    ("signals", "/dashboard/signals"),
    ("activity", "/dashboard/activity"),
    ("workshop", "/dashboard/workshop"),
    ("jobs", "/dashboard/jobs"),
    ("backups", "/dashboard/backups"),
)
env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


def formatters(lang: str) -> dict[str, Any]:
    """Number helpers in the page's language."""

    def num(value: float | None, digits: int = 2) -> str:
        return "–" if value is None else i18n.num(value, lang, digits)

    def signed(value: float | None, digits: int = 2) -> str:
        return "–" if value is None else i18n.signed(value, lang, digits)

    def pct(value: float | None, digits: int = 1) -> str:
        return "–" if value is None else num(value, digits) + "%"

    return {"num": num, "signed": signed, "pct": pct}


def page(
    request: Request, template: str, title_key: str, active: str, **context: Any
) -> HTMLResponse:
    """A full page with navigation, language and CSRF token filled in."""
    lang = web_session.language(request)
    t = translator(lang)
    html = env.get_template(template).render(
        request=request,
        lang=lang,
        t=t,
        title=t.get(title_key, title_key),
        nav=NAV,
        active=active,
        logged_in=web_session.is_logged_in(request),
        csrf=web_session.csrf_token(request),
        **formatters(lang),
        **context,
    )
    return HTMLResponse(html)


def to_login(request: Request) -> RedirectResponse:
    """Send a browser that is not logged in to the login page, remembering where it was."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/dashboard/login?next={quote(target)}", status_code=303)
