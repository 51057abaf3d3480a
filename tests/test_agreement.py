"""Span and token agreement: hand-worked fixtures, and the reference implementations."""

from __future__ import annotations

import json
from itertools import combinations

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.agreement import (
    COHEN,
    EXACT,
    F1,
    FLEISS,
    KRIPPENDORFF,
    OVERLAP,
    POSITION_EXACT,
    POSITION_OVERLAP,
    PRECISION,
    RECALL,
    UNITIZING,
    Corpus,
    compute,
)
from annotator.nlp import pipeline

TEN = "a b c d e f g h i j"  # ten one-letter tokens: token n is [2n, 2n+1)


def corpus(spans, annotators=("ana", "bob"), labels=("L",), texts=None) -> Corpus:
    return Corpus.build(texts or {"d": TEN}, spans, list(annotators), list(labels))


def prf(result, method, label=None, pair=("ana", "bob")):
    return tuple(result.find(m, method, label, pair).value for m in (PRECISION, RECALL, F1))


# -- spans, worked by hand ----------------------------------------------------------

def test_partial_overlap_credit_half_each_way() -> None:
    result = compute(corpus([("d", "ana", "L", 0, 10), ("d", "bob", "L", 5, 15)],
                            texts={"d": "x" * 20}))
    assert prf(result, OVERLAP, "L") == pytest.approx((0.5, 0.5, 0.5))
    assert prf(result, EXACT, "L") == (0.0, 0.0, 0.0)


def test_partial_overlap_two_pieces_of_one_reference_span() -> None:
    result = compute(corpus([("d", "ana", "L", 0, 10), ("d", "bob", "L", 0, 4),
                             ("d", "bob", "L", 6, 10)], texts={"d": "x" * 20}))
    # P = (4/4 + 4/4) / 2 = 1; R = (4/10 + 4/10) / 1 = 0.8; F1 = 2 * 0.8 / 1.8
    assert prf(result, OVERLAP, "L") == pytest.approx((1.0, 0.8, 16 / 18))
    f = result.find(F1, OVERLAP, "L")
    assert dict(f.counts) == pytest.approx({"reference_spans": 1, "other_spans": 2,
                                            "precision_credit": 2.0, "recall_credit": 0.8})


def test_a_raters_overlapping_spans_of_one_label_merge_before_credit() -> None:
    result = compute(corpus([("d", "ana", "L", 0, 10), ("d", "bob", "L", 0, 6),
                             ("d", "bob", "L", 4, 10)], texts={"d": "x" * 20}))
    assert prf(result, OVERLAP, "L") == (1.0, 1.0, 1.0)
    assert result.find(F1, OVERLAP, "L").counts["other_spans"] == 1


def test_position_only_ignores_labels_and_merges_across_them() -> None:
    spans = [("d", "ana", "L", 0, 10), ("d", "ana", "M", 5, 15), ("d", "bob", "M", 0, 15)]
    result = compute(corpus(spans, labels=("L", "M"), texts={"d": "x" * 20}))
    assert prf(result, POSITION_OVERLAP) == (1.0, 1.0, 1.0)  # ana's two spans merge to [0,15)
    assert prf(result, POSITION_EXACT) == (0.0, 0.0, 0.0)
    p, r, f = prf(result, OVERLAP, "L")
    assert p is None and r == 0.0 and f is None
    assert "bob marked no span with the label L" in result.find(PRECISION, OVERLAP, "L").reason
    # micro over labels: credit from M only; P = (10/15)/1, R = (10/10)/2
    assert prf(result, OVERLAP) == pytest.approx((2 / 3, 0.5, 4 / 7))


def test_exact_matching_per_label_and_pooled() -> None:
    spans = [("d", "ana", "L", 0, 3), ("d", "ana", "M", 4, 7), ("d", "ana", "M", 8, 9),
             ("d", "bob", "L", 0, 3), ("d", "bob", "L", 4, 7), ("d", "bob", "L", 0, 3)]
    result = compute(corpus(spans, labels=("L", "M")))
    # bob's duplicate counts once
    assert prf(result, EXACT, "L") == pytest.approx((0.5, 1.0, 2 / 3))
    assert prf(result, EXACT) == pytest.approx((0.5, 1 / 3, 0.4))
    assert prf(result, POSITION_EXACT) == pytest.approx((1.0, 2 / 3, 0.8))


