"""CLI start-up: wall time of fresh `lacak` processes beside a bare `import typer`.

Each command runs in a new interpreter (nothing cached in memory, the OS file cache warm
after the first run), N times (env LACAK_BENCH_CLI_N, default 7); the table shows the
median and the fastest run. `signals stats --days 7` reads a migrated SQLite file holding
the demo month. The module count is how many modules `lacak --help` leaves in sys.modules.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable
LACAK = str(Path(PYTHON).parent / "lacak")
# Targets from the brief; `None` = shown for reference only.
COMMANDS: tuple[tuple[str, list[str], float | None], ...] = (
    ('python -c "import typer"', [PYTHON, "-c", "import typer"], None),
    ("lacak --help", [LACAK, "--help"], 0.3),
    ("lacak signals --help", [LACAK, "signals", "--help"], 0.3),
    ("lacak signals stats --days 7", [LACAK, "signals", "stats", "--days", "7"], 0.8),
    ("lacak jobs list", [LACAK, "jobs", "list"], None),
)
MODULES_AFTER_HELP = (
    "import sys\n"
    "from lacak.cli.main import app\n"
    "try:\n"
    "    app(['--help'], prog_name='lacak')\n"
    "except SystemExit:\n"
    "    pass\n"
    "print(len(sys.modules))\n"
)


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LACAK_")}
    env.update(LACAK_VAR_DIR=str(home / "var"), COLUMNS="100")
    return env


def _once(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr[-400:]}")
    return elapsed


def main() -> None:
    """Print a table of median/fastest start-up times and the module count."""
    runs = int(os.environ.get("LACAK_BENCH_CLI_N", "7"))
    with tempfile.TemporaryDirectory(prefix="lacak-bench-cli-") as tmp:
        home = Path(tmp)
        env = _env(home)
        # Setup, not measured: a migrated database with the demo month in it.
        _once([LACAK, "db", "upgrade"], env, home)
        _once([LACAK, "demo"], env, home)
        print(f"{runs} fresh processes each; load average {os.getloadavg()[0]:.1f}")
        print(f"| {'command':<32} | median s | fastest s | target s |")
        print(f"| {'-' * 32} | -------- | --------- | -------- |")
        for label, argv, target in COMMANDS:
            _once(argv, env, home)  # warm the file cache
            times = [_once(argv, env, home) for _ in range(runs)]
            goal = "-" if target is None else f"≤ {target}"
            print(
                f"| {label:<32} | {statistics.median(times):8.3f} | {min(times):9.3f} "
                f"| {goal:>8} |",
                flush=True,
            )
        counted = subprocess.run(
            [PYTHON, "-c", MODULES_AFTER_HELP], env=env, cwd=home,
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        print(f"modules in sys.modules after `lacak --help`: {counted.stdout.split()[-1]}")


if __name__ == "__main__":
    main()
