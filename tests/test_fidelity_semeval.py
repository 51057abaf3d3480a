"""SemEval-2020 Task 11 on PTC-like files written here as the organisers write
them: a BOM article, tied starts, a duplicate line, a system file that leaves
articles without lines (agreement equal to the official scorer's)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.agreement import POSITION_OVERLAP, PRECISION, RECALL, Corpus, measure
from annotator.cli import main
from annotator.formats import export, import_files
from annotator.project import Project
from annotator.schemes import resolve_scheme
from tests.conftest import write_jsonl
from tests.test_agreement import official_si_scores

BOM_ARTICLE = "\ufeffA devastating letter\n\nThe senator wrote a devastating letter to them.\n"
ARTICLES = {
    "701": BOM_ARTICLE,
    "702": "Second\n\nThey are thugs and crooks, said the mayor of the town.\n",
    "703": "Third\n\nNothing loaded here, some say, but the cowards ran away.\n",
    "704": "Fourth\n\nA calm and plain report of the weather today, a disaster.\n",
}


def at(article: str, part: str, nth: int = 0) -> tuple[int, int]:
    text = ARTICLES[article]
    start = text.index(part)
    for _ in range(nth):
        start = text.index(part, start + 1)
    return start, start + len(part)


def write_articles(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    for ident, text in ARTICLES.items():  # bytes as the organisers' files have them
        (folder / f"article{ident}.txt").write_bytes(text.encode("utf-8"))
    return folder


def si_lines(*spans: tuple[str, str, int]) -> list[str]:
    return ["%s\t%d\t%d" % (a, *at(a, part, nth)) for a, part, nth in spans]


@pytest.fixture
def ptc(tmp_path: Path):
    with Project.create(tmp_path / "ptc.annotator", resolve_scheme("semeval2020-propaganda")) as p:
        yield p


def test_bom_article_keeps_its_offsets_and_the_mark(ptc: Project, tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "articles")
    start = BOM_ARTICLE.index("a devastating letter")  # Python's count: the BOM is character 0
    labels = tmp_path / "tc.labels"
    labels.write_text(f"701\tLoaded_Language\t{start}\t{start + 20}\n", encoding="utf-8")
    report = import_files(ptc, [articles, labels], format_name="semeval", annotator="ptc")
    doc = ptc.find_document("article701")
    (span,) = ptc.spans(doc.id)
    assert doc.text[span.start:span.end] == "a devastating letter"
    assert doc.text == BOM_ARTICLE and doc.title == "A devastating letter"
    assert any("1 articles begin with a byte-order mark" in n and "article701.txt" in n
               for n in report.notes)
    out = tmp_path / "out"
    export(ptc, "semeval", out)
    assert (out / "article701.txt").read_bytes() == BOM_ARTICLE.encode("utf-8")
    assert (out / "semeval.labels").read_text(encoding="utf-8") == labels.read_text(encoding="utf-8")


def test_tied_starts_are_exported_in_the_order_of_the_source(ptc: Project, tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "articles")
    s, _ = at("702", "thugs and crooks")
    e_long, e_short = at("702", "thugs and crooks")[1], at("702", "thugs")[1]
    lines = [f"702\tName_Calling,Labeling\t{s}\t{e_long}",  # longer first, then shorter:
             f"702\tLoaded_Language\t{s}\t{e_short}",  # not (start, end, label) order
             f"702\tDoubt\t{s}\t{e_short}"]
    labels = tmp_path / "tc.labels"
    labels.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_files(ptc, [articles, labels], format_name="semeval", annotator="ptc")
    export(ptc, "semeval", tmp_path / "out")
    assert (tmp_path / "out" / "semeval.labels").read_text(encoding="utf-8").splitlines() == lines


def test_spans_made_here_follow_by_start_end_label(ptc: Project, tmp_path: Path) -> None:
    write_articles(tmp_path / "articles")
    import_files(ptc, [tmp_path / "articles"], format_name="semeval", annotator="ptc")
    doc = ptc.find_document("article702")
    s, e = at("702", "thugs")
    for label, end in (("Loaded_Language", e + 10), ("Doubt", e + 10), ("Doubt", e)):
        ptc.add_span(doc.id, "me", label, s, end)
    export(ptc, "semeval", tmp_path / "out")
    assert (tmp_path / "out" / "semeval.labels").read_text(encoding="utf-8").splitlines() == [
        f"702\tDoubt\t{s}\t{e}", f"702\tDoubt\t{s}\t{e + 10}", f"702\tLoaded_Language\t{s}\t{e + 10}"]


def test_an_exact_duplicate_line_is_skipped_and_the_report_says_what_a_scorer_sees(
        ptc: Project, tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "articles")
    line = "703\tName_Calling,Labeling\t%d\t%d" % at("703", "cowards")
    labels = tmp_path / "tc.labels"
    labels.write_text(f"{line}\n{line}\n", encoding="utf-8")
    report = import_files(ptc, [articles, labels], format_name="semeval", annotator="ptc")
    assert report.spans_added == 1
    assert any("tc.labels:2 (as line 1)" in n and "will see 1 fewer spans" in n
               for n in report.notes)


GOLD = si_lines(("701", "devastating letter", 0), ("702", "thugs and crooks", 0),
                ("702", "mayor", 0), ("703", "cowards", 0), ("704", "disaster", 0))
# The system marked nothing in articles 703 and 704: they have no lines.
SYSTEM = si_lines(("701", "a devastating", 0), ("702", "thugs", 0), ("702", "crooks, said", 0))


def official(gold: list[str], system: list[str]) -> tuple[float, float]:
    """The official SI scorer's figures over every article of the gold set."""
    keys = [f"article{a}" for a in ARTICLES]
    spans = [(f"article{a}", who, "propaganda", int(s), int(e))
             for who, lines in (("gold", gold), ("sys", system))
             for a, s, e in (line.split("\t") for line in lines)]
    corpus = Corpus.build({k: ARTICLES[k[7:]] for k in keys}, spans, ["gold", "sys"],
                          ["propaganda"])
    return official_si_scores(corpus, 1)


