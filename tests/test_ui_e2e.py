"""End to end under a real X server: real mouse and key events (xdotool) tag
a word in the running app, and the span is then in the project file."""

from __future__ import annotations

import time

import pytest

from annotator.domain import IncomingDocument
from annotator.project import Project
from annotator.schemes import resolve_scheme
from xserver import geometry, needs_x, poll, running_app, xdotool

pytestmark = needs_x
WORD = "Antidisestablishmentarianism"  # long words: a click rarely lands on a space


def test_double_click_and_shortcut_under_x(tmp_path):
    path = tmp_path / "e2e.annotator"
    with Project.create(path, resolve_scheme("media-bias")) as project:
        project.import_documents([IncomingDocument(text=" ".join([WORD] * 400), source="t",
                                                   title="Long words")], annotator="alice")
    with running_app(tmp_path, path, "alice") as (app, env, window):
        x0, y0, width, height = geometry(env, window)
        with Project.open(path) as project:
            for attempt in range(6):  # a click may land between words: move and retry
                x = x0 + width // 2 + attempt * 11
                y = y0 + height // 3 + attempt * 7
                xdotool(env, "mousemove", "--sync", str(x), str(y))
                xdotool(env, "click", "--repeat", "2", "--delay", "60", "1")
                time.sleep(0.3)
                xdotool(env, "key", "1")
                spans = poll(lambda: project.spans(1), 5)
                if spans:
                    break
            assert spans, "no span reached the database"
            (span,) = spans
            text = project.document(1).text
            assert (span.annotator, span.label) == ("alice", "loaded-term")
            assert text[span.start:span.end] == WORD
            assert span.start % (len(WORD) + 1) == 0
        xdotool(env, "key", "ctrl+q")  # quit: the window state is saved on the way out
        assert app.wait(15) == 0
        saved = (tmp_path / "config" / "media-bias-annotator" / "annotator.ini").read_text()
        assert "geometry=" in saved and str(path) in saved
