"""Schemathesis with every check, in-process: the OpenAPI document tells the truth.

The same engine as `schemathesis run --checks all --phases examples,coverage,fuzzing`
(docs/api.md), driven against the ASGI app: every operation gets its documented examples,
the coverage phase's boundary and negative cases (undeclared methods, missing parameters,
values just outside each bound) and a few fuzzed cases. Any failing check fails the test,
except the few findings docs/api.md justifies (rules JSON Schema cannot state), and those
only when the server's own sentence shows that rule was the reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema
from schemathesis.python import asgi

from lacak.app import create_app
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database
from tests import dbutil
from tests.conftest import FIXED_NOW, TEST_TOKEN

# Two halves, so xdist can run them side by side; together they are every operation.
SIGNAL_SIDE = r"^/(signals|prompts|reports)"
# Checks the run must have exercised, or "all checks" would be an empty promise.
REQUIRED_CHECKS = {
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "missing_required_header",
    "unsupported_method",
    "ignored_auth",
}


@dataclass(frozen=True)
class Known:
    """A finding docs/api.md justifies: a rule the document cannot express."""

    check: str
    operations: tuple[str, ...]
    # Words of the server's 422 sentence that name the rule.
    words: tuple[str, ...]


SIGNAL_WRITES = ("POST /signals", "POST /prompts", "POST /signals/{signal_id}/outcome")
WORKSHOP_WRITES = (
    "POST /customers",
    "PATCH /customers/{customer_id}",
    "POST /customers/{customer_id}/vehicles",
    "POST /vehicles",
    "PATCH /vehicles/{vehicle_id}",
    "POST /vehicles/{vehicle_id}/visits",
)
STATS = ("GET /signals/stats", "GET /prompts/stats")
KNOWN = (
    # Ceilings that move with the clock.
    Known("positive_data_acceptance", SIGNAL_WRITES, ("more than a day after now",)),
    Known(
        "positive_data_acceptance",
        WORKSHOP_WRITES,
        ("to today (", "to tomorrow (", "years from today (", "to next year ("),
    ),
    # A plate's stored length counts after spaces are squeezed and letters upper-cased.
    Known("positive_data_acceptance", WORKSHOP_WRITES, ("(spaces normalised)",)),
    # Rules between fields or parameters.
    Known("positive_data_acceptance", ("POST /signals",), ("For a LONG", "For a SHORT")),
    Known("positive_data_acceptance", STATS, ("not both", "is after date_to")),
    Known(
        "positive_data_acceptance",
        ("POST /signals/{signal_id}/outcome",),
        ("is before the signal was given", "gives a PnL of"),
    ),
)


def _known(check: str, operation: str, body: str) -> bool:
    return any(
        k.check == check and operation in k.operations and any(w in body for w in k.words)
        for k in KNOWN
    )


@pytest.fixture
def app_schema(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The app's own document, served in-process by the real app on a test database."""
    # Anything a generated request makes the server write lands in the temp folder.
    monkeypatch.chdir(tmp_path)
    cfg = Settings(  # type: ignore[call-arg]
        _env_file=None, var_dir=tmp_path, database_url=database_url, api_token=TEST_TOKEN,
        scheduler_enabled=False, auth_max_failures=0, auth_global_max_failures=0,
    )  # fmt: skip
    # No throttle: `ignored_auth` sends wrong tokens on purpose, and must keep getting 401s.
    app = create_app(
        cfg, clock=Clock("Asia/Jakarta", now=FIXED_NOW), db=Database(database_url),
        start_background=False,
    )  # fmt: skip
    config = SchemathesisConfig.from_dict(
        {
            "seed": 20261120,
            # Not a speed check: on a loaded 2-core box a full export under test can take
            # longer than the default 10 s; only a hang should fail here.
            "request-timeout": 600,
            "suppress-health-check": ["all"],
            "headers": {"Authorization": f"Bearer {TEST_TOKEN}"},
            "generation": {"max-examples": 2, "deterministic": True},
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": True},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": False},
            },
        }
    )
    yield schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
    # Schemathesis keeps the app's lifespan open on its own event loop; ending it there
    # closes the app's database connections.
    asgi.shutdown_lifespans()
    # Generated requests created rows; later tests on this database expect it empty.
    asyncio.run(dbutil.wipe(database_url))


def _run(schema: Any) -> tuple[list[str], set[str], int, int]:
    """Failures (beyond the known ones), checks seen, operations and cases run."""
    problems: list[str] = []
    seen: set[str] = set()
    operations: set[str] = set()
    cases = 0
    for event in from_schema(schema).execute():
        if isinstance(event, events.NonFatalError | events.FatalError):
            label = getattr(event, "label", "")
            value = getattr(event, "value", None) or getattr(event, "exception", None)
            problems.append(f"{label}: error {value!r}")
        if not isinstance(event, events.ScenarioFinished):
            continue
        recorder = event.recorder
        operations.add(recorder.label)
        cases += len(recorder.cases)
        for case_id, checks in recorder.checks.items():
            for check in checks:
                seen.add(check.name)
                if check.failure_info is None:
                    continue
                interaction = recorder.interactions.get(case_id)
                response = interaction.response if interaction is not None else None
                body = (response.content or b"").decode("utf-8", "replace") if response else ""
                if _known(check.name, recorder.label, body):
                    continue
                problems.append(
                    f"{recorder.label} {check.name}: {check.failure_info.failure.title}\n"
                    f"  {check.failure_info.code_sample}\n  -> {body[:300]}"
                )
    return problems, seen, len(operations), cases


@pytest.mark.parametrize("half", ["signals", "rest"])
def test_every_check_passes_on_every_operation(app_schema: Any, half: str) -> None:
    if half == "signals":
        schema = app_schema.include(path_regex=SIGNAL_SIDE)
    else:
        schema = app_schema.exclude(path_regex=SIGNAL_SIDE)
    problems, seen, operations, cases = _run(schema)
    assert operations >= 5, f"only {operations} operations ran: the schema lost some"
    assert cases > 30 * operations, f"only {cases} cases for {operations} operations"
    assert seen >= REQUIRED_CHECKS, f"checks never run: {sorted(REQUIRED_CHECKS - seen)}"
    assert not problems, f"{len(problems)} failing checks:\n" + "\n".join(problems[:40])


def test_known_findings_are_the_documented_ones() -> None:
    # Every exception the test tolerates is written down, with its reason, in docs/api.md.
    text = (Path(__file__).parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    doc = " ".join(text.split())  # Markdown wraps lines anywhere
    for known in KNOWN:
        for words in known.words:
            assert words in doc, f"docs/api.md does not explain {words!r}"