def test_system_file_with_empty_articles_agrees_with_the_official_scorer(
        ptc: Project, tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "articles")
    (tmp_path / "gold.labels").write_text("\n".join(GOLD) + "\n", encoding="utf-8")
    (tmp_path / "sys.labels").write_text("\n".join(SYSTEM) + "\n", encoding="utf-8")
    import_files(ptc, [articles, tmp_path / "gold.labels"], format_name="semeval",
                 annotator="gold")
    import_files(ptc, [articles, tmp_path / "sys.labels"], format_name="semeval",
                 annotator="sys")
    assert ptc.status(ptc.find_document("article704").id, "sys") == "done"
    result = measure(ptc, ["gold", "sys"])
    assert result.documents == 4
    p, r = official(GOLD, SYSTEM)
    assert round(result.find(PRECISION, POSITION_OVERLAP).value, 6) == round(p, 6)
    assert round(result.find(RECALL, POSITION_OVERLAP).value, 6) == round(r, 6)
    assert r < 0.5  # the two missed articles weigh in: without them recall would be higher


def test_agreement_all_documents_counts_articles_nobody_marked_as_nothing(
        ptc: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    articles = write_articles(tmp_path / "articles")
    (tmp_path / "gold.labels").write_text("\n".join(GOLD) + "\n", encoding="utf-8")
    import_files(ptc, [articles, tmp_path / "gold.labels"], format_name="semeval",
                 annotator="gold")
    # The system's spans come in a format that says nothing of completeness.
    records = []
    for ident in ("701", "702"):
        lines = [line.split("\t") for line in SYSTEM if line.startswith(ident)]
        records.append({"text": ARTICLES[ident], "spans": [
            {"start": int(s), "end": int(e), "label": "propaganda"} for _, s, e in lines]})
    import_files(ptc, [write_jsonl(tmp_path / "sys.jsonl", *records)], annotator="sys")
    args = ["agreement", "--project", str(ptc.path), "--annotators", "gold", "sys", "--json"]
    ptc.close()
    p, r = official(GOLD, SYSTEM)
    assert main(args) == 0
    partial = json.loads(capsys.readouterr().out)
    assert partial["documents"] == 2
    assert main([*args, "--all-documents"]) == 0
    full = json.loads(capsys.readouterr().out)
    assert full["documents"] == 4
    figures = {(f["measure"], f["method"]): f["value"] for f in full["figures"]
               if f["label"] is None and f["annotators"] == ["gold", "sys"]}
    assert round(figures[RECALL, POSITION_OVERLAP], 6) == round(r, 6)
    assert round(figures[PRECISION, POSITION_OVERLAP], 6) == round(p, 6)


def test_export_reports_the_notes_and_attributes_it_cannot_write(ptc: Project, tmp_path: Path) -> None:
    write_articles(tmp_path / "articles")
    import_files(ptc, [tmp_path / "articles"], format_name="semeval", annotator="ptc")
    doc = ptc.find_document("article702")
    s, e = at("702", "thugs")
    ptc.add_span(doc.id, "me", "Loaded_Language", s, e, note="slur")
    report = export(ptc, "semeval", tmp_path / "out")
    assert "1 note and the attributes of 0 spans were not written" in " ".join(report.notes)
