"""Schemathesis: every documented operation, fed generated input, never answers with a 5xx."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from sqlalchemy.pool import NullPool

from lacak.app import create_app
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database
from tests import dbutil
from tests.conftest import FIXED_NOW, TEST_TOKEN

AUTH = {"Authorization": f"Bearer {TEST_TOKEN}"}


@pytest.fixture
def api_schema(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The app's own OpenAPI schema, served by the real app on the test SQLite file."""
    # Anything a generated request makes the server write lands in the temp folder.
    monkeypatch.chdir(tmp_path)
    cfg = Settings(  # type: ignore[call-arg]
        _env_file=None, var_dir=tmp_path, database_url=sqlite_url, api_token=TEST_TOKEN,
        scheduler_enabled=False,
    )  # fmt: skip
    # Each schemathesis call runs the app in a fresh event loop: no pooled connections.
    db = Database(sqlite_url, poolclass=NullPool)
    app = create_app(cfg, clock=Clock("Asia/Jakarta", now=FIXED_NOW), db=db, start_background=False)
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    # Generated requests created rows; later tests share this file and expect it empty.
    asyncio.run(db.dispose())
    asyncio.run(dbutil.wipe(sqlite_url))


def test_no_operation_answers_with_a_server_error(api_schema: Any) -> None:
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 40, "the schema lost its operations"
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=int(os.environ.get("LACAK_FUZZ_EXAMPLES", "3")),
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case: Any) -> None:
            response = case.call(headers=AUTH)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.text[:200]}")

        call()
    assert not failures, "\n".join(failures)
