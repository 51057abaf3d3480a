"""Insights statistics against hand-computed figures: words, density, share,
the bootstrap, log-odds (Monroe et al. 2008), groupings, layers, little data."""

from __future__ import annotations

import itertools
import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.domain import IncomingDocument, IncomingSpan
from annotator.errors import AnnotatorError
from annotator.insights import stats
from annotator.insights.terms import log_odds, words
from annotator.project import Project
from annotator.schemes import resolve_scheme


def make(path: Path, docs: list[IncomingDocument]) -> Project:
    project = Project.create(path, resolve_scheme(None))
    project.import_documents(docs, annotator="ana")
    return project


def doc(text: str, outlet: str | None, spans: list[tuple[int, int]] = (), *, label="loaded-term",
        annotator="ana", published=None, meta=None, origin="imported") -> IncomingDocument:
    return IncomingDocument(text=text, source="t", outlet=outlet, published=published,
                            meta=meta or {}, statuses={annotator: "in_progress"},
                            spans=[IncomingSpan(s, e, label, annotator=annotator, origin=origin)
                                   for s, e in spans])


_unique = itertools.count()


def text_of(n: int) -> str:
    """``n`` words, the last one unique (the project keeps one copy of a text)."""
    return " ".join(["word"] * (n - 1) + [f"w{next(_unique)}"])


def test_words_are_tokens_that_are_neither_space_nor_punctuation():
    found = words(["Hello, world!  It's  fine.", "", "«Régime» — 12 cats"])
    assert found.tolist() == [5, 0, 3]  # Hello world It 's fine | Régime 12 cats


def test_density_share_and_denominators_by_outlet(tmp_path):
    project = make(tmp_path / "p.annotator", [
        doc(text_of(10), "A", [(0, 4), (5, 9)]),
        doc(text_of(20), "A", [(0, 4)]),
        doc(text_of(5) + ".", "B", []),
        doc(text_of(7), None, [(0, 4)]),
    ])
    data = stats.load(project)
    (table,) = stats.grouped(data, "outlet", ["loaded-term"], "ana", seed=1)
    a, b = table.rows
    assert (a.group, a.documents, a.words, a.spans, a.with_span) == ("A", 2, 30, 3, 2)
    assert a.density.value == pytest.approx(100.0)  # 1000 * 3 / 30
    assert a.share.value == 1.0
    assert (b.group, b.words, b.spans, b.density.value, b.share.value) == ("B", 5, 0, 0.0, 0.0)
    assert a.small and b.small
    assert table.documents == 3 and table.words == 35
    assert table.notes == ("1 of 4 documents have no outlet and are left out",)


def test_bootstrap_interval_of_two_documents_is_hand_computable(tmp_path):
    # densities 2 and 4 per 1,000 words: a replicate takes both twice (2, p=1/4),
    # one of each (3, p=1/2) or the second twice (4, p=1/4).
    project = make(tmp_path / "p.annotator", [
        doc(text_of(1000), "A", [(0, 4), (5, 9)]),
        doc(text_of(1000), "A", [(0, 4), (5, 9), (10, 14), (15, 19)]),
    ])
    data = stats.load(project)
    (table,) = stats.grouped(data, "outlet", ["loaded-term"], "ana", seed=7, resamples=20_000)
    (row,) = table.rows
    assert row.density.value == pytest.approx(3.0)
    assert (row.density.low, row.density.high) == (pytest.approx(2.0), pytest.approx(4.0))
    assert (row.share.low, row.share.high) == (1.0, 1.0)


def test_bootstrap_with_a_fixed_seed_matches_the_documented_draws(tmp_path):
    texts = [(30, 1), (40, 0), (50, 3), (25, 2)]
    project = make(tmp_path / "p.annotator", [
        doc(text_of(n), "A", [(5 * i, 5 * i + 4) for i in range(k)]) for n, k in texts])
    data = stats.load(project)
    (table,) = stats.grouped(data, "outlet", ["loaded-term"], "ana", seed=42, resamples=300)
    # the docstring's recipe, written out by hand
    rng = np.random.default_rng(42)
    words_ = np.array([n for n, _ in texts], float)
    spans = np.array([k for _, k in texts], float)
    draws = rng.integers(0, 4, size=(300, 4), dtype=np.int32)
    replicate = [1000 * spans[d].sum() / words_[d].sum() for d in draws]
    low, high = np.percentile(replicate, [2.5, 97.5])
    (row,) = table.rows
    assert (row.density.low, row.density.high) == (pytest.approx(low), pytest.approx(high))
    again = stats.grouped(data, "outlet", ["loaded-term"], "ana", seed=42, resamples=300)
    assert again[0].rows == table.rows
    other = stats.grouped(data, "outlet", ["loaded-term"], "ana", seed=43, resamples=300)
    assert other[0].rows != table.rows


