"""The one way the window changes the project (Anki's ``CollectionOp``).

``OpRunner.run(op, initiator=...)`` runs a core operation (a callable
returning :class:`~annotator.changes.Done`) on the GUI thread (every edit
is one short transaction); ``run_long`` runs one in the writer thread behind a
progress dialog (``ui.tasks``: one worker, so writes never race). Either way
a failure is shown once and comes back as :class:`Failed`, never as None; then
the Undo and Redo actions are updated and ``changed(changes, initiator)`` is
emitted, which every view filters to redraw only what the changes touch.

Changes made by other programs arrive on the same signal (initiator None):
``watch(project)`` polls the project's change feed (``annotator.feed``)
every ``POLL_MS`` while the window is shown, and tells how many other windows
have the project open (``presence``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow

from annotator.changes import Changes, Done
from annotator.domain import Progress
from annotator.errors import AnnotatorError, Cancelled

from .dialogs import show_error
from .tasks import pool, run_with_progress

if TYPE_CHECKING:
    from annotator.feed import ChangeFeed, Presence
    from annotator.project import Project

T = TypeVar("T")
POLL_MS = 250  # an outside change shows within about this (plus its redraw)
PRESENCE_MS = 5000  # how often "open in another window" is checked
READ_ONLY_NOTE = ("The project is open read-only: nothing can be changed "
                  "(copy it to a writable folder to edit it)")


@dataclass(frozen=True)
class Failed(Generic[T]):
    """An operation that changed nothing: why (shown to the user already)."""

    error: BaseException


Outcome = Done[T] | Failed[T]


class OpRunner(QObject):
    """Runs operations for one window and broadcasts what they changed."""

    changed = Signal(object, object)  # Changes, initiator (None: from outside)
    presence = Signal(int)  # how many other windows have the project open

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        self.project: Project | None = None
        self.read_only = False
        self.undo_action: QAction | None = None
        self.redo_action: QAction | None = None
        self.feed: ChangeFeed | None = None
        self._presence: Presence | None = None
        self._beats = 0
        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self.poll)
        self._present = QTimer(self, interval=PRESENCE_MS)
        self._present.timeout.connect(self._check_presence)

    # -- other programs ----------------------------------------------------------
    def watch(self, project: Project, read_only: bool) -> None:
        """Use ``project`` from now on, and follow what others change in it."""
        from annotator.feed import Presence, SqliteChangeFeed

        self.unwatch()
        self.project, self.read_only = project, read_only
        if project.path is not None:  # a database server brings its own feed
            self.feed = SqliteChangeFeed(project)
        self._presence = Presence(project)
        self._beats = 0
        self._check_presence()
        self._poll.start()
        self._present.start()
        self.update_history()

    def unwatch(self) -> None:
        """Stop following the project (before it closes)."""
        self._poll.stop()
        self._present.stop()
        if self.feed is not None:
            self.feed.close()
            self.feed = None
        if self._presence is not None and not self.read_only:
            try:
                self._presence.leave()
            except AnnotatorError:
                pass  # a heartbeat left behind goes stale by itself
        self._presence = None

    def poll(self) -> None:
        """Announce what others changed since the last poll (cheap when nothing did)."""
        if self.feed is None or not self.window.isVisible():
            return
        try:
            changes = self.feed.poll()
        except AnnotatorError:
            return  # a busy or vanished file: the next poll tries again
        if changes is not None:
            self._finish(changes, None)

    def _check_presence(self) -> None:
        presence = self._presence
        if presence is None:
            return
        if not self.read_only and self._beats % 4 == 0:  # a heartbeat every 4th check
            pool().start(lambda: _quietly(presence.beat))  # a write: the writer thread
        self._beats += 1
        try:
            self.presence.emit(presence.others())
        except AnnotatorError:
            pass

    def refuse_if_read_only(self) -> bool:
        """True (and the status bar says why) if the project must not be changed."""
        if self.read_only:
            self.window.statusBar().showMessage(READ_ONLY_NOTE, 6000)
        return self.read_only

    def run(self, op: Callable[[], Done[T]], *, initiator: object, label: str,
            success: Callable[[T], Any] | None = None) -> Outcome[T]:
        """Run a short operation now; ``label`` heads the error shown if it fails."""
        if self.refuse_if_read_only():
            return Failed(PermissionError(READ_ONLY_NOTE))
        try:
            done = op()
        except AnnotatorError as exc:
            show_error(self.window, label, exc)
            self.update_history()  # a failed undo leaves the history as it was
            return Failed(exc)
        self._finish(done.changes, initiator)
        if success is not None:
            success(done.value)
        return done

    def run_long(self, title: str, op: Callable[[Progress], Done[T]], *, initiator: object,
                 label: str, success: Callable[[T], Any],
                 cancelled: str = "Cancelled; nothing was changed") -> None:
        """Run an operation in the writer thread with progress and Cancel;
        ``success(value)`` then runs on the GUI thread."""
        if self.refuse_if_read_only():
            return

        def done(result: Done[T]) -> None:
            self._finish(result.changes, initiator)
            success(result.value)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, Cancelled):
                self.window.statusBar().showMessage(cancelled, 5000)
            else:
                show_error(self.window, label, exc)

        run_with_progress(self.window, title, op, done, failed)

    def _finish(self, changes: Changes, initiator: object) -> None:
        if initiator is not None and self.feed is not None:
            self.feed.ours(changes)
        self.update_history()
        if not changes.is_empty:
            self.changed.emit(changes, initiator)

    def update_history(self) -> None:
        """Undo and Redo say what they would do (or are off)."""
        if self.project is None or self.undo_action is None or self.redo_action is None:
            return
        status = self.project.undo_status()
        self.undo_action.setText(f"&Undo {status.undo_text}" if status.undo_text else "&Undo")
        self.redo_action.setText(f"&Redo {status.redo_text}" if status.redo_text else "&Redo")
        self.undo_action.setEnabled(status.undo_text is not None)
        self.redo_action.setEnabled(status.redo_text is not None)


def _quietly(work: Callable[[], None]) -> None:
    try:
        work()
    except AnnotatorError:
        pass  # a heartbeat that could not be written: the next one tries again