# -- tokens, worked by hand ---------------------------------------------------------

def test_cohen_fleiss_and_alpha_on_ten_tokens() -> None:
    # ana marks tokens a-d, bob c-f: both 2, only one 2 + 2, neither 4
    result = compute(corpus([("d", "ana", "L", 0, 7), ("d", "bob", "L", 4, 11)]))
    cohen = result.find(COHEN, label=None)
    assert dict(cohen.counts) == {"units": 10, "both": 2, "only_first": 2, "only_second": 2,
                                  "neither": 4}
    assert cohen.value == pytest.approx(1 / 6)  # p_o 0.6, p_e 0.52
    assert result.find(FLEISS).value == pytest.approx(1 / 6)  # equal marginals: Scott's pi
    assert result.find(KRIPPENDORFF).value == pytest.approx(5 / 24)  # 1 - 19 * 8 / (2 * 12 * 8)
    assert result.find(KRIPPENDORFF).unit == "token-label decision"


def test_annotated_only_keeps_tokens_someone_marked() -> None:
    result = compute(corpus([("d", "ana", "L", 0, 7), ("d", "bob", "L", 4, 11)]),
                     annotated_only=True)
    cohen = result.find(COHEN)
    assert cohen.counts["units"] == 6 and cohen.counts["neither"] == 0
    assert cohen.value == pytest.approx(-0.5)  # p_o 1/3, p_e 5/9


def test_a_span_marks_every_token_it_touches() -> None:
    result = compute(corpus([("d", "ana", "L", 1, 3), ("d", "bob", "L", 2, 3)]))
    assert result.find(COHEN).counts["both"] == 1 and result.find(COHEN).counts["only_first"] == 0


# -- degenerate inputs --------------------------------------------------------------

def test_one_annotator_gives_explained_none() -> None:
    result = compute(corpus([("d", "ana", "L", 0, 7)], annotators=("ana",)))
    assert result.figures and all(f.value is None for f in result.figures)
    assert all("two annotators" in f.reason for f in result.figures)


def test_no_spans_at_all_gives_explained_none_not_nan() -> None:
    result = compute(corpus([]))
    for f in result.figures:
        assert f.value is None and f.reason, f
    assert "chance agreement is 1" in result.find(COHEN).reason


def test_a_label_nobody_used_does_not_break_the_others() -> None:
    result = compute(corpus([("d", "ana", "L", 0, 7), ("d", "bob", "L", 0, 7)], labels=("L", "M")))
    assert result.find(COHEN, label="L").value == 1.0
    assert result.find(COHEN, label="M").value is None
    assert result.find(KRIPPENDORFF, label="M").value is None
    assert result.find(UNITIZING, label="M").value is None
    assert result.find(F1, OVERLAP, "M").value is None
    assert "neither" in result.find(COHEN, label="M").reason
    assert result.find(KRIPPENDORFF).value == pytest.approx(1.0)


def test_per_document_figures_rank_the_most_disputed_first() -> None:
    texts = {"calm": TEN, "disputed": TEN}
    spans = [("calm", "ana", "L", 0, 7), ("calm", "bob", "L", 0, 7),
             ("disputed", "ana", "L", 0, 3), ("disputed", "bob", "L", 10, 15)]
    result = compute(corpus(spans, texts=texts))
    assert [d.key for d in result.most_disagreed()] == ["disputed", "calm"]
    assert [d.value(F1) for d in result.per_document] == [1.0, 0.0]


# -- against reference implementations --------------------------------------------

WORDS = ["the", "mayor", "slammed", "regime", "cronies", "said", "it,", "was", "rammed", "through."]


@st.composite
def random_corpora(draw):
    n_annotators = draw(st.integers(2, 4))
    texts = {f"d{i}": " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=3, max_size=12)))
             for i in range(draw(st.integers(1, 3)))}
    spans = []
    for key, text in texts.items():
        for _ in range(draw(st.integers(0, 8))):
            start = draw(st.integers(0, len(text) - 1))
            end = draw(st.integers(start + 1, min(len(text), start + 25)))
            spans.append((key, f"a{draw(st.integers(0, n_annotators - 1))}",
                          draw(st.sampled_from(["L", "M"])), start, end))
    return Corpus.build(texts, spans, [f"a{i}" for i in range(n_annotators)], ["L", "M"])


