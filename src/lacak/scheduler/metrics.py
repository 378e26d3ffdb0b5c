"""Prometheus figures for job runs, served by `/metrics`."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

JOB_RUNS = Counter(
    "lacak_job_runs_total", "Job runs finished by this process, by outcome", ["job", "status"]
)
JOB_SECONDS = Histogram(
    "lacak_job_run_seconds",
    "Wall time of job runs in this process",
    ["job"],
    buckets=(0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600),
)


def record(job: str, status: str, seconds: float | None) -> None:
    """Count one finished run and, when known, how long it took."""
    JOB_RUNS.labels(job, status).inc()
    if seconds is not None:
        JOB_SECONDS.labels(job).observe(seconds)
