"""Every failing command prints one sentence and exits non-zero; `--debug` shows the trace."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from lacak.cli.errors import describe, run
from lacak.errors import Invalid

pytestmark = pytest.mark.hostile

LACAK = str(Path(sys.executable).parent / "lacak")
HOSTILE = (
    ["signals", "stats", "--from", "0001-01-01"],
    ["signals", "stats", "--days", "1000000000"],
    ["signals", "delete", "nope", "--reason", "not there"],
    ["reminders", "run", "--date", "9999-12-31", "--dry-run"],
    ["signals", "import-legacy", "/nonexistent/folder"],
    ["backup", "verify", "2026-01-01"],
)


def _start(args: list[str], home: Path, **env: str) -> subprocess.Popen[str]:
    scrubbed = {k: v for k, v in os.environ.items() if not k.startswith("LACAK_")}
    # English, as the assertions read; tests/cli/test_cli_language.py checks Indonesian.
    scrubbed.update(LACAK_VAR_DIR=str(home / "var"), COLUMNS="80", LACAK_LANGUAGE="en")
    scrubbed.update(env)
    return subprocess.Popen(
        [LACAK, *args], cwd=home, env=scrubbed, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def _lacak(args: list[str], home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    proc = _start(args, home, **env)
    out, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(args, proc.returncode, out, err)


@pytest.mark.slow
def test_hostile_arguments_get_one_sentence_and_no_traceback(tmp_path: Path) -> None:
    assert _lacak(["db", "upgrade"], tmp_path).returncode == 0
    # Started together: each command spends most of its time importing.
    running = [(args, _start(args, tmp_path)) for args in HOSTILE]
    for args, proc in running:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode != 0, (args, out, err)
        assert "Traceback" not in err + out, args
        errors = [line for line in err.splitlines() if line.startswith("error:")]
        assert len(errors) == 1, (args, err)


@pytest.mark.slow
def test_an_unreachable_database_is_one_sentence_and_debug_shows_the_trace(
    tmp_path: Path,
) -> None:
    url = "postgresql+asyncpg://nobody@127.0.0.1:1/none"
    plain = _lacak(["signals", "stats"], tmp_path, LACAK_DATABASE_URL=url)
    assert plain.returncode == 1
    assert "Traceback" not in plain.stderr
    assert plain.stderr.strip().splitlines()[-1].startswith("error: ")
    traced = _lacak(["signals", "stats", "--debug"], tmp_path, LACAK_DATABASE_URL=url)
    assert traced.returncode == 1
    assert "Traceback" in traced.stderr


def test_describe_names_the_problem_in_plain_words() -> None:
    assert describe(Invalid("Symbol 'x' is not valid.")) == "Symbol 'x' is not valid."
    locked = OperationalError("COMMIT", None, sqlite3.OperationalError("database is locked"))
    assert "database is unreachable or busy (database is locked)" in describe(locked)
    assert describe(FileNotFoundError(2, "No such file", "/x/y.csv")).endswith("/x/y.csv")
    odd = describe(OverflowError("date value out of range"))
    assert "OverflowError: date value out of range" in odd and "--debug" in odd


def test_run_turns_an_escaping_error_into_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    def boom() -> None:
        raise ValueError("bad\nsecond line")

    argv = ["lacak", "x", "--debug"]
    with pytest.raises(SystemExit) as stop:
        run(boom, argv)
    assert stop.value.code == 1
    assert argv == ["lacak", "x"]  # --debug taken out before the app parses
    err = capsys.readouterr().err
    assert "Traceback" in err and "error: unexpected error (ValueError: bad)" in err
