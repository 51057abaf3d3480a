"""``python -m benchmarks``: run every ``*_bench.py`` module's ``main()`` in turn.

``python -m benchmarks NAME [ARGS...]`` runs only the modules whose name starts
with NAME, with ARGS as their command line: ``python -m benchmarks crash
--kills 50`` is the crash campaign (``crash_campaign.py``, also run by default).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import benchmarks

MODULES = sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__)
                 if m.name.endswith("_bench") or m.name == "crash_campaign")

chosen, args = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("", [])
selected = [m for m in MODULES if m.startswith(chosen)]
if not selected:
    print(f"python -m benchmarks: no benchmark {chosen!r} (known: {', '.join(MODULES)})",
          file=sys.stderr)
    sys.exit(2)
failed = False
for module in selected:
    print(f"== {module}", flush=True)
    sys.argv = [module, *args]
    failed |= bool(importlib.import_module(f"benchmarks.{module}").main())  # 1: a goal missed
sys.exit(1 if failed else 0)
