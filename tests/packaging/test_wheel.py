"""The built wheel, installed into a fresh virtualenv outside the checkout, is complete: a bot
tracks into a new SQLite file, reads its winrate, and the `lacak` script migrates."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.packaging.test_import_light import HEAVY

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "lacak"

BOT = """
import json, sys
import lacak
from lacak import Tracker
with Tracker("sqlite:///bot.db") as tracker:
    tracker.track_command(7, "alice", "/analyze", "BTC", "1h")
    sid = tracker.record_signal(7, "BTCUSDT", "1h", 100.0, 104.0, 108.0, 97.0)
    tracker.record_outcome(sid, "WIN", 4.0)
    winrate = tracker.winrate(7)
    summary = tracker.summary(7)
    counters = tracker.counters
print(json.dumps({"file": lacak.__file__, "winrate": winrate, "summary": summary,
                  "prompts": counters.prompts, "dropped": counters.dropped,
                  "modules": sorted(sys.modules)}))
"""


@dataclass
class Installed:
    """A wheel installed into its own virtualenv, in a folder outside the checkout."""

    wheel: Path
    python: Path
    bin: Path
    home: Path

    def run(
        self, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run a command there with a clean environment (no checkout on the path)."""
        base = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("LACAK_", "PYTHON", "VIRTUAL_ENV"))
        }
        return subprocess.run(
            list(args),
            capture_output=True,
            text=True,
            cwd=self.home,
            env={**base, **(env or {})},
            timeout=300,
            check=False,
        )


def _uv() -> str | None:
    found = shutil.which("uv")
    if found:
        return found
    local = ROOT / ".tools" / "bin" / "uv"
    return str(local) if local.exists() else None


def _call(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    return subprocess.run(list(args), capture_output=True, text=True, env=env, timeout=600)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    """`uv build --wheel`, `uv venv`, `uv pip install` (offline first) — once per module."""
    uv = _uv()
    if uv is None:
        pytest.skip("uv is not installed (neither on PATH nor in .tools/bin)")
    tmp = tmp_path_factory.mktemp("wheel")
    built = _call(uv, "build", "--wheel", "-o", str(tmp / "dist"), str(ROOT))
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp / "dist").glob("lacak-*.whl")
    venv = tmp / "venv"
    made = _call(uv, "venv", str(venv), "--python", sys.executable)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    install = [uv, "pip", "install", "--python", str(python), str(wheel)]
    done = _call(*install[:3], "--offline", *install[3:])
    if done.returncode != 0:
        # The uv cache lacks a core dependency (`make install` not run here): go online.
        warnings.warn(
            f"offline install failed, installed online: {done.stderr[-300:]}", stacklevel=2
        )
        done = _call(*install)
    assert done.returncode == 0, done.stderr
    home = tmp / "bot"
    home.mkdir()
    yield Installed(wheel, python, venv / "bin", home)


def test_wheel_contains_migrations_templates_and_static_files(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    expected = {
        f"lacak/{path.relative_to(PACKAGE).as_posix()}"
        for path in PACKAGE.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }
    assert expected - names == set()
    versions = {n for n in names if n.startswith("lacak/migrations/versions/")}
    assert len(versions) >= 11 and all(n.endswith(".py") for n in versions)
    assert "lacak/migrations/script.py.mako" in names
    assert any(n.startswith("lacak/web/templates/") and n.endswith(".html") for n in names)
    assert any(n.startswith("lacak/web/static/") for n in names)
    assert any(n.startswith("lacak/reports/templates/") for n in names)
    assert not any("__pycache__" in n for n in names)


def test_installed_core_has_no_server_stack(installed: Installed) -> None:
    for module in ("fastapi", "uvicorn", "numpy", "matplotlib", "ccxt", "telegram"):
        probe = installed.run(str(installed.python), "-c", f"import {module}")
        assert probe.returncode != 0, f"{module} came with the core install"


def test_bot_round_trip_from_the_installed_wheel(installed: Installed) -> None:
    done = installed.run(str(installed.python), "-c", BOT)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert Path(out["file"]).is_relative_to(installed.python.parent.parent)  # not the checkout
    assert out["winrate"] == 100.0
    assert out["summary"] == {
        "total_signals": 1,
        "wins": 1,
        "losses": 0,
        "winrate": 100.0,
        "avg_pnl": 4.0,
    }
    assert (out["prompts"], out["dropped"]) == (1, 0)
    loaded = [n for n in HEAVY if any(m == n or m.startswith(n + ".") for m in out["modules"])]
    assert loaded == []
    assert (installed.home / "bot.db").is_file()


def test_console_script_migrates_and_helps(installed: Installed) -> None:
    lacak = str(installed.bin / "lacak")
    env = {"LACAK_DATABASE_URL": "sqlite:///cli.db", "LACAK_LANGUAGE": "en"}
    upgraded = installed.run(lacak, "db", "upgrade", env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "0011_dashboard_sessions" in upgraded.stdout
    current = installed.run(lacak, "db", "current", env=env)
    assert current.returncode == 0, current.stderr
    assert "current: 0011_dashboard_sessions" in current.stdout
    helped = installed.run(lacak, "--help")
    assert helped.returncode == 0, helped.stderr
    assert "db" in helped.stdout and "Traceback" not in helped.stderr


def test_a_command_of_a_missing_extra_names_it(installed: Installed) -> None:
    done = installed.run(str(installed.bin / "lacak"), "serve", env={"LACAK_PORT": "0"})
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "lacak[server]" in done.stderr and "pip install 'lacak[server]'" in done.stderr
