"""The window's import and export dialogs offer every registered format with
the options the registry says it takes, and pass them through."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox

from annotator import formats
from ui.dialogs import ExportDialog, ImportDialog
from ui_support import ANNOTATOR, add_documents

pytestmark = pytest.mark.usefixtures("settings_dir")

EMOJI_TEXT = "😀 They slammed it, said Tom Hanks."


def offered(combo: QComboBox) -> set[str]:
    return {combo.itemData(n) for n in range(combo.count())}


def visible(dialog, key: str) -> bool:
    return dialog.options.form.isRowVisible(dialog.options.widgets[key])


def test_import_dialog_offers_every_reader_and_its_options(qtbot, tmp_path: Path) -> None:
    dialog = ImportDialog(None, str(tmp_path))
    qtbot.addWidget(dialog)
    assert offered(dialog.format) == {"auto"} | {f.name for f in formats.readers()}
    assert {"semeval", "brat", "doccano", "labelstudio", "w3c", "docbin"} <= offered(dialog.format)
    dialog.format.setCurrentIndex(dialog.format.findData("labelstudio"))
    assert visible(dialog, "reanchor") and visible(dialog, "add_labels")
    assert not visible(dialog, "offset_unit") and not visible(dialog, "spans_key")
    dialog.format.setCurrentIndex(dialog.format.findData("docbin"))
    assert visible(dialog, "spans_key") and not visible(dialog, "reanchor")
    dialog.format.setCurrentIndex(dialog.format.findData("auto"))
    dialog.add_paths([tmp_path / "a.doccano.jsonl"])  # detected: doccano's options
    assert visible(dialog, "offset_unit") and not visible(dialog, "label")


def test_export_dialog_offers_every_writer_and_its_options(qtbot, project, tmp_path: Path) -> None:
    dialog = ExportDialog(None, project.scheme, ["alice"], str(tmp_path))
    qtbot.addWidget(dialog)
    assert offered(dialog.format) == {f.name for f in formats.writers()}
    assert dialog.chosen()[0] == "csv" and visible(dialog, "keep_formulas")
    dialog.format.setCurrentIndex(dialog.format.findData("doccano"))
    assert visible(dialog, "offset_unit") and not visible(dialog, "keep_formulas")
    assert dialog.chosen()[1] == tmp_path / "spans.doccano.jsonl"
    dialog.format.setCurrentIndex(dialog.format.findData("semeval"))
    assert dialog.chosen()[1] == tmp_path / "spans"  # a folder


def test_import_through_the_dialog_with_reanchor(qtbot, project, make_window, dialogs,
                                                 tmp_path: Path, monkeypatch) -> None:
    text = "Said Tom Hanks in Los Angeles."
    start = text.index("Tom Hanks")
    source = tmp_path / "ner.json"
    source.write_text(json.dumps([{"id": 1, "data": {"text": text}, "annotations": [
        {"completed_by": 1, "result": [{"id": "r", "type": "labels", "from_name": "label",
                                        "to_name": "text", "value": {
                                            "start": start, "end": start + 8,
                                            "text": "Tom Hanks", "labels": ["labeling"]}}]}]}]),
                      encoding="utf-8")

    def choose(dialog: ImportDialog) -> int:
        dialog.add_paths([source])
        dialog.format.setCurrentIndex(dialog.format.findData("labelstudio"))
        reanchor = dialog.options.widgets["reanchor"]
        assert isinstance(reanchor, QCheckBox)
        reanchor.setChecked(True)
        return 1

    monkeypatch.setattr(ImportDialog, "exec", choose)
    window = make_window(project)
    window.import_dialog()
    qtbot.waitUntil(lambda: bool(dialogs), timeout=10000)
    title, text_shown, _ = dialogs[0]
    assert title == "Import finished" and "re-anchored" in text_shown
    (span,) = project.spans(1)
    assert text[span.start:span.end] == "Tom Hanks"


def test_export_through_the_dialog_with_an_offset_unit(qtbot, project, make_window, dialogs,
                                                       tmp_path: Path, monkeypatch) -> None:
    (doc_id,) = add_documents(project, EMOJI_TEXT)
    start = EMOJI_TEXT.index("slammed")
    project.add_span(doc_id, ANNOTATOR, "loaded-term", start, start + 7)
    target = tmp_path / "out.doccano.jsonl"

    def choose(dialog: ExportDialog) -> int:
        dialog.format.setCurrentIndex(dialog.format.findData("doccano"))
        dialog.path.setText(str(target))
        unit = dialog.options.widgets["offset_unit"]
        assert isinstance(unit, QComboBox)
        unit.setCurrentIndex(unit.findData("codepoint"))
        return 1

    monkeypatch.setattr(ExportDialog, "exec", choose)
    window = make_window(project)
    window.export_dialog()
    qtbot.waitUntil(target.exists, timeout=10000)
    qtbot.waitUntil(lambda: "Exported" in window.statusBar().currentMessage(), timeout=10000)
    assert json.loads(target.read_text(encoding="utf-8"))["label"] == [[start, start + 7,
                                                                         "loaded-term"]]