def test_log_odds_matches_the_papers_formula_by_hand():
    counts = np.array([[3, 1], [1, 3]])
    z = log_odds(counts)
    # Monroe et al. (2008) eq. 16/19/22, prior a_w = pooled counts (4, 4), a_0 = 8:
    a, a0 = 4, 8
    delta = (math.log((3 + a) / (4 + a0 - 3 - a)) - math.log((1 + a) / (4 + a0 - 1 - a)))
    expected = delta / math.sqrt(1 / (3 + a) + 1 / (1 + a))
    assert expected == pytest.approx(2 * math.log(1.4) / math.sqrt(1 / 7 + 1 / 5))  # 1.14927
    assert z[0, 0] == pytest.approx(expected)
    assert z[1, 0] == pytest.approx(-expected)
    assert z[0, 1] == pytest.approx(-expected)
    # an explicit prior (a background corpus)
    z = log_odds(counts, prior=np.array([10, 2]))
    delta = math.log((3 + 10) / (4 + 12 - 3 - 10)) - math.log((1 + 10) / (4 + 12 - 1 - 10))
    assert z[0, 0] == pytest.approx(delta / math.sqrt(1 / 13 + 1 / 11))


def test_top_terms_are_normalized_and_distinctive_per_outlet(tmp_path):
    a_text = "The regime Slammed critics. They slammed it."
    b_text = "Officials criticised the plan and the cronies."
    project = make(tmp_path / "p.annotator", [
        doc(a_text, "A", [(4, 10), (11, 18), (33, 40)]),
        doc(b_text, "B", [(10, 20), (38, 45)]),
        doc("!!!", "B", [(0, 3)]),
    ])
    data = stats.load(project)
    terms = stats.top_terms(data, "loaded-term", "ana")
    by_term = {r.term: r for r in terms.rows}
    assert by_term["slammed"].count == 2 and by_term["slammed"].documents == 1
    assert set(by_term) == {"slammed", "regime", "criticised", "cronies"}
    assert by_term["slammed"].z["A"] > 0 > by_term["slammed"].z["B"]
    assert [r.term for r in terms.distinctive("B")][:2] in (["criticised", "cronies"],
                                                            ["cronies", "criticised"])
    assert terms.group_totals == {"A": 3, "B": 2}
    assert "1 span over punctuation only is not a term" in terms.notes


def test_months_and_stories_group_and_missing_keys_are_explained(tmp_path):
    project = make(tmp_path / "p.annotator", [
        doc(text_of(10), "A", [(0, 4)], published="2024-03-05T10:00", meta={"story": "budget"}),
        doc(text_of(10), "A", [(0, 4)], published="2024-04-01"),
        doc(text_of(10), "A", [], published="March 2024"),
    ])
    data = stats.load(project)
    (months,) = stats.grouped(data, "month", ["loaded-term"], "ana")
    assert [r.group for r in months.rows] == ["2024-03", "2024-04"]
    assert "1 of 3 documents have no month and are left out" in months.notes
    (stories,) = stats.grouped(data, "story", ["loaded-term"], "ana")
    assert [r.group for r in stories.rows] == ["budget"]
    data_without = stats.load(make(tmp_path / "q.annotator", [doc(text_of(3), "A", [(0, 4)])]))
    (none,) = stats.grouped(data_without, "story", ["loaded-term"], "ana")
    assert none.rows == () and "grouping by story is skipped" in none.message


def test_the_gold_layer_is_the_default_where_it_exists(tmp_path):
    project = make(tmp_path / "p.annotator", [
        doc(text_of(10), "A", [(0, 4)], annotator="ana"),
        doc(text_of(10), "B", [(0, 4), (5, 9)], annotator="gold", origin="adjudicated"),
    ])
    data = stats.load(project)
    assert stats.default_layer(data) == ("gold", "the gold (adjudicated) layer")
    (by_annotator,) = stats.grouped(data, "annotator", ["loaded-term"], "unused")
    assert [(r.group, r.spans) for r in by_annotator.rows] == [("ana", 1), ("gold", 2)]
    only_ana = stats.load(make(tmp_path / "q.annotator", [doc(text_of(3), "A", [(0, 4)])]))
    assert stats.default_layer(only_ana)[0] == "ana"


def test_an_empty_project_gives_not_enough_data_and_no_crash(tmp_path):
    project = Project.create(tmp_path / "p.annotator", resolve_scheme(None))
    data = stats.load(project)
    layer, why = stats.default_layer(data)
    assert layer is None and why.startswith("not enough data")
    (table,) = stats.grouped(data, "annotator", ["loaded-term"], "")
    assert table.rows == () and table.message.startswith("not enough data")
    with pytest.raises(AnnotatorError, match="no layer 'gold'"):
        stats.grouped(data, "outlet", ["loaded-term"], "gold")


