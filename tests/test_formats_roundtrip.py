"""Every format that reads and writes: export, import into a new project,
export again, on random Unicode texts (emoji, combining marks, CRLF, line
separators) and random spans: same text, same spans, same file."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from annotator.domain import IncomingDocument, IncomingSpan
from annotator.formats import export, import_files
from annotator.nlp import pipeline
from annotator.project import Project
from annotator.schemes import resolve_scheme

SCHEME = resolve_scheme("semeval2020-propaganda")
LABELS = ["Loaded_Language", "Name_Calling,Labeling", "Doubt", "propaganda"]
PIECES = ["a", "b", " ", "  ", "\t", ".", "\r\n", "\n", "\r", "🙂", "👍🏽", "🇺🇦", "e\u0301",
          "\u0301", "民主", "\u00a0", "\u2028", "\x85", "\u200d", "«", "مرحبا", "\U0001d11e"]
TEXTS = st.lists(st.sampled_from(PIECES) | st.characters(exclude_characters="\ufeff", exclude_categories=("Cs",)),
                 min_size=1, max_size=30).map("".join)


@st.composite
def documents(draw: st.DrawFn, aligned: bool = False) -> tuple[str, list[tuple[int, int, str]]]:
    text = draw(TEXTS)
    if aligned:  # spaCy can only hold spans on token boundaries
        tokens = pipeline().make_doc(text)
        ranges = [(tokens[i].idx, tokens[j - 1].idx + len(tokens[j - 1]))
                  for i in range(len(tokens)) for j in range(i + 1, len(tokens) + 1)]
        pairs = draw(st.lists(st.sampled_from(ranges), max_size=6)) if ranges else []
    else:
        pairs = [tuple(sorted(p)) for p in draw(st.lists(st.tuples(
            st.integers(0, len(text)), st.integers(0, len(text))), max_size=6))]
    return text, [(s, e, draw(st.sampled_from(LABELS))) for s, e in pairs if s < e]


def spans_of(project: Project) -> set[tuple[str, int, int, str]]:
    return {(s.label, s.start, s.end, doc.text[s.start:s.end])
            for doc, spans in project.iter_spans() for s in spans}


def contents(path: Path) -> object:
    if path.is_dir():
        return {p.name: p.read_bytes() for p in sorted(path.iterdir())}
    if path.suffix in (".jsonld", ".json"):  # times, region ids, project name differ
        return _without(json.loads(path.read_text(encoding="utf-8")))
    return path.read_bytes()


def _without(data: object) -> object:
    if isinstance(data, list):
        return [_without(item) for item in data]
    if isinstance(data, dict):
        return {k: _without(v) for k, v in data.items()
                if k not in ("created", "modified", "label")
                and not (k == "id" and str(v).startswith("s"))}
    return data


def round_trip(fmt: str, suffix: str, text: str, spans: list[tuple[int, int, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        incoming = IncomingDocument(text=text, source="test", external_id="article7",
                                    spans=[IncomingSpan(s, e, label, annotator="ana")
                                           for s, e, label in spans])
        with Project.create(folder / "a.annotator", SCHEME) as first:
            first.import_documents([incoming], annotator="ana")
            out = folder / f"out{suffix}"
            export(first, fmt, out)
            expected = spans_of(first)
        with Project.create(folder / "b.annotator", SCHEME) as second:
            if fmt == "w3c":  # annotations only: the text must be in the project already
                second.import_documents([IncomingDocument(text=text, source="test",
                                                          external_id="article7")], annotator="x")
            paths = [out, out / "semeval.labels"] if fmt == "semeval" else [out]
            import_files(second, paths, format_name=fmt, annotator="ana")
            assert [d.text for d in second.documents()] == [text]
            assert spans_of(second) == expected
            again = folder / f"again{suffix}"
            export(second, fmt, again)
        assert contents(again) == contents(out)


ROUND = settings(max_examples=12, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@pytest.mark.parametrize("fmt, suffix", [("semeval", ""), ("brat", ""), ("w3c", ".jsonld"),
                                         ("labelstudio", ".json"), ("doccano", ".jsonl")])
@ROUND
@given(document=documents())
def test_round_trip_on_random_text(fmt: str, suffix: str,
                                   document: tuple[str, list[tuple[int, int, str]]]) -> None:
    round_trip(fmt, suffix, *document)


@pytest.fixture(scope="module")
def nlp() -> None:
    pipeline()  # loaded once, outside the strategy


@ROUND
@given(document=documents(aligned=True))
def test_docbin_round_trip_on_random_text(nlp: None,
                                          document: tuple[str, list[tuple[int, int, str]]]) -> None:
    assume(document[1])  # a document nobody annotated is not written
    round_trip("docbin", ".spacy", *document)
