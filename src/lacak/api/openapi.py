"""The OpenAPI document tells the truth: every status, media type and credential of an operation.

FastAPI documents each operation's success and its own validation shape
(`HTTPValidationError`), which lacak never sends. `install_openapi(app)` post-processes the
generated document once, by rules that hold for every operation (docs/api.md):

- every error is `application/problem+json` with the `Problem` schema;
- an operation that needs the bearer token (it has a `security` requirement) can answer 401
  and 429 (throttled, `Retry-After`); one whose token is optional (`/metrics`) too;
- every operation can answer 503 (`Retry-After`): they all use the database;
- one that reads a body can answer 413 (and 400 when it is not JSON), one with path ids 404.

Route-specific statuses (409, 502) and success media types stay with their routes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

# The `responses=` argument of a route decorator.
Responses = dict[int | str, dict[str, Any]]
PROBLEM_JSON = "application/problem+json"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": (
        "An RFC 9457 problem: `detail` is one sentence for a person; some problems add "
        "members (e.g. `existing_id` on a 409)."
    ),
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "Always `about:blank`."},
        "title": {"type": "string", "description": "Short summary of the status."},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string", "description": "What went wrong, as a sentence."},
        "errors": {
            "type": "array",
            "description": "One entry per field that broke a rule (422).",
            "items": {"$ref": "#/components/schemas/ProblemError"},
        },
    },
}
PROBLEM_ERROR_SCHEMA: dict[str, Any] = {
    "title": "ProblemError",
    "type": "object",
    "required": ["field", "message"],
    "properties": {
        "field": {"type": "string", "description": "Where: `query.status`, `symbol`, ..."},
        "message": {"type": "string", "description": "The rule it broke."},
    },
}
RETRY_AFTER: dict[str, Any] = {
    "description": "Seconds to wait before trying again.",
    "required": True,
    "schema": {"type": "integer", "minimum": 0},
}
WWW_AUTHENTICATE: dict[str, Any] = {
    "description": "Always `Bearer`.",
    "required": True,
    "schema": {"type": "string"},
}
# FastAPI's validation schemas; lacak answers a validation error with a Problem instead.
FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")
HTTP_VALIDATION_REF = "#/components/schemas/HTTPValidationError"

DESCRIPTIONS = {
    "400": "The body cannot be parsed (not JSON, or not the declared media type).",
    "401": "The bearer token is missing or wrong.",
    "403": "The request is not allowed (see `detail`).",
    "404": "Nothing exists under this path (unknown id or name).",
    "409": "The request clashes with the current state (see `detail`).",
    "413": "The request body is larger than this endpoint accepts.",
    "422": "A value breaks a rule; `errors` names each field.",
    "429": "Too many wrong tokens from this client (or from everyone); see `Retry-After`.",
    "502": "An upstream service failed (see `detail`).",
    "503": "The database is busy or unreachable; nothing was changed. Try again.",
}


def problem_response(status: int | str, description: str | None = None) -> dict[str, Any]:
    """An OpenAPI response object for a problem+json error with `status`."""
    code = str(status)
    response: dict[str, Any] = {
        "description": description or DESCRIPTIONS.get(code, "An error (see `detail`)."),
        "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}},
    }
    if code in ("429", "503"):
        response["headers"] = {"Retry-After": RETRY_AFTER}
    if code == "401":
        response["headers"] = {"WWW-Authenticate": WWW_AUTHENTICATE}
    return response


def _needs_token(operation: dict[str, Any]) -> bool:
    # Required (`[{"bearer": []}]`) or optional (`[{"metricsToken": []}, {}]`): either way a
    # wrong token is refused, and wrong tokens are throttled.
    return any(requirement for requirement in operation.get("security", ()))


def _reads_body(method: str, operation: dict[str, Any]) -> bool:
    # The body limit applies to every request that carries one; a POST or PATCH may carry
    # one even where none is declared (the webhooks read theirs raw).
    return "requestBody" in operation or method in ("post", "put", "patch")


def _has_path_ids(operation: dict[str, Any]) -> bool:
    return any(p.get("in") == "path" for p in operation.get("parameters", ()))


def _has_own_body(response: dict[str, Any]) -> bool:
    # An error that answers with a documented model of its own (POST /backups' 502 is the
    # failed run) keeps it; FastAPI's validation shape and bare declarations do not.
    for media, spec in response.get("content", {}).items():
        schema = spec.get("schema") or {}
        if media != PROBLEM_JSON and schema and schema.get("$ref") != HTTP_VALIDATION_REF:
            return True
    return False


def refine_operation(method: str, operation: dict[str, Any]) -> None:
    """Add the statuses every such operation can answer; make every error a Problem."""
    responses: dict[str, Any] = operation.setdefault("responses", {})
    added: list[int] = [503]
    if _needs_token(operation):
        added += [401, 429]
    if _reads_body(method, operation):
        added.append(413)
    if "requestBody" in operation:
        added.append(400)  # a body that is not JSON at all
    if _has_path_ids(operation):
        added.append(404)
    for status in added:
        responses.setdefault(str(status), {})
    for code, response in responses.items():
        if code[:1] in ("4", "5") and not _has_own_body(response):
            # A route may have named its error (`responses={409: {"description": ...}}`);
            # the shape is the same for all of them.
            refined = problem_response(code, response.get("description"))
            if code == "422" and response.get("description") == "Validation Error":
                refined["description"] = DESCRIPTIONS["422"]
            responses[code] = refined
    operation["responses"] = dict(sorted(responses.items()))


def refine(document: dict[str, Any]) -> dict[str, Any]:
    """Apply the document-wide rules to a generated OpenAPI document (in place)."""
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    schemas["Problem"] = PROBLEM_SCHEMA
    schemas["ProblemError"] = PROBLEM_ERROR_SCHEMA
    components["schemas"] = dict(sorted(schemas.items()))
    for item in document.get("paths", {}).values():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                refine_operation(method, operation)
    return document


def install_openapi(app: FastAPI) -> None:
    """Serve the refined document at /openapi.json (built once, on first request)."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = refine(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
