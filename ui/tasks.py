"""Long work off the UI thread, with progress and Cancel (Anki's task manager).

One worker at a time (SQLite has a single writer); the progress dialog is
modal, so the user cannot edit while an import or export writes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from annotator.domain import Progress
from annotator.errors import Cancelled

_pool: QThreadPool | None = None


def pool() -> QThreadPool:
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(1)
    return _pool


class _Signals(QObject):
    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[Progress], Any], signals: _Signals, cancel: threading.Event):
        super().__init__()
        self.work, self.signals, self.cancel = work, signals, cancel

    def run(self) -> None:
        def progress(done: int, total: int) -> None:
            if self.cancel.is_set():
                raise Cancelled("cancelled")
            self.signals.progressed.emit(done, total)

        try:
            # Once the work has returned it is done (and committed): a Cancel
            # pressed after its last progress report changes nothing.
            result = self.work(progress)
        except BaseException as exc:  # handed to the UI thread, shown as a dialog
            self.signals.failed.emit(exc)
        else:
            self.signals.succeeded.emit(result)


def run_query(parent: QObject, work: Callable[[], Any], done: Callable[[Any], None],
              failed: Callable[[BaseException], None]) -> None:
    """Run a read (no progress, no dialog) on a pool thread; ``done`` runs on the UI thread."""
    signals = _Signals(parent)
    signals.succeeded.connect(lambda result: (signals.deleteLater(), done(result)))
    signals.failed.connect(lambda exc: (signals.deleteLater(), failed(exc)))
    QThreadPool.globalInstance().start(_Job(lambda _progress: work(), signals, threading.Event()))


def run_with_progress(parent: QWidget, title: str, work: Callable[[Progress], Any],
                      done: Callable[[Any], None], failed: Callable[[BaseException], None]) -> _Signals:
    """Run ``work(progress)`` in the worker thread behind a progress dialog.

    ``done(result)`` or ``failed(exception)`` then run on the UI thread; a
    Cancel makes the next progress report raise :class:`Cancelled`.
    """
    cancel = threading.Event()
    signals = _Signals(parent)
    dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.canceled.connect(cancel.set)

    def progressed(n: int, total: int) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(n, total))

    def finish(callback: Callable[[Any], None], value: Any) -> None:
        dialog.canceled.disconnect(cancel.set)
        dialog.close()
        dialog.deleteLater()
        signals.deleteLater()
        callback(value)

    signals.progressed.connect(progressed)
    signals.succeeded.connect(lambda result: finish(done, result))
    signals.failed.connect(lambda exc: finish(failed, exc))
    pool().start(_Job(work, signals, cancel))
    return signals
