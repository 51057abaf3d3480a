"""W3C Web Annotation JSON-LD: out and back in, re-anchoring by the quote."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.errors import FormatError
from annotator.formats import export, import_files
from annotator.project import Project, text_sha256
from tests.conftest import TRICKY, write_jsonl


def spans_of(project: Project) -> list[tuple]:
    return [(doc.key, s.annotator, s.label, s.start, s.end, doc.text[s.start:s.end], s.note,
             s.attributes) for doc, spans in project.iter_spans() for s in spans]


def seed(project: Project, tmp_path: Path) -> None:
    thugs, regime = TRICKY.index("«thugs»"), TRICKY.index("regime")
    write_jsonl(tmp_path / "seed.jsonl", {"id": "t1", "text": TRICKY, "spans": [
        {"start": thugs, "end": thugs + 7, "label": "labeling", "annotator": "ana",
         "note": "slur\r\nsecond line", "attributes": {"target-type": "group"}},
        {"start": regime, "end": regime + 6, "label": "loaded-term", "annotator": "bob"},
    ]}, {"id": "t2", "text": "Plain text with regime twice: regime.", "meta": {"url": "https://news.example/2"}})
    import_files(project, [tmp_path / "seed.jsonl"], annotator="x")


def texts_only(source: Project, tmp_path: Path, target: Project) -> None:
    """Give ``target`` the documents of ``source`` without their spans."""
    path = tmp_path / "texts.jsonl"
    write_jsonl(path, *({"id": d.key, "text": d.text, "meta": {"url": d.url} if d.url else {}}
                        for d in source.documents()))
    import_files(target, [path], annotator="x")


def items(path: Path) -> list[dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["type"] == "AnnotationCollection" and "http://www.w3.org/ns/anno.jsonld" in data["@context"]
    return data["first"]["items"]


def test_export_carries_code_points_quote_and_sha(project: Project, tmp_path: Path) -> None:
    seed(project, tmp_path)
    out = tmp_path / "a.jsonld"
    export(project, "w3c", out)
    first = items(out)[0]
    thugs = TRICKY.index("«thugs»")
    assert first["creator"] == {"type": "Person", "name": "ana"}
    assert first["body"] == [{"type": "TextualBody", "purpose": "tagging", "value": "labeling"},
                             {"type": "TextualBody", "purpose": "commenting",
                              "value": "slur\r\nsecond line"}]
    position, quote = first["target"]["selector"]
    assert position == {"type": "TextPositionSelector", "start": thugs, "end": thugs + 7}
    assert quote["exact"] == "«thugs»" and TRICKY.endswith(quote["prefix"], 0, thugs)
    assert first["target"]["mba:sha256"] == text_sha256(TRICKY)


def test_round_trip_into_a_project_with_the_same_texts(project: Project, tmp_path: Path) -> None:
    seed(project, tmp_path)
    out = tmp_path / "a.jsonld"
    export(project, "w3c", out)
    with Project.create(tmp_path / "second.annotator", project.scheme) as second:
        texts_only(project, tmp_path, second)
        report = import_files(second, [out], annotator="nobody")
        assert report.spans_added == 2 and report.documents_added == 0
        assert spans_of(second) == spans_of(project)
        again = tmp_path / "again.jsonld"
        export(second, "w3c", again)
    strip = [{k: v for k, v in item.items() if k not in ("created", "modified")}
             for item in items(out)]
    assert strip == [{k: v for k, v in item.items() if k not in ("created", "modified")}
                     for item in items(again)]


def foreign(source: str, start: int, end: int, exact: str, prefix: str = "",
            suffix: str = "", **extra) -> dict:
    """An annotation as another client writes it (position counted its own way)."""
    return {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "http://x.example/anno/1",
            "type": "Annotation", "creator": "https://x.example/users/carol",
            "body": {"type": "TextualBody", "purpose": "tagging", "value": "loaded-term"},
            "target": {"source": source, "selector": [
                {"type": "TextPositionSelector", "start": start, "end": end},
                {"type": "TextQuoteSelector", "exact": exact, "prefix": prefix, "suffix": suffix}],
                **extra}}


def test_disagreeing_position_is_reanchored_by_the_quote_and_reported(
        project: Project, tmp_path: Path) -> None:
    seed(project, tmp_path)
    text = "Plain text with regime twice: regime."
    path = tmp_path / "foreign.jsonld"
    # UTF-16-ish position one off; the quote with its prefix picks the second "regime".
    path.write_text(json.dumps([foreign("https://news.example/2", 31, 37, "regime", "twice: ")]))
    report = import_files(project, [path], annotator="carol")
    [span] = project.spans(2)
    assert (span.start, span.end) == (30, 36) and text[30:36] == "regime"
    assert span.annotator == "https://x.example/users/carol"
    assert any("re-anchored" in note and "[31, 37) -> [30, 36)" in note for note in report.notes)


def test_nearest_occurrence_wins_without_prefix(project: Project, tmp_path: Path) -> None:
    seed(project, tmp_path)
    path = tmp_path / "foreign.jsonld"
    path.write_text(json.dumps(foreign("https://news.example/2", 14, 20, "regime")))
    import_files(project, [path], annotator="carol")
    assert [(s.start, s.end) for s in project.spans(2)] == [(16, 22)]


@pytest.mark.parametrize("annotation, message", [
    (foreign("https://news.example/2", 0, 5, "tyrant"), "'tyrant' is nowhere in the text"),
    (foreign("https://news.example/404", 0, 5, "Plain"), "no document 'https://news.example/404'"),
    (foreign("https://news.example/2", 0, 5, "Plain", **{"mba:sha256": "0" * 64}),
     "document 't2' in the project differs"),
])
def test_unanchorable_annotations_import_nothing(project: Project, tmp_path: Path,
                                                 annotation: dict, message: str) -> None:
    seed(project, tmp_path)
    path = tmp_path / "foreign.jsonld"
    good = foreign("https://news.example/2", 0, 5, "Plain")
    path.write_text(json.dumps({"type": "AnnotationPage", "items": [good, annotation]}))
    with pytest.raises(FormatError) as caught:
        import_files(project, [path], annotator="carol")
    assert str(path) in str(caught.value) and "annotation 2" in str(caught.value)
    assert message in str(caught.value)
    assert project.spans(2) == []


def test_a_hypothesis_style_annotation_with_page_offsets(project: Project, tmp_path: Path) -> None:
    """Hypothesis serves W3C JSON-LD: tags as tagging bodies, the comment as a
    body without purpose, positions counted over the whole web page."""
    seed(project, tmp_path)
    path = tmp_path / "hypothesis.jsonld"
    path.write_text(json.dumps({
        "@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation",
        "id": "https://hypothes.is/a/Zx1", "creator": "acct:carol@hypothes.is",
        "created": "2024-03-01T10:00:00.000000+00:00",
        "body": [{"type": "TextualBody", "value": "Twice in one line", "format": "text/markdown"},
                 {"type": "TextualBody", "purpose": "tagging", "value": "loaded-term"}],
        "target": [{"source": "https://news.example/2", "selector": [
            {"type": "RangeSelector", "startSelector": {"type": "XPathSelector", "value": "/p[1]"},
             "endSelector": {"type": "XPathSelector", "value": "/p[1]"},
             "startOffset": 16, "endOffset": 22},
            {"type": "TextPositionSelector", "start": 5016, "end": 5022},
            {"type": "TextQuoteSelector", "exact": "regime", "prefix": "Plain text with ",
             "suffix": " twice"}]}]}), encoding="utf-8")
    report = import_files(project, [path], annotator="x")
    [span] = project.spans(2)
    assert (span.start, span.end, span.label, span.note) == (16, 22, "loaded-term", "Twice in one line")
    assert span.annotator == "acct:carol@hypothes.is"
    assert any("[5016, 5022) -> [16, 22)" in n for n in report.notes)
