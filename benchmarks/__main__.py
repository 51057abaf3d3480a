"""Run every ``*_bench.py`` module's ``main()`` in turn."""

from __future__ import annotations

import importlib
import pkgutil

import benchmarks

for module in sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__)):
    if module.endswith("_bench"):
        print(f"== {module}", flush=True)
        importlib.import_module(f"benchmarks.{module}").main()
