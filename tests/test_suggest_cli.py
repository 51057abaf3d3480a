"""The suggestion commands, as a team would run them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator import suggest
from annotator.cli import main
from annotator.domain import IncomingDocument
from annotator.project import Project
from annotator.suggest.evaluate import evaluate

TEXT = "The regime and its thugs met. Everyone knows the regime lies.\n"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def filled(project: Project, project_path: Path) -> Project:
    project.import_documents([IncomingDocument(text=TEXT, source="t", external_id="a1"),
                              IncomingDocument(text="No regime here, the thugs said.",
                                               source="t", external_id="a2")], annotator="ana")
    return project


def test_suggest_lists_json_lines(filled: Project, project_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "suggest", "--project", str(project_path), "--json",
                       "--documents", "a1", "--annotator", "ana")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [(r["label"], r["text"], r["suggester"]) for r in rows] == [
        ("loaded-term", "regime", "lexicon:loaded-terms"),
        ("labeling", "thugs", "lexicon:loaded-terms"),
        ("unsupported-claim", "Everyone knows the regime lies", "claim-cues"),
        ("loaded-term", "regime", "lexicon:loaded-terms"),
    ]
    assert all(TEXT[r["start"]:r["end"]] == r["text"] for r in rows)
    assert filled.stats()["spans"] == 0  # listing stores nothing


def test_suggest_with_a_run_lexicon_and_bad_names(filled: Project, project_path: Path,
                                                  tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    extra = tmp_path / "extra.txt"
    extra.write_text("met\teuphemism\tnot really\n", "utf-8")
    code, out, _ = run(capsys, "suggest", "--project", str(project_path), "--lexicon", str(extra),
                       "--suggester", "lexicon:extra")
    assert code == 0 and out.split("\t")[:6] == ["a1", "25", "28", "euphemism", "lexicon:extra", "0.70"]
    extra.write_text("met\teuphemism\tnote\tone too many\n", "utf-8")
    code, _, err = run(capsys, "suggest", "--project", str(project_path), "--lexicon", str(extra))
    assert code == 1 and f"{extra}:1:" in err and "Traceback" not in err
    code, _, err = run(capsys, "suggest", "--project", str(project_path), "--suggester", "nope")
    assert code == 1 and "no suggester 'nope'" in err


def test_suggesters_switch_and_lexicon_setting(filled: Project, project_path: Path,
                                               tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    mine = tmp_path / "mine.txt"
    mine.write_text("met\n", "utf-8")
    code, out, _ = run(capsys, "suggesters", "--project", str(project_path), "--disable",
                       "claim-cues", "--add-lexicon", str(mine), "--threshold", "0.7")
    lines = {line.split("\t")[0]: line for line in out.splitlines()}
    assert code == 0 and "\toff\t" in lines["claim-cues"] and "\ton\t" in lines["lexicon:mine"]
    assert "only as listed (no lemmatizer)" in lines["lexicon:loaded-terms"]
    with Project.open(project_path) as again:
        assert again.setting("suggest.disabled") == ["claim-cues"]
        assert again.setting("suggest.threshold") == 0.7
        assert {s.suggester for s in suggest.suggestions(again, 1)} == {
            "lexicon:loaded-terms", "lexicon:mine"}


def test_evaluate_scores_each_suggester_per_label(filled: Project, project_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    regime = TEXT.index("regime")
    filled.add_span(1, "ana", "loaded-term", regime, regime + 6)
    filled.add_span(1, "ana", "labeling", TEXT.index("met"), TEXT.index("met") + 3)
    result = evaluate(filled, enabled=["lexicon:loaded-terms"])
    scores = {s.label: s for s in result.scores}
    assert result.documents == 1  # a2 has no spans: not counted
    assert (scores["loaded-term"].predicted, scores["loaded-term"].correct) == (2, 1)
    assert (scores["labeling"].precision, scores["labeling"].recall) == (0.0, 0.0)
    assert scores["*"].precision == pytest.approx(1 / 3) and scores["*"].recall == 0.5
    code, out, _ = run(capsys, "evaluate-suggestions", "--project", str(project_path), "--json")
    data = json.loads(out)
    by = {(s["suggester"], s["label"]): s for s in data["scores"]}
    assert code == 0 and by[("lexicon:loaded-terms", "loaded-term")]["f1"] == pytest.approx(2 / 3)
    # consistency learns only from other documents, and a2 has none of a1's spans
    assert ("consistency", "*") not in by or by[("consistency", "*")]["predicted"] == 0
    code, out, _ = run(capsys, "evaluate-suggestions", "--project", str(project_path))
    assert "precision" in out and "50.0%" in out


def test_overlap_matching_credits_near_misses(filled: Project) -> None:
    claim = TEXT.index("Everyone")
    filled.add_span(1, "ana", "unsupported-claim", claim, TEXT.index(".", claim) + 1)  # with the stop
    exact = {s.label: s for s in evaluate(filled, enabled=["claim-cues"]).scores}
    near = {s.label: s for s in evaluate(filled, enabled=["claim-cues"], overlap=True).scores}
    assert (exact["unsupported-claim"].correct, exact["unsupported-claim"].found) == (0, 0)
    assert (near["unsupported-claim"].precision, near["unsupported-claim"].recall) == (1.0, 1.0)


def test_suggesters_change_nothing_when_any_option_is_wrong(filled: Project, project_path: Path,
                                                           tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    mine = tmp_path / "mine.txt"
    mine.write_text("met\n", "utf-8")
    code, _, err = run(capsys, "suggesters", "--project", str(project_path), "--add-lexicon",
                       str(mine), "--disable", "claim-cues", "--enable", "no-such")
    assert code == 1 and "no suggester 'no-such'" in err
    with Project.open(project_path) as again:
        assert again.setting("suggest.lexicons") is None
        assert again.setting("suggest.disabled") is None