def naive_decisions(c: Corpus) -> np.ndarray:
    """annotators x (token, label) units, spelled out token by token, of the
    labels someone used (all of them when nobody marked anything)."""
    nlp = pipeline()
    columns = []
    for d, text in enumerate(c.texts):
        for token in nlp.make_doc(text):
            if token.is_space:
                continue
            for lab in range(len(c.labels)):
                columns.append([any(c.doc[k] == d and c.rater[k] == r and c.label[k] == lab
                                    and c.start[k] < token.idx + len(token) and c.end[k] > token.idx
                                    for k in range(len(c.doc)))
                                for r in range(len(c.annotators))])
    units = np.array(columns, dtype=float).reshape(-1, len(c.labels), len(c.annotators))
    used = units.any(axis=(0, 2))
    return units[:, used if used.any() else slice(None)].reshape(-1, len(c.annotators)).T


@settings(max_examples=40, deadline=None)
@given(random_corpora())
def test_token_measures_match_krippendorff_and_textbook_formulas(c: Corpus) -> None:
    data = naive_decisions(c)
    result = compute(c)
    json.dumps(result.as_dict(), allow_nan=False)  # undefined is None with a reason, never NaN
    n_raters, n_units = data.shape
    yes = data.sum(axis=0)
    if 0 < yes.sum() < data.size:
        assert result.find(KRIPPENDORFF).value == pytest.approx(
            krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"), abs=1e-9)
        no = n_raters - yes
        agree = (yes * (yes - 1) + no * (no - 1)) / (n_raters * (n_raters - 1))
        p1 = yes.sum() / data.size
        expected = p1 ** 2 + (1 - p1) ** 2
        fleiss = (agree.mean() - expected) / (1 - expected)
        assert result.find(FLEISS).value == pytest.approx(fleiss, abs=1e-9)
    else:
        assert result.find(KRIPPENDORFF).value is None and result.find(FLEISS).value is None
    for i, j in combinations(range(n_raters), 2):
        a, b = data[i], data[j]
        p_o = (a == b).mean()
        p_e = a.mean() * b.mean() + (1 - a.mean()) * (1 - b.mean())
        figure = result.find(COHEN, annotators=(c.annotators[i], c.annotators[j]))
        assert figure.counts["units"] == n_units
        if p_e < 1:
            assert figure.value == pytest.approx((p_o - p_e) / (1 - p_e), abs=1e-9)
        else:
            assert figure.value is None


def official_si_scores(c: Corpus, other: int, label: int | None = None) -> tuple[float, float]:
    """The SemEval-2020 SI scorer's logic: spans as character sets, labels ignored,
    overlapping spans of an article merged, credit pooled over articles (or the
    same for the spans of one label)."""
    def merged(rater: int, d: int) -> list[set[int]]:
        spans = [set(range(c.start[k], c.end[k])) for k in range(len(c.doc))
                 if c.rater[k] == rater and c.doc[k] == d and label in (None, c.label[k])]
        changed = True
        while changed:
            changed = False
            for x, y in combinations(range(len(spans)), 2):
                if spans[x] & spans[y]:
                    spans[x] |= spans.pop(y)
                    changed = True
                    break
        return spans
    p_num = r_num = 0.0
    s_total = t_total = 0
    for d in range(len(c.texts)):
        gold, submitted = merged(0, d), merged(other, d)
        s_total += len(submitted)
        t_total += len(gold)
        for s in submitted:
            for t in gold:
                p_num += len(s & t) / len(s)
                r_num += len(s & t) / len(t)
    return (p_num / s_total if s_total else float("nan"),
            r_num / t_total if t_total else float("nan"))


@settings(max_examples=40, deadline=None)
@given(random_corpora())
def test_position_overlap_matches_the_official_si_scorer(c: Corpus) -> None:
    result = compute(c, per_document=False)
    for other in range(1, len(c.annotators)):
        pair = (c.annotators[0], c.annotators[other])
        p, r = official_si_scores(c, other)
        ours = result.find(PRECISION, POSITION_OVERLAP, None, pair).value, \
            result.find(RECALL, POSITION_OVERLAP, None, pair).value
        for mine, theirs in zip(ours, (p, r)):
            assert (mine is None) if np.isnan(theirs) else mine == pytest.approx(theirs, abs=1e-12)
        for index, label in enumerate(c.labels):
            p, r = official_si_scores(c, other, index)
            ours = result.find(PRECISION, OVERLAP, label, pair).value, \
                result.find(RECALL, OVERLAP, label, pair).value
            for mine, theirs in zip(ours, (p, r)):
                assert (mine is None) if np.isnan(theirs) else \
                    mine == pytest.approx(theirs, abs=1e-12)


def test_pairwise_matrix_for_the_heat_map_and_progress_stages() -> None:
    stages = []
    spans = [("d", "ana", "L", 0, 7), ("d", "bob", "L", 4, 11), ("d", "cat", "L", 0, 7)]
    result = compute(corpus(spans, annotators=("ana", "bob", "cat")),
                     progress=lambda done, total: stages.append((done, total)))
    grid = result.matrix()
    assert grid[0][0] == 1.0 and grid[0][2] == grid[2][0] == 1.0
    assert grid[0][1] == grid[1][0] == pytest.approx(1 / 6)
    f1 = result.matrix(F1)
    assert f1[0][1] == result.find(F1, OVERLAP, None, ("ana", "bob")).value and f1[1][2] is None
    assert stages[-1] == (5, 5) and len(stages) == 5


def test_from_a_project_and_on_the_command_line(project, project_path, tmp_path, capsys) -> None:
    import csv as csv_module
    import io

    from annotator.cli import main
    from annotator.domain import IncomingDocument

    project.import_documents([IncomingDocument(text=TEN, source="x", external_id="d1"),
                              IncomingDocument(text=TEN + " k", source="x", external_id="d2"),
                              IncomingDocument(text=TEN + " l", source="x", external_id="d3")],
                             annotator="ana")
    project.add_span(1, "ana", "loaded-term", 0, 7)
    project.add_span(1, "bob", "loaded-term", 4, 11)
    project.add_span(2, "ana", "loaded-term", 0, 1)
    project.set_status(2, "bob", "done")  # bob read d2 and marked nothing
    project.add_span(3, "ana", "loaded-term", 0, 1)  # bob never opened d3
    project.close()
    args = ["agreement", "--project", str(project_path), "--labels", "loaded-term"]
    assert main([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["reference"] == "ana" and data["documents"] == 2
    assert "1 of 3 documents left out" in data["notes"][0]
    words = {f["measure"] for f in data["figures"]}
    assert {"precision", "recall", "f1", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha",
            "unitizing_alpha"} <= words
    cohen = next(f for f in data["figures"] if f["measure"] == "cohen_kappa" and f["label"] is None)
    assert cohen["counts"] == {"units": 21, "both": 2, "only_first": 3, "only_second": 2,
                               "neither": 14}
    assert [d["key"] for d in data["per_document"]] == ["d1", "d2"]
    assert main([*args, "--csv", "--annotators", "bob", "ana"]) == 0
    rows = list(csv_module.DictReader(io.StringIO(capsys.readouterr().out)))
    precision = next(r for r in rows if r["measure"] == "precision" and r["method"] == "exact"
                     and not r["label"] and not r["document"])
    assert precision["annotators"] == "bob ana" and float(precision["value"]) == 0.0
    assert main([*args[:-2]]) == 0
    out = capsys.readouterr().out
    assert "documents with the lowest unitizing alpha" in out
    assert "labels nobody used (no figures): labeling," in out
    assert main([*args, "--annotators", "ana", "zed"]) == 1
    assert "no annotator 'zed'" in capsys.readouterr().err
    assert main([*args, "--documents", "d1", "nine"]) == 1
    assert "no document 'nine'" in capsys.readouterr().err
    assert main([*args, "--documents", "d1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["documents"] == 1
