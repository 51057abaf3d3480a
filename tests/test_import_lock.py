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
