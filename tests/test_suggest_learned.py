"""A span categorizer trained on the project's own spans suggests on new text."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from annotator import suggest
from annotator.cli import main
from annotator.domain import IncomingDocument, IncomingSpan
from annotator.errors import Cancelled
from annotator.project import Project
from annotator.suggest.evaluate import evaluate
from annotator.suggest.learned import model_dir, train

SUBJECTS = ["The council", "The ministry", "The mayor", "The company", "Officials", "The board"]
VERBS = ["announced", "approved", "discussed", "reviewed", "postponed", "published"]
OBJECTS = ["the budget", "a new plan", "the report", "its proposal", "the tax rules"]
LOADED = ["regime", "thugs", "cronies", "junta"]


def fixture_documents(count: int = 12) -> list[IncomingDocument]:
    rng = random.Random(1)
    docs = []
    for _ in range(count):
        text, spans = "", []
        for k in range(6):
            if k % 2 == 0:
                word = rng.choice(LOADED)
                sentence = (f"{rng.choice(SUBJECTS)} said the {word} {rng.choice(VERBS)} "
                            f"{rng.choice(OBJECTS)}. ")
                at = len(text) + sentence.index(f" {word} ") + 1
                spans.append(IncomingSpan(at, at + len(word), "loaded-term", annotator="ana"))
            else:
                sentence = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}. "
            text += sentence
        docs.append(IncomingDocument(text=text, source="fixture", spans=spans))
    return docs


@pytest.mark.slow
def test_trained_model_suggests_a_planted_span_on_held_out_text(project: Project,
                                                               project_path: Path) -> None:
    held_out = "Yesterday the mayor said the junta published its report on time 🙂."
    project.import_documents([*fixture_documents(), IncomingDocument(text=held_out, source="new")],
                             annotator="ana")
    new_id = project.document_ids()[-1]
    seen: list[tuple[int, int]] = []
    report = train(project, epochs=12, progress=lambda done, total: seen.append((done, total)))
    assert report.output == model_dir(project) == Path(f"{project_path}.models/spancat")
    assert report.labels == {"loaded-term": 36}
    assert seen[-1][0] == seen[-1][1]
    found = suggest.suggestions(project, new_id, enabled=["spancat"])
    planted = held_out.index("junta")
    assert ("loaded-term", planted, planted + 5) in [(s.label, s.start, s.end) for s in found]
    status = {s.name: s for s in suggest.engine(project).status()}
    assert status["spancat"].available and status["spancat"].enabled
    # evaluation leaves out the training documents: only the new one counts
    project.add_span(new_id, "ana", "loaded-term", planted, planted + 5)
    scores = {s.label: s for s in evaluate(project, enabled=["spancat"]).scores}
    assert (scores["loaded-term"].reference, scores["loaded-term"].found) == (1, 1)


def test_cancelled_training_writes_nothing(project: Project) -> None:
    project.import_documents(fixture_documents(3), annotator="ana")

    def cancel(_done: int, _total: int) -> None:
        raise Cancelled()

    with pytest.raises(Cancelled):
        train(project, epochs=2, progress=cancel)
    assert not model_dir(project).parent.exists()


def test_training_needs_spans(project: Project, capsys: pytest.CaptureFixture[str],
                              project_path: Path) -> None:
    project.import_documents(fixture_documents(2), annotator="ana")
    assert main(["train", "--project", str(project_path), "--labels", "labeling"]) == 1
    assert "nothing to learn from" in capsys.readouterr().err
    assert main(["train", "--project", str(project_path), "--gold"]) == 1
    assert "no gold layer" in capsys.readouterr().err
