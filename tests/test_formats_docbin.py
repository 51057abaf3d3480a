"""spaCy DocBin: spans in doc.spans, checked by loading the file with spaCy."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin, Span

from annotator.domain import SpanFilter
from annotator.errors import FormatError
from annotator.formats import WriteOptions, export, import_files
from annotator.project import Project, text_sha256
from tests.conftest import TRICKY, write_jsonl


def seed(project: Project, tmp_path: Path) -> None:
    thugs, regime, claim = TRICKY.index("thugs"), TRICKY.index("regime"), TRICKY.index("民主")
    write_jsonl(tmp_path / "seed.jsonl", {"id": "t1", "text": TRICKY, "spans": [
        {"start": thugs, "end": thugs + 5, "label": "labeling", "annotator": "ana"},
        {"start": regime, "end": regime + 6, "label": "loaded-term", "annotator": "ana"},
        {"start": regime - 9, "end": regime + 6, "label": "unsupported-claim", "annotator": "ana"},
        {"start": thugs, "end": thugs + 3, "label": "loaded-term", "annotator": "bob"},  # "thu"
        {"start": claim, "end": claim + 1, "label": "loaded-term", "annotator": "bob"}]},  # "民"
        {"id": "t2", "text": "Nothing to see.\r\nReally."})
    import_files(project, [tmp_path / "seed.jsonl"], annotator="x")


def load(path: Path) -> list:
    nlp = spacy.blank("en")
    return list(DocBin().from_disk(path).get_docs(nlp.vocab))


def test_every_written_span_has_its_text_and_misaligned_ones_are_reported(
        project: Project, tmp_path: Path) -> None:
    seed(project, tmp_path)
    project.set_status(2, "ana", "done")
    out = tmp_path / "train.spacy"
    report = export(project, "docbin", out)
    docs = load(out)
    assert [(d.user_data["external_id"], d.user_data["annotator"]) for d in docs] == [
        ("t1", "ana"), ("t1", "bob"), ("t2", "ana")]  # t2: ana marked it done, a negative
    assert docs[0].text == TRICKY and docs[0].user_data["sha256"] == text_sha256(TRICKY)
    expected = {(s.annotator, s.label, TRICKY[s.start:s.end]) for s in project.spans(1)}
    written = {(d.user_data["annotator"], s.label_, s.text) for d in docs for s in d.spans["sc"]}
    for doc in docs:
        for span in doc.spans["sc"]:
            assert doc.text[span.start_char:span.end_char] == span.text
    assert written == expected - {("bob", "loaded-term", "thu"), ("bob", "loaded-term", "民")}
    assert report.spans == 3 and list(docs[2].spans["sc"]) == []
    [note] = report.notes
    assert note.startswith("2 spans do not start and end on token boundaries")
    assert "t1 bob loaded-term" in note and "'thu'" in note


def test_span_key_and_gold_layer(project: Project, tmp_path: Path) -> None:
    seed(project, tmp_path)
    with pytest.raises(FormatError, match="no gold annotator"):
        export(project, "docbin", tmp_path / "gold.spacy", WriteOptions(gold=True))
    project.ensure_annotator("gold", kind="gold")
    project.add_span(1, "gold", "labeling", TRICKY.index("thugs"), TRICKY.index("thugs") + 5)
    export(project, "docbin", tmp_path / "gold.spacy", WriteOptions(gold=True, spans_key="bias"))
    [doc] = load(tmp_path / "gold.spacy")
    assert doc.user_data["annotator"] == "gold"
    assert [(s.label_, s.text) for s in doc.spans["bias"]] == [("labeling", "thugs")]


def test_round_trip_of_aligned_spans(project: Project, tmp_path: Path) -> None:
    seed(project, tmp_path)
    out = tmp_path / "a.spacy"
    export(project, "docbin", out, WriteOptions(where=SpanFilter(annotators=("ana",))))
    with Project.create(tmp_path / "second.annotator", project.scheme) as second:
        import_files(second, [out], annotator="nobody")
        again = tmp_path / "again.spacy"
        export(second, "docbin", again)
        assert second.document(1).text == TRICKY
    assert [(d.text, d.user_data, [(s.start_char, s.end_char, s.label_) for s in d.spans["sc"]])
            for d in load(out)] == \
        [(d.text, d.user_data, [(s.start_char, s.end_char, s.label_) for s in d.spans["sc"]])
         for d in load(again)]


def test_a_docbin_written_by_spacy_with_entities_or_spans(project: Project, tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    text = "The 🙂 regime's thugs\r\nattacked."
    doc = nlp(text)
    doc.ents = [doc.char_span(text.index("thugs"), text.index("thugs") + 5, label="labeling")]
    other = nlp("A second, different text about the regime.")
    other.spans["sc"] = [Span(other, 7, 8, label="loaded-term"), Span(other, 5, 8, label="labeling")]
    other.spans["ruler"] = [Span(other, 0, 1, label="labeling")]
    DocBin(docs=[doc, other]).to_disk(tmp_path / "spacy.spacy")
    report = import_files(project, [tmp_path / "spacy.spacy"], annotator="nlp")
    assert "span groups other than 'sc' were not read: ruler" in " ".join(report.notes)
    got = sorted((d.key, s.annotator, s.label, d.text[s.start:s.end])
                 for d, spans in project.iter_spans() for s in spans)
    assert got == [("1", "nlp", "labeling", "thugs"),
                   ("2", "nlp", "labeling", "about the regime"),
                   ("2", "nlp", "loaded-term", "regime")]


def test_changed_text_is_refused(project: Project, tmp_path: Path) -> None:
    doc = spacy.blank("en")("Edited text.")
    doc.user_data["sha256"] = text_sha256("Original text.")
    doc.user_data["external_id"] = "a7"
    DocBin(docs=[doc], store_user_data=True).to_disk(tmp_path / "x.spacy")
    with pytest.raises(FormatError, match=r"x.spacy:1: Doc 1 \(a7\): the text differs"):
        import_files(project, [tmp_path / "x.spacy"], annotator="x")
    (tmp_path / "junk.spacy").write_bytes(b"not a docbin")
    with pytest.raises(FormatError, match="not a spaCy DocBin"):
        import_files(project, [tmp_path / "junk.spacy"], annotator="x")


@pytest.mark.slow
def test_spancat_trains_one_short_epoch_on_an_export(project: Project, tmp_path: Path) -> None:
    seed(project, tmp_path)
    data = tmp_path / "train.spacy"
    export(project, "docbin", data)
    config = tmp_path / "config.cfg"
    began = time.monotonic()
    subprocess.run([sys.executable, "-m", "spacy", "init", "config", str(config), "--lang", "en",
                    "--pipeline", "spancat", "--force"], check=True, capture_output=True)
    result = subprocess.run(
        [sys.executable, "-m", "spacy", "train", str(config), "--output", str(tmp_path / "model"),
         "--paths.train", str(data), "--paths.dev", str(data), "--training.max_epochs", "1",
         "--training.max_steps", "4", "--training.eval_frequency", "2"],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "model" / "model-last" / "config.cfg").exists()
    if time.monotonic() - began > 60:
        pytest.skip("training took over a minute on this machine")


def test_srsly_registry_is_left_as_found(project: Project, tmp_path: Path) -> None:
    from srsly.msgpack import msgpack_decoders, msgpack_encoders

    seed(project, tmp_path)
    export(project, "docbin", tmp_path / "a.spacy")
    import_files(project, [tmp_path / "a.spacy"], annotator="x")
    assert "get_all" not in vars(msgpack_encoders) and "get_all" not in vars(msgpack_decoders)
