"""Projects and files in the window: imports, state across runs, the
document list model, the screenshot command."""

from __future__ import annotations

import json
import threading

import pytest
from PySide6.QtWidgets import QProgressDialog, QPushButton

from ui.cli import main
from annotator.domain import IncomingDocument
from ui.doclist import PAGE, DocumentListModel
from ui_support import ANNOTATOR, add_documents

pytestmark = pytest.mark.usefixtures("settings_dir")


def test_bad_import_shows_a_dialog_and_changes_nothing(qtbot, project, make_window, dialogs, tmp_path):
    add_documents(project, "Officials slammed the plan.")
    window = make_window(project)
    good = {"id": "ok", "text": "A fine article."}
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(good) + "\n{not json\n", encoding="utf-8")
    window.import_paths([bad])
    qtbot.waitUntil(lambda: bool(dialogs), timeout=5000)
    title, text, details = dialogs[0]
    assert "could not be imported" in text
    assert "bad.jsonl:2" in details and "Nothing was imported" in details
    assert project.document_count() == 1
    assert window.doc_model.rowCount() == 1


def test_import_adds_articles_to_the_list(qtbot, project, make_window, dialogs, tmp_path):
    window = make_window(project)
    assert window.document is None
    source = tmp_path / "new.jsonl"
    source.write_text("".join(json.dumps({"id": f"n{i}", "title": f"New {i}", "text": f"Text {i}."}) + "\n"
                              for i in range(3)), encoding="utf-8")
    window.import_paths([source])
    qtbot.waitUntil(lambda: bool(dialogs), timeout=5000)
    assert dialogs[0][0] == "Import finished"
    assert window.doc_model.rowCount() == 3
    assert window.document is not None and window.document.title == "New 0"


def test_cancelled_import_leaves_nothing(qtbot, project, make_window, dialogs, tmp_path, monkeypatch):
    window = make_window(project)
    source = tmp_path / "many.jsonl"
    source.write_text("".join(json.dumps({"id": f"n{i}", "text": f"Text {i}."}) + "\n"
                              for i in range(1200)), encoding="utf-8")
    reached, proceed = threading.Event(), threading.Event()
    original = project.import_documents

    def import_documents(docs, *, progress, **options):
        def report(done, total):
            if done >= 500 and not reached.is_set():
                reached.set()  # halfway: let the user press Cancel
                proceed.wait(5)
            progress(done, total)
        return original(docs, progress=report, **options)

    monkeypatch.setattr(project, "import_documents", import_documents)
    window.import_paths([source])
    qtbot.waitUntil(reached.is_set, timeout=5000)
    window.findChild(QProgressDialog).findChild(QPushButton).click()  # Cancel
    proceed.set()
    qtbot.waitUntil(lambda: "cancelled" in window.statusBar().currentMessage(), timeout=5000)
    assert project.document_count() == 0
    assert not dialogs


def test_export_writes_csv_with_code_point_offsets(qtbot, project, make_window, tmp_path):
    text = "Title 🙂\r\nThey slammed it."
    (doc_id,) = add_documents(project, text)
    project.add_span(doc_id, ANNOTATOR, "loaded-term", text.index("slammed"), text.index("slammed") + 7)
    window = make_window(project)
    target = tmp_path / "out.csv"
    from annotator.domain import SpanFilter
    window.export_to("csv", target, SpanFilter())
    qtbot.waitUntil(lambda: "Exported" in window.statusBar().currentMessage(), timeout=5000)
    body = target.read_text(encoding="utf-8")
    assert "slammed" in body and f",{text.index('slammed')}," in body


def test_window_state_is_restored_in_a_new_window(qtbot, project, make_window):
    long_text = "\n\n".join(f"Paragraph {n} says the council slammed the plan." for n in range(300))
    ids = add_documents(project, "First article.", long_text)
    window = make_window(project)
    window.open_document(ids[1])
    window.others_action.trigger()
    window.resize(780, 560)
    window.splitter.setSizes([200, 330, 250])
    qtbot.wait(50)
    window.article.verticalScrollBar().setValue(120)
    top = window.article.top_offset()
    assert top > 1000
    sizes = window.splitter.sizes()
    window.close()

    again = make_window(project)
    qtbot.waitUntil(lambda: again.article.top_offset() == top, timeout=3000)
    assert again.document.id == ids[1]
    assert (again.width(), again.height()) == (780, 560)
    assert again.splitter.sizes() == sizes
    assert again.others_action.isChecked()


