"""Readers never crash on malformed input: every problem is a FormatError
naming the file (the CLI shows one line, the GUI a dialog)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.domain import IncomingDocument
from annotator.errors import FormatError
from annotator.formats import ReadOptions, get
from annotator.project import Project
from annotator.schemes import resolve_scheme

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
SCALARS = st.none() | st.booleans() | st.integers(-3, 40) | st.text(max_size=8)
KEYS = st.sampled_from(["text", "label", "labels", "entities", "id", "data", "annotations",
                        "result", "value", "start", "end", "type", "target", "source",
                        "selector", "exact", "prefix", "body", "purpose", "items", "first",
                        "sha256", "meta", "completions", "was_cancelled", "created_username",
                        "completed_by", "mba:sha256", "mba:attributes", "creator"])
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(KEYS, inner, max_size=5), max_leaves=25)
TEXT = "The 🙂 regime\r\nlied."


def read(fmt: str, paths: list[Path], project: Project | None = None) -> None:
    reader = get(fmt).read
    assert reader is not None
    try:
        reader(paths, ReadOptions(project=project))
    except FormatError as exc:
        assert exc.file or "W3C" in str(exc) or "article" in str(exc)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("fuzz") / "p.annotator"
    with Project.create(path, resolve_scheme("media-bias")) as p:
        p.import_documents([IncomingDocument(text=TEXT, source="t", external_id="d1",
                                             url="https://x.example/1")], annotator="x")
        yield p


def maybe(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return strategy | JSON


OFFSET = st.integers(-2, 30) | SCALARS
REGION = st.fixed_dictionaries({}, optional={
    "type": maybe(st.sampled_from(["labels", "textarea", "choices"])), "id": SCALARS,
    "value": maybe(st.fixed_dictionaries({}, optional={
        "start": OFFSET, "end": OFFSET, "text": SCALARS | st.lists(SCALARS, max_size=2),
        "labels": maybe(st.lists(st.sampled_from(["labeling", "", "x"]), max_size=2))}))})
TASK = st.fixed_dictionaries({"data": maybe(st.fixed_dictionaries({}, optional={
    "text": maybe(st.just(TEXT)), "sha256": SCALARS}))}, optional={
    "id": SCALARS, "predictions": JSON,
    "annotations": maybe(st.lists(maybe(st.fixed_dictionaries({}, optional={
        "result": maybe(st.lists(REGION, max_size=3)), "was_cancelled": SCALARS,
        "created_username": SCALARS, "completed_by": JSON})), max_size=2))})
SELECTOR = st.fixed_dictionaries({"type": maybe(st.sampled_from(
    ["TextPositionSelector", "TextQuoteSelector"]))}, optional={
    "start": OFFSET, "end": OFFSET, "exact": maybe(st.sampled_from(["regime", "lied", "zz", ""])),
    "prefix": SCALARS, "suffix": SCALARS})
ANNOTATION = st.fixed_dictionaries({}, optional={
    "id": SCALARS, "creator": JSON, "mba:attributes": JSON,
    "target": maybe(st.fixed_dictionaries({}, optional={
        "source": maybe(st.sampled_from(["urn:media-bias-annotator:document:d1",
                                         "https://x.example/1", "urn:x"])),
        "selector": maybe(st.lists(SELECTOR, max_size=2)), "mba:sha256": SCALARS})),
    "body": maybe(st.lists(st.fixed_dictionaries({}, optional={
        "purpose": maybe(st.sampled_from(["tagging", "commenting"])),
        "value": maybe(st.sampled_from(["labeling", "loaded-term", ""]))}), max_size=2))})
DOCCANO = st.fixed_dictionaries({"text": maybe(st.just(TEXT))}, optional={
    "label": maybe(st.lists(maybe(st.tuples(OFFSET, OFFSET, SCALARS).map(list)), max_size=3)),
    "entities": maybe(st.lists(maybe(st.fixed_dictionaries({}, optional={
        "start_offset": OFFSET, "end_offset": OFFSET, "label": SCALARS})), max_size=2)),
    "meta": JSON, "sha256": SCALARS, "id": JSON})


@pytest.mark.parametrize("fmt, name, records", [
    ("labelstudio", "t.json", st.lists(maybe(TASK), max_size=3)),
    ("w3c", "a.jsonld", maybe(st.lists(maybe(ANNOTATION), max_size=3))),
    ("doccano", "d.jsonl", st.lists(maybe(DOCCANO), max_size=3)),
])
@FUZZ
@given(data=st.data())
def test_json_readers_refuse_garbage_cleanly(project: Project, fmt: str, name: str,
                                             records: st.SearchStrategy, data: st.DataObject) -> None:
    value = data.draw(records)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        if fmt == "doccano":
            text = "\n".join(json.dumps(r, ensure_ascii=False) for r in value)
        else:
            text = json.dumps(value, ensure_ascii=False)
        path.write_text(text, encoding="utf-8")
        read(fmt, [path], project)


LINE_PARTS = st.sampled_from(["T1", "T2", "A1", "#1", "R1", "E1", "*", "M1", "\t", " ", ";",
                              "0", "3", "12", "99", "labeling", "AnnotatorNotes", "x", "🙂",
                              "\r", "-1", "1"])


@FUZZ
@given(lines=st.lists(st.lists(LINE_PARTS, max_size=8).map("".join), max_size=6))
def test_brat_reader_refuses_garbage_cleanly(lines: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "a.txt").write_text(TEXT, encoding="utf-8", newline="")
        (Path(tmp) / "a.ann").write_text("\n".join(lines), encoding="utf-8")
        read("brat", [Path(tmp) / "a.ann"])


@FUZZ
@given(lines=st.lists(st.lists(st.sampled_from(["7", "8", "\t", "Doubt", "0", "5", "x", "-2",
                                                "99", " "]), max_size=8).map("".join), max_size=5))
def test_semeval_reader_refuses_garbage_cleanly(lines: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "article7.txt").write_text(TEXT, encoding="utf-8", newline="")
        (Path(tmp) / "x.labels").write_text("\n".join(lines), encoding="utf-8")
        read("semeval", [Path(tmp) / "article7.txt", Path(tmp) / "x.labels"])


# -- every reader, on mutated files it wrote itself ---------------------------------

HOSTILE = st.sampled_from([b"[" * 1000, b'{"a":' * 600, b"9" * 4400, b"\xff\xfe", b"\xef\xbb\xbf",
                           b"\x00", b'"', b"{", b"}", b"]", b"\n", b"\r\n", b"\t", b"-1", b" ",
                           b"\xe2\x80\xa8", b"\xc3", b"\x80", b"\xa9", b"\x93", b"null", b"[]",
                           b"1e999", b"\\ud800", b"\x91\x92\x93"])


@pytest.fixture(scope="module")
def samples(project: Project, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A small file (or folder) in every readable format, as the app writes it."""
    from annotator.formats import export, readers

    project.add_span(1, "ana", "loaded-term", 6, 12, note="n")
    folder = tmp_path_factory.mktemp("samples")
    found: dict[str, Path] = {}
    for fmt in readers():
        target = folder / f"sample.{fmt.patterns[0].lstrip('*.')}"
        if fmt.name in ("csv", "txt"):  # articles in, spans out: write an article file
            target.write_text(f'id,title,text\nd9,T,"{TEXT}"\n' if fmt.name == "csv" else TEXT,
                              encoding="utf-8", newline="")
        elif fmt.write is None:  # articles only (web pages, PDF, Word, feeds): made here
            from intake_support import intake_sample

            target.write_bytes(intake_sample(fmt.name))
        else:
            export(project, fmt.name, target if not fmt.writes_folder else folder / fmt.name)
            target = target if not fmt.writes_folder else folder / fmt.name
        found[fmt.name] = target
    return found


