"""Run every benchmark module in bench/ that exposes `main()`."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> None:
    """Run all benchmarks, or those named on the command line."""
    wanted = set(sys.argv[1:])
    folder = Path(__file__).parent
    for info in sorted(pkgutil.iter_modules([str(folder)]), key=lambda m: m.name):
        if not info.name.startswith("bench_") or (wanted and info.name not in wanted):
            continue
        module = importlib.import_module(f"bench.{info.name}")
        print(f"== {info.name}", flush=True)
        module.main()


if __name__ == "__main__":
    main()
