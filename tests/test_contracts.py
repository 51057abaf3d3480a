"""The architecture contracts in pyproject.toml hold (import-linter), and the
front end has no import cycle."""

from __future__ import annotations

import itertools
from pathlib import Path

import grimp
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_are_kept(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True,
                        no_logo=True) == 0


def test_a_broken_contract_is_reported(monkeypatch, tmp_path: Path) -> None:
    config = tmp_path / "contracts.toml"
    config.write_text('[tool.importlinter]\nroot_packages = ["annotator", "ui"]\n'
                      '[[tool.importlinter.contracts]]\nname = "ui without the project"\n'
                      'type = "forbidden"\nsource_modules = ["ui.window"]\n'
                      'forbidden_modules = ["annotator.nlp"]\n', encoding="utf-8")
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(config), no_cache=True, no_logo=True) == 1


def test_the_front_end_has_no_import_cycle() -> None:
    graph = grimp.build_graph("ui", "annotator", exclude_type_checking_imports=True)
    modules = sorted(m for m in graph.modules if m.startswith("ui."))
    cycles = [(a, b) for a, b in itertools.combinations(modules, 2)
              if graph.chain_exists(a, b) and graph.chain_exists(b, a)]
    assert cycles == []
