"""Krippendorff's unitizing alpha against the 1995 test vectors (agreement.md)."""

from __future__ import annotations

import pytest

from annotator.agreement import UNITIZING, Corpus
from annotator.agreement.unitizing import unitizing_figures

SCALE = 50_000  # as DKPro's Krippendorff1995Test, to approach a continuum
VECTORS = {  # (offset, length, rater) on a continuum of 24
    "A": [(2, 8, 0), (14, 6, 0), (4, 4, 1), (15, 2, 1)],
    "B": [(0, 18, 0), (0, 2, 1), (2, 1, 1), (3, 1, 1), (4, 1, 1), (5, 1, 1), (6, 3, 1),
          (9, 1, 1)],
    "C": [(2, 6, 0), (10, 2, 0), (14, 4, 0), (20, 2, 0), (0, 2, 1), (4, 4, 1), (10, 4, 1),
          (16, 2, 1), (20, 2, 1)],
    "D": [(0, 2, 0), (2, 8, 0), (10, 4, 0), (14, 6, 0), (20, 4, 0), (0, 4, 1), (4, 4, 1),
          (8, 7, 1), (15, 2, 1), (17, 7, 1)],
}
OBSERVED = {"A": 0.03125, "B": 2.26736, "C": 0.02778, "D": 0.38715}
EXPECTED_EXACT = {"A": 0.0699, "B": 1.17578, "C": 0.0905, "D": 0.41445}
ALPHA_EXACT = {"A": 0.5529, "B": -0.9284, "C": 0.6931, "D": 0.0659}
EXPECTED_PUBLISHED = {"A": 0.06990, "B": 1.17731, "C": 0.08642, "D": 0.41445}
ALPHA_PUBLISHED = {"A": 0.553, "B": -0.926, "C": 0.679, "D": 0.066}


def figures(labels: list[str], scale: int = SCALE) -> dict[str | None, object]:
    spans = [("doc", f"r{rater}", label, offset * scale, (offset + length) * scale)
             for label in labels for offset, length, rater in VECTORS[label]]
    corpus = Corpus.build({"doc": "x" * 24 * scale}, spans, ["r0", "r1"], labels)
    found, _ = unitizing_figures(corpus, per_document=False)
    return {f.label: f for f in found}


@pytest.mark.parametrize("label", list(VECTORS))
def test_1995_vectors_exactly(label: str) -> None:
    f = figures([label])[label]
    assert f.measure == UNITIZING and f.unit == "character"
    assert f.counts["observed_disagreement"] == pytest.approx(OBSERVED[label], abs=5e-6)
    assert f.counts["expected_disagreement"] == pytest.approx(EXPECTED_EXACT[label], abs=5e-5)
    assert f.value == pytest.approx(ALPHA_EXACT[label], abs=5e-5)
    assert f.counts["units"] == len(VECTORS[label])


@pytest.mark.parametrize("label", list(VECTORS))
def test_1995_vectors_published_within_dkpro_tolerance(label: str) -> None:
    f = figures([label])[label]
    assert f.counts["expected_disagreement"] == pytest.approx(EXPECTED_PUBLISHED[label], abs=0.005)
    assert f.value == pytest.approx(ALPHA_PUBLISHED[label], abs=0.02)


def test_overall_is_mean_observed_over_mean_expected() -> None:
    found = figures(list(VECTORS))
    assert found[None].value == pytest.approx(-0.550, abs=5e-4)
    assert found[None].counts["labels_used"] == 4
    for label in VECTORS:  # labels on one continuum do not disturb each other
        assert found[label].value == pytest.approx(ALPHA_EXACT[label], abs=5e-5)


def test_observed_disagreement_does_not_depend_on_scale() -> None:
    assert figures(["B"], scale=1)["B"].counts["observed_disagreement"] == \
        pytest.approx(1306 / 24 ** 2)  # worked by hand: sum of squared boundary gaps


def test_a_raters_overlapping_units_keep_the_earliest_longest() -> None:
    # r0 marks [2,10) and, overlapping it, [4,12) and [2,6): only [2,10) stays
    spans = [("doc", "r0", "A", 2, 10), ("doc", "r0", "A", 4, 12), ("doc", "r0", "A", 2, 6),
             ("doc", "r1", "A", 2, 10)]
    corpus = Corpus.build({"doc": "x" * 24}, spans, ["r0", "r1"], ["A"])
    found, _ = unitizing_figures(corpus, per_document=False)
    assert found[0].value == 1.0
    assert found[0].counts["units_set_aside"] == 2


