"""Benchmarks: `make bench` runs them; figures go to bench/RESULTS.md."""
