"""`lacak signals import-legacy` / `export-legacy` end to end through Typer."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database
from tests.conftest import FIXED_NOW, SHARED_DATA

SAMPLE = SHARED_DATA / "legacy-signals"


async def _invoke(*args: str) -> Any:
    from lacak.cli.main import app

    # The CLI runs its own event loop, so it must not run on the test's loop. English: the
    # assertions read the CLI's lines in English.
    return await asyncio.to_thread(CliRunner().invoke, app, ["--lang", "en", *args])


async def test_import_and_export_commands(
    db: Database, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lacak.cli import common, signals_legacy

    monkeypatch.setattr(common, "get_settings", lambda: settings)
    monkeypatch.setattr(signals_legacy, "clock", lambda cfg: Clock(cfg.timezone, now=FIXED_NOW))
    folder = tmp_path / "old"
    folder.mkdir()
    for path in SAMPLE.glob("*.jsonl"):
        (folder / path.name).write_bytes(path.read_bytes())
    with (folder / "prompts_2026-11-20.jsonl").open("a") as handle:
        handle.write("{broken\n")

    first = await _invoke("signals", "import-legacy", str(folder))
    assert first.exit_code == 0, first.output
    assert "prompts_2026-11-20.jsonl:17: not valid JSON" in first.stdout
    assert "prompts 300 added" in first.stdout and "signals 60 added" in first.stdout

    again = await _invoke("signals", "import-legacy", str(folder), "--json")
    assert again.exit_code == 0, again.output
    doc = json.loads(again.stdout)
    assert doc["prompts_added"] == 0 and doc["signals_added"] == 0
    assert doc["errors"] == ["prompts_2026-11-20.jsonl:17: not valid JSON (Expecting property "
                             "name enclosed in double quotes at column 2)"]  # fmt: skip

    out = tmp_path / "out"
    exported = await _invoke("signals", "export-legacy", str(out))
    assert exported.exit_code == 0, exported.output
    assert "300 prompts, 14 active and 46 completed" in exported.stdout
    for path in SAMPLE.glob("*.jsonl"):
        assert (out / path.name).read_bytes() == path.read_bytes()

    missing = await _invoke("signals", "import-legacy", str(tmp_path / "nope"))
    assert missing.exit_code == 1 and "does not exist" in " ".join(missing.output.split())
