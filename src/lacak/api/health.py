"""`/healthz` and `/metrics` for load balancers and Prometheus (metrics: optional token)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Request, Response, Security
from fastapi.responses import PlainTextResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from sqlalchemy import text

from lacak.api.deps import DbDep, SettingsDep
from lacak.api.throttle import check_bearer
from lacak.db import Database

router = APIRouter(tags=["health"])

HTTP_REQUESTS = Counter(
    "lacak_http_requests_total", "HTTP requests served", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram("lacak_http_request_seconds", "HTTP request latency", ["route"])
# Label values come from this closed set (or the route table): a client inventing methods
# or paths must not be able to create new time series.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"

# Gauges read from the database at scrape time (so every process reports the shared
# state, not its own view); domains append their refresher in the composition root.
MetricsRefresher = Callable[[Database], Awaitable[None]]
REFRESHERS: list[MetricsRefresher] = []


@router.get("/healthz")
async def healthz(db: DbDep) -> dict[str, str]:
    """Liveness plus a database round-trip (503 when the database does not answer)."""
    async with db.engine.connect() as conn:
        await conn.execute(text("SELECT 1"))
    return {"status": "ok", "database": db.dialect}


# Documents the optional token (`security: [{metricsToken: []}, {}]`); the check is below.
METRICS_BEARER = HTTPBearer(
    scheme_name="metricsToken",
    description="`Authorization: Bearer <LACAK_METRICS_TOKEN>`, needed only when it is set.",
    auto_error=False,
)


@router.get(
    "/metrics",
    response_class=PlainTextResponse,
    responses={
        200: {
            "description": "Prometheus text exposition format",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        },
        401: {"description": "LACAK_METRICS_TOKEN is set and the bearer token is missing or wrong"},
        429: {"description": "Too many wrong tokens from this client; see Retry-After"},
    },
    # An empty requirement: without LACAK_METRICS_TOKEN no token is needed.
    openapi_extra={"security": [{}]},
)
async def metrics(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    _declared: Annotated[HTTPAuthorizationCredentials | None, Security(METRICS_BEARER)],
) -> Response:
    """Prometheus text exposition (bearer LACAK_METRICS_TOKEN when set); gauges refreshed first."""
    expected = settings.metrics_token.get_secret_value() if settings.metrics_token else ""
    if expected:
        await check_bearer(request, expected, "LACAK_METRICS_TOKEN")
    for refresh in REFRESHERS:
        await refresh(db)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def method_label(method: str) -> str:
    """The request method as a metrics label: a known method, else `OTHER`."""
    return method if method in KNOWN_METHODS else "OTHER"


def route_label(route: object) -> str:
    """The matched route's path template as a label; one label for every unmatched path."""
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED


def observe(method: str, route: object, status: int, seconds: float) -> None:
    """Count one served request with bounded labels."""
    path = route_label(route)
    status_label = str(status) if 100 <= status <= 599 else "other"
    HTTP_REQUESTS.labels(method_label(method), path, status_label).inc()
    HTTP_LATENCY.labels(path).observe(seconds)
