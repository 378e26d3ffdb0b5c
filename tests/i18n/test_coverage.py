"""Code and catalog agree: every key the code names exists, every enum value has a phrase."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from typing import get_args

import pytest

from lacak import i18n
from lacak.backup.models import STATUSES as BACKUP_STATUSES
from lacak.i18n.catalog import load
from lacak.messaging.models import STATUSES as MESSAGE_STATUSES
from lacak.messaging.providers.cloud import PERMANENT_NAMES, RETRYABLE_CODES
from lacak.reports.analysis import AVG_PNL_GRADES, WINRATE_GRADES
from lacak.reports.delivery import KIND as REPORT_KIND
from lacak.scheduler.models import STATUSES as JOB_STATUSES
from lacak.scheduler.registry import discover_jobs
from lacak.signals.models import RESULTS
from lacak.signals.schemas import STATUSES as SIGNAL_STATUSES
from lacak.web.pages_workshop import URGENCIES
from lacak.workshop.alerts import REMINDER as REMINDER_KIND
from lacak.workshop.alerts import AlertKind
from tests.i18n.sources import SRC, literal_keys, python_files

# Groups the code looks up with a value it only knows at run time (label(), f-strings);
# each is checked for completeness below, so their keys count as used.
DYNAMIC = (
    "result.", "status.", "trigger.", "urgency.", "message.status.", "message.kind.",
    "alert.reason.", "alert.too_many", "alert.never_reached", "failure.", "advice.winrate_",
    "advice.pnl_", "stat.symbol", "stat.timeframe", "job.field.",
)  # fmt: skip


JOB_DESCRIPTION = re.compile(r"^job\.\w+\.description$")  # render.job_description


def _missing(group: str, values: Iterable[str]) -> list[str]:
    return [v for v in values if not i18n.has(f"{group}.{v}")]


def test_every_key_named_in_code_or_templates_exists() -> None:
    entries = load().entries
    prefixes = {k.rsplit(".", i)[0] for k in entries for i in range(1, k.count(".") + 1)}
    unknown = [
        f"{where}: {key}"
        for where, key in literal_keys()
        if key not in entries and key not in prefixes and not key.endswith(".html")
    ]
    assert unknown == []


def test_every_phrase_is_used() -> None:
    used = {key for _, key in literal_keys()}
    unused = [
        k
        for k in load().entries
        if k not in used and not k.startswith(DYNAMIC) and not JOB_DESCRIPTION.match(k)
    ]
    assert unused == []


def test_enum_values_shown_to_readers_have_phrases() -> None:
    assert _missing("result", [*RESULTS, *SIGNAL_STATUSES]) == []
    assert _missing("status", [*JOB_STATUSES, *BACKUP_STATUSES]) == []
    assert _missing("message.status", MESSAGE_STATUSES) == []
    assert _missing("message.kind", [REMINDER_KIND, REPORT_KIND]) == []
    assert _missing("urgency", URGENCIES) == []
    assert _missing("alert", get_args(AlertKind)) == []
    assert _missing("alert.reason", ["not_sent", "opted_out", "invalid_phone", "failed",
                                     "in_doubt"]) == []  # fmt: skip
    grades = [name for _, name in WINRATE_GRADES] + ["poor"]
    assert _missing("advice", [f"winrate_{g}" for g in grades]) == []
    pnl = [name for _, name in AVG_PNL_GRADES] + ["negative"]
    assert _missing("advice", [f"pnl_{g}" for g in pnl]) == []


def _backup_triggers() -> set[str]:
    """Every `trigger=` a backup is started with, and the scheduled job's two."""
    found = {"manual", "schedule"}
    for path in python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.keyword)
                and node.arg == "trigger"
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                found.add(node.value.value)
    return found


def test_every_backup_trigger_has_a_phrase() -> None:
    triggers = _backup_triggers()
    assert {"dashboard", "bot", "api"} <= triggers
    assert _missing("trigger", sorted(triggers)) == []


def test_every_job_describes_itself_in_both_languages() -> None:
    jobs = discover_jobs()
    assert "evaluate_signals" in jobs and "backup" in jobs
    assert _missing("job", [f"{name}.description" for name in jobs]) == []


def _provider_codes() -> set[str]:
    """First arguments of every Permanent(...)/Retryable(...) written as a literal."""
    codes: set[str] = set()
    for path in (SRC / "messaging").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("Permanent", "Retryable")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                codes.add(node.args[0].value)
    return codes


def test_every_provider_failure_code_is_explained() -> None:
    codes = _provider_codes()
    assert {"bad_token", "network", "timeout", "no_provider"} <= codes
    codes |= {f"{number}:{name}" for number, name in PERMANENT_NAMES.items()}
    codes |= {str(number) for number in [*PERMANENT_NAMES, *RETRYABLE_CODES]}
    codes.add("resolved_failed")  # set by the dashboard's "it did not arrive"
    assert sorted(c for c in codes if i18n.failure_key(c) is None) == []


@pytest.mark.parametrize("lang", ["id", "en"])
def test_failure_phrases_differ_per_language(lang: str) -> None:
    other = "en" if lang == "id" else "id"
    assert i18n.failure("131026", lang) != i18n.failure("131026", other)
