"""`from lacak import Tracker` stays light, and a bot works with only the core dependencies."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Top-level packages of the optional extras (and lacak's own heavy parts) a bot never needs.
HEAVY = (
    "fastapi",
    "starlette",
    "uvicorn",
    "matplotlib",
    "ccxt",
    "googleapiclient",
    "openpyxl",
    "telegram",
    "numpy",
    "jinja2",
    "httpx",
    "apscheduler",
    "prometheus_client",
    "lacak.compat",
    "lacak.app",
)

IMPORT_ONLY = """
import json, sys
from lacak import Tracker
print(json.dumps(sorted(sys.modules)))
"""

# The extras' packages made unimportable, as in `pip install lacak` without extras: a bot
# tracks, reads its winrate and migrates with the core dependencies alone.
CORE_ONLY = """
import importlib.abc, json, sys
heavy = set(sys.argv[2].split(","))

class NotInstalled(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in heavy:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NotInstalled())
from lacak import Tracker
with Tracker(sys.argv[1], flush_interval=0.05) as tracker:
    tracker.track_command(1, "alice", "/analyze", "BTC", "1h")
    sid = tracker.record_signal(1, "BTCUSDT", "1h", 100.0, 104.0, 108.0, 97.0)
    tracker.record_outcome(sid, "WIN", 4.0)
    other = tracker.record_signal(2, "ETHUSDT", "4h", 50.0, 48.0, 46.0, 51.0, "SHORT")
    tracker.record_outcome(other, hit_tp=False, pnl_percent=-1.5)
    summary = tracker.summary(7)
    counters = tracker.counters
print(json.dumps({"summary": summary, "prompts": counters.prompts, "dropped": counters.dropped,
                  "modules": sorted(sys.modules)}))
"""


def _run(code: str, *args: str, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LACAK_")}
    env["PYTHONPATH"] = str(ROOT / "src")
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _loaded_heavy(modules: list[str]) -> list[str]:
    return sorted(
        name for name in HEAVY if any(m == name or m.startswith(name + ".") for m in modules)
    )


def test_importing_the_tracker_loads_no_extra(tmp_path: Path) -> None:
    modules = json.loads(_run(IMPORT_ONLY, cwd=tmp_path))
    assert "lacak.signals.tracker" in modules
    assert _loaded_heavy(modules) == []


def test_tracker_round_trip_needs_only_the_core_dependencies(tmp_path: Path) -> None:
    blocked = ",".join(name for name in HEAVY if "." not in name)
    out = json.loads(_run(CORE_ONLY, "sqlite:///bot.db", blocked, cwd=tmp_path))
    assert out["summary"] == {
        "total_signals": 2,
        "wins": 1,
        "losses": 1,
        "winrate": 50.0,
        "avg_pnl": 1.25,
    }
    assert (out["prompts"], out["dropped"]) == (1, 0)
    assert _loaded_heavy(out["modules"]) == []
    assert (tmp_path / "bot.db").is_file()
