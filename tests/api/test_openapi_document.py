"""The OpenAPI document: credentials, error shapes, statuses and media types it declares."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from lacak.api.openapi import PROBLEM_JSON
from lacak.api.params import date_pattern
from lacak.app import create_app
from lacak.config import Settings
from tests.conftest import TEST_TOKEN

PROBLEM = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
# Operations that authenticate themselves (or not at all); every other one needs the token.
OPEN = {("get", "/healthz"), ("get", "/metrics")}


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The document the app serves at /openapi.json."""
    var = tmp_path_factory.mktemp("openapi")
    cfg = Settings(  # type: ignore[call-arg]
        _env_file=None, var_dir=var, database_url=f"sqlite+aiosqlite:///{var}/x.db",
        api_token=TEST_TOKEN, scheduler_enabled=False,
    )  # fmt: skip
    return create_app(cfg, start_background=False).openapi()


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, op)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]


def _is_webhook(path: str) -> bool:
    return path.startswith("/webhooks/")


def test_the_bearer_scheme_is_declared_and_required_where_it_is_checked(
    document: dict[str, Any],
) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearer"]["type"] == "http" and schemes["bearer"]["scheme"] == "bearer"
    assert schemes["metricsToken"]["scheme"] == "bearer"
    operations = _operations(document)
    assert len(operations) >= 50
    for method, path, op in operations:
        if (method, path) in OPEN or _is_webhook(path):
            continue
        assert op.get("security") == [{"bearer": []}], f"{method} {path}"
    assert "security" not in document["paths"]["/healthz"]["get"]
    # Optional: needed only when LACAK_METRICS_TOKEN is set.
    assert document["paths"]["/metrics"]["get"]["security"] == [{"metricsToken": []}, {}]
    for method, path, op in operations:
        if _is_webhook(path):
            assert "security" not in op, f"signed webhook {method} {path} must not ask a token"


def test_every_error_is_a_problem_and_fastapis_shape_is_gone(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    assert set(schemas["Problem"]["required"]) == {"type", "title", "status", "detail"}
    assert schemas["ProblemError"]["required"] == ["field", "message"]
    for method, path, op in _operations(document):
        for code, response in op["responses"].items():
            if code == "502" and path == "/backups":
                # The failed run itself, as JSON.
                assert "BackupRunOut" in str(response["content"])
            elif int(code) >= 400:
                assert response["content"] == PROBLEM, f"{method} {path} {code}"
                assert response["description"]


def test_statuses_every_operation_can_answer_are_listed(document: dict[str, Any]) -> None:
    for method, path, op in _operations(document):
        responses = op["responses"]
        assert responses["503"]["headers"]["Retry-After"]["required"] is True, path
        if op.get("security"):
            assert "WWW-Authenticate" in responses["401"]["headers"], f"{method} {path}"
            assert "Retry-After" in responses["429"]["headers"], f"{method} {path}"
        if "requestBody" in op:
            assert {"400", "413", "422"} <= set(responses), f"{method} {path}"
        if any(p["in"] == "path" for p in op.get("parameters", ())):
            assert "404" in responses, f"{method} {path}"
    paths = document["paths"]
    # Route-specific ones.
    assert "409" in paths["/signals"]["post"]["responses"]
    assert "409" in paths["/customers"]["post"]["responses"]
    assert "409" in paths["/vehicles/{vehicle_id}"]["patch"]["responses"]
    assert "409" in paths["/scheduler/jobs/{name}/run"]["post"]["responses"]
    assert {"409", "502"} <= set(paths["/backups"]["post"]["responses"])
    assert "X-Total-Count" in paths["/whatsapp-report/"]["get"]["responses"]["200"]["headers"]


def test_success_media_types_are_the_real_ones(document: dict[str, Any]) -> None:
    paths = document["paths"]
    weekly = paths["/reports/weekly"]["get"]["responses"]["200"]["content"]
    kinds = {"application/json", "text/html", "image/png", "text/plain", "application/pdf"}
    assert set(weekly) == kinds
    assert weekly["application/json"]["schema"] == {"$ref": "#/components/schemas/WeeklyFigures"}
    for kind in ("signals", "prompts", "whatsapp-report", "messages"):
        content = paths[f"/exports/{kind}"]["get"]["responses"]["200"]["content"]
        assert set(content) == {
            "text/csv",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }, kind
    assert set(paths["/metrics"]["get"]["responses"]["200"]["content"]) == {"text/plain"}
    assert "content" not in paths["/customers/{customer_id}"]["delete"]["responses"]["204"]


def _param(document: dict[str, Any], path: str, name: str, method: str = "get") -> Any:
    params = document["paths"][path][method]["parameters"]
    return next(p["schema"] for p in params if p["name"] == name)


def test_parameters_are_typed_as_they_are_checked(document: dict[str, Any]) -> None:
    status = _param(document, "/signals", "status")["anyOf"][0]
    assert status["enum"] == ["OPEN", "CLOSED"]
    assert _param(document, "/signals", "side")["anyOf"][0]["enum"] == ["LONG", "SHORT"]
    assert "1h" in _param(document, "/signals", "timeframe")["anyOf"][0]["enum"]
    given_from = _param(document, "/signals", "from")["anyOf"][:2]
    assert [s["format"] for s in given_from] == ["date", "date-time"]
    assert all(s["pattern"].startswith("^(?:20") for s in given_from)
    days = _param(document, "/signals/stats", "days")["anyOf"][0]
    assert (days["minimum"], days["maximum"]) == (1, 36600)
    assert _param(document, "/vehicles", "customer_id")["anyOf"][0]["format"] == "uuid"
    assert _param(document, "/customers/{customer_id}", "customer_id")["format"] == "uuid"
    week = _param(document, "/reports/weekly", "week")["anyOf"][0]
    assert week["format"] == "date"
    assert week["pattern"] == date_pattern(date(2000, 1, 10), date(2099, 12, 27))
    body = document["components"]["schemas"]
    assert body["SignalIn"]["properties"]["entry"]["maximum"] == 1e12
    assert body["OutcomeIn"]["properties"]["pnl_percent"]["anyOf"][0]["minimum"] == -10_000
    assert body["VisitIn"]["properties"]["odometer"]["anyOf"][0]["maximum"] == 10_000_000
    assert body["CustomerIn"]["properties"]["name"]["maxLength"] == 200
    assert body["VehicleCreate"]["required"] == ["no_pol", "customer_id"]


def test_docs_api_md_explains_how_to_run_the_live_check() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    assert "--checks all" in doc and "--phases examples,coverage,fuzzing" in doc
