"""Property tests: random Unicode articles and spans survive JSONL export/import,
and the JSONL and CSV readers turn any input into documents or a FormatError."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.errors import FormatError
from annotator.formats import ReadOptions, export, import_files, read_files
from annotator.project import Project
from annotator.schemes import resolve_scheme

LABELS = ["loaded-term", "unsupported-claim", "labeling"]
pieces = st.sampled_from(["a", "B", " ", "\r\n", "\n", "🙂", "👍🏽", "e\u0301", "民主", "مرحبا",
                          "\u00a0", "\t", '"', "=", "\u2028"])
texts = st.lists(st.one_of(pieces, st.characters(exclude_categories=("Cs",))),
                 min_size=1, max_size=40).map("".join).filter(lambda t: t.strip() != "")


@st.composite
def documents(draw):
    text = draw(texts)
    spans = []
    for _ in range(draw(st.integers(0, 5))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        spans.append({"start": start, "end": end, "label": draw(st.sampled_from(LABELS)),
                      "annotator": draw(st.sampled_from(["ana", "bob", "Zoë 🙂"])),
                      "note": draw(st.text(max_size=5))})
    return {"id": draw(st.text(min_size=1, max_size=6)), "title": draw(st.text(max_size=8)),
            "text": text, "spans": spans}


@given(st.lists(documents(), min_size=1, max_size=4))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_span_keeps_its_characters_through_export_and_import(tmp_path: Path, docs) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    source = folder / "in.jsonl"
    source.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    scheme = resolve_scheme(None)
    with Project.create(folder / "a.annotator", scheme) as first:
        import_files(first, [source], annotator="x")
        export(first, "jsonl", folder / "first.jsonl")
    with Project.create(folder / "b.annotator", scheme) as second:
        import_files(second, [folder / "first.jsonl"], annotator="x")
        export(second, "jsonl", folder / "second.jsonl")
        stored = {(d.text, s.start, s.end, s.label, s.annotator, d.text[s.start:s.end])
                  for d, spans in second.iter_spans() for s in spans}
    assert (folder / "second.jsonl").read_bytes() == (folder / "first.jsonl").read_bytes()
    expected = {(d["text"], s["start"], s["end"], s["label"], s["annotator"],
                 d["text"][s["start"]:s["end"]]) for d in docs for s in d["spans"]}
    assert stored == expected


@given(st.binary(max_size=200) | st.text(max_size=200).map(lambda t: t.encode("utf-8")))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_readers_give_documents_or_a_format_error_never_a_crash(tmp_path: Path, data: bytes) -> None:
    for name in ("x.jsonl", "x.csv", "x.txt"):
        path = tmp_path / name
        path.write_bytes(data)
        try:
            docs = read_files([path], options=ReadOptions())
        except FormatError as exc:
            assert str(path) in str(exc)
        else:
            assert all(isinstance(d.text, str) and d.text for d in docs)
