"""Where the bundled files live: ``schema/`` and ``assets/`` beside the package."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = ROOT / "schema"
ASSETS_DIR = ROOT / "assets"
SAMPLES_FILE = ASSETS_DIR / "samples" / "articles.jsonl"
