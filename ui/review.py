"""Review in the main window: merge colleagues' work, pre-merge agreed spans,
and the entry points of the compare window (:mod:`ui.compare_view`) and the
agreement dialog (:mod:`ui.agreement_view`). The main window calls
:func:`add_menu` and :func:`merge_dialog`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QDialog, QDialogButtonBox,
                               QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QMenu, QMenuBar, QMessageBox, QSpinBox, QVBoxLayout,
                               QWidget)

from annotator.errors import Cancelled
from annotator.wording import plural

from . import file_dialogs
from .dialogs import show_error
from .tasks import run_with_progress

if TYPE_CHECKING:  # the core's review modules load SQLAlchemy: only when used
    from annotator import adjudication
    from annotator.domain import IncomingDocument
    from annotator.merge import MergeReport

    from .compare_view import CompareWindow
    from .window import MainWindow


MERGE_FILTER = ("Projects and exports (*.annotator *.jsonl *.json *.csv *.ann *.conll *.spacy *.tsv);;"
                "All files (*)")


# -- menus of the main window ------------------------------------------------------

def add_menu(window: MainWindow, bar: QMenuBar) -> QMenu:
    """The Review menu: compare and adjudicate, pre-merge, agreement."""
    menu = bar.addMenu("&Review")
    window._action(menu, "&Compare and adjudicate…", lambda: open_compare(window), ["Ctrl+Shift+R"],
                   "Compare annotators' spans and settle them into the gold layer", edits=True)
    window._action(menu, "&Pre-merge agreed spans…", lambda: premerge_dialog(window), None,
                   "Take every span the annotators agree on exactly into the gold layer", edits=True)
    menu.addSeparator()
    window._action(menu, "&Agreement…", lambda: agreement_dialog(window), ["Ctrl+Shift+G"],
                   "Inter-annotator agreement: F1, kappa, alpha, per label and per document")
    return menu


# -- choosing annotators ---------------------------------------------------------------

class AnnotatorChooser(QDialog):
    """Tick two or more annotators; drag to reorder (the first is the reference)."""

    def __init__(self, parent: QWidget | None, names: Sequence[str], title: str, intro: str,
                 chosen: Sequence[str] = ()):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.list = QListWidget()
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        order = [n for n in chosen if n in names] + [n for n in names if n not in chosen]
        for name in order:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if not chosen or name in chosen
                               else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.form = QVBoxLayout()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self.warning = QLabel()
        self.warning.setTextFormat(Qt.TextFormat.PlainText)
        self.warning.setStyleSheet("color: #B3261E")
        layout = QVBoxLayout(self)
        note = QLabel(intro)
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(self.list, 1)
        layout.addLayout(self.form)
        layout.addWidget(self.warning)
        layout.addWidget(buttons)
        self.resize(380, 360)

    def chosen(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def _accept(self) -> None:
        if len(self.chosen()) < 2:
            self.warning.setText("Tick at least two annotators.")
            return
        self.accept()


def _humans(window: MainWindow) -> list[str]:
    from annotator import adjudication

    return adjudication.human_annotators(window.project)


def _remembered(window: MainWindow) -> list[str]:
    return list(window.project.setting("review:annotators", []) or [])


def _too_few(window: MainWindow, names: list[str]) -> bool:
    if len(names) >= 2:
        return False
    QMessageBox.information(window, "Not enough annotators",
                            "Comparing needs the work of at least two annotators. Use File > "
                            "Merge colleague's work… to bring a colleague's project in.")
    return True


# -- merge ------------------------------------------------------------------------------

class MergeOptions(QDialog):
    """Renames for colleagues who share a name with someone here; unmatched documents."""

    def __init__(self, parent: QWidget | None, paths: list[Path], here: list[str],
                 theirs: Sequence[str] = ()):
        super().__init__(parent)
        self.setWindowTitle("Merge colleague's work")
        intro = QLabel(f"Merging <b>{escape(', '.join(p.name for p in paths))}</b>. Documents are "
                       "matched by their text, then by id; every span keeps its annotator's name. "
                       f"Annotators here: {escape(', '.join(here)) or 'none yet'}.")
        intro.setWordWrap(True)
        shared = [name for name in theirs if name in here]
        self.theirs = QLabel(f"<b>{escape(', '.join(theirs)) or 'none'}</b>"
                             + (f" (<span style='color:#B3261E'>{escape(', '.join(shared))} "
                                "also here: rename to keep the work apart</span>)" if shared else ""))
        self.theirs.setWordWrap(True)
        example = theirs[0] if theirs else "alice"
        self.rename = QLineEdit(placeholderText=f"e.g. {example}={example}-home")
        self.add_unmatched = QCheckBox("Also add the documents this project does not have")
        self.warning = QLabel()
        self.warning.setTextFormat(Qt.TextFormat.PlainText)
        self.warning.setStyleSheet("color: #B3261E")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Merge")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Their annotators:", self.theirs)
        form.addRow("Rename their annotators:", self.rename)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.add_unmatched)
        layout.addWidget(self.warning)
        layout.addWidget(buttons)
        self.resize(520, 200)

    def renames(self) -> dict[str, str]:
        """``old=new`` pairs; ValueError naming a malformed one."""
        found = {}
        for part in filter(None, (p.strip() for p in self.rename.text().split(","))):
            old, sep, new = (x.strip() for x in part.partition("="))
            if not sep or not old or not new:
                raise ValueError(f"write each rename as old=new (not {part!r})")
            found[old] = new
        return found

    def _accept(self) -> None:
        try:
            self.renames()
        except ValueError as exc:
            self.warning.setText(str(exc))
            return
        self.accept()


def merge_dialog(window: MainWindow) -> None:
    folder = window.settings.value("merge_folder", str(Path.home()))
    paths = file_dialogs.open_files(window, "Merge colleague's work", folder, MERGE_FILTER)
    if not paths:
        return
    window.settings.setValue("merge_folder", str(paths[0].parent))

    def read(progress: Callable[[int, int], None]) -> list[IncomingDocument]:
        from annotator.merge import read_source

        progress(0, len(paths))
        return [doc for path in paths for doc in read_source(path)]

    def chosen(incoming: list[IncomingDocument]) -> None:
        from annotator.merge import annotators_of

        options = MergeOptions(window, paths, window.project.annotators(), annotators_of(incoming))
        if options.exec():
            merge_paths(window, paths, options.renames(), options.add_unmatched.isChecked(),
                        incoming)

    def failed(exc: BaseException) -> None:
        if not isinstance(exc, Cancelled):
            show_error(window, f"Could not read {', '.join(p.name for p in paths)}", exc)

    run_with_progress(window, "Reading colleague's work…", read, chosen, failed)


def merge_paths(window: MainWindow, paths: list[Path], rename: dict[str, str] | None = None,
                add_unmatched: bool = False,
                incoming: list[IncomingDocument] | None = None) -> None:
    """Merge in the worker (``incoming``: the files already read); a report, or
    an error naming the file (nothing changed)."""
    project = window.project
    names = ", ".join(p.name for p in paths)

    def work(progress: Callable[[int, int], None]) -> MergeReport:
        from annotator.merge import merge, merge_documents

        if incoming is not None:
            return merge_documents(project, incoming, source=", ".join(map(str, paths)),
                                   rename=rename, add_unmatched=add_unmatched, progress=progress)
        return merge(project, paths, rename=rename, add_unmatched=add_unmatched, progress=progress)

    def done(report: MergeReport) -> None:
        window.doc_model.reload()
        if window.document is not None:
            window.open_document(window.document.id)
        else:
            window.start()
        window.statusBar().showMessage("Merged: " + report.summary(), 8000)
        box = QMessageBox(QMessageBox.Icon.Information, "Merge finished",
                          f"Merged {names}", QMessageBox.StandardButton.Ok, window)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText(merge_summary(report))
        if report.unmatched_documents:
            box.setDetailedText("Documents not found in this project:\n"
                                + "\n".join(report.unmatched_documents))
        box.exec()

    def failed(exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            window.statusBar().showMessage("Merge cancelled; nothing was merged", 5000)
        else:
            show_error(window, f"Could not merge {names}", exc)

    run_with_progress(window, "Merging colleague's work…", work, done, failed)


def merge_summary(report: MergeReport) -> str:
    """The report as lines a reader scans: matched, added, left out."""
    lines = [f"Documents matched: {report.documents_by_sha256 + report.documents_by_id} "
             f"({report.documents_by_sha256} by text, {report.documents_by_id} by id)",
             f"Spans added: {report.spans_added}"]
    if report.spans_duplicate:
        lines.append(f"Already present (skipped): {report.spans_duplicate}")
    if report.documents_added:
        lines.append(f"Documents added: {report.documents_added}")
    if report.unmatched_documents:
        lines.append(f"Unmatched documents (not merged): {len(report.unmatched_documents)}")
    if report.unmatched_spans:
        lines.append(f"Spans not merged (the text differs there): {report.unmatched_spans}")
    if report.rejections_added:
        lines.append(f"Adjudicator's rejections added: {report.rejections_added}")
    if report.annotators:
        lines.append("Annotators: " + ", ".join(report.annotators))
    lines.extend(report.notes)
    return "\n".join(lines)


# -- pre-merge ------------------------------------------------------------------------------

def premerge_dialog(window: MainWindow, annotators: Sequence[str] = (),
                    then: Callable[[], None] | None = None) -> None:
    names = _humans(window)
    if _too_few(window, names):
        return
    dialog = AnnotatorChooser(window, names, "Pre-merge agreed spans",
                              "Every span these annotators marked with the same start, end and "
                              "label goes into the gold layer (rejected and already settled "
                              "spans stay as they are).", annotators or _remembered(window))
    row = QHBoxLayout()
    everyone = QCheckBox("All of them agree")
    everyone.setChecked(True)
    least = QSpinBox()
    least.setRange(1, max(2, len(names)))
    least.setValue(2)
    least.setPrefix("at least ")
    least.setSuffix(" annotators")
    least.setEnabled(False)
    everyone.toggled.connect(lambda on: least.setEnabled(not on))
    row.addWidget(everyone)
    row.addWidget(least, 1)
    dialog.form.addLayout(row)
    if not dialog.exec():
        return
    premerge_run(window, dialog.chosen(), None if everyone.isChecked() else least.value(), then)


def premerge_run(window: MainWindow, annotators: list[str], min_agree: int | None,
                 then: Callable[[], None] | None = None) -> None:
    project, adjudicator = window.project, window.annotator

    def work(progress: Callable[[int, int], None]) -> adjudication.PremergeReport:
        from annotator import adjudication

        progress(0, 1)
        return adjudication.premerge(project, annotators, adjudicator, min_agree=min_agree)

    def done(report: adjudication.PremergeReport) -> None:
        window._update_history_actions()
        if window.document is not None:
            window.open_document(window.document.id)
        if then is not None:
            then()
        message = (f"{plural(report.spans_added, 'gold span')} added in "
                   f"{plural(report.documents, 'document')}; "
                   f"{plural(report.skipped_adjudicated, 'agreed span')} already settled.")
        window.statusBar().showMessage("Pre-merge: " + message, 8000)
        QMessageBox.information(window, "Pre-merge finished", message)

    def failed(exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            window.statusBar().showMessage("Pre-merge cancelled; nothing was added", 5000)
        else:
            show_error(window, "Could not pre-merge", exc)

    run_with_progress(window, "Pre-merging agreed spans…", work, done, failed)


def agreement_dialog(window: MainWindow) -> None:
    from .agreement_view import AgreementDialog

    names = _humans(window)
    if _too_few(window, names):
        return
    chooser = AnnotatorChooser(window, names, "Agreement",
                               "Annotators to compare. The first is the reference for precision "
                               "and recall (drag to reorder).", _remembered(window))
    marked = QCheckBox("Token measures: only tokens someone marked")
    chooser.form.addWidget(marked)
    if not chooser.exec():
        return
    dialog = AgreementDialog(window, chooser.chosen(), marked.isChecked())
    window.agreement_view = dialog  # type: ignore[attr-defined]
    dialog.show()
    dialog.compute()


# -- compare and adjudicate --------------------------------------------------------------------

def open_compare(window: MainWindow, annotators: Sequence[str] = ()) -> CompareWindow | None:
    if not annotators:
        names = _humans(window)
        if _too_few(window, names):
            return None
        chooser = AnnotatorChooser(window, names, "Compare annotators",
                                   "Annotators to compare. Keys 1, 2, … accept their spans in "
                                   "this order (drag to reorder).", _remembered(window))
        if not chooser.exec():
            return None
        annotators = chooser.chosen()
    window.project.set_setting("review:annotators", list(annotators))
    old = getattr(window, "compare_view", None)
    if old is not None and shiboken6.isValid(old):
        old.close()  # one compare window at a time
    from .compare_view import CompareWindow

    view = CompareWindow(window, list(annotators))
    window.compare_view = view  # type: ignore[attr-defined]
    view.show()
    view.start(window.document.id if window.document else None)
    return view