def test_document_list_model_is_lazy_and_well_behaved(qtmodeltester, project):
    project.import_documents([IncomingDocument(text=f"Article number {n}.", source="t", title=f"T{n}")
                              for n in range(PAGE + 50)], annotator=ANNOTATOR)
    model = DocumentListModel(project, ANNOTATOR)
    assert model.rowCount() == PAGE and model.canFetchMore()
    qtmodeltester.check(model, force_py=True)
    model.fetchMore()
    assert model.rowCount() == PAGE + 50 and not model.canFetchMore()
    model.reload(search="number 7")
    assert [model.summary(r).title for r in range(model.rowCount())][:3] == ["T7", "T70", "T71"]
    model.reload(search="", status="done")
    assert model.rowCount() == 0


def test_screenshot_command_writes_a_png(tmp_path, settings_dir, qapp):
    target = tmp_path / "shot.png"
    assert main(["gui", "--project", str(tmp_path / "none.annotator"), "--screenshot", str(target)]) == 1
    assert main(["gui", "--screenshot", str(target)]) == 0  # the default project, with samples
    data = target.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20_000


def test_unopenable_project_shows_a_dialog(tmp_path, settings_dir, qapp, dialogs):
    broken = tmp_path / "broken.annotator"
    broken.write_bytes(b"this is not a database" * 100)
    from ui.settings import open_settings
    open_settings().setValue("annotator", ANNOTATOR)  # not the first run: no name prompt
    assert main(["gui", "--project", str(broken)]) == 1
    assert dialogs and "could not be opened" in dialogs[0][1]


def test_search_and_status_filter_run_in_the_background(qtbot, project, make_window):
    ids = add_documents(project, "The council slammed the plan.", "Residents met on Tuesday.",
                        "A quiet week.")
    window = make_window(project)
    qtbot.keyClicks(window.doc_list.search, "tuesday")
    qtbot.waitUntil(lambda: window.doc_model.rowCount() == 1, timeout=3000)
    assert window.doc_model.summary(0).id == ids[1]
    window.doc_list.search.clear()
    qtbot.waitUntil(lambda: window.doc_model.rowCount() == 3, timeout=3000)
    project.set_status(ids[2], ANNOTATOR, "done")
    window.doc_list.filter.setCurrentIndex(window.doc_list.filter.findData("done"))
    qtbot.waitUntil(lambda: window.doc_model.rowCount() == 1, timeout=3000)
    assert window.doc_model.summary(0).id == ids[2]


def test_open_another_project_and_recent_list(qtbot, project, make_window, tmp_path):
    from annotator.project import Project
    from annotator.schemes import resolve_scheme
    from ui.settings import recent_projects

    add_documents(project, "First project's article.")
    other_path = tmp_path / "other.annotator"
    with Project.create(other_path, resolve_scheme("semeval2020-propaganda")) as other:
        add_documents(other, "Second project's article.", "And another.")
    window = make_window(project)
    window.open_project(str(other_path))
    assert window.project.location == str(other_path)
    assert window.doc_model.rowCount() == 2
    assert window.document.text == "Second project's article."
    assert set(window.panel.buttons.buttons) == {l.key for l in window.project.scheme.labels}
    assert recent_projects(window.settings)[:2] == [str(other_path), project.location]


def test_files_dropped_on_the_window_are_imported(qtbot, project, make_window, dialogs, tmp_path):
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    window = make_window(project)
    article = tmp_path / "dropped.txt"
    article.write_text("Dropped headline\n\nThe body of a dropped article.", encoding="utf-8")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(article))])
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, data,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    qtbot.waitUntil(lambda: bool(dialogs), timeout=5000)
    assert project.document_count() == 1
    assert window.document is not None and "dropped article" in window.document.text


def test_export_dialog_filters_and_refuses_an_empty_choice(qtbot, project, dialogs, tmp_path):
    from PySide6.QtCore import Qt

    from ui.dialogs import ExportDialog

    dialog = ExportDialog(None, project.scheme, ["alice", "bob"], str(tmp_path))
    qtbot.addWidget(dialog)
    dialog.annotators.item(1).setCheckState(Qt.CheckState.Unchecked)
    fmt, path, annotators, labels = dialog.chosen()
    assert (fmt, annotators, labels) == ("csv", ("alice",), ())
    dialog.annotators.item(0).setCheckState(Qt.CheckState.Unchecked)
    dialog._check()
    assert dialogs and "Tick at least one annotator" in dialogs[0][2]
    assert dialog.result() == 0


def test_new_project_with_a_chosen_scheme(qtbot, project, make_window, tmp_path, monkeypatch):
    from ui.dialogs import NewProjectDialog

    window = make_window(project)
    target = tmp_path / "fresh.annotator"

    def accept(dialog):
        dialog.path.setText(str(target))
        dialog.scheme.setCurrentIndex(dialog.scheme.findData("media-frames"))
        return 1

    monkeypatch.setattr(NewProjectDialog, "exec", accept)
    window.new_project()
    assert target.exists() and window.project.location == str(target)
    assert window.project.scheme.name == "media-frames"
    assert window.doc_model.rowCount() == 0 and "No articles yet" in window.title.text()
