"""The CSV export writes straight from stored rows; its bytes are those of the
span-by-span writer it replaced (``SpanData`` through the neutralizing
``Writer``), formulas neutralized or kept, whatever the text and notes hold."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.domain import IncomingDocument
from annotator.errors import AnnotatorError
from annotator.formats import WriteOptions, export
from annotator.formats.csv import COLUMNS, Writer, _time
from annotator.project import Project
from annotator.schemes import resolve_scheme
from annotator.text import Sentences

SCHEME = resolve_scheme("media-bias")
cells = st.text(alphabet=st.sampled_from(list("ab =+-@\t\r\n.!?é🙂\uff1d\u3000\"',")), max_size=12)


def reference(project: Project, keep: bool) -> bytes:
    """The export as it was written before: one SpanData at a time."""
    path = Path(tempfile.mkdtemp()) / "ref.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = Writer(out, keep_formulas=keep)
        writer.writerow(COLUMNS)
        for doc, spans in project.iter_spans():
            sentences = Sentences(doc.text)
            cells = tuple(getattr(doc, c) or "" for c in ("outlet", "author", "published", "url",
                                                           "language"))
            writer.writerows(
                (doc.key, doc.title, s.annotator, s.label, s.start, s.end, doc.text[s.start:s.end],
                 s.note, json.dumps(s.attributes, ensure_ascii=False) if s.attributes else "",
                 s.origin, _time(s.created_at), _time(s.updated_at), sentences.around(s.start, s.end),
                 json.dumps(s.provenance, ensure_ascii=False) if s.provenance else "", *cells)
                for s in spans)
    return path.read_bytes()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(cells.filter(str.strip), cells, st.lists(st.tuples(
    st.integers(0, 30), st.integers(1, 8), cells, cells, st.booleans()), max_size=5)),
    min_size=1, max_size=4))
def test_csv_export_bytes_equal_the_span_by_span_writer(documents) -> None:
    folder = Path(tempfile.mkdtemp())
    with Project.create(folder / "p.annotator", SCHEME) as project:
        project.import_documents([IncomingDocument(text=text + " tail. More text here.", source="t",
                                                   title=title or "t", external_id=f"=d{n}",
                                                   outlet=title or None, url="-x")
                                  for n, (text, title, _spans) in enumerate(documents)], annotator="x")
        for doc_id, (text, _title, spans) in zip(project.document_ids(), documents):
            length = len(text) + 22
            for start, width, note, who, suggested in spans:
                start = min(start, length - 1)
                try:
                    project.add_span(doc_id, who.strip() or "ana", SCHEME.labels[start % 3].key,
                                     start, min(length, start + width), note=note,
                                     origin="suggested" if suggested else "manual",
                                     provenance={"suggester": note} if suggested else None)
                except AnnotatorError:  # the same span twice, or only white space: refused
                    pass
        for keep in (False, True):
            target = folder / f"out-{keep}.csv"
            export(project, "csv", target, WriteOptions(neutralize_formulas=not keep))
            assert target.read_bytes() == reference(project, keep)
