"""`/healthz` and `/metrics`: open endpoints for load balancers and Prometheus."""

from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from sqlalchemy import text

from lacak.api.deps import DbDep

router = APIRouter(tags=["health"])

HTTP_REQUESTS = Counter(
    "lacak_http_requests_total", "HTTP requests served", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram("lacak_http_request_seconds", "HTTP request latency", ["route"])


@router.get("/healthz")
async def healthz(db: DbDep) -> dict[str, str]:
    """Liveness plus a database round-trip."""
    async with db.engine.connect() as conn:
        await conn.execute(text("SELECT 1"))
    return {"status": "ok", "database": db.dialect}


@router.get("/metrics")
async def metrics() -> Response:
    """Prometheus text exposition."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
