"""Ingest: handler-side cost of `track_command` and prompts/s committed to SQLite.

Side by side, the old bot's approach as a labelled baseline: one JSON line appended per
call to `prompts_YYYY-MM-DD.jsonl` (open, write, close on every call).
Default sizes run in well under two minutes; `--full` (or LACAK_BENCH_FULL=1) uses 1M.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from statistics import median

from lacak import migrate
from lacak.signals.tracker import Tracker


def _full() -> bool:
    return "--full" in sys.argv or os.environ.get("LACAK_BENCH_FULL") == "1"


def _pct(samples: list[int], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] / 1000


def _timer_overhead_ns() -> int:
    clock = time.perf_counter_ns
    samples = []
    for _ in range(100_000):
        a = clock()
        samples.append(clock() - a)
    return int(median(samples))


def _fresh_db(folder: Path, name: str) -> str:
    return migrate_url(f"sqlite+aiosqlite:///{folder / name}")


def migrate_url(url: str) -> str:
    """Apply the schema so the timed part measures tracking only."""
    migrate.upgrade(url)
    return url


def handler_cost(folder: Path, calls: int) -> list[int]:
    """Per-call ns of track_command while the writer drains in the background."""
    tracker = Tracker(_fresh_db(folder, "handler.db"), auto_migrate=False)
    clock, track = time.perf_counter_ns, tracker.track_command
    samples = [0] * calls
    for i in range(calls):
        start = clock()
        track(1000 + i % 50, "trader", "/analyze", "BTC", "1h", -100, "BTC 1h")
        samples[i] = clock() - start
    tracker.close()
    return samples


def sustained(folder: Path, prompts: int) -> tuple[float, float, float]:
    """Prompts/s from the first call until flush() confirms all; writer-only wall and CPU."""
    tracker = Tracker(_fresh_db(folder, "sustained.db"), auto_migrate=False)
    track = tracker.track_command
    started = time.perf_counter()
    for i in range(prompts):
        track(1000 + i % 50, "trader", "/analyze", "BTC", "1h", -100, "BTC 1h")
    assert tracker.flush()
    total = time.perf_counter() - started
    assert tracker.counters.prompts == prompts
    tracker.close()
    # Writer alone: fill the buffer while the writer is told to wait, then time the drain.
    tracker = Tracker(f"sqlite+aiosqlite:///{folder / 'sustained.db'}", flush_interval=3600,
                      auto_migrate=False)  # fmt: skip
    track = tracker.track_command
    for i in range(prompts):
        track(1000 + i % 50, "trader", "/analyze", "BTC", "1h", -100, "BTC 1h")
    started, cpu = time.perf_counter(), time.process_time()
    assert tracker.flush()
    drain, drain_cpu = time.perf_counter() - started, time.process_time() - cpu
    tracker.close()
    return prompts / total, prompts / drain, prompts / drain_cpu


def legacy_append(folder: Path, calls: int) -> tuple[list[int], float, float]:
    """The old bot: open the day's JSONL file, append one line, close; per call."""
    clock = time.perf_counter_ns
    samples = [0] * calls
    started, cpu = time.perf_counter(), time.process_time()
    for i in range(calls):
        start = clock()
        now = datetime.now()
        entry = {
            "timestamp": now.isoformat(),
            "user_id": 1000 + i % 50,
            "username": "trader",
            "command": "/analyze",
            "symbol": "BTC",
            "timeframe": "1h",
        }
        path = folder / f"prompts_{now:%Y-%m-%d}.jsonl"
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry) + "\n")
        samples[i] = clock() - start
    return samples, calls / (time.perf_counter() - started), calls / (time.process_time() - cpu)


def main() -> None:
    """Print handler cost, sustained throughput and the legacy baseline with ratios."""
    full = _full()
    calls = 1_000_000 if full else 200_000
    prompts = 1_000_000 if full else 300_000
    legacy_calls = 200_000 if full else 50_000
    overhead = _timer_overhead_ns()
    with tempfile.TemporaryDirectory(prefix="lacak-bench-") as tmp:
        folder = Path(tmp)
        cost = handler_cost(folder, calls)
        rate, drain, drain_cpu = sustained(folder, prompts)
        old_cost, old_rate, old_cpu = legacy_append(folder, legacy_calls)
    med, p99, p999 = _pct(cost, 0.5), _pct(cost, 0.99), _pct(cost, 0.999)
    old_med, old_p99 = _pct(old_cost, 0.5), _pct(old_cost, 0.99)
    print(f"sizes: {calls:,} handler calls, {prompts:,} prompts, {legacy_calls:,} legacy calls")
    print(f"timer overhead (perf_counter_ns pair, included below): {overhead} ns")
    print(f"track_command per call: median {med:.2f} us, p99 {p99:.2f} us, p99.9 {p999:.2f} us")
    print(f"sustained, track -> committed (SQLite): {rate:,.0f} prompts/s")
    print(f"writer alone, buffer -> committed (SQLite): {drain:,.0f} prompts/s wall, "
          f"{drain_cpu:,.0f} prompts per CPU-second (what one idle core gives)")  # fmt: skip
    print(f"legacy baseline (JSONL open/append/close per call): median {old_med:.2f} us, "
          f"p99 {old_p99:.2f} us, {old_rate:,.0f} prompts/s wall, "
          f"{old_cpu:,.0f} prompts per CPU-second")  # fmt: skip
    print(f"ratios: handler p99 legacy/lacak = {old_p99 / p99:.1f}x, "
          f"median {old_med / med:.1f}x; committed throughput lacak/legacy = "
          f"{rate / old_rate:.1f}x wall, {drain_cpu / old_cpu:.1f}x per CPU-second")  # fmt: skip


if __name__ == "__main__":
    main()
