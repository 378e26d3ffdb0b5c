"""Bad settings are sentences naming the variable, never pydantic's dump or a later crash."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from lacak.config import Settings, describe_invalid, env_name


def _problem(**env: str) -> str:
    with pytest.raises(ValidationError) as caught:
        Settings(**env)  # type: ignore[arg-type]
    return describe_invalid(caught.value)


def test_each_problem_names_its_variable() -> None:
    assert _problem(timezone="Mars/Base").startswith("LACAK_TIMEZONE: 'Mars/Base' is not a")
    assert _problem(tracker_max_batch="abc").startswith("LACAK_TRACKER_MAX_BATCH: Input should")
    url = _problem(database_url="mysql://x/y")
    assert url.startswith("LACAK_DATABASE_URL uses 'mysql://'") and "postgresql://" in url


def test_aliased_settings_keep_their_contract_names() -> None:
    assert env_name("telegram_bot_token") == "TELEGRAM_BOT_TOKEN"
    assert env_name("timezone") == "LACAK_TIMEZONE"


def test_the_cli_says_it_in_one_line(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "LACAK_TIMEZONE": "Mars/Base",
        "LACAK_LANGUAGE": "en",
        "LACAK_VAR_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-c", "from lacak.cli.main import main; main()", "signals", "stats"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert lines == [
        "error: Configuration is invalid: LACAK_TIMEZONE: 'Mars/Base' is not a time zone name; "
        "use an IANA name such as Asia/Jakarta, Asia/Makassar or Asia/Jayapura"
    ]
