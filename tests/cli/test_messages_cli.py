"""`lacak messages list|resend|resolve`, run as an operator would, on both backends."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from lacak.cli.main import app
from lacak.clock import Clock
from lacak.config import get_settings
from lacak.db import Database, session_scope
from lacak.messaging import service
from lacak.messaging.models import Message
from lacak.workshop.models import WhatsappReport
from tests import dbutil
from tests.messaging.helpers import make_pairs, queue_reminders

runner = CliRunner()


@pytest.fixture
def cli_db(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The CLI pointed at the test database (wiped afterwards)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LACAK_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("LACAK_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()
    asyncio.run(dbutil.wipe(database_url))


async def _seed(url: str, statuses: list[str]) -> list[uuid.UUID]:
    db = Database(url)
    try:
        pairs = await make_pairs(db, len(statuses))
        async with session_scope(db) as session:
            await queue_reminders(session, pairs, Clock("Asia/Jakarta").now())
            rows = list(await session.scalars(select(Message).order_by(Message.recipient)))
            for row, status in zip(rows, statuses, strict=True):
                row.status, row.provider = status, "fonnte"
                if status == "in_doubt":
                    row.inflight_at = row.created_at
        return [row.id for row in rows]
    finally:
        await db.dispose()


async def _state(url: str) -> tuple[dict[uuid.UUID, str], int, list[str]]:
    db = Database(url)
    try:
        async with session_scope(db) as session:
            rows = dict((await session.execute(select(Message.id, Message.status))).all())
            freq = await session.scalar(
                select(func.coalesce(func.sum(WhatsappReport.frequency), 0))
            )
            details = [e.detail or "" for mid in rows
                       for e in await service.message_events(session, mid)]  # fmt: skip
        return rows, int(freq or 0), details
    finally:
        await db.dispose()


def test_list_resend_and_resolve_in_doubt_messages(cli_db: str) -> None:
    doubt1, doubt2, doubt3, sent = asyncio.run(
        _seed(cli_db, ["in_doubt", "in_doubt", "in_doubt", "sent"])
    )
    listed = runner.invoke(app, ["messages", "list", "--status", "in_doubt", "--json"])
    assert listed.exit_code == 0, listed.output
    document = json.loads(listed.stdout)
    assert document["total"] == 3 and {m["status"] for m in document["items"]} == {"in_doubt"}
    table = runner.invoke(app, ["messages", "list", "--status", "in_doubt"])
    assert table.exit_code == 0 and "lacak messages resolve" in table.output

    resolved = runner.invoke(app, ["messages", "resolve", str(doubt1), "--sent",
                                         "--note", "customer has it"])  # fmt: skip
    assert resolved.exit_code == 0, resolved.output
    again = runner.invoke(app, ["messages", "resolve", str(doubt1), "--failed"])
    assert again.exit_code == 1 and "Only in-doubt messages" in again.output

    resent = runner.invoke(app, ["messages", "resend", str(doubt2), str(sent)])
    # The sent one is refused with a sentence; the in-doubt one is queued regardless.
    assert resent.exit_code == 1 and "queued" in resent.stdout
    assert "Only failed or in-doubt messages" in resent.output
    everything = runner.invoke(app, ["messages", "resend", "--all-in-doubt", "--json"])
    assert everything.exit_code == 0
    assert [q["id"] for q in json.loads(everything.stdout)["queued"]] == [str(doubt3)]

    statuses, freq, details = asyncio.run(_state(cli_db))
    assert statuses == {doubt1: "sent", doubt2: "queued", doubt3: "queued", sent: "sent"}
    assert freq == 1  # the resolved one, counted once
    assert any("resolved as sent by the CLI" in d and "customer has it" in d for d in details)
    assert sum("in doubt, sent again by the CLI" in d for d in details) == 2


def test_bad_input_is_one_sentence(cli_db: str) -> None:
    cases = [
        (["messages", "list", "--status", "lost"], "--status must be one of"),
        (["messages", "resend"], "Give message ids or --all-in-doubt"),
        (["messages", "resend", "not-an-id"], "is not a message id"),
        (["messages", "resolve", str(uuid.uuid4())], "--sent or --failed"),
        (["messages", "resolve", str(uuid.uuid4()), "--sent"], "No message with id"),
    ]
    for args, sentence in cases:
        result = runner.invoke(app, args)
        assert result.exit_code != 0 and sentence in result.output, (args, result.output)
        assert "Traceback" not in result.output


def test_the_status_list_in_help_is_the_ledgers() -> None:
    # Spelled out in the CLI so `--help` needs no SQLAlchemy; it must not drift.
    from lacak.cli import messages
    from lacak.messaging.models import STATUSES

    assert messages.STATUSES == STATUSES
