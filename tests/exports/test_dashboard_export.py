"""Dashboard downloads: session login required, page filters applied, link on the page."""

from __future__ import annotations

import csv
import io

import httpx

from lacak.db import Database
from tests.exports.test_exports_api import _seed_signals
from tests.web.conftest import anon, dash, dash_app  # noqa: F401 (fixtures)


async def test_logged_out_is_sent_to_login(anon: httpx.AsyncClient) -> None:  # noqa: F811
    response = await anon.get("/dashboard/export/signals?format=csv")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/dashboard/login")


async def test_download_uses_the_page_filters(
    dash: httpx.AsyncClient,  # noqa: F811
    db: Database,
) -> None:
    await _seed_signals(db, 40)
    page = await dash.get("/dashboard/signals?symbol=ETHUSDT&days=7&offset=0")
    assert "/dashboard/export/signals?format=csv&amp;symbol=ETHUSDT" in page.text
    response = await dash.get(
        "/dashboard/export/signals?format=csv&symbol=ETHUSDT&days=7&offset=50&lang=en"
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.text)))
    assert len(rows) == 21 and {r[4] for r in rows[1:]} == {"ETHUSDT"}
    xlsx = await dash.get("/dashboard/export/whatsapp-report?format=xlsx&q=x")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert (await dash.get("/dashboard/export/nothing?format=csv")).status_code == 422
    assert (await dash.get("/dashboard/export/signals?format=pdf")).status_code == 422
