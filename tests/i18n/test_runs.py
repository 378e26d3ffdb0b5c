"""A job run's summary and error read as words: every key a job writes has its phrase."""

from __future__ import annotations

import ast
import dataclasses
from datetime import date
from zoneinfo import ZoneInfo

from lacak import i18n
from lacak.i18n import runs
from lacak.messaging.schemas import DispatchSummary
from lacak.retention.service import RetentionSummary
from lacak.signals import evaluate
from lacak.signals.outages import OutageReport
from lacak.workshop.reminders import SKIP_REASONS, ReminderRunSummary
from tests.i18n.sources import SRC

TZ = ZoneInfo("Asia/Jakarta")


def _literal_keys(path: str) -> set[str]:
    """Keys of the dict literals a module's functions return (a job's summary)."""
    keys: set[str] = set()
    for node in ast.walk(ast.parse((SRC / path).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Dict):
            keys |= {k.value for k in node.value.keys if isinstance(k, ast.Constant)}
    return keys


def _summary_keys() -> set[str]:
    """Every name a scheduled job (lacak.*.tasks) can write into its run's summary."""
    keys = {"result"}  # what the runner stores when a job returns a non-mapping
    for tasks in ("backup/tasks.py", "reports/tasks.py", "signals/tasks.py"):
        keys |= _literal_keys(tasks)
    keys |= _literal_keys("signals/evaluate_job.py")  # skipped, retry_at
    keys |= set(DispatchSummary.model_fields)
    keys |= {f.name for f in dataclasses.fields(RetentionSummary)}
    keys |= set(ReminderRunSummary(day=date(2026, 11, 20), dry_run=False).as_dict())
    keys |= set(SKIP_REASONS)  # nested under `skipped`
    keys |= set(evaluate.new_summary()) | {"unreachable"}
    keys |= {f.name for f in dataclasses.fields(OutageReport)}  # nested under `unreachable`
    return keys


def test_every_summary_key_a_job_writes_has_a_phrase() -> None:
    keys = _summary_keys()
    assert {"sent", "backup_id", "files_written", "WIN", "opted_out", "retry_at"} <= keys
    assert sorted(k for k in keys if not i18n.has(runs.SUMMARY + k)) == []


def test_summaries_read_as_words_and_numbers_of_the_language() -> None:
    summary = {
        "sent": 1500, "day": "2026-11-20", "retry_at": "2026-11-20T13:05:00+00:00",
        "skipped": {"opted_out": 2, "inactive": 0}, "files": ["a.jsonl", "b.jsonl"],
        "warnings": None, "dry_run": True, "ratio": 0.5, "brand_new_count": 3,
    }  # fmt: skip
    assert runs.summary_items(summary, "id", TZ) == [
        ("Terkirim", "1.500"), ("Hari", "20 Nov 2026"), ("Coba lagi pada", "20 Nov 2026 20:05"),
        ("Dilewati", "Berhenti berlangganan (2), Tidak aktif (0)"),
        ("File", "a.jsonl, b.jsonl"), ("Peringatan", i18n.DASH), ("Uji coba", "ya"),
        ("ratio", "0,50"), ("brand new count", "3"),
    ]  # fmt: skip
    line = runs.summary_line({"sent": 1500, "prompts": {"2026-11-19": 4}}, "en")
    assert line == "Sent: 1,500, Prompts: 19 Nov 2026 (4)"
    # Without the business timezone an instant is left as stored, not guessed.
    assert runs.summary_value("2026-11-20T13:05:00+00:00", "en") == "2026-11-20T13:05:00+00:00"
    assert runs.summary_items(None, "id") == []


def test_run_errors_are_worded_and_keep_the_cause() -> None:
    skipped = "skipped: backup was already running (run #3)"
    assert runs.error_text(skipped, "id") == i18n.t("job.error.skipped", "id")
    assert runs.error_detail(skipped) is None  # the phrase says it all; tooltip only
    died = "interrupted: process 12 on host ended mid-run"
    assert runs.error_text(died, "en") == "Interrupted: the process running it stopped midway."
    assert runs.error_text("cancelled: service stopped", "en").startswith("Cancelled")
    boom = "RuntimeError: backup 2026-11-20 failed: disk full"
    assert runs.error_text(boom, "id") == "Job gagal karena kesalahan:"
    assert runs.error_detail(boom) == boom
    assert runs.error_text(None, "id") is None and runs.error_detail("") is None
