"""Helpers of the UI tests (their fixtures are in conftest.py): documents to
work on, a user's double click, and who opened which file."""

from __future__ import annotations

import ctypes
import os
import struct
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor

from annotator.domain import IncomingDocument
from annotator.project import Project

ANNOTATOR = "alice"


def add_documents(project: Project, *texts: str) -> list[int]:
    project.import_documents([IncomingDocument(text=t, source="test", title=f"Doc {n}",
                                               external_id=f"d{n}")
                              for n, t in enumerate(texts)], annotator=ANNOTATOR)
    return [d.id for d in project.documents()]


def double_click_word(qtbot, view, text: str, word: str) -> QPoint:
    """Double-click the middle of ``word`` (found in the stored ``text``) as a user would."""
    start = text.index(word)
    a, b = view.offsets.span_to_view(start, start + len(word))
    cursor = QTextCursor(view.document())
    cursor.setPosition((a + b) // 2)
    view.setTextCursor(cursor)
    view.ensureCursorVisible()
    rect = view.cursorRect(cursor)
    point = QPoint(rect.center().x() + 1, rect.center().y())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    return point


IN_OPEN = 0x20
EVENT = struct.Struct("iIII")  # struct inotify_event: wd, mask, cookie, len (then the name)


class Opens:
    """Linux inotify: which of ``paths`` anyone (this process included) opened since."""

    def __init__(self, paths: list[Path]):
        libc = ctypes.CDLL(None, use_errno=True)
        self.fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0:
            pytest.skip("inotify is not available")
        self.watched = {libc.inotify_add_watch(self.fd, os.fsencode(p), IN_OPEN): p for p in paths}
        assert all(w >= 0 for w in self.watched), "a watched file is missing"

    def opened(self) -> list[Path]:
        found = []
        try:
            data = os.read(self.fd, 65536)
        except BlockingIOError:
            return []
        while data:
            wd, mask, _cookie, size = EVENT.unpack_from(data)
            if mask & IN_OPEN:
                found.append(self.watched[wd])
            data = data[EVENT.size + size:]
        return found

    def close(self) -> None:
        os.close(self.fd)


def companions(project: Path) -> list[Path]:
    """A live project file and its -wal and -shm."""
    return [project, *(project.with_name(project.name + s) for s in ("-wal", "-shm"))]
