"""Dashboard pages contain nothing the Content-Security-Policy would block."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx

from lacak.db import Database, session_scope
from lacak.signals.models import Prompt

PAGES = (
    "/dashboard",
    "/dashboard/login",
    "/dashboard/signals?days=30",
    "/dashboard/activity?days=7",
    "/dashboard/workshop",
    "/dashboard/jobs",
    "/dashboard/backups",
)
# Inline code a `default-src 'self'` policy refuses: style attributes, <style> blocks,
# inline scripts, on* handlers and javascript: links.
INLINE = re.compile(r"""\sstyle\s*=|<style|<script(?![^>]*\ssrc=)|\son[a-z]+\s*=|javascript:""")


async def test_dashboard_markup_has_nothing_the_csp_would_block(
    dash: httpx.AsyncClient, db: Database
) -> None:
    async with session_scope(db) as session:
        # Prompts, so the activity page draws its bars (widths are classes, not styles).
        for i, command in enumerate(("/signal", "/signal", "/price")):
            session.add(
                Prompt(
                    created_at=datetime(2026, 11, 19, 10 + i, tzinfo=UTC), user_id=7,
                    username="ani", command=command, symbol="BTCUSDT",
                )
            )  # fmt: skip
    for path in PAGES:
        response = await dash.get(path)
        assert response.status_code == 200, path
        found = INLINE.findall(response.text)
        assert not found, f"{path}: {found[:3]}"
    activity = (await dash.get("/dashboard/activity?days=7")).text
    assert re.search(r'class="hbar w100"', activity) and re.search(r'class="hbar w50"', activity)
