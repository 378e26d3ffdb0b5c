"""Embedding cost: `from lacak import Tracker` in fresh interpreters beside `import sqlalchemy`.

Each case runs N times (env LACAK_BENCH_IMPORT_N, default 9) in a new interpreter with the
OS file cache warm (one unmeasured run first). Shown per case: the median time of the import
statement itself (measured inside the process), the median wall time of the whole process,
and how many modules the import leaves in sys.modules (beyond a bare interpreter's).
SQLAlchemy is the floor: the Tracker writes through it.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

CASES = (
    ('python -c "pass"', "pass"),
    ('python -c "import sqlalchemy"', "import sqlalchemy"),
    ("from lacak import Tracker", "from lacak import Tracker"),
    ("Tracker + lacak.compat", "from lacak import Tracker\nimport lacak.compat"),
)
PROBE = """
import sys, time, json
before = len(sys.modules)
start = time.perf_counter()
exec(compile(sys.argv[1], "<bench>", "exec"))
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "modules": len(sys.modules) - before}))
"""


def _once(code: str, cwd: str) -> tuple[float, float, int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LACAK_")}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PROBE, code],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        check=False,
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{code!r} failed: {done.stderr[-400:]}")
    out = json.loads(done.stdout)
    return float(out["seconds"]), wall, int(out["modules"])


def main() -> None:
    """Print median import time, median process time and module count per case."""
    runs = int(os.environ.get("LACAK_BENCH_IMPORT_N", "9"))
    print(f"{runs} fresh interpreters each; load average {os.getloadavg()[0]:.1f}")
    print(f"| {'case':<30} | import ms | process ms | modules |")
    print(f"| {'-' * 30} | --------- | ---------- | ------- |")
    with tempfile.TemporaryDirectory(prefix="lacak-bench-import-") as cwd:
        for label, code in CASES:
            _once(code, cwd)  # warm the file cache and the bytecode cache
            runs_of = [_once(code, cwd) for _ in range(runs)]
            imports = statistics.median(r[0] for r in runs_of) * 1e3
            walls = statistics.median(r[1] for r in runs_of) * 1e3
            modules = runs_of[-1][2]
            print(f"| {label:<30} | {imports:9.1f} | {walls:10.1f} | {modules:7d} |", flush=True)


if __name__ == "__main__":
    main()