def test_one_document_without_words_gives_no_division_by_zero(tmp_path):
    project = make(tmp_path / "p.annotator", [doc("!!! ???", "A", [(0, 3)])])
    data = stats.load(project)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (table,) = stats.grouped(data, "outlet", ["loaded-term"], "ana")
        terms = stats.top_terms(data, "loaded-term", "ana")
    (row,) = table.rows
    assert row.words == 0 and row.density is None and row.small
    assert row.share.value == 1.0
    assert terms.message.startswith("not enough data")


def test_unknown_grouping_label_and_document_label_are_clear_errors(tmp_path):
    data = stats.load(make(tmp_path / "p.annotator", [doc(text_of(3), "A", [(0, 4)])]))
    with pytest.raises(AnnotatorError, match="cannot group by 'colour'"):
        stats.grouped(data, "colour", ["loaded-term"], "ana")
    with pytest.raises(AnnotatorError, match="no label 'nope'"):
        stats.grouped(data, "outlet", ["nope"], "ana")
    with pytest.raises(AnnotatorError, match="no choice document label 'reviewer-comment'"):
        stats.distribution(data, "reviewer-comment", "ana")


def test_frame_distribution_counts_the_layers_document_labels(tmp_path):
    docs = [doc(text_of(5), "A", [(0, 4)]), doc(text_of(5), "A", []), doc(text_of(5), "B", [])]
    for d, frame in zip(docs, ("economic", "economic", "legality")):
        d.document_labels = {"ana": {"primary-frame": frame}, "bob": {"primary-frame": "other"}}
    data = stats.load(make(tmp_path / "p.annotator", docs))
    dist = stats.distribution(data, "primary-frame", "ana")
    assert dist.counts["A"]["economic"] == 2 and dist.counts["B"]["legality"] == 1
    assert dist.counts["A"]["other"] == 0  # bob's labels are another layer
    assert dist.labelled == {"A": 2, "B": 1} and dist.documents == {"A": 2, "B": 1}


def test_filters_and_documents_behind_a_bar(tmp_path):
    project = make(tmp_path / "p.annotator", [
        doc(text_of(10), "A", [(0, 4)], published="2024-01-02"),
        doc(text_of(10), "A", [(0, 4), (5, 9)], published="2024-02-02"),
        doc(text_of(10), "B", [(0, 4)], published="2024-02-03"),
    ])
    data = stats.load(project)
    mask = data.mask(since="2024-02-01", until="2024-02-28", outlets=["A"])
    (table,) = stats.grouped(data, "outlet", ["loaded-term"], "ana", mask=mask)
    assert [(r.group, r.documents, r.spans) for r in table.rows] == [("A", 1, 2)]
    behind = stats.documents_behind(data, "outlet", "A", "loaded-term", "ana")
    assert [(spans) for *_rest, spans in behind] == [2, 1]


_pieces = st.sampled_from(["word", "Word", "n't", "don't", "U.S.", "e.g.", "(", ")", ",", ".",
                           "!", "?", "—", "«", "»", "\"", "'", "3.5", "$", "%", "🙂", "é",
                           "https://x.org/a", "@user", "#tag", ":)", "-", "...", "co-op",
                           " ", "  ", "\n", "\t", "\u00a0", "\u2028", "Mr.", "can't", "I'm"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_pieces, max_size=25).map("".join), min_size=1, max_size=4))
def test_counting_distinct_chunks_equals_tokenizing_whole_texts(texts):
    from spacy.attrs import IS_PUNCT, IS_SPACE

    from annotator.nlp import pipeline

    tokenizer = pipeline().tokenizer
    whole = [int(((t.to_array([IS_SPACE, IS_PUNCT]).reshape(-1, 2)) == 0).all(axis=1).sum())
             for t in tokenizer.pipe(texts)]
    assert words(texts).tolist() == whole


def test_documents_the_layer_has_not_worked_on_are_left_out_and_counted(tmp_path):
    clean = IncomingDocument(text=text_of(10), source="t", outlet="B")  # no span, no status
    project = make(tmp_path / "p.annotator", [doc(text_of(10), "A", [(0, 4)]), clean])
    data = stats.load(project)
    (table,) = stats.grouped(data, "outlet", ["loaded-term"], "ana")
    assert [r.group for r in table.rows] == ["A"]
    assert table.notes[0].startswith("1 of 2 documents are left out: the layer ana has not "
                                     "worked on them")
    project.set_status(2, "ana", "done")  # read and found clean
    (table,) = stats.grouped(stats.load(project), "outlet", ["loaded-term"], "ana")
    assert [(r.group, r.spans) for r in table.rows] == [("A", 1), ("B", 0)]
