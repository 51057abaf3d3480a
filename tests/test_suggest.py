"""Suggestions as an analyst meets them: lexicon terms, claim cues, consistency,
accepting and rejecting, and what never leaks into the data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from annotator import suggest
from annotator.domain import IncomingDocument
from annotator.errors import FormatError
from annotator.formats import export
from annotator.models import RejectedSuggestion
from annotator.nlp import pipeline
from annotator.project import Project
from annotator.schemes import resolve_scheme
from annotator.suggest.claims import ClaimSuggester
from annotator.suggest.engine import DISABLED, LEXICONS, MODEL
from annotator.suggest.lexicon import LexiconSuggester, read_lexicon
from tests.conftest import TRICKY


def add_docs(project: Project, *texts: str) -> list[int]:
    project.import_documents([IncomingDocument(text=t, source="test") for t in texts],
                             annotator="ana")
    return project.document_ids()[-len(texts):]


def shown(project: Project, doc_id: int, suggester: str | None = None,
          annotator: str | None = "ana") -> list[tuple[str, str]]:
    """(label, covered text) of the suggestions on a document."""
    text = project.document(doc_id).text
    return [(s.label, text[s.start:s.end])
            for s in suggest.suggestions(project, doc_id, annotator=annotator)
            if suggester is None or s.suggester == suggester]


def lexicon(tmp_path: Path, body: str, name: str = "mine.txt") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


# -- lexicon ------------------------------------------------------------------
def test_lexicon_matches_phrases_across_case_and_punctuation(project: Project, tmp_path: Path) -> None:
    path = lexicon(tmp_path, "# mine\nsteamrolled through\nso-dubbed\tscare-quotes\tdistancing\n"
                             "Moscow's\tlabeling\n")
    project.set_setting(LEXICONS, [str(path)])
    text = ("Council STEAMROLLED \n THROUGH the so dubbed plan and the So\u2011Dubbed deal; "
            "Moscow\u2019s men steamrolled-through nothing.")
    (doc,) = add_docs(project, text)
    assert shown(project, doc, "lexicon:mine") == [
        ("loaded-term", "STEAMROLLED \n THROUGH"), ("scare-quotes", "so dubbed"),
        ("scare-quotes", "So\u2011Dubbed"), ("labeling", "Moscow\u2019s"),
    ]
    reasons = [s.reason for s in suggest.suggestions(project, doc) if s.label == "scare-quotes"]
    assert reasons and all("(mine.txt:3): distancing" in r for r in reasons)


def test_starter_lexicon_offsets_are_code_points_on_tricky_text(project: Project) -> None:
    (doc,) = add_docs(project, TRICKY)
    found = [s for s in suggest.suggestions(project, doc) if s.suggester == "lexicon:loaded-terms"]
    assert [(s.label, s.start, s.end) for s in found] == [
        ("labeling", TRICKY.index("thugs"), TRICKY.index("thugs") + 5),
        ("loaded-term", TRICKY.index("regime"), TRICKY.index("regime") + 6),
    ]


def test_starter_lexicon_covers_the_seed_article_vocabulary(project: Project) -> None:
    text = ("US-backed terrorists infesting eastern Aleppo. Belgian warplanes terror-bombed it. "
            "The Assad regime, its so-called puppet allies and the thugs were slammed.")
    (doc,) = add_docs(project, text)
    assert shown(project, doc, "lexicon:loaded-terms") == [
        ("labeling", "terrorists"), ("framing-metaphor", "infesting"),
        ("loaded-term", "terror-bombed"), ("loaded-term", "regime"),
        ("scare-quotes", "so-called"), ("loaded-term", "puppet"), ("labeling", "thugs"),
        ("loaded-term", "slammed"),
    ]


@pytest.mark.parametrize(("body", "line", "problem"), [
    ("regime\nthugs\tlabeling\tnote\textra\n", 2, "at most 3"),
    ("# header\n\n\tlabeling\n", 3, "empty phrase"),
    ("regime\nthugs\tnot a label!\n", 2, "not a label key"),
])
def test_bad_lexicon_is_refused_with_file_and_line(tmp_path: Path, body: str, line: int,
                                                    problem: str) -> None:
    path = lexicon(tmp_path, body)
    with pytest.raises(FormatError) as caught:
        read_lexicon(path)
    assert (caught.value.file, caught.value.line) == (str(path), line)
    assert problem in str(caught.value) and str(path) in str(caught.value)


def test_bad_user_lexicon_is_reported_and_the_rest_keep_working(project: Project,
                                                              tmp_path: Path) -> None:
    bad = lexicon(tmp_path, "fine\n\tlabeling\n", "broken.txt")
    project.set_setting(LEXICONS, [str(bad)])
    status = {s.name: s for s in suggest.engine(project).status()}
    assert not status["lexicon:broken"].available
    assert f"{bad}:2" in status["lexicon:broken"].reason
    (doc,) = add_docs(project, "The regime said nothing.")
    assert shown(project, doc) == [("loaded-term", "regime")]


def test_add_lexicon_checks_the_file_before_saving_the_setting(project: Project,
                                                              tmp_path: Path) -> None:
    with pytest.raises(FormatError):
        suggest.add_lexicon(project, lexicon(tmp_path, "a\tb\tc\td\n", "bad.txt"))
    assert project.setting(LEXICONS) is None
    good = lexicon(tmp_path, "junk food\n", "food.txt")
    suggest.add_lexicon(project, good)
    (doc,) = add_docs(project, "Junk food again.")
    assert shown(project, doc, "lexicon:food") == [("loaded-term", "Junk food")]


def test_lexicon_entries_with_labels_outside_the_scheme_are_skipped(tmp_path: Path) -> None:
    path = lexicon(tmp_path, "regime\nthugs\tno-such-label\n")
    found = LexiconSuggester(pipeline(), path, resolve_scheme("media-bias"))
    assert found.labels == ("loaded-term",)
    assert "1 entries skipped" in found.notes[0] and not found.lemmas


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(["regime", "Thugs", "so-called", "🙂", "cafe\u0301", "\r\n",
                                 "\u00a0", "民主", "مرحبا", "«", "»", "word", "."]),
                min_size=1, max_size=25))
def test_lexicon_offsets_always_cover_the_matched_term(pieces: list[str]) -> None:
    from annotator.domain import DocumentData
    from annotator.suggest.base import Target
    from annotator.suggest.lexicon import STARTER_LEXICON

    nlp = pipeline()
    text = " ".join(pieces)
    suggester = _starter(nlp, STARTER_LEXICON)
    target = Target(DocumentData(1, None, "", text, ""), nlp(text))
    for s in suggester.suggest(target):
        assert text[s.start:s.end].lower().replace("-", "") in {"regime", "thugs", "socalled"}


_FIELD = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=12)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(_FIELD.filter(lambda t: t.strip() and not t.lstrip().startswith("#")),
                          st.sampled_from(["", "labeling", "loaded-term"]), _FIELD),
                min_size=1, max_size=8))
def test_lexicon_lines_read_back_as_written(rows: list[tuple[str, str, str]]) -> None:
    from annotator.suggest.base import parse_phrases
    from annotator.suggest.lexicon import _entry

    body = "# header\r\n" + "".join(f"{term}\t{label}\t{note}\r\n" for term, label, note in rows)
    entries = [_entry(line) for line in parse_phrases(body, "x.txt", 3)]
    assert [(e.term, e.label, e.note, e.line) for e in entries] == [
        (" ".join(term.split()), label or "loaded-term", note.strip(), n + 2)
        for n, (term, label, note) in enumerate(rows)]


_STARTER: dict[str, LexiconSuggester] = {}


def _starter(nlp, path: Path) -> LexiconSuggester:
    if "s" not in _STARTER:
        _STARTER["s"] = LexiconSuggester(nlp, path, resolve_scheme("media-bias"))
    return _STARTER["s"]


# -- claim cues ---------------------------------------------------------------
def test_claim_cues_flag_unattributed_assertions_only(project: Project) -> None:
    text = ("Everyone knows the council rigged the vote.\n"
            "Everyone knows the council rigged the vote, the mayor said.\n"
            "According to the minutes, the council clearly broke its rules.\n"
            "\u201cThe council always lies,\u201d one resident shouted.\n"
            "The council obviously planned this?\n"
            "Rents went up by 4 percent.")
    (doc,) = add_docs(project, text)
    found = [s for s in suggest.suggestions(project, doc) if s.suggester == "claim-cues"]
    assert [(s.label, text[s.start:s.end]) for s in found] == [
        ("unsupported-claim", "Everyone knows the council rigged the vote")]
    assert '"everyone knows"' in found[0].reason and '"everyone"' not in found[0].reason


def test_hedges_lower_the_claim_score(project: Project) -> None:
    text = "The towers will clearly drive rents up.\n\nThe towers may clearly drive rents up."
    (doc,) = add_docs(project, text)
    plain, hedged = [s for s in suggest.suggestions(project, doc) if s.suggester == "claim-cues"]
    assert hedged.score < plain.score and "hedged" in hedged.reason


def test_claim_offsets_on_crlf_and_astral_text(project: Project) -> None:
    text = "Title 🙂\r\n\r\nUndeniably the 民主 council rigged the vote 🙂.\r\nEnd."
    (doc,) = add_docs(project, text)
    assert shown(project, doc, "claim-cues") == [
        ("unsupported-claim", "Undeniably the 民主 council rigged the vote 🙂")]


def test_claim_cues_need_the_label_in_the_scheme(tmp_path: Path) -> None:
    with Project.create(tmp_path / "p.annotator", resolve_scheme("semeval2020-propaganda")) as p:
        status = {s.name: s for s in suggest.engine(p).status()}
    assert not status["claim-cues"].available
    assert "unsupported-claim" in status["claim-cues"].reason
    assert not status["lexicon:loaded-terms"].available
    assert "no entry has a label of the scheme" in status["lexicon:loaded-terms"].reason


def test_bad_cue_file_is_refused_with_file_and_line(tmp_path: Path) -> None:
    from annotator.suggest.claims import CUES_DIR, KINDS

    for kind in KINDS:
        (tmp_path / f"{kind}.txt").write_text((CUES_DIR / f"{kind}.txt").read_text("utf-8"), "utf-8")
    (tmp_path / "hedges.txt").write_text("may\t0.5\nmight\tlots\n", "utf-8")
    with pytest.raises(FormatError) as caught:
        ClaimSuggester(pipeline(), resolve_scheme("media-bias"), tmp_path)
    assert caught.value.line == 2 and caught.value.file == str(tmp_path / "hedges.txt")
    (tmp_path / "hedges.txt").write_text("may\t1.5\n", "utf-8")
    with pytest.raises(FormatError, match="between 0 and 1"):
        ClaimSuggester(pipeline(), resolve_scheme("media-bias"), tmp_path)


# -- consistency ----------------------------------------------------------------
def test_a_tagged_phrase_is_proposed_on_its_other_occurrences(project: Project) -> None:
    first, second = add_docs(project, "The Marrow Clique met. Later the marrow clique left.",
                             "Nobody saw the MARROW CLIQUE.")
    project.add_span(first, "ana", "labeling", 4, 17)
    assert shown(project, first, "consistency") == [("labeling", "marrow clique")]
    assert shown(project, second, "consistency") == [("labeling", "MARROW CLIQUE")]
    # another annotator's decisions are not pushed onto an independent annotator
    assert shown(project, second, "consistency", annotator="bo") == []


# -- the engine, accepting and rejecting ------------------------------------------
def test_switching_a_suggester_off(project: Project) -> None:
    (doc,) = add_docs(project, "Everyone knows the regime won the vote.")
    assert {s.suggester for s in suggest.suggestions(project, doc)} == {
        "lexicon:loaded-terms", "claim-cues"}
    suggest.set_enabled(project, "claim-cues", False)
    assert project.setting(DISABLED) == ["claim-cues"]
    assert {s.suggester for s in suggest.suggestions(project, doc)} == {"lexicon:loaded-terms"}
    assert {s.name: s.enabled for s in suggest.engine(project).status()}["claim-cues"] is False
    suggest.set_enabled(project, "claim-cues", True)
    assert len(suggest.suggestions(project, doc)) == 2


def test_accept_makes_an_undoable_suggested_span(project: Project) -> None:
    (doc,) = add_docs(project, "The regime and the thugs.")
    regime = next(s for s in suggest.suggestions(project, doc) if s.label == "loaded-term")
    span = suggest.accept(project, regime, "ana").value
    assert (span.label, span.start, span.end, span.origin) == ("loaded-term", 4, 10, "suggested")
    assert span.provenance == {"suggester": "lexicon:loaded-terms", "score": regime.score}
    assert [(s.origin, s.annotator) for s in project.spans(doc)] == [("suggested", "ana")]
    assert shown(project, doc) == [("labeling", "thugs")]  # no longer proposed
    assert project.undo().value == doc
    assert project.spans(doc) == []
    assert ("loaded-term", "regime") in shown(project, doc)


def test_reject_is_remembered_for_the_document_and_undoable(project: Project) -> None:
    (doc,) = add_docs(project, "The regime and the thugs.")
    regime = next(s for s in suggest.suggestions(project, doc) if s.label == "loaded-term")
    suggest.reject(project, regime, "ana")
    with project.reading() as s:
        rows = s.execute(select(RejectedSuggestion.suggester, RejectedSuggestion.label,
                                RejectedSuggestion.start, RejectedSuggestion.end)).all()
    assert rows == [("lexicon:loaded-terms", "loaded-term", 4, 10)]
    assert shown(project, doc) == [("labeling", "thugs")]
    assert shown(project, doc, annotator="someone-else") == [("labeling", "thugs")]
    assert project.spans(doc) == []
    assert project.undo_status().undo_text == "Reject suggestion"
    project.undo()
    assert ("loaded-term", "regime") in shown(project, doc)


def test_accept_all_of_one_suggester_is_one_undo_step(project: Project) -> None:
    (doc,) = add_docs(project, "The regime, its thugs and cronies. Everyone knows they always lie.")
    spans = suggest.accept_all(project, doc, "lexicon:loaded-terms", "ana").value
    assert [(s.label, s.origin) for s in spans] == [
        ("loaded-term", "suggested"), ("labeling", "suggested"), ("labeling", "suggested")]
    assert [s.suggester for s in suggest.suggestions(project, doc, annotator="ana")] == ["claim-cues"]
    assert project.status(doc, "ana") == "in_progress"
    project.undo()
    assert project.spans(doc) == []


def test_same_span_from_two_suggesters_is_shown_once(project: Project) -> None:
    first, second = add_docs(project, "The regime.", "The regime again.")
    project.add_span(first, "ana", "loaded-term", 4, 10)
    found = suggest.suggestions(project, second, annotator="ana")
    assert [(s.label, s.start, s.end, s.suggester) for s in found] == [
        ("loaded-term", 4, 10, "consistency")]  # the higher score wins


def test_suggestions_never_reach_exports(project: Project, tmp_path: Path) -> None:
    (doc,) = add_docs(project, "Everyone knows the regime won the vote.")
    found = suggest.suggestions(project, doc)
    assert len(found) == 2
    out = tmp_path / "out.jsonl"
    export(project, "jsonl", out)
    assert json.loads(out.read_text("utf-8"))["spans"] == []
    suggest.accept(project, found[0], "ana")
    export(project, "jsonl", out)
    assert [s["origin"] for s in json.loads(out.read_text("utf-8"))["spans"]] == ["suggested"]


def test_a_model_that_fails_to_load_is_reported_and_the_rest_keep_working(
        project: Project, tmp_path: Path) -> None:
    broken = tmp_path / "model"
    broken.mkdir()
    (broken / "meta.json").write_text("{not json", "utf-8")
    project.set_setting(MODEL, str(broken))
    status = {s.name: s for s in suggest.engine(project).status()}
    assert not status["spancat"].available and "cannot load" in status["spancat"].reason
    (doc,) = add_docs(project, "The regime.")
    assert shown(project, doc) == [("loaded-term", "regime")]


def test_with_a_lemmatizer_inflected_forms_match() -> None:
    import spacy
    from spacy.language import Language

    from annotator.domain import DocumentData
    from annotator.suggest.base import Target

    @Language.component("toy_lemmas")
    def toy_lemmas(doc):  # "infested" -> "infest": enough to exercise the LEMMA matcher
        for token in doc:
            token.lemma_ = token.lower_.removesuffix("ed").removesuffix("ing")
        return doc

    nlp = spacy.blank("en")
    nlp.add_pipe("toy_lemmas", name="lemmatizer")
    suggester = LexiconSuggester(nlp, Path("inline.txt"), resolve_scheme("media-bias"),
                                 entries=read_lexicon_text("infest\tframing-metaphor\n"))
    text = "Rats infested the depot, infesting it."
    found = suggester.suggest(Target(DocumentData(1, None, "", text, ""), nlp(text)))
    assert suggester.lemmas
    assert [text[s.start:s.end] for s in found] == ["infested", "infesting"]


def read_lexicon_text(body: str):
    from annotator.suggest.base import parse_phrases
    from annotator.suggest.lexicon import _entry

    return [_entry(line) for line in parse_phrases(body, "inline.txt", 3)]


def test_importing_suggestions_loads_neither_qt_nor_spacy() -> None:
    import subprocess
    import sys

    code = ("import sys, annotator.suggest, annotator.suggest.evaluate, annotator.commands.suggest; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'PySide6', 'ui', 'spacy'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).parent.parent, check=True).stdout
    assert out.strip() == "[]"


def test_an_edited_user_lexicon_is_reloaded(project: Project, tmp_path: Path) -> None:
    import os

    path = lexicon(tmp_path, "junk food\n", "food.txt")
    project.set_setting(LEXICONS, [str(path)])
    (doc,) = add_docs(project, "Junk food and fast food.")
    assert shown(project, doc, "lexicon:food") == [("loaded-term", "Junk food")]
    path.write_text("fast food\n", "utf-8")
    os.utime(path, (1, 1))  # a different modification time, however fast the test runs
    assert shown(project, doc, "lexicon:food") == [("loaded-term", "fast food")]


_PIECES = ["Everyone knows", "the regime", "clearly", "said", "may", "«thugs»", "🙂", "🇺🇦",
           "cafe\u0301", "\r\n", "\r\n\r\n", "\u00a0", "民主", "مرحبا", ".", "?", "\u201c", "so-called",
           "always", "lies", "rigged", "the vote"]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=40))
def test_every_suggestion_is_a_trimmed_span_inside_the_text(pieces: list[str]) -> None:
    from annotator.domain import DocumentData
    from annotator.suggest.base import Target
    from annotator.suggest.lexicon import STARTER_LEXICON

    nlp = pipeline()
    text = " ".join(pieces)
    target = Target(DocumentData(1, None, "", text, ""), nlp(text))
    for suggester in (_starter(nlp, STARTER_LEXICON), _claims(nlp)):
        for s in suggester.suggest(target):
            covered = text[s.start:s.end]
            assert 0 <= s.start < s.end <= len(text)
            assert covered == covered.strip()
            if s.label == "unsupported-claim":
                assert covered[-1] not in ".?" and "\n" not in covered


def _claims(nlp) -> ClaimSuggester:
    if "c" not in _STARTER:
        _STARTER["c"] = ClaimSuggester(nlp, resolve_scheme("media-bias"))
    return _STARTER["c"]


def test_a_closed_project_does_not_stay_in_memory(tmp_path: Path) -> None:
    import gc
    import weakref

    project = Project.create(tmp_path / "p.annotator", resolve_scheme("media-bias"))
    suggest.engine(project).status()
    gone = weakref.ref(project)
    project.close()
    del project
    gc.collect()
    assert gone() is None


def test_a_suggestion_accepted_under_another_label_is_gone(project: Project) -> None:
    from annotator.suggest import accept, suggestions

    project.import_documents([IncomingDocument("The regime thugs infested the city.", "x")],
                             annotator="ana")
    found = [s for s in suggestions(project, 1, annotator="ana") if s.label == "loaded-term"]
    assert found
    from dataclasses import replace

    accept(project, replace(found[0], label="labeling"), "ana")
    left = suggestions(project, 1, annotator="ana")
    assert all((s.start, s.end) != (found[0].start, found[0].end) for s in left)
