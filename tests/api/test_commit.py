"""The request transaction commits before the response: no success for an uncommitted write."""

from __future__ import annotations

import sqlite3
from typing import Any

import httpx
import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError

from lacak.app import create_app
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database
from tests.conftest import TEST_TOKEN

pytestmark = pytest.mark.hostile

SIGNAL = {"symbol": "BTCUSDT", "timeframe": "1h", "entry": 100, "tp1": 110, "tp2": 120, "sl": 90}


def _failing_commit(*_: Any) -> None:
    # What a locked SQLite file or a dropped PostgreSQL connection raises at COMMIT.
    raise OperationalError("COMMIT", None, sqlite3.OperationalError("database is locked"))


async def test_a_failed_commit_is_a_503_and_stores_nothing(
    client: httpx.AsyncClient, db: Database
) -> None:
    event.listen(db.engine.sync_engine, "commit", _failing_commit)
    try:
        response = await client.post("/signals", json=SIGNAL)
    finally:
        event.remove(db.engine.sync_engine, "commit", _failing_commit)
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["retry-after"] == "2"
    assert "nothing was stored" in response.json()["detail"]
    listed = await client.get("/signals")
    assert listed.json()["total"] == 0


@pytest.mark.postgres
async def test_a_commit_refused_by_postgresql_is_a_503(
    client: httpx.AsyncClient, db: Database
) -> None:
    if db.dialect != "postgresql":
        pytest.skip("deferred constraint triggers are PostgreSQL's")
    ddl = (
        "CREATE FUNCTION lacak_test_refuse() RETURNS trigger AS $$ BEGIN "
        "RAISE EXCEPTION 'refused at commit'; END $$ LANGUAGE plpgsql",
        "CREATE CONSTRAINT TRIGGER lacak_test_at_commit AFTER INSERT ON signals "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION lacak_test_refuse()",
    )
    async with db.engine.begin() as conn:
        for statement in ddl:
            await conn.execute(text(statement))
    try:
        response = await client.post("/signals", json=SIGNAL)
    finally:
        async with db.engine.begin() as conn:
            await conn.execute(text("DROP TRIGGER lacak_test_at_commit ON signals"))
            await conn.execute(text("DROP FUNCTION lacak_test_refuse()"))
    assert response.status_code == 503
    assert (await client.get("/signals")).json()["total"] == 0


async def test_the_commit_happens_before_the_response_starts(
    settings: Settings, clock: Clock, db: Database
) -> None:
    app = create_app(settings, clock=clock, db=db, start_background=False)
    started: list[str] = []
    commits: list[bool] = []

    async def watch(scope: Any, receive: Any, send: Any) -> None:
        async def watched(message: Any) -> None:
            if message["type"] == "http.response.start":
                started.append(scope["path"])
            await send(message)

        await app(scope, receive, watched)

    def on_commit(*_: Any) -> None:
        commits.append(bool(started))  # True would mean: the client already has its answer

    event.listen(db.engine.sync_engine, "commit", on_commit)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=watch),
            base_url="http://lacak.test",
            headers={"Authorization": f"Bearer {TEST_TOKEN}"},
        ) as http:
            made = await http.post("/signals", json=SIGNAL)
    finally:
        event.remove(db.engine.sync_engine, "commit", on_commit)
    assert made.status_code == 201
    assert commits and not any(commits), commits


async def test_a_database_that_stops_answering_mid_request_is_a_503(
    client: httpx.AsyncClient, db: Database
) -> None:
    def unreachable(*_: Any) -> None:
        raise OperationalError("SELECT", None, sqlite3.OperationalError("unable to open"))

    event.listen(db.engine.sync_engine, "before_cursor_execute", unreachable)
    try:
        response = await client.get("/signals")
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", unreachable)
    assert response.status_code == 503
    assert response.headers["retry-after"] == "2"
    assert "Try again" in response.json()["detail"]