def test_unused_label_and_single_annotator_are_explained() -> None:
    corpus = Corpus.build({"doc": "x" * 24}, [("doc", "r0", "A", 2, 10), ("doc", "r1", "A", 2, 9)],
                          ["r0", "r1"], ["A", "B"])
    found, _ = unitizing_figures(corpus, per_document=True)
    by_label = {f.label: f for f in found}
    assert by_label["B"].value is None and "no annotator marked" in by_label["B"].reason
    assert by_label[None].value == by_label["A"].value  # the unused label does not count
    alone = Corpus.build({"doc": "x" * 24}, [("doc", "r0", "A", 2, 10)], ["r0"], ["A"])
    found, docs = unitizing_figures(alone, per_document=True)
    assert all(f.value is None and "two annotators" in f.reason for f in found + docs[0])


def test_documents_form_one_continuum_and_each_has_its_own_figure() -> None:
    spans = [("d1", "r0", "A", o, o + n) for o, n, r in VECTORS["A"] if r == 0] + \
            [("d1", "r1", "A", o, o + n) for o, n, r in VECTORS["A"] if r == 1] + \
            [("d2", "r0", "A", 3, 9), ("d2", "r1", "A", 3, 9)]
    corpus = Corpus.build({"d1": "x" * 24, "d2": "y" * 30}, spans, ["r0", "r1"], ["A"])
    found, docs = unitizing_figures(corpus, per_document=True)
    alone = figures(["A"], scale=1)["A"].value
    assert docs[0][0].value == pytest.approx(alone)
    assert docs[1][0].value == 1.0
    assert found[0].counts["characters"] == 54
    assert alone < found[0].value < 1.0  # the agreeing document lifts the whole


# -- against the formula spelled out, for any number of raters -------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def naive_alpha_u(length: int, units: list[tuple[int, int, int]], raters: int
                  ) -> tuple[float, float]:
    """D_o and D_e of one category straight from agreement.md: units (start, end, rater),
    already free of overlaps within a rater."""
    segments = []  # (rater, start, end, is_unit)
    for r in range(raters):
        mine = sorted((b, e) for b, e, q in units if q == r)
        at = 0
        for b, e in mine:
            if b > at:
                segments.append((r, at, b, False))
            segments.append((r, b, e, True))
            at = e
        if at < length:
            segments.append((r, at, length, False))
    total = 0.0
    for p in range(raters):
        for q in range(p + 1, raters):
            for _, b1, e1, u1 in (s for s in segments if s[0] == p):
                for _, b2, e2, u2 in (s for s in segments if s[0] == q):
                    if max(b1, b2) >= min(e1, e2):
                        continue  # they do not intersect
                    if u1 and u2:
                        total += (b1 - b2) ** 2 + (e1 - e2) ** 2
                    elif u1 and b2 <= b1 and e1 <= e2:
                        total += (e1 - b1) ** 2
                    elif u2 and b1 <= b2 and e2 <= e1:
                        total += (e2 - b2) ** 2
    observed = 2 * total / (raters * (raters - 1) * length ** 2)
    lengths = [e - b for b, e, _ in units]
    gaps = [e - b for _, b, e, u in segments if not u]
    n = len(lengths)
    numerator = sum((n - 1) * (2 * l ** 3 - 3 * l ** 2 + l) / 3
                    + l ** 2 * sum(g - l + 1 for g in gaps if g >= l) for l in lengths)
    denominator = raters * length * (raters * length - 1) - sum(l * (l - 1) for l in lengths)
    return observed, 2 / length * numerator / denominator


@st.composite
def unit_sets(draw):
    raters = draw(st.integers(2, 4))
    length = draw(st.integers(5, 60))
    units = []
    for r in range(raters):
        at = 0
        while at < length - 1 and draw(st.booleans()):
            b = draw(st.integers(at, length - 1))
            e = draw(st.integers(b + 1, min(length, b + 15)))
            units.append((b, e, r))
            at = e
    return length, units, raters


@settings(max_examples=60, deadline=None)
@given(unit_sets())
def test_vectorized_alpha_u_equals_the_formula(case) -> None:
    length, units, raters = case
    names = [f"r{r}" for r in range(raters)]
    spans = [("doc", f"r{r}", "A", b, e) for b, e, r in units]
    corpus = Corpus.build({"doc": "x" * length}, spans, names, ["A"])
    (figure, overall), docs = unitizing_figures(corpus, per_document=True)
    if not units:
        assert figure.value is None and docs[0][0].value is None
        return
    observed, expected = naive_alpha_u(length, units, raters)
    assert figure.counts["observed_disagreement"] == pytest.approx(observed, abs=1e-12)
    assert figure.counts["expected_disagreement"] == pytest.approx(expected, abs=1e-12)
    if expected > 0:
        assert figure.value == pytest.approx(1 - observed / expected, abs=1e-9)
        assert docs[0][0].value == pytest.approx(figure.value, abs=1e-9) == overall.value
