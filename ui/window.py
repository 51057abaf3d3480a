"""The main window: document list, article, labeling panel, menus.

Every edit is one core operation run by ``self.ops`` (``ui.ops.OpRunner``):
it commits, then ``ops.changed`` tells every view what changed, and each
redraws only that (here: ``_on_changed``). Changes by other programs come the
same way, from the project's change feed.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Callable
from itertools import chain
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QLineEdit, QMainWindow,
                               QMessageBox, QSplitter, QToolButton, QVBoxLayout, QWidget)

from annotator import files, formats
from annotator.changes import Changes, Done
from annotator.domain import DocumentData, SpanData, SpanFilter
from annotator.errors import AnnotatorError, Cancelled, ProjectReadOnlyError
from annotator.formats.options import read_options, write_options
from annotator.nlp import snap
from annotator.schemes import resolve_scheme
from annotator.text import UTF8, detect_encoding

from . import backups_dialog, file_dialogs, intake, review
from .actions import add_action
from .article import ArticleView
from .dialogs import (ExportDialog, ImportDialog, NewProjectDialog, ShortcutDialog, ask_annotator,
                      offer_read_only, show_error, show_info)
from .doclist import DocumentList, DocumentListModel
from .encoding_dialog import EncodingDialog, NotUtf8
from .ops import READ_ONLY_NOTE, Failed, OpRunner
from .panel import LabelPanel, swatch
from .settings import project_key, recent_projects, remember_project
from .suggestions import SuggestionController
from .tasks import run_with_progress

if TYPE_CHECKING:  # SQLAlchemy loads after the window shows (see ui.app)
    from annotator.project import Project



class MainWindow(QMainWindow):
    """Built before the project opens (a shell shows at once); ``set_project`` fills it."""

    # Seconds an edit has waited for another job's write lock (emitted from any thread).
    lockWaited = Signal(float)

    def __init__(self, settings: QSettings, annotator: str, project: Project | None = None):
        super().__init__()
        self.project: Project = None  # type: ignore[assignment]  (set by set_project)
        self.read_only = False
        self.edit_actions: list[QAction] = []  # off in a read-only project
        self.annotator = annotator
        self.settings = settings
        self.document: DocumentData | None = None
        self.own: list[SpanData] = []
        self.others: list[SpanData] = []
        self.current: SpanData | None = None
        self.ops = OpRunner(self)
        self.setAcceptDrops(True)
        self.setMinimumSize(760, 480)

        self.doc_model = DocumentListModel(None, annotator, self)
        self.doc_list = DocumentList(self.doc_model)
        self.article = ArticleView()
        self.article.setAcceptDrops(False)
        self.article.viewport().setAcceptDrops(False)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setContentsMargins(18, 10, 18, 4)
        self.find_bar = self._make_find_bar()
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.setSpacing(0)
        centre_layout.addWidget(self.title)
        centre_layout.addWidget(self.article, 1)
        centre_layout.addWidget(self.find_bar)
        self.panel = LabelPanel()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.doc_list)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([330, 640, 430])
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)

        self.who = QToolButton()
        self.who.setAutoRaise(True)
        self.who.setToolTip("Switch annotator (Edit > Switch annotator)")
        self.position = QLabel()
        self.read_only_badge = QLabel("<b>Read-only</b>")
        self.read_only_badge.setToolTip(READ_ONLY_NOTE)
        self.read_only_badge.hide()
        self.elsewhere = QLabel()
        self.elsewhere.setToolTip("Edits made there show here within a second, and yours there")
        self.statusBar().addPermanentWidget(self.elsewhere)
        self.statusBar().addPermanentWidget(self.read_only_badge)
        self.statusBar().addPermanentWidget(self.position)
        self.statusBar().addPermanentWidget(self.who)

        self._make_actions()
        self.ops.undo_action, self.ops.redo_action = self.undo_action, self.redo_action
        self.ops.changed.connect(self.doc_model.on_changed)  # before the window reselects in it
        self.ops.changed.connect(self._on_changed)
        self.ops.presence.connect(self._show_presence)
        self.lockWaited.connect(self._show_lock_wait)
        self.doc_list.documentChosen.connect(self.open_document)
        self.doc_list.busy.connect(lambda on: self.statusBar().showMessage("Searching…") if on
                                   else self.statusBar().clearMessage())
        self.doc_list.filtered.connect(self._list_filtered)
        self.article.spanClicked.connect(lambda span: self.select_span(span))
        self.article.selectionChanged.connect(self._selection_changed)
        self.panel.buttons.labelClicked.connect(self.apply_label)
        self.panel.span_editor.changed.connect(self._span_edited)
        self.panel.span_table.clicked.connect(
            lambda index: self.select_span(self.panel.span_model.spans[index.row()], reveal=True))
        self.panel.document_editor.labelChanged.connect(self._document_label_changed)
        self.panel.document_editor.doneToggled.connect(self.set_done)
        self.suggestions = SuggestionController(self)  # after the window's own connections
        self._restore_window()
        self.title.setText("<h2>Opening the project…</h2>")
        for action in self.actions():
            action.setEnabled(False)
        if project is not None:
            self.set_project(project)

    # -- building -------------------------------------------------------------
    def add_command(self, menu: Any, text: str, slot: Callable[[], Any],
                shortcuts: list[QKeySequence | str] | QKeySequence.StandardKey | None = None,
                tip: str = "", edits: bool = False) -> QAction:
        """A menu command; ``edits``: it changes the project (off when read-only)."""
        action = add_action(self, menu, text, slot, shortcuts, tip)
        if edits:
            self.edit_actions.append(action)
        return action

    def _make_actions(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self.add_command(file, "&New project…", self.new_project, QKeySequence.StandardKey.New)
        self.add_command(file, "&Open project…", self.open_project_dialog, QKeySequence.StandardKey.Open)
        self.add_command(file, "Open read-&only…", lambda: self.open_project_dialog(read_only=True), None,
                     "Open a project without changing it (for a file on read-only media)")
        self.add_command(file, "Connect to &team project…", self._connect_team,
                     None, "Open a shared project on a PostgreSQL server")
        self.recent_menu = file.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file.addSeparator()
        self.add_command(file, "&Import articles…", self.import_dialog, ["Ctrl+I"],
                     "Import articles and spans in any format (or drop files on the window)",
                     edits=True)
        self._intake_menu = file  # intake.add_actions adds to it and to Edit
        self.add_command(file, "&Export spans…", self.export_dialog, ["Ctrl+E"])
        self.add_command(file, "&Merge colleague's work…", lambda: review.merge_dialog(self), None,
                     "Bring in spans from a colleague's project file or export", edits=True)
        self.add_command(file, "Restore from &backup…", lambda: backups_dialog.restore_dialog(self),
                     None, "Put back an automatic backup of this project", edits=True)
        file.addSeparator()
        self.add_command(file, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        edit = bar.addMenu("&Edit")
        self.undo_action = self.add_command(edit, "&Undo", self.undo, ["Ctrl+Z"])
        self.redo_action = self.add_command(edit, "&Redo", self.redo, ["Ctrl+Shift+Z", "Ctrl+Y"])
        edit.addSeparator()
        self.delete_action = self.add_command(edit, "&Delete span", self.delete_span,
                                          ["Delete", "Backspace"])
        self.add_command(edit, "Select &next span", lambda: self.step_span(1), ["]"])
        self.add_command(edit, "Select &previous span", lambda: self.step_span(-1), ["["])
        self.add_command(edit, "Clear selection", self.clear_selection, ["Esc"])
        edit.addSeparator()
        self.add_command(edit, "&Find in article…", self.show_find, QKeySequence.StandardKey.Find)
        self.add_command(edit, "Search &documents…", self.doc_list.search.setFocus, ["Ctrl+Shift+F"])
        self.add_command(edit, "Find next", lambda: self.find(False), QKeySequence.StandardKey.FindNext)
        self.add_command(edit, "Find previous", lambda: self.find(True),
                     QKeySequence.StandardKey.FindPrevious)
        edit.addSeparator()
        self.add_command(edit, "&Switch annotator…", self.switch_annotator, ["Ctrl+Shift+A"])
        edit.addSeparator()
        intake.add_actions(self, self._intake_menu, edit)

        view = bar.addMenu("&View")
        self.others_action = self.add_command(view, "Show &colleagues' spans", self.toggle_others,
                                          ["Ctrl+Shift+C"])
        self.others_action.setCheckable(True)
        self.others_action.setChecked(self.settings.value("show_others", False, type=bool))
        view.addSeparator()
        self.add_command(view, "Zoom &in", lambda: self.zoom(1), ["Ctrl+=", "Ctrl++"])
        self.add_command(view, "Zoom &out", lambda: self.zoom(-1), ["Ctrl+-"])
        self.add_command(view, "&Actual size", lambda: self.zoom(0), ["Ctrl+0"])
        view.addSeparator()
        self.add_command(view, "&Insights…", self.show_insights, ["Ctrl+Shift+I"],
                     "Figures and charts of what the labels show, and how the annotation went")

        document = bar.addMenu("&Document")
        self.add_command(document, "&Next document", lambda: self.step_document(1),
                     ["Alt+Right", "PgDown"])
        self.add_command(document, "&Previous document", lambda: self.step_document(-1),
                     ["Alt+Left", "PgUp"])
        document.addSeparator()
        self.done_action = self.add_command(document, "Mark &done", self.toggle_done,
                                        ["Ctrl+Return"])
        self.done_action.setCheckable(True)

        self.labels_menu = bar.addMenu("&Labels")
        self.label_actions = QActionGroup(self)
        self.label_actions.setExclusive(False)
        self.shortcuts_action = QAction("Change &shortcuts…", self)
        self.edit_actions.append(self.shortcuts_action)
        self.shortcuts_action.triggered.connect(lambda _c=False: self.change_shortcuts())
        self.addAction(self.shortcuts_action)

        review.add_menu(self, bar)
        help_menu = bar.addMenu("&Help")
        self.add_command(help_menu, "&Keyboard shortcuts", self.show_shortcuts, ["F1"])
        self.add_command(help_menu, "&About", self.about)
        self.who.clicked.connect(self.switch_annotator)

    def _make_find_bar(self) -> QWidget:
        bar = QWidget()
        self.find_edit = QLineEdit(placeholderText="Find in article (Enter: next, Shift+Enter: previous, Esc: close)")
        self.find_edit.returnPressed.connect(lambda: self.find(False))
        self.find_status = QLabel()
        close = QToolButton(text="✕", autoRaise=True)
        close.clicked.connect(self.hide_find)
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(12, 4, 12, 4)
        layout.addWidget(QLabel("Find:"))
        layout.addWidget(self.find_edit, 1)
        layout.addWidget(self.find_status)
        layout.addWidget(close)
        bar.hide()
        return bar

    def _rebuild_label_actions(self) -> None:
        self.labels_menu.clear()
        for action in self.label_actions.actions():
            self.label_actions.removeAction(action)
            self.removeAction(action)
        shortcuts = self.shortcuts()
        for label in self.project.scheme.labels:
            key = shortcuts.get(label.key)
            action = QAction(swatch(label.color), label.name, self)
            if key:
                action.setShortcut(QKeySequence(key))
            action.setStatusTip(label.description[:160])
            action.triggered.connect(lambda _c=False, k=label.key: self.apply_label(k))
            self.label_actions.addAction(action)
            self.labels_menu.addAction(action)
            self.addAction(action)
        self.labels_menu.addSeparator()
        self.labels_menu.addAction(self.shortcuts_action)
        self.panel.set_scheme(self.project.scheme, shortcuts)

    def change_shortcuts(self) -> None:
        labels = set(self.label_actions.actions())
        taken = {k.toString(QKeySequence.SequenceFormat.PortableText)
                 for a in self.actions() if a not in labels for k in a.shortcuts()}
        dialog = ShortcutDialog(self, self.project.scheme, self.shortcuts(), taken)
        if dialog.exec():
            self.set_shortcuts(dialog.chosen())

    def set_shortcuts(self, shortcuts: dict[str, str]) -> None:
        """Label keys for this project (kept in the project file for everyone)."""
        defaults = {label.key: label.shortcut or "" for label in self.project.scheme.labels}
        changed = {k: v for k, v in shortcuts.items() if defaults.get(k) != v}
        changed.update({k: "" for k, v in defaults.items() if v and k not in shortcuts})
        try:
            self.project.set_setting("shortcuts", changed)
        except AnnotatorError as exc:
            show_error(self, "Could not save the shortcuts", exc)
            return
        self._rebuild_label_actions()

    def shortcuts(self) -> dict[str, str]:
        """Label key -> shortcut: the scheme's, overridden per project."""
        found = {label.key: label.shortcut for label in self.project.scheme.labels if label.shortcut}
        found.update(self.project.setting("shortcuts", {}) or {})
        return {key: value for key, value in found.items() if value}

    # -- project -------------------------------------------------------------------
    def _project_changed(self) -> None:
        for action in self.actions():
            action.setEnabled(not (self.read_only and action in self.edit_actions))
        self.suggestions.menu.menuAction().setEnabled(not self.read_only)
        self.panel.span_editor.setEnabled(not self.read_only)
        self.panel.document_editor.setEnabled(not self.read_only)
        self.read_only_badge.setVisible(self.read_only)
        self.project.on_lock_wait = self.lockWaited.emit
        self.ops.watch(self.project, self.read_only)
        if not self.read_only:
            self.project.ensure_annotator(self.annotator)
        remember_project(self.settings, self.project.location)
        self._rebuild_label_actions()
        self.doc_model.project = self.project
        self.doc_model.reload(annotator=self.annotator)
        self.doc_list.fill_choices()
        self.who.setText(f"Annotator: {self.annotator}")
        mode = " (read-only)" if self.read_only else ""
        self.setWindowTitle(f"{Path(self.project.location).stem}{mode} — Media Bias Annotator")
        if not self.read_only:
            backups_dialog.schedule_auto_backup(self)

    def set_project(self, project: Project, read_only: bool = False) -> None:
        """Show another project (the caller then picks the document with ``start``);
        ``read_only``: it was opened so (edits are refused with a word why)."""
        old = self.project
        if old is not None:
            self._remember_document()
            self.ops.unwatch()
        self.project = project
        self.read_only = read_only
        self.document = None
        self.current = None
        self.article.clear_document()
        self.suggestions.clear()
        self._project_changed()
        if old is not None:
            old.close()

    def start(self, key: str | None = None) -> None:
        """Open the named document, else the last one read here, else the first."""
        group = project_key(self.project.location)
        found = self.project.find_document(key) if key else None
        if key and found is None:
            show_error(self, "No such document", f"The project has no document {key!r}.")
        document_id = found.id if found else self.settings.value(f"{group}/document", None, type=int)
        if document_id is not None and self.has_document(document_id):
            self.open_document(document_id)
            if not key:
                top = self.settings.value(f"{group}/top", 0, type=int)
                QTimer.singleShot(0, lambda: self.article.scroll_to_offset(top))
        elif self.doc_model.rowCount():
            self.open_document(self.doc_model.summary(0).id)
        else:
            self.show_empty()

    def has_document(self, document_id: int) -> bool:
        try:
            self.project.document(document_id)
        except AnnotatorError:
            return False
        return True

    def show_empty(self) -> None:
        self.title.setText("<h2>No articles yet</h2><p>Use File &gt; Import articles (Ctrl+I) "
                           "or Import from URL, or drop saved web pages, PDF, Word, .txt, "
                           ".jsonl or .csv files on this window.</p>")
        self.position.setText("")

    def new_project(self) -> None:
        dialog = NewProjectDialog(self, str(Path(self.project.location).parent))
        if not dialog.exec():
            return
        path, scheme = dialog.chosen()
        from annotator.project import Project

        try:
            if path.exists():
                raise AnnotatorError(f"{path} already exists; choose another name")
            project = Project.create(path, resolve_scheme(scheme))
        except (AnnotatorError, OSError) as exc:
            show_error(self, "Could not create the project", exc)
            return
        self.set_project(project)
        self.start()

    def open_project_dialog(self, read_only: bool = False) -> None:
        path = file_dialogs.open_file(self, "Open project read-only" if read_only else "Open project",
                                      Path(self.project.location).parent, file_dialogs.PROJECT_FILTER)
        if path:
            self.open_project(str(path), read_only)

    def _connect_team(self) -> None:
        from . import connect_dialog  # SQLAlchemy's URL type: off the start-up path

        connect_dialog.connect_dialog(self)

    def open_project(self, path: str, read_only: bool = False) -> None:
        """Open and show a project; one that cannot be written may be opened read-only."""
        if path == self.project.location and read_only == self.read_only:
            return
        from annotator.project import Project
        from annotator.store import is_server

        if is_server(path):  # a recent team project
            from . import connect_dialog  # SQLAlchemy's URL type: off the start-up path

            return connect_dialog.connect(self, path)

        try:
            project = Project.open(path, readonly=read_only)
            project.scheme  # noqa: B018 (reads and checks the stored scheme)
        except ProjectReadOnlyError as exc:
            if not read_only and offer_read_only(self, exc):
                self.open_project(path, read_only=True)
            return
        except (AnnotatorError, OSError) as exc:
            show_error(self, "Could not open the project", exc)
            return
        self.set_project(project, read_only)
        self.start()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in recent_projects(self.settings):
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _c=False, p=path: self.open_project(p))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("No recent projects").setEnabled(False)

    # -- documents --------------------------------------------------------------------
    def open_document(self, document_id: int) -> None:
        self.panel.span_editor.commit_note()  # an unfinished note edit is kept
        if self.document is not None and self.document.id != document_id:
            self._remember_document()
        try:
            self.document = self.project.document(document_id)
        except AnnotatorError as exc:
            show_error(self, "Could not open the document", exc)
            return
        self.current = None
        self._load_spans()
        self.article.show_document(self.document, self.project.scheme, self.own, self.others)
        self.show_title()
        self._refresh_panel()
        self._refresh_document_fields()
        self.doc_list.select(document_id)
        self.settings.setValue(f"{project_key(self.project.location)}/document", document_id)
        self.update_position()
        self.article.setFocus()  # the keyboard belongs to the article
        self.suggestions.document_opened()
        self._note_activity()

    def show_title(self) -> None:
        assert self.document is not None
        doc = self.document
        meta = " · ".join(escape(x) for x in (doc.outlet, doc.author, doc.published) if x)
        self.title.setText(f"<div style='font-size:17px; font-weight:600'>{escape(doc.title or doc.key)}</div>"
                           f"<div style='color:gray'>{meta}</div>")

    def _list_filtered(self) -> None:
        if self.document is not None:
            self.doc_list.select(self.document.id)
        self.update_position()

    def update_position(self) -> None:
        if self.document is None:
            return
        row = self.doc_model.row_of(self.document.id)
        where = f"{row + 1} of {self.doc_model.total}" if row is not None else "not in the list"
        self.position.setText(f"Document {where}   ")

    def _remember_document(self) -> None:
        if self.document is not None:
            group = project_key(self.project.location)
            self.settings.setValue(f"{group}/document", self.document.id)
            self.settings.setValue(f"{group}/top", self.article.top_offset())

    def step_document(self, step: int) -> None:
        if self.document is None:
            return
        target = self.doc_list.neighbour(self.document.id, step)
        if target is None:
            self.statusBar().showMessage("No more documents in the list", 2000)
            return
        self.open_document(target)

    # -- spans ------------------------------------------------------------------------
    def _load_spans(self) -> None:
        assert self.document is not None
        spans = self.project.spans(self.document.id)
        self.own = [s for s in spans if s.annotator == self.annotator]
        self.others = [s for s in spans if s.annotator != self.annotator] \
            if self.others_action.isChecked() else []

    def _refresh_panel(self) -> None:
        assert self.document is not None
        shown = self.own + self.others
        self.panel.span_model.set_spans(self.project.scheme, self.document.text, shown)
        self.panel.set_span_count(len(shown))
        self._show_current()

    def _refresh_document_fields(self) -> None:
        assert self.document is not None
        status = self.project.status(self.document.id, self.annotator)
        values = self.project.document_labels(self.document.id, self.annotator)
        self.panel.document_editor.show_values(values, status == "done")
        self.panel.document_editor.details.show_document(self.document)
        self.done_action.setChecked(status == "done")

    def _show_current(self) -> None:
        span = self.current
        label = self.project.scheme.label(span.label) if span else None
        text = self.document.text[span.start:span.end] if span and self.document else ""
        self.panel.span_editor.show_span(span, label, text, span is not None and span.annotator == self.annotator)
        if label is not None:
            self.panel.show_guideline(label)
        self.article.set_current(span)
        self.delete_action.setEnabled(span is not None and span.annotator == self.annotator)
        table = self.panel.span_table
        row = self.panel.span_model.row_of(span.id) if span else None
        if row is None:
            table.clearSelection()
        else:
            table.selectRow(row)

    def select_span(self, span: SpanData | None, *, reveal: bool = False) -> None:
        self.suggestions.unfocus()
        self.current = span
        self._show_current()
        if span is not None:
            self.panel.tabs.setCurrentIndex(0)
            if reveal:
                self.article.set_current(span, reveal=True)

    def step_span(self, step: int) -> None:
        spans = sorted(self.own + self.others, key=lambda s: (s.start, s.end, s.id))
        if not spans:
            return
        if self.current is None or self.current.id not in {s.id for s in spans}:
            index = 0 if step > 0 else len(spans) - 1
        else:
            index = next(n for n, s in enumerate(spans) if s.id == self.current.id) + step
        self.select_span(spans[index % len(spans)], reveal=True)

    def clear_selection(self) -> None:
        if self.find_bar.isVisible() and self.find_edit.hasFocus():
            self.hide_find()
            return
        self.article.clear_selection()
        self.select_span(None)
        self.article.setFocus()  # back to the article from the search box or an editor

    def _selection_changed(self) -> None:
        if self.article.textCursor().hasSelection() and self.current is not None:
            self.select_span(None)

    # -- edits (each one committed by the core before it is drawn) ----------------------
    def refuse_if_read_only(self) -> bool:
        """True (and the status bar says why) if the project must not be changed."""
        return self.ops.refuse_if_read_only()

    def _show_lock_wait(self, seconds: float) -> None:
        self.statusBar().showMessage(f"Waiting for another job to finish writing to the project… "
                                     f"({seconds:.0f} s)", 3000)
        self.statusBar().repaint()  # the edit waits in this thread: paint the word now

    def _note_activity(self) -> None:
        """Annotation time for the Insights process figures (idle gaps are left out)."""
        from annotator.insights.process import record

        if self.document is None:
            return
        try:
            record(self.project, self.annotator, self.document.id)
        except AnnotatorError:
            pass  # e.g. a read-only project: the time goes unrecorded, the work goes on

    def show_insights(self) -> None:
        from .insights_view import InsightsView  # matplotlib loads only here

        self.insights_view = InsightsView(self)
        self.insights_view.show()
        self.insights_view.compute()

    def apply_label(self, key: str) -> None:
        """Tag the selected text with a label, or relabel the selected span."""
        if self.document is None:
            return
        label = self.project.scheme.label(key)
        selected = self.article.selection_codepoints()
        if selected is not None:
            snapped = snap(self.document.text, *selected, label=label)
            if snapped is None:
                self.statusBar().showMessage("Nothing to tag: the selection is only white space", 3000)
                return
            doc_id = self.document.id
            done = self.ops.run(lambda: self.project.add_span(doc_id, self.annotator, key, *snapped),
                                initiator=self, label="Could not add the span")
            if isinstance(done, Failed):
                return
            self.article.clear_selection()
        elif self.current is not None and self.current.annotator == self.annotator:
            span_id = self.current.id
            if self.current.label == key:
                return
            done = self.ops.run(lambda: self.project.relabel(span_id, self.annotator, key),
                                initiator=self, label="Could not relabel the span")
            if isinstance(done, Failed):
                return
        elif self.suggestions.focused is not None:
            self.suggestions.accept(label=key)
            return
        else:
            self.statusBar().showMessage("Select some text (or one of your spans) first", 3000)
            return
        self.select_span(self._shown(done.value.id))
        self.statusBar().showMessage(f"Tagged as {label.name if label else key}", 2000)

    def delete_span(self) -> None:
        span = self.current
        if span is None or span.annotator != self.annotator:
            self.statusBar().showMessage("Select one of your spans to delete it", 3000)
            return
        done = self.ops.run(lambda: self.project.delete_span(span.id, self.annotator),
                            initiator=self, label="Could not delete the span")
        if not isinstance(done, Failed):
            self.statusBar().showMessage("Span deleted (Ctrl+Z undoes)", 3000)

    def _span_edited(self, span_id: int, changes: dict[str, Any]) -> None:
        self.ops.run(lambda: self.project.update_span(span_id, self.annotator, **changes),
                     initiator=self, label="Could not change the span")

    def _shown(self, span_id: int) -> SpanData | None:
        return next((s for s in chain(self.own, self.others) if s.id == span_id), None)

    def _show_presence(self, others: int) -> None:
        self.elsewhere.setText("" if not others else "Also open in another window   " if others == 1
                               else f"Also open in {others} other windows   ")

    def _on_changed(self, changes: Changes, initiator: object) -> None:
        """Redraw what ``changes`` touch: the list, and the open document's parts."""
        if initiator is not None:
            self._note_activity()
        if changes.scheme or changes.settings:
            self._rebuild_label_actions()
        doc = self.document
        if doc is not None and (changes.documents or changes.document_fields
                                or not changes.document_ids):
            self.doc_list.select(doc.id)  # the list reloaded
            self.update_position()
        if doc is None:
            if changes.documents and self.doc_model.rowCount():
                self.start()
            return
        if not changes.touches(doc.id):
            return
        if changes.documents and not self.has_document(doc.id):  # removed elsewhere
            self.document = None
            self.article.clear_document()
            self.start()
            return
        if changes.document_fields or changes.scheme:
            self.open_document(doc.id)
            return
        if changes.spans or changes.gold:
            self._redraw_spans(changes)
        if changes.spans or changes.statuses or changes.document_labels:
            self._refresh_document_fields()

    def _redraw_spans(self, changes: Changes) -> None:
        """Only the changed spans when the changes name them, else all of them."""
        assert self.document is not None
        if changes.span_ids and changes.document_ids == {self.document.id}:
            live = self.project.live_spans(changes.span_ids)
            show_others = self.others_action.isChecked()
            for span_id in sorted(changes.span_ids):
                old, new = self._shown(span_id), live.get(span_id)
                if new is not None and new.annotator != self.annotator and not show_others:
                    new = None
                if old == new:
                    continue
                if old is not None:
                    (self.own if old.annotator == self.annotator else self.others).remove(old)
                if new is not None:  # kept in order, as Project.spans gives them
                    insort(self.own if new.annotator == self.annotator else self.others, new,
                           key=_span_order)
                self.article.change_span(old, new)
        else:
            self._load_spans()
            self.article.update_spans(self.own, self.others)
        if self.current is not None:
            self.current = self._shown(self.current.id)
        self._refresh_panel()

    def _document_label_changed(self, key: str, value: Any) -> None:
        if self.document is None:
            return
        doc_id = self.document.id
        self.ops.run(lambda: self.project.set_document_label(doc_id, self.annotator, key, value),
                     initiator=self, label="Could not set the document label")

    def toggle_done(self) -> None:
        self.set_done(self.done_action.isChecked())

    def set_done(self, done: bool) -> None:
        if self.document is None:
            return
        doc_id = self.document.id
        result = self.ops.run(lambda: self.project.mark_done(doc_id, self.annotator, done),
                              initiator=self, label="Could not change the status")
        if isinstance(result, Failed):
            self._refresh_document_fields()  # the check box shows the stored status again
            return
        self.statusBar().showMessage("Marked done" if done else "Marked not done", 2000)

    def undo(self) -> None:
        self._history_step(self.project.undo, "undo")

    def redo(self) -> None:
        self._history_step(self.project.redo, "redo")

    def _history_step(self, step: Callable[[], Done[int | None]], verb: str) -> None:
        status = self.project.undo_status()
        text = status.undo_text if verb == "undo" else status.redo_text
        done = self.ops.run(step, initiator=self, label=f"Could not {verb}")
        if isinstance(done, Failed):
            return
        if done.value is None:
            self.statusBar().showMessage(f"Nothing to {verb}", 2000)
            return
        if self.document is None or self.document.id != done.value:
            if self.has_document(done.value):
                self.open_document(done.value)
        self.statusBar().showMessage(f"{'Undid' if verb == 'undo' else 'Redid'}: {text}", 3000)

    # -- annotator and view -----------------------------------------------------------
    def switch_annotator(self) -> None:
        name = ask_annotator(self, self.annotator, first=False)
        if name and name != self.annotator:
            self.set_annotator(name)

    def set_annotator(self, name: str) -> None:
        self.annotator = name
        self.settings.setValue("annotator", name)
        if not self.read_only:
            self.project.ensure_annotator(name)
        self.who.setText(f"Annotator: {name}")
        self.doc_model.reload(annotator=name)
        if self.document is not None:
            self.open_document(self.document.id)

    def toggle_others(self) -> None:
        self.settings.setValue("show_others", self.others_action.isChecked())
        if self.document is None:
            return
        self._load_spans()
        if self.current is not None and self.current.annotator != self.annotator:
            self.current = None
        self.article.update_spans(self.own, self.others)
        self._refresh_panel()

    def zoom(self, step: int) -> None:
        if step == 0:
            self.article.zoomIn(int(12.5 - self.article.font().pointSizeF()))
        else:
            self.article.zoomIn(step)
        self.settings.setValue("zoom", self.article.font().pointSizeF())

    def show_find(self) -> None:
        self.find_bar.show()
        cursor = self.article.textCursor()
        if cursor.hasSelection() and "\u2029" not in cursor.selectedText():
            self.find_edit.setText(cursor.selectedText())
        self.find_edit.selectAll()
        self.find_edit.setFocus()

    def hide_find(self) -> None:
        self.find_bar.hide()
        self.article.setFocus()

    def find(self, backward: bool) -> None:
        if not self.find_bar.isVisible():
            self.show_find()
            return
        found = self.article.find_text(self.find_edit.text(), backward)
        self.find_status.setText("" if found else "Not found")

    # -- import and export ---------------------------------------------------------------
    def import_dialog(self) -> None:
        folder = self.settings.value("import_folder", str(Path.home()))
        dialog = ImportDialog(self, folder)
        if not dialog.exec():
            return
        paths, name, values = dialog.chosen()
        self.settings.setValue("import_folder", str(paths[0].parent))
        self.import_paths(paths, name, values)

    def import_paths(self, paths: list[Path], format_name: str = "auto",
                     values: dict[str, Any] | None = None) -> None:
        """Import files (chosen or dropped) in a worker; ``values``: the format's
        options (formats.options). Files that are not UTF-8 are shown first."""
        if self.refuse_if_read_only():
            return


        def check(progress: Callable[[int, int], None]) -> list[NotUtf8]:
            found = []
            for n, path in enumerate(paths):
                progress(n, len(paths))
                if path.is_dir() or intake.decodes_itself(path):
                    continue  # a folder of .txt files: each is read as detected
                data = files.read_bytes(path)  # refused: the open project, or a link to it
                guess = detect_encoding(data)
                if guess.encoding is not None and guess.encoding != UTF8:  # None: not text
                    found.append(NotUtf8.of(path, data, guess))
            return found

        run_with_progress(self, "Reading the files…", check,
                          lambda found: self._import_checked(paths, format_name, values or {}, found),
                          self.show_import_failed)

    def _import_checked(self, paths: list[Path], format_name: str, values: dict[str, Any],
                        found: list[NotUtf8]) -> None:
        encoding = None  # each file as detected
        if found:
            same = {f.guess.encoding for f in found} == {found[0].guess.encoding}
            choosable = same and len(found) == len(paths)
            dialog = EncodingDialog(self, found[0], len(found) - 1, choosable)
            if not dialog.exec():
                self.statusBar().showMessage("Import cancelled; nothing was imported", 5000)
                return
            if choosable:
                encoding = dialog.chosen()
        project, annotator = self.project, self.annotator

        def work(progress: Callable[[int, int], None]) -> Done[Any]:
            options, add_labels = read_options(values, progress=progress, encoding=encoding)
            report = formats.import_files(project, paths, format_name=format_name,
                                          annotator=annotator, options=options,
                                          add_labels=add_labels)
            return Done(report, report.changes)

        self.ops.run_long("Importing articles…", work, initiator=self,
                          label="The articles could not be imported", success=self.show_imported,
                          cancelled="Import cancelled; nothing was imported")

    def show_imported(self, report: Any) -> None:
        self.doc_list.fill_choices()
        message = report.summary() + "".join(f"\n{note}" for note in report.notes)
        self.statusBar().showMessage("Imported: " + report.summary(), 8000)
        if report.first_document_id is not None:
            self.open_document(report.first_document_id)  # what was imported, shown
        elif self.document is not None:
            self.doc_list.select(self.document.id)
            self.update_position()
        show_info(self, "Import finished", message)

    def show_import_failed(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            self.statusBar().showMessage("Import cancelled; nothing was imported", 5000)
        else:
            show_error(self, "The articles could not be imported", exc)

    def export_dialog(self) -> None:
        folder = self.settings.value("export_folder", str(Path.home()))
        dialog = ExportDialog(self, self.project.scheme, self.project.annotators(), folder)
        if not dialog.exec():
            return
        name, target, annotators, labels = dialog.chosen()
        self.settings.setValue("export_folder", str(target.parent))
        self.export_to(name, target, SpanFilter(annotators=annotators, labels=labels),
                       dialog.values())

    def export_to(self, name: str, target: Path, where: SpanFilter,
                  values: dict[str, Any] | None = None) -> None:
        project = self.project

        def work(progress: Callable[[int, int], None]) -> Any:
            return formats.export(project, name, target,
                                  write_options(values or {}, where=where, progress=progress))

        def done(report: Any) -> None:
            self.statusBar().showMessage(f"Exported {report.summary()} to {target}", 8000)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, Cancelled):
                self.statusBar().showMessage("Export cancelled; no file was written", 5000)
            else:
                show_error(self, "The spans could not be exported", exc)

        run_with_progress(self, "Exporting spans…", work, done, failed)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls() and all(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)

    # -- help ------------------------------------------------------------------------------
    def show_shortcuts(self) -> None:
        rows = []
        for menu in self.menuBar().findChildren(type(self.labels_menu)):
            for action in menu.actions():
                keys = action.shortcuts()[0].toString(QKeySequence.SequenceFormat.NativeText) \
                    if action.shortcuts() else ""  # the first binding, in the platform's words
                if keys and action.text():
                    rows.append(f"<tr><td>{escape(action.text().replace('&', ''))}</td>"
                                f"<td><b>{escape(keys)}</b></td></tr>")
        box = QMessageBox(QMessageBox.Icon.Information, "Keyboard shortcuts",
                          "<table cellspacing=4>" + "".join(rows) + "</table>",
                          QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.RichText)  # label names in it are escaped
        box.exec()

    def about(self) -> None:
        QMessageBox.about(self, "About Media Bias Annotator",
                          "<b>Media Bias Annotator</b><p>Tag loaded terms, unsupported claims "
                          "and framing in news articles. Every edit is saved as you make it.</p>")

    # -- state ---------------------------------------------------------------------------------
    def _restore_window(self) -> None:
        s = self.settings
        geometry = s.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 900)
        state = s.value("state")
        if state is not None:
            self.restoreState(state)
        sizes = s.value("splitter")
        if sizes is not None:
            self.splitter.restoreState(sizes)
        zoom = s.value("zoom", None, type=float)
        if zoom:
            font = self.article.font()
            font.setPointSizeF(zoom)
            self.article.setFont(font)

    def save_state(self) -> None:
        self.panel.span_editor.commit_note()
        self._remember_document()
        s = self.settings
        s.setValue("geometry", self.saveGeometry())
        s.setValue("state", self.saveState())
        s.setValue("splitter", self.splitter.saveState())
        s.sync()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.PaletteChange and self.article.scheme is not None:
            self.article.restyle()  # span tints are mixed with the text background
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.save_state()
        self.ops.unwatch()
        super().closeEvent(event)


def _span_order(span: SpanData) -> tuple[int, int, int]:
    return (span.start, span.end, span.id)
