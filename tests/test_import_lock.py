"""A long import holds the write lock only for its inserts: another process's
edit made while the import reads and checks its files goes through, and the
import still adds everything once, all or nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from annotator.domain import IncomingDocument, IncomingSpan
from annotator.project import Project

TEXT = "Article {}. The regime lied again today, critics say."
EDIT = """
import sys
from annotator.project import Project
with Project.open(sys.argv[1]) as p:
    p.add_span(1, "bob", "loaded-term", 15, 21)
"""


def test_an_edit_from_another_process_during_a_large_import_succeeds(project: Project,
                                                                     project_path: Path) -> None:
    project.import_documents([IncomingDocument(text=TEXT.format(0), source="first")],
                             annotator="ana")
    docs = [IncomingDocument(text=TEXT.format(n), source="big.jsonl", line=n + 1,
                             spans=[IncomingSpan(15, 21, "loaded-term", annotator="bob")])
            for n in range(2000)]  # document 0 is already there
    edits: list[subprocess.CompletedProcess[str]] = []

    def progress(done: int, total: int) -> None:
        if not edits:  # while the import works: a colleague's window tags a word
            edits.append(subprocess.run([sys.executable, "-c", EDIT, str(project_path)],
                                        capture_output=True, text=True, timeout=60))

    report = project.import_documents(docs, annotator="ana", progress=progress)
    (edit,) = edits
    assert edit.returncode == 0, edit.stderr
    assert (report.documents_added, report.documents_existing) == (1999, 1)
    # The edit's span on document 1 was there before the inserts: not added twice.
    assert (report.spans_added, report.spans_duplicate) == (1999, 1)
    with Project.open(project_path) as p:
        assert p.document_count() == 2000
        assert [(s.annotator, s.start, s.end) for s in p.spans(1)] == [("bob", 15, 21)]
        assert sum(len(spans) for _doc, spans in p.iter_spans()) == 2000
        assert p.status(1, "bob") == "in_progress" and p.status(2000, "bob") == "in_progress"


def test_an_edit_during_the_inserts_waits_and_then_succeeds(project: Project, project_path: Path,
                                                            monkeypatch) -> None:
    import time

    from annotator import project as project_module

    project.import_documents([IncomingDocument(text=TEXT.format(0), source="first")],
                             annotator="ana")
    edit: list[subprocess.Popen[str]] = []
    execute = project_module._Insert.execute

    def slow_insert(self, conn, annotator_ids) -> None:  # the import holds the write lock here
        if not edit:
            edit.append(subprocess.Popen([sys.executable, "-c", EDIT.replace('"bob"', '"cat"'),
                                          str(project_path)], stderr=subprocess.PIPE, text=True))
            time.sleep(1.5)  # the colleague's edit now waits for the lock
            assert edit[0].poll() is None
        execute(self, conn, annotator_ids)

    monkeypatch.setattr(project_module._Insert, "execute", slow_insert)
    docs = [IncomingDocument(text=TEXT.format(n), source="big.jsonl", line=n,
                             spans=[IncomingSpan(15, 21, "loaded-term", annotator="bob")])
            for n in range(1, 500)]
    report = project.import_documents(docs, annotator="ana")
    (process,) = edit
    assert process.wait(timeout=60) == 0, process.stderr.read()
    assert report.documents_added == 499
    with Project.open(project_path) as p:
        assert [(s.annotator, s.start) for s in p.spans(1)] == [("cat", 15)]
        assert p.document_count() == 500
