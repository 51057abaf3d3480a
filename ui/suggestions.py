"""Suggestions in the window: computed in a worker thread, drawn as dashed
outlines over the article, reviewed from the keyboard (Suggestions menu).

Nothing here decides what is suggested or stored: the core's
``annotator.suggest`` does (imported lazily, so neither it nor spaCy is on the
start-up path). A suggestion lives only in :attr:`SuggestionController.items`
until it is accepted (then it is a span) or rejected (then the core remembers
the rejection).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog, QLabel, QMenu

from annotator.errors import AnnotatorError, Cancelled
from annotator.wording import plural

from . import file_dialogs
from .dialogs import show_error
from .plain import tip
from .suggestion_layer import SuggestionLayer
from .tasks import run_with_progress

if TYPE_CHECKING:
    from annotator.domain import SpanData
    from annotator.suggest import Suggestion, SuggesterStatus

    from .window import MainWindow

DEBOUNCE_MS = 250  # edits in quick succession cost one computation
# Longer articles get no suggestions: spaCy needs about 0.5 GB per MB of text
# for them (a 5 MB article took minutes and 2.7 GB), more than a reader gains.
MAX_CHARACTERS = 1_000_000
NO_LEMMAS = "Lexicons match listed variants only (the pipeline has no lemmatizer)"
LEXICON_FILTER = "Lexicons (*.txt *.tsv);;All files (*)"


class _Relay(QObject):
    """Carries a worker's result to the UI thread: (ticket, result, error)."""

    finished = Signal(int, object, object)


