"""RFC 9457 problem+json errors with a human sentence, for every failure the API returns."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"


class DomainError(Exception):
    """A business-rule failure a service raises; adapters turn it into HTTP 4xx or a CLI line."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(DomainError):
    """The thing asked for does not exist."""

    status = 404
    title = "Not found"


class Conflict(DomainError):
    """The request clashes with the current state (duplicate, already closed...)."""

    status = 409
    title = "Conflict"


class Invalid(DomainError):
    """Well-formed request whose values break a rule."""

    status = 422
    title = "Invalid input"


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    """A problem+json response."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def _describe_validation(exc: RequestValidationError) -> tuple[str, list[dict[str, Any]]]:
    errors = []
    sentences = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        msg = str(err.get("msg", "invalid"))
        errors.append({"field": loc, "message": msg})
        sentences.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(sentences) or "The request is not valid.", errors


def install_error_handlers(app: FastAPI) -> None:
    """Make every error leave the API as problem+json."""

    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        return problem(exc.status, exc.title, exc.detail, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        detail, errors = _describe_validation(exc)
        return problem(422, "Invalid input", detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        response = problem(exc.status_code, _title(exc.status_code), str(exc.detail))
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        return problem(500, "Internal error", "Something went wrong on our side; it is logged.")


def _title(status: int) -> str:
    return {
        401: "Unauthorized",
        403: "Forbidden",
        404: "Not found",
        405: "Method not allowed",
        409: "Conflict",
        422: "Invalid input",
    }.get(status, "Error")