def all_readers() -> list[str]:
    from annotator.formats import readers

    return sorted(f.name for f in readers())


@pytest.mark.parametrize("fmt", all_readers())
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_reader_names_the_file_of_any_problem(project: Project, samples: dict[str, Path],
                                                   fmt: str, data: st.DataObject) -> None:
    """Cut, flipped or hostile bytes (deep nesting, 4,400-digit numbers, bad
    UTF-8...) anywhere in a file: a FormatError naming the file, or a clean read."""
    import shutil

    sample = samples[fmt]
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / sample.name
        if sample.is_dir():
            shutil.copytree(sample, copy)
        else:
            shutil.copy(sample, copy)
        files = sorted(p for p in copy.rglob("*") if p.is_file()) if copy.is_dir() else [copy]
        victim = data.draw(st.sampled_from(files))
        raw = bytearray(victim.read_bytes())
        for _ in range(data.draw(st.integers(1, 3))):
            at = data.draw(st.integers(0, len(raw)))
            kind = data.draw(st.sampled_from(["insert", "flip", "cut"]))
            if kind == "insert":
                raw[at:at] = data.draw(HOSTILE)
            elif kind == "flip" and at < len(raw):
                raw[at] = data.draw(st.integers(0, 255))
            else:
                del raw[at:]
        victim.write_bytes(bytes(raw))
        reader = get(fmt).read
        assert reader is not None
        try:
            reader([copy], ReadOptions(project=project))
        except FormatError as exc:
            assert exc.file, str(exc)
