"""The code contracts the linters check (config in pyproject.toml): ruff on the code, and
mypy --strict on the core. Each runs as the developer would, through this venv."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, check=False)


def test_ruff_finds_nothing_in_the_code() -> None:
    done = _run("ruff", "check", "--no-cache", "--output-format", "concise",
                "annotator", "ui", "benchmarks")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow  # a minute without mypy's cache (a fresh checkout), seconds with it
def test_mypy_strict_passes_on_the_core() -> None:
    done = _run("mypy")  # packages and strictness from [tool.mypy]
    assert done.returncode == 0, done.stdout + done.stderr
