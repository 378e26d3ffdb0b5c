"""The job list from the composition root: every documented job; a missing part fails loudly."""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

import pytest

from lacak import jobs as job_list
from lacak.app import create_app
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database
from lacak.scheduler import runtime
from lacak.scheduler.registry import discover_jobs
from tests.scheduler.jobkit import Recorder, spec

DOC = Path(__file__).resolve().parents[2] / "docs" / "scheduler.md"
# A row of the "## Jobs" table: | `name` | `LACAK_CRON_…` | `default cron` |
ROW = re.compile(r"^\| `([a-z_]+)` \| `(LACAK_CRON_[A-Z_]+)` \| `([^`]+)` \|$")


def _documented() -> dict[str, tuple[str, str]]:
    section = DOC.read_text(encoding="utf-8").split("## Jobs\n", 1)[1].split("\n## ", 1)[0]
    rows = [ROW.match(line) for line in section.splitlines() if line.startswith("| `")]
    assert all(rows), "a row of the Jobs table in docs/scheduler.md does not parse"
    return {m.group(1): (m.group(2), m.group(3)) for m in rows if m}


def test_job_list_is_exactly_the_documented_jobs() -> None:
    documented = _documented()
    jobs = job_list.all_jobs()
    assert len(documented) >= 7
    assert set(jobs) == set(documented)
    for name, (variable, default) in documented.items():
        setting = jobs[name].cron_setting
        assert variable == f"LACAK_{setting.upper()}", name
        assert Settings.model_fields[setting].default == default, name


def test_scheduler_default_is_the_composition_roots_list() -> None:
    assert list(discover_jobs()) == list(job_list.all_jobs())


def test_a_name_declared_twice_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    twice = [spec("same", Recorder()), spec("same", Recorder())]
    monkeypatch.setattr(job_list, "DECLARED", (twice,))
    with pytest.raises(ValueError, match="'same' is declared twice"):
        job_list.all_jobs()


@pytest.mark.parametrize(
    ("root", "part"),
    [
        ("lacak.jobs", "lacak.reports.tasks"),
        ("lacak.app", "lacak.retention.tasks"),
        ("lacak.app", "lacak.exports.router"),
        ("lacak.app", "lacak.messaging.runtime"),
    ],
)
def test_a_missing_part_fails_at_import(
    monkeypatch: pytest.MonkeyPatch, root: str, part: str
) -> None:
    parent, _, leaf = part.rpartition(".")
    # As if the module were not installed: None in sys.modules makes its import fail.
    monkeypatch.delattr(importlib.import_module(parent), leaf)
    monkeypatch.setitem(sys.modules, part, None)
    for cached in {root, "lacak.jobs"}:
        monkeypatch.delitem(sys.modules, cached)
    with pytest.raises(ModuleNotFoundError) as failure:
        importlib.import_module(root)
    assert failure.value.name == part


async def test_app_hands_its_job_list_to_the_scheduler(settings: Settings, db: Database) -> None:
    app = create_app(settings, clock=Clock(), db=db, start_background=False)
    assert set(app.state.jobs) == set(job_list.all_jobs())
    # No runner placed by a test: the scheduler builds one over the app's list.
    app.state.jobs = {"only": spec("only", Recorder())}
    assert list(runtime.get_runner(app).jobs) == ["only"]