class SuggestionController(QObject):
    """The current document's suggestions, their review actions and menu."""

    updated = Signal()  # new suggestions (or none) are shown

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self.items: list[Suggestion] = []
        self.status: list[SuggesterStatus] | None = None
        self.focused: Suggestion | None = None
        self._resume: int | None = None  # after a decision: the code point Tab goes on from
        self.document_id: int | None = None  # what ``items`` belong to
        self.pending = False  # a computation is scheduled or running
        self._new_lexicon: str | None = None  # added: say so if it cannot run
        self._tickets = itertools.count(1)
        self._wanted = 0  # the ticket whose result is still wanted
        self._callbacks: dict[int, Callable[[Any, BaseException | None], None]] = {}
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one engine, one computation at a time
        self._relay = _Relay(self)
        self._relay.finished.connect(self._finished)
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self._compute)
        self.count_label = QLabel()
        window.statusBar().insertPermanentWidget(0, self.count_label)
        self.layer = SuggestionLayer(self)
        self._make_menu()
        window.article.spanClicked.connect(self._clicked)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)

    def stop(self) -> None:
        """Drop queued work; a running job is not waited for (the app ends the
        process without it, ``ui.app.leave``)."""
        self._timer.stop()
        self._pool.clear()

    @property
    def project(self) -> Any:
        return self.window.project

    # -- menu and actions -----------------------------------------------------------
    def _make_menu(self) -> None:
        window = self.window
        bar = window.menuBar()
        self.menu = QMenu("&Suggestions", bar)  # in the bar: Help > Keyboard shortcuts lists it
        bar.insertMenu(bar.actions()[-1], self.menu)  # before Help
        article = window.article

        def action(text: str, slot: Callable[[], Any], keys: list[str] | None = None,
                   tip: str = "") -> QAction:
            act = QAction(text, window)
            if keys:
                act.setShortcuts([QKeySequence(k) for k in keys])
                # the keys belong to the article: Tab still moves focus elsewhere
                act.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
                article.addAction(act)
            act.setStatusTip(tip)
            act.triggered.connect(lambda _checked=False: slot())
            self.menu.addAction(act)
            return act

        self.next_action = action("&Next suggestion", lambda: self.step(1), ["Tab"])
        self.previous_action = action("&Previous suggestion", lambda: self.step(-1),
                                      ["Shift+Tab", "Shift+Backtab"])
        self.accept_action = action("&Accept suggestion", self.accept, ["Enter", "Return"],
                                    "The focused suggestion becomes your span (Ctrl+Z undoes)")
        self.reject_action = action("&Reject suggestion", self.reject, ["Backspace"],
                                    "Not suggested again for this document")
        self.accept_all_action = action("Accept all from this suggester", self.accept_all_focused,
                                        ["Shift+Enter", "Shift+Return"])
        self.accept_all_menu = self.menu.addMenu("Accept all &from")
        self.menu.addSeparator()
        self.suggesters_menu = self.menu.addMenu("&Suggesters")
        self.lemma_note = self.menu.addAction(NO_LEMMAS)
        self.lemma_note.setEnabled(False)
        self.lemma_note.setVisible(False)
        self.menu.addSeparator()
        action("Add &lexicon…", self.add_lexicon_dialog,
               tip="A plain-text file: a term a line, then optionally TAB label TAB note")
        self.remove_menu = self.menu.addMenu("Remove l&exicon")
        action("&Train model…", self.train_dialog,
               tip="Train a span categorizer on the project's spans and suggest with it")
        self.menu.aboutToShow.connect(self._fill_menus)
        self._update_actions()

    def _fill_menus(self) -> None:
        from annotator.suggest.engine import LEXICONS

        self.accept_all_menu.clear()
        counts = Counter(s.suggester for s in self.items)
        titles = {s.name: s.title for s in self.status or []}
        for name, n in sorted(counts.items()):
            act = self.accept_all_menu.addAction(f"{titles.get(name, name)} ({n})")
            act.triggered.connect(lambda _c=False, name=name: self.accept_all(name))
        if not counts:
            self.accept_all_menu.addAction("No suggestions here").setEnabled(False)
        self.suggesters_menu.clear()
        if self.status is None:
            self.suggesters_menu.addAction("Loading the suggesters…").setEnabled(False)
        for status in self.status or []:
            text = status.title if status.available else f"{status.title} (cannot run)"
            act = self.suggesters_menu.addAction(text)
            act.setCheckable(True)
            act.setChecked(status.enabled and status.available)
            act.setEnabled(status.available)
            act.setToolTip(tip(status.reason))
            act.setStatusTip(status.reason)
            act.toggled.connect(lambda on, name=status.name: self.set_enabled(name, on))
        self.suggesters_menu.setToolTipsVisible(True)
        self.remove_menu.clear()
        for path in self.project.setting(LEXICONS, []) or []:
            act = self.remove_menu.addAction(path)
            act.triggered.connect(lambda _c=False, path=path: self.remove_lexicon(Path(path)))
        self.remove_menu.setEnabled(not self.remove_menu.isEmpty())
        self.lemma_note.setVisible(self.no_lemmas())

    def _update_actions(self) -> None:
        focused = self.focused is not None
        for act in (self.accept_action, self.reject_action, self.accept_all_action):
            act.setEnabled(focused)
        self.next_action.setEnabled(bool(self.items))
        self.previous_action.setEnabled(bool(self.items))
        self.accept_all_action.setText(
            f"Accept all from {self._title(self.focused.suggester)}" if focused
            else "Accept all from this suggester")
        self._update_count()

    def _title(self, name: str) -> str:
        return next((s.title for s in self.status or [] if s.name == name), name)

    def _update_count(self) -> None:
        if self.window.document is None:
            text = ""
        elif self.pending and not self.items:
            text = "Suggestions: …"
        else:
            text = f"Suggestions: {len(self.items)}" + (" (Tab)" if self.items else "")
        self.count_label.setText(text)
        rows = [f"{self._title(name)}: {n}"
                for name, n in sorted(Counter(s.suggester for s in self.items).items())]
        if self.no_lemmas():
            rows.append(NO_LEMMAS)
        self.count_label.setToolTip(tip("\n".join(rows)))

    def no_lemmas(self) -> bool:
        """A lexicon runs on a pipeline without a lemmatizer."""
        return any(s.available and s.name.startswith("lexicon") and not s.lemmas
                   for s in self.status or [])

    # -- computing (in the worker) ----------------------------------------------------
    def _submit(self, work: Callable[[], Any], done: Callable[[Any, BaseException | None], None],
                *, latest: bool = False) -> int:
        """Run ``work`` in the worker, then ``done(result, error)`` on the UI thread.

        A ``latest`` job is the one whose result is wanted (suggestions for
        what is shown): when a newer one was submitted before it started, it
        is skipped, so paging through documents does not queue up work.
        """
        ticket = next(self._tickets)
        self._callbacks[ticket] = done
        relay = self._relay
        if latest:
            self._wanted = ticket

        def run() -> None:
            if latest and ticket != self._wanted:  # superseded before it started
                relay.finished.emit(ticket, None, None)  # its callback drops it
                return
            try:
                result = work()
            except BaseException as exc:  # handed to the UI thread
                relay.finished.emit(ticket, None, exc)
            else:
                relay.finished.emit(ticket, result, None)

        self._pool.start(run)
        return ticket

    def _finished(self, ticket: int, result: Any, error: BaseException | None) -> None:
        callback = self._callbacks.pop(ticket, None)
        if callback is not None:
            callback(result, error)

    def document_opened(self) -> None:
        """A document is shown: drop the last one's suggestions, compute its own."""
        document = self.window.document
        self.document_id = document.id if document else None
        self._wanted = 0  # a result still on its way belongs to the last document
        self.items, self.focused, self._resume = [], None, None
        self.layer.changed()
        self._update_actions()
        self.schedule(0)

    def clear(self) -> None:
        self.document_id = None
        self._wanted = 0
        self.status = None
        self.items, self.focused, self._resume = [], None, None
        self.pending = False
        self._timer.stop()
        self.layer.changed()
        self._update_actions()

    def schedule(self, delay: int = DEBOUNCE_MS) -> None:
        """Recompute soon (edits in quick succession cost one computation)."""
        if self.window.document is None:
            return
        if len(self.window.document.text) > MAX_CHARACTERS:
            self.pending = False
            self.count_label.setText(f"Suggestions: off (over {MAX_CHARACTERS:,} characters)")
            return
        self.pending = True
        self._timer.start(delay)
        self._update_count()

    def _compute(self) -> None:
        if self.window.document is None:
            return
        project, annotator = self.project, self.window.annotator
        document_id = self.window.document.id

        def work() -> tuple[list[SuggesterStatus], list[Suggestion]]:
            from annotator import suggest  # spaCy loads here, in the worker

            engine = suggest.engine(project)
            return engine.status(), engine.suggest(document_id, annotator=annotator)

        def done(result: Any, error: BaseException | None) -> None:
            if ticket != self._wanted or self.document_id != document_id:
                return  # stale: the user has moved on or edited since
            self.pending = False
            if error is not None:
                self._show([])
                self.window.statusBar().showMessage(f"No suggestions: {error}", 8000)
            else:
                self.status, items = result
                self._show(items)
                self._report_new_lexicon()
            self.updated.emit()

        ticket = self._submit(work, done, latest=True)

    def _show(self, items: list[Suggestion]) -> None:
        focused = self.focused
        self.items = items
        self.focused = next((s for s in items if focused and _same(s, focused)), None)
        self.layer.changed()
        self._update_actions()

    def wait(self, timeout_ms: int) -> bool:
        """Block (running the event loop) until suggestions are shown; False on timeout."""
        if not self.pending:
            return True
        loop = QEventLoop()
        self.updated.connect(loop.quit)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        self.updated.disconnect(loop.quit)
        return not self.pending

    # -- review ----------------------------------------------------------------------------
    def step(self, step: int) -> None:
        """Focus the next (or previous) suggestion after the focused one."""
        if not self.items:
            return
        resume, self._resume = self._resume, None
        if self.focused is None:  # on from the last decision, the selected span, the cursor
            article = self.window.article
            if resume is not None:
                at = resume
            elif self.window.current is not None:
                at = self.window.current.start
            else:
                at = article.offsets.to_codepoint(article.textCursor().selectionStart())
            after = [n for n, s in enumerate(self.items) if s.start >= at]
            index = (after[0] if after else 0) if step > 0 else \
                ((after[0] if after else len(self.items)) - 1)
        else:
            index = (self._index(self.focused) + step) % len(self.items)
        self.focus(self.items[index % len(self.items)], reveal=True)

    def _index(self, suggestion: Suggestion) -> int:
        return next(n for n, s in enumerate(self.items) if _same(s, suggestion))

    def focus(self, suggestion: Suggestion | None, *, reveal: bool = False) -> None:
        self._resume = None
        if suggestion is not None:
            self.window.article.clear_selection()
            self.window.select_span(None)  # a span and a suggestion are never both current
        self.focused = suggestion
        if suggestion is not None:
            if reveal:
                self.layer.reveal(suggestion)
            label = self.project.scheme.label(suggestion.label)
            if label is not None:
                self.window.panel.show_guideline(label)
            name = label.name if label else suggestion.label
            self.window.statusBar().showMessage(
                f"Suggested {name} ({self._title(suggestion.suggester)}, {suggestion.score:.2f}): "
                "Enter accepts, a label key relabels and accepts, Backspace rejects this "
                "suggestion (no span is deleted while one is focused)")  # shown while focused
        self.layer.changed()
        self._update_actions()

    def is_focused(self, suggestion: Suggestion) -> bool:
        return self.focused is not None and _same(suggestion, self.focused)

    def unfocus(self) -> None:
        if self.focused is not None:
            self.window.statusBar().clearMessage()  # the hint that Backspace rejects
        self.focused = None
        self.layer.changed()
        self._update_actions()  # Backspace deletes a span again, not a suggestion

    def _clicked(self, span: SpanData | None) -> None:
        """A click outside any span on a suggestion focuses it."""
        if span is None and self.items:
            found = self.at(self.window.article.textCursor().position())
            if found:
                self.focus(found[-1])

    def at(self, view_position: int) -> list[Suggestion]:
        """Suggestions covering a view position, outermost first."""
        to_view = self.window.article.offsets.span_to_view
        found = [s for s in self.items if _covers(to_view(s.start, s.end), view_position)]
        return sorted(found, key=lambda s: s.start - s.end)

    def _next_after(self, suggestion: Suggestion) -> None:
        """After a decision: the list without it and nothing focused, so the next
        Tab goes to the suggestion after it (none is skipped)."""
        self.items = [s for s in self.items if not _same(s, suggestion)]
        self.focused = None
        self._resume = suggestion.start
        self.layer.changed()
        self._update_actions()

    def accept(self, label: str | None = None) -> None:
        """Accept the focused suggestion, with another label if one is given."""
        suggestion, window = self.focused, self.window
        if suggestion is None or window.document is None:
            return
        from annotator.suggest import accept

        chosen = replace(suggestion, label=label) if label else suggestion
        span = window._edit("Could not accept the suggestion",
                            lambda: accept(self.project, chosen, window.annotator))
        if span is None:
            return
        self._next_after(suggestion)
        window.own.append(span)
        window._spans_added([span])
        window.statusBar().showMessage("Suggestion accepted (Ctrl+Z undoes)", 3000)

    def reject(self) -> None:
        suggestion, window = self.focused, self.window
        if suggestion is None:
            return
        from annotator.suggest import reject

        if not window._edit("Could not reject the suggestion",
                            lambda: reject(self.project, suggestion, window.annotator) or True):
            return
        self._next_after(suggestion)
        self.schedule()
        window.statusBar().showMessage("Suggestion rejected (Ctrl+Z undoes)", 3000)

    def accept_all_focused(self) -> None:
        if self.focused is not None:
            self.accept_all(self.focused.suggester)

    def accept_all(self, suggester: str) -> None:
        """Accept every suggestion of one suggester in the document (one undo step)."""
        window = self.window
        if window.document is None:
            return
        project, annotator, document_id = self.project, window.annotator, window.document.id

        def work() -> list[SpanData]:
            from annotator.suggest import accept_all

            return accept_all(project, document_id, suggester, annotator)

        def done(spans: Any, error: BaseException | None) -> None:
            if error is not None:
                show_error(window, "Could not accept the suggestions", error)
                return
            window._update_history_actions()
            if window.document is None or window.document.id != document_id:
                return
            self.items = [s for s in self.items if s.suggester != suggester]
            self.unfocus()
            window.own.extend(spans)
            window._spans_added(spans)
            window.statusBar().showMessage(
                f"Accepted {plural(len(spans), 'suggestion')} of {self._title(suggester)} "
                "(Ctrl+Z undoes them all)", 5000)

        self._submit(work, done)

    # -- suggesters ------------------------------------------------------------------------
    def set_enabled(self, name: str, on: bool) -> None:
        from annotator.suggest import set_enabled

        try:
            set_enabled(self.project, name, on)
        except AnnotatorError as exc:
            show_error(self.window, "Could not switch the suggester", exc)
            return
        self.status = [_with_enabled(s, on) if s.name == name else s for s in self.status or []]
        if not on:
            self.items = [s for s in self.items if s.suggester != name]
            if self.focused is not None and self.focused.suggester == name:
                self.focused = None
            self.layer.changed()
        self._update_actions()
        self.schedule(0)

    def add_lexicon_dialog(self) -> None:
        path = file_dialogs.open_file(self.window, "Add lexicon", Path.home(), LEXICON_FILTER)
        if path:
            self.add_lexicon(path)

    def add_lexicon(self, path: Path) -> bool:
        """Add a user lexicon; a bad file is refused with file and line, nothing changed."""
        from annotator.suggest import add_lexicon

        try:
            add_lexicon(self.project, path)
        except (AnnotatorError, OSError) as exc:
            show_error(self.window, "The lexicon could not be added", exc)
            return False
        from annotator.suggest.lexicon import lexicon_name

        self.window.statusBar().showMessage(f"Lexicon {path.name} added", 5000)
        self._new_lexicon = lexicon_name(path)
        self.schedule(0)
        return True

    def remove_lexicon(self, path: Path) -> None:
        from annotator.suggest import remove_lexicon

        try:
            remove_lexicon(self.project, path)
        except AnnotatorError as exc:
            show_error(self.window, "The lexicon could not be removed", exc)
            return
        self.window.statusBar().showMessage(f"Lexicon {path.name} removed", 5000)
        self.schedule(0)

    def _report_new_lexicon(self) -> None:
        """A lexicon just added that cannot suggest (no label of the scheme...) says why."""
        name, self._new_lexicon = self._new_lexicon, None
        found = next((s for s in self.status or [] if s.name == name), None)
        if found is not None and not found.available:
            show_error(self.window, "The lexicon was added but cannot suggest", found.reason)

    def train_dialog(self) -> None:
        """Ask whose spans to learn from, then train in the worker with progress."""
        window = self.window
        mine = f"Mine ({window.annotator})"
        choice, ok = QInputDialog.getItem(window, "Train model", "Learn from the spans of:",
                                          ["Everyone", mine, "The gold layer"], 0, False)
        if not ok:
            return
        from annotator.suggest.learned import gold_annotators

        if choice == mine:
            annotators = [window.annotator]
        elif choice == "The gold layer":
            annotators = gold_annotators(self.project)
            if not annotators:
                show_error(window, "Nothing to train on", "The project has no gold layer yet.")
                return
        else:
            annotators = []
        self.train(annotators)

    def train(self, annotators: list[str]) -> None:
        window, project = self.window, self.project

        def work(progress: Callable[[int, int], None]) -> Any:
            from annotator.suggest.learned import train

            return train(project, annotators=annotators, progress=progress)

        def done(report: Any) -> None:
            from annotator.suggest.learned import NAME

            self.set_enabled(NAME, True)
            window.statusBar().showMessage("Model " + report.summary(), 10000)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, Cancelled):
                window.statusBar().showMessage("Training cancelled; the previous model is unchanged",
                                               5000)
            else:
                show_error(window, "The model could not be trained", exc)

        run_with_progress(window, "Training the span categorizer…", work, done, failed)


def _same(a: Suggestion, b: Suggestion) -> bool:
    return (a.key, a.suggester) == (b.key, b.suggester)


def _covers(view_range: tuple[int, int], position: int) -> bool:
    return view_range[0] <= position < view_range[1]


def _with_enabled(status: SuggesterStatus, on: bool) -> SuggesterStatus:
    return replace(status, enabled=on)

