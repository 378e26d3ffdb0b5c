"""Every dashboard page survives boundary and hostile query values (both backends): never a 500."""

from __future__ import annotations

import uuid

import httpx
import pytest

from lacak.exports import filters as export_filters

pytestmark = pytest.mark.hostile

COMMON = ("lang", "offset", "days", "from", "to")
# Each page with the query names it reads (plus COMMON, which every page must survive).
PAGES: dict[str, tuple[str, ...]] = {
    "/dashboard": (),
    "/dashboard/signals": ("symbol", "timeframe", "side", "source"),
    "/dashboard/activity": (),
    "/dashboard/workshop": ("q", "urgency", "months", "due_offset"),
    f"/dashboard/customers/{uuid.UUID(int=7)}": (),
    "/dashboard/jobs": ("job",),
    "/dashboard/backups": (),
    **{
        f"/dashboard/export/{kind.replace('_', '-')}": ("format", *sorted(names))
        for kind, names in export_filters.NAMES.items()
    },
}
# Already URL-encoded: NUL, a lone surrogate's UTF-8-style bytes, bytes that are not UTF-8.
VALUES = (
    "0001-01-01", "9999-12-31", "0001-01-01T00:00:00", "9999-12-31T23:59:59", "0", "-1",
    "1e9", "1e20", "99999999999999999999", "%C2%B2", "NaN", "%00", "a%00b", "%ED%A0%80",
    "%FF%FE", "x" * 5000, "", "%20",
)  # fmt: skip


async def test_no_page_answers_a_boundary_value_with_a_server_error(
    dash: httpx.AsyncClient,
) -> None:
    failures = []
    for path, names in PAGES.items():
        for name in (*COMMON, *names):
            for value in VALUES:
                url = f"{path}?{name}={value}"
                response = await dash.get(url)
                if response.status_code >= 500:
                    failures.append(f"{response.status_code} {url[:120]}")
    assert not failures, "\n".join(failures[:40])


async def test_out_of_range_dates_are_explained_on_the_page(dash: httpx.AsyncClient) -> None:
    for path in ("/dashboard/signals", "/dashboard/activity", "/dashboard/workshop"):
        response = await dash.get(f"{path}?from=0001-01-01&lang=en")
        assert response.status_code == 200, path
        assert "outside the dates lacak keeps" in response.text, path


async def test_a_customer_id_that_is_not_a_uuid_is_not_found(dash: httpx.AsyncClient) -> None:
    for raw in ("not-a-uuid", "%00", "1" * 500):
        response = await dash.get(f"/dashboard/customers/{raw}")
        assert response.status_code in (404, 422), raw
