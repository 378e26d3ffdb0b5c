"""RFC 9457 problem+json errors with a human sentence, for every failure the API returns."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import Scope

from lacak.errors import Conflict, DomainError, Invalid, NotFound

log = logging.getLogger(__name__)

# Re-exported for adapters that build HTTP answers from domain errors.
__all__ = ["Conflict", "DomainError", "Invalid", "NotFound", "install_error_handlers", "problem"]

PROBLEM_JSON = "application/problem+json"
# Methods a 405's `Allow` can list (OPTIONS is answered by no route, so never allowed).
ALLOW_CANDIDATES = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    """A problem+json response."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def _describe_validation(exc: RequestValidationError) -> tuple[str, list[dict[str, Any]]]:
    errors = []
    sentences = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        # Pydantic prefixes our own sentences with "Value error, "; the field name says enough.
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        errors.append({"field": loc, "message": msg})
        sentences.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(sentences) or "The request is not valid.", errors


def install_error_handlers(app: FastAPI) -> None:
    """Make every error leave the API as problem+json."""

    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        response = problem(exc.status, exc.title, exc.detail, **exc.extra)
        response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        detail, errors = _describe_validation(exc)
        return problem(422, "Invalid input", detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = str(exc.detail)
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            # The router names only the first route whose path matched; the client needs
            # every method the path answers (RFC 9110).
            allowed = allowed_methods(request)
            headers["Allow"] = ", ".join(allowed)
            detail = _not_allowed(request.method, allowed)
        response = problem(exc.status_code, _title(exc.status_code), detail)
        for key, value in headers.items():
            response.headers[key] = value
        return response

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    async def _database_unavailable(_: Request, exc: Exception) -> JSONResponse:
        # A locked SQLite file or a lost PostgreSQL connection: the request is rolled back
        # whole, so the client can simply try again.
        log.warning("database unavailable, answering 503: %s", type(exc).__name__)
        response = problem(
            503,
            "Service unavailable",
            "The database is busy or unreachable; nothing was changed. Try again in a moment.",
        )
        response.headers["Retry-After"] = "2"
        return response

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        return problem(500, "Internal error", "Something went wrong on our side; it is logged.")


def allowed_methods(request: Request) -> list[str]:
    """Every method some route answers at this request's path, for a 405's `Allow`."""
    allowed = []
    for method in ALLOW_CANDIDATES:
        # A bare scope: matching must not see (or change) the real request's routing state.
        probe: Scope = {
            "type": "http",
            "method": method,
            "path": request.scope.get("path", ""),
            "root_path": request.scope.get("root_path", ""),
            "headers": [],
            "query_string": b"",
        }
        if any(route.matches(probe)[0] is Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    return allowed


def _not_allowed(method: str, allowed: list[str]) -> str:
    if not allowed:
        return f"{method} is not allowed here."
    return f"{method} is not allowed here; this path answers {', '.join(allowed)}."


def _title(status: int) -> str:
    return {
        401: "Unauthorized",
        403: "Forbidden",
        404: "Not found",
        405: "Method not allowed",
        409: "Conflict",
        413: "Content too large",
        422: "Invalid input",
        429: "Too many requests",
    }.get(status, "Error")
