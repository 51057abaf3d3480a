"""Compare findings and adjudication into a gold layer."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from annotator import adjudication
from annotator.cli import main
from annotator.compare import BOUNDARY, EXACT, INCOMPLETE, LABEL, ONLY_ONE, compare
from annotator.domain import IncomingDocument
from annotator.errors import EditError
from annotator.formats import export, import_files
from annotator.project import Project
from annotator.schemes import resolve_scheme

TEXT = ("The mayor slammed the regime's proposal, saying it was rammed through by cronies "
        "while critics warned of a looming disaster for every family in town.")


def at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


@pytest.fixture
def team(project: Project) -> Project:
    project.import_documents([IncomingDocument(text=TEXT, source="x", external_id="a1")],
                             annotator="ana")
    for name in ("ana", "bob", "cat"):
        project.add_span(1, name, "loaded-term", *at("slammed"))  # all three
    for name in ("ana", "bob"):
        project.add_span(1, name, "labeling", *at("cronies"))  # two of three
    project.add_span(1, "ana", "loaded-term", *at("rammed through"))  # boundary
    project.add_span(1, "bob", "loaded-term", *at("rammed"))
    project.add_span(1, "ana", "exaggeration", *at("looming disaster"))  # label mismatch
    project.add_span(1, "bob", "appeal-to-fear", *at("looming disaster"))
    project.add_span(1, "cat", "loaded-term", *at("regime"))  # only cat
    project.history.done.clear()
    return project


def ids(project: Project, word: str, label: str | None = None) -> list[int]:
    start, end = at(word)
    return [s.id for s in project.spans(1) if (s.start, s.end) == (start, end)
            and s.annotator != "gold" and (label is None or s.label == label)]


def gold(project: Project) -> list[tuple[str, str, str]]:
    return sorted((s.label, TEXT[s.start:s.end], s.provenance["decision"])
                  for s in project.spans(1, ["gold"]))


def test_compare_sorts_each_place_into_a_category(team: Project) -> None:
    found = {(TEXT[d.start:d.end], d.category): d for d in compare(team, 1, ["ana", "bob", "cat"])}
    assert set(found) == {("slammed", EXACT), ("cronies", INCOMPLETE),
                          ("rammed through", BOUNDARY), ("looming disaster", LABEL),
                          ("regime", ONLY_ONE)}
    assert found[("cronies", INCOMPLETE)].missing == ("cat",)
    assert found[("looming disaster", LABEL)].labels == ("appeal-to-fear", "exaggeration")
    two = compare(team, 1, ["ana", "bob"])
    assert {(TEXT[d.start:d.end], d.category) for d in two} >= {("cronies", EXACT),
                                                               ("slammed", EXACT)}
    assert [d.category for d in compare(team, 1, ["ana", "bob"], labels=["labeling"])] == [EXACT]
    assert [d.category for d in compare(team, 1, ["ana", "bob"], labels=["exaggeration"])] \
        == [LABEL]
    with pytest.raises(EditError):
        compare(team, 1, ["ana"])


def test_premerge_takes_what_all_or_n_agree_on_with_provenance(team: Project) -> None:
    report = adjudication.premerge(team, ["ana", "bob", "cat"], "zoe")
    assert (report.spans_added, report.documents) == (1, 1)
    [span] = team.spans(1, ["gold"])
    assert (span.origin, span.label, TEXT[span.start:span.end]) == ("adjudicated", "loaded-term",
                                                                   "slammed")
    prov = span.provenance
    assert prov["adjudicator"] == "zoe" and prov["decision"] == "premerged" and prov["at"]
    assert sorted(s["annotator"] for s in prov["sources"]) == ["ana", "bob", "cat"]
    assert {(s["label"], s["start"], s["end"]) for s in prov["sources"]} == \
        {("loaded-term", *at("slammed"))}
    assert {s["span_id"] for s in prov["sources"]} == set(ids(team, "slammed"))
    report = adjudication.premerge(team, ["ana", "bob", "cat"], "zoe", min_agree=2)
    assert report.spans_added == 1 and report.skipped_adjudicated == 1
    assert gold(team) == [("labeling", "cronies", "premerged"),
                          ("loaded-term", "slammed", "premerged")]
    assert "gold" not in adjudication.human_annotators(team)


def test_remerge_keeps_edits_and_rejections(team: Project) -> None:
    adjudication.premerge(team, ["ana", "bob"], "zoe")
    [cronies] = [s for s in team.spans(1, ["gold"]) if s.label == "labeling"]
    team.update_span(cronies.id, "gold", start=cronies.start + 1)  # adjudicator trims it
    adjudication.reject(team, ids(team, "slammed"), "zoe")
    [slammed] = [s for s in team.spans(1, ["gold"]) if s.label == "loaded-term"]
    team.delete_span(slammed.id, "gold")
    report = adjudication.premerge(team, ["ana", "bob"], "zoe")
    assert report.spans_added == 0 and report.skipped_adjudicated == 2
    assert [(s.label, s.start) for s in team.spans(1, ["gold"])] == \
        [("labeling", cronies.start + 1)]
    assert [r.label for r in adjudication.rejections(team, 1)] == ["loaded-term"] * 3


def test_each_decision_is_one_undoable_edit(team: Project) -> None:
    [ana_ram] = ids(team, "rammed through")
    [bob_ram] = ids(team, "rammed")
    [settled] = [adjudication.settle(team, [ana_ram, bob_ram], "zoe", label="loaded-term",
                                     start=at("rammed")[0], end=at("rammed through")[1] - 8)]
    assert TEXT[settled.start:settled.end] == "rammed"
    assert {s["span_id"] for s in settled.provenance["sources"]} == {ana_ram, bob_ram}
    both = adjudication.accept(team, ids(team, "looming disaster"), "zoe").spans  # accept both
    assert sorted(s.label for s in both) == ["appeal-to-fear", "exaggeration"]
    assert team.history.undo_text == "Accept 2 spans"
    team.undo()
    assert gold(team) == [("loaded-term", "rammed", "edited")]
    team.redo()
    assert len(gold(team)) == 3
    again = adjudication.accept(team, ids(team, "looming disaster", "exaggeration"), "zoe").spans
    assert again[0].id in {s.id for s in both} and len(gold(team)) == 3  # no duplicate
    adjudication.reject(team, ids(team, "regime"), "zoe")
    assert team.history.undo_text == "Reject span"
    team.undo()
    assert adjudication.rejections(team, 1) == []
    team.redo()
    assert adjudication.rejections(team, 1)[0].adjudicator == "zoe"
    with pytest.raises(EditError, match="adjudicator"):
        adjudication.accept(team, ids(team, "regime"), " ")


def test_progress_per_document(team: Project) -> None:
    names = ["ana", "bob", "cat"]
    [row] = adjudication.progress(team, names)
    assert (row.findings, row.decided, row.agreements, row.gold_spans, row.status) == \
        (4, 0, 1, 0, "todo")
    adjudication.accept(team, ids(team, "cronies"), "zoe")
    adjudication.reject(team, ids(team, "regime"), "zoe")
    [row] = adjudication.progress(team, names)
    assert (row.decided, row.open, row.status) == (2, 2, "in_progress")


def test_gold_provenance_survives_jsonl_export_and_import(team: Project, tmp_path: Path) -> None:
    adjudication.premerge(team, ["ana", "bob"], "zoe")
    adjudication.settle(team, ids(team, "looming disaster"), "zoe", label="appeal-to-fear",
                        start=at("looming")[0], end=at("disaster")[1])
    before = sorted((s.label, s.start, s.end, s.origin, repr(s.provenance))
                    for s in team.spans(1, ["gold"]))
    out = tmp_path / "gold.jsonl"
    export(team, "jsonl", out)
    with Project.create(tmp_path / "other.annotator", resolve_scheme("media-bias")) as other:
        import_files(other, [out], annotator="someone")
        after = sorted((s.label, s.start, s.end, s.origin, repr(s.provenance))
                       for s in other.spans(1, ["gold"]))
        assert after == before and len(after) == 3
        assert "gold" not in adjudication.human_annotators(other)  # still a gold layer
    table = io.StringIO()
    csv_out = tmp_path / "gold.csv"
    export(team, "csv", csv_out)
    table.write(csv_out.read_text(encoding="utf-8"))
    rows = [r for r in csv.DictReader(io.StringIO(table.getvalue())) if r["annotator"] == "gold"]
    assert {r["origin"] for r in rows} == {"adjudicated"} and len(rows) == 3


def test_gold_name_of_a_human_is_refused(team: Project) -> None:
    with pytest.raises(EditError, match="human annotator"):
        adjudication.premerge(team, ["ana", "bob"], "zoe", gold="cat")


def test_cli_premerge_and_progress(team: Project, project_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    team.close()
    args = ["adjudicate", "--project", str(project_path), "--adjudicator", "zoe"]
    assert main([*args, "--premerge", "--min-agree", "2"]) == 0
    assert "pre-merged 2 spans into gold in 1 document" in capsys.readouterr().out
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "a1" in out.splitlines()[1] and "in_progress" in out
    assert main([*args, "--premerge", "--min-agree", "9"]) == 1
    assert "between 1 and 3" in capsys.readouterr().err


def test_state_tells_the_view_what_is_decided(team: Project) -> None:
    adjudication.accept(team, ids(team, "cronies"), "zoe")
    adjudication.reject(team, ids(team, "regime"), "zoe")
    view = adjudication.state(team, 1)
    [cronies_ana, cronies_bob] = ids(team, "cronies")
    assert view.decision(cronies_ana) == view.decision(cronies_bob) == "accepted"
    assert view.decision(ids(team, "regime")[0]) == "rejected"
    assert view.decision(ids(team, "slammed")[0]) == "open"
    assert [s.label for s in view.gold] == ["labeling"]


def test_review_core_loads_no_qt() -> None:
    import subprocess
    import sys

    code = ("import sys, annotator.agreement, annotator.merge, annotator.adjudication, "
            "annotator.compare, annotator.commands.review; "
            "sys.exit(any(m.split('.')[0] in ('PySide6', 'ui') for m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parents[1])
    assert run.returncode == 0
