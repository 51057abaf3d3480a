"""Benchmarks (not tests): ``python -m benchmarks`` runs them all, or
``python -m benchmarks.NAME_bench`` one. Results go to docs/performance.md."""
