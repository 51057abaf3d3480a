"""W3C Web Annotation: the export passes the model's MUSTs (tests/data/w3c), and
the spec's own kinds of sample annotation import: refinedBy selectors, and
annotations with no tagging body (a comment body by IRI) under --label."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from annotator.errors import FormatError
from annotator.formats import ReadOptions, export, import_files
from annotator.project import Project
from tests.conftest import TRICKY, write_jsonl

SCHEMAS = Path(__file__).parent / "data" / "w3c"
PAGE_TEXT = "Intro.\n\nHere is the text before the Selected Text and text after it, twice: Selected Text."


def schema(name: str) -> Draft202012Validator:
    found = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(found)
    return Draft202012Validator(found)


def problems(validator: Draft202012Validator, instance: object) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(instance)]


def test_export_passes_the_collection_page_and_annotation_musts(
        project: Project, tmp_path: Path) -> None:
    thugs = TRICKY.index("«thugs»")
    write_jsonl(tmp_path / "seed.jsonl", {"id": "t1", "text": TRICKY, "spans": [
        {"start": thugs, "end": thugs + 7, "label": "labeling", "annotator": "ana", "note": "slur"},
        {"start": thugs + 1, "end": thugs + 6, "label": "loaded-term", "annotator": "bob"}]})
    import_files(project, [tmp_path / "seed.jsonl"], annotator="x")
    export(project, "w3c", tmp_path / "out.jsonld")
    collection = json.loads((tmp_path / "out.jsonld").read_text(encoding="utf-8"))
    assert problems(schema("collection"), collection) == []
    page = collection["first"]
    assert problems(schema("page"), page) == []
    assert page["partOf"] == collection["id"] and page["id"] != collection["id"]
    annotation = schema("annotation")
    assert len(page["items"]) == 2
    for item in page["items"]:
        assert problems(annotation, item) == []


def test_the_schemas_catch_what_the_w3c_suite_catches() -> None:
    """The MUST schemas are not vacuous: what 5.1/5.2-*IdValidated refuse, they refuse."""
    collection = {"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationCollection",
                  "first": {"type": "AnnotationPage", "items": []}}
    assert any("'id' is a required property" in p for p in problems(schema("collection"), collection))
    assert any("'id' is a required property" in p for p in problems(schema("page"), collection["first"]))
    assert problems(schema("annotation"), {"id": "not a uri", "type": "Annotation",
                                           "target": {"source": "urn:x", "selector": []}})


@pytest.fixture
def page(project: Project, tmp_path: Path) -> Project:
    write_jsonl(tmp_path / "page.jsonl", {"id": "page1", "text": PAGE_TEXT,
                                          "meta": {"url": "http://example.org/page1"}})
    import_files(project, [tmp_path / "page.jsonl"], annotator="x")
    return project


def annotation_file(path: Path, *annotations: dict) -> Path:
    path.write_text(json.dumps(list(annotations)), encoding="utf-8")
    return path


# The spec's sample anno32 (a FragmentSelector refined by a TextQuoteSelector, a body by IRI).
ANNO32 = {
    "@context": "http://www.w3.org/ns/anno.jsonld", "id": "http://example.org/anno32",
    "type": "Annotation", "body": "http://example.org/comment1",
    "target": {"source": "http://example.org/page1", "selector": {
        "type": "FragmentSelector", "value": "para5",
        "refinedBy": {"type": "TextQuoteSelector", "exact": "Selected Text",
                      "prefix": "text before the ", "suffix": " and text after it"}}}}


def test_spec_sample_with_refined_fragment_and_no_tagging_body_imports_with_label(
        page: Project, tmp_path: Path) -> None:
    path = annotation_file(tmp_path / "anno32.jsonld", ANNO32)
    with pytest.raises(FormatError) as caught:
        import_files(page, [path], annotator="x")
    assert "--label" in str(caught.value)
    import_files(page, [path], annotator="x", options=ReadOptions(label="loaded-term"))
    (span,) = page.spans(1)
    assert (span.label, span.start) == ("loaded-term", PAGE_TEXT.index("Selected Text"))
    assert PAGE_TEXT[span.start:span.end] == "Selected Text"


def test_a_position_within_a_quote(page: Project, tmp_path: Path) -> None:
    quote = "the text before the Selected Text and text after it"
    annotation = {**ANNO32, "body": {"type": "TextualBody", "purpose": "tagging",
                                     "value": "labeling"},
                  "target": {"source": "http://example.org/page1", "selector": {
                      "type": "TextQuoteSelector", "exact": quote,
                      "refinedBy": {"type": "TextPositionSelector", "start": 20, "end": 33}}}}
    import_files(page, [annotation_file(tmp_path / "a.jsonld", annotation)], annotator="x")
    (span,) = page.spans(1)
    assert PAGE_TEXT[span.start:span.end] == "Selected Text"
    assert span.start == PAGE_TEXT.index(quote) + 20


def test_a_refinement_that_does_not_fit_is_refused(page: Project, tmp_path: Path) -> None:
    annotation = {**ANNO32, "target": {"source": "http://example.org/page1", "selector": {
        "type": "TextQuoteSelector", "exact": "Selected Text",
        "prefix": "text before the ",
        "refinedBy": {"type": "TextPositionSelector", "start": 5, "end": 40}}}}
    with pytest.raises(FormatError) as caught:
        import_files(page, [annotation_file(tmp_path / "a.jsonld", annotation)], annotator="x",
                     options=ReadOptions(label="labeling"))
    assert "refinedBy" in str(caught.value) and "does not fit" in str(caught.value)


def test_a_fragment_refined_by_a_position_is_refused_as_unresolvable(
        page: Project, tmp_path: Path) -> None:
    annotation = {**ANNO32, "target": {"source": "http://example.org/page1", "selector": {
        "type": "FragmentSelector", "value": "xpointer(/doc/body/section[2]/para[1])",
        "refinedBy": {"type": "TextPositionSelector", "start": 6, "end": 27}}}}
    with pytest.raises(FormatError) as caught:
        import_files(page, [annotation_file(tmp_path / "a.jsonld", annotation)], annotator="x",
                     options=ReadOptions(label="labeling"))
    assert "plain text cannot resolve" in str(caught.value)
