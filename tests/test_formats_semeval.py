"""SemEval-2020 Task 11: articles plus technique or span-identification lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.cli import main
from annotator.errors import FormatError
from annotator.formats import ReadOptions, export, import_files
from annotator.project import Project
from annotator.schemes import resolve_scheme

ARTICLE_111 = "Crooked 🙂 elites strike again\n\nThe corrupt regime lied. Make us great again!\n"
ARTICLE_222 = "Second title\r\n\r\nThey are thugs,\r\nsaid the café\u0301 owner.\r\n"


def corpus(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    """A PTC-like corpus written the way the task's files are: by hand."""
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "article111.txt").write_bytes(ARTICLE_111.encode("utf-8"))
    (articles / "article222.txt").write_bytes(ARTICLE_222.encode("utf-8"))
    a, b = ARTICLE_111, ARTICLE_222

    def at(text: str, part: str) -> tuple[int, int]:
        return text.index(part), text.index(part) + len(part)

    lines = [
        "111\tName_Calling,Labeling\t%d\t%d" % at(a, "Crooked 🙂 elites"),
        "111\tLoaded_Language\t%d\t%d" % at(a, "corrupt"),
        "111\tName_Calling,Labeling\t%d\t%d" % at(a, "corrupt"),  # same span, two techniques
        "111\tSlogans\t%d\t%d" % at(a, "Make us great again!"),
        "111\tLoaded_Language\t%d\t%d" % at(a, "corrupt regime"),  # overlaps
        "222\tName_Calling,Labeling\t%d\t%d" % at(b, "thugs"),
        "222\tAppeal_to_Authority\t%d\t%d" % at(b, "thugs,\r\nsaid the café\u0301 owner"),
    ]
    labels = tmp_path / "train-task2-TC.labels"
    labels.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return articles, labels, lines


@pytest.fixture
def ptc(tmp_path: Path):
    with Project.create(tmp_path / "ptc.annotator", resolve_scheme("semeval2020-propaganda")) as p:
        yield p


def texts(project: Project) -> set[tuple[str, str, str]]:
    return {(doc.key, s.label, doc.text[s.start:s.end])
            for doc, spans in project.iter_spans() for s in spans}


def test_technique_lines_land_on_the_right_characters(ptc: Project, tmp_path: Path) -> None:
    articles, labels, _ = corpus(tmp_path)
    report = import_files(ptc, [articles, labels], format_name="semeval", annotator="ptc")
    assert (report.documents_added, report.spans_added) == (2, 7)
    assert ptc.find_document("article222").text == ARTICLE_222  # CRLF kept
    assert ptc.find_document("article111").title == "Crooked 🙂 elites strike again"
    assert texts(ptc) == {
        ("article111", "Name_Calling,Labeling", "Crooked 🙂 elites"),
        ("article111", "Loaded_Language", "corrupt"),
        ("article111", "Name_Calling,Labeling", "corrupt"),
        ("article111", "Slogans", "Make us great again!"),
        ("article111", "Loaded_Language", "corrupt regime"),
        ("article222", "Name_Calling,Labeling", "thugs"),
        ("article222", "Appeal_to_Authority", "thugs,\r\nsaid the café\u0301 owner"),
    }


def test_export_of_an_import_reproduces_the_lines_and_articles(ptc: Project, tmp_path: Path) -> None:
    articles, labels, lines = corpus(tmp_path)
    import_files(ptc, [articles, labels], format_name="semeval", annotator="ptc")
    out = tmp_path / "out"
    report = export(ptc, "semeval", out)
    assert report.spans == 7
    written = (out / "semeval.labels").read_text(encoding="utf-8").splitlines()
    assert sorted(written) == sorted(lines)
    for name in ("article111.txt", "article222.txt"):
        assert (out / name).read_bytes() == (articles / name).read_bytes()
    with Project.create(tmp_path / "second.annotator", ptc.scheme) as second:
        import_files(second, [out, out / "semeval.labels"], format_name="semeval", annotator="x")
        again = tmp_path / "again"
        export(second, "semeval", again)
    assert (again / "semeval.labels").read_bytes() == (out / "semeval.labels").read_bytes()


def test_span_identification_lines_take_the_generic_label_and_round_trip(
        ptc: Project, tmp_path: Path) -> None:
    articles, _, _ = corpus(tmp_path)
    si = tmp_path / "article111.task1-SI.labels"
    start = ARTICLE_111.index("corrupt")
    si.write_text(f"111\t{start}\t{start + 7}\n111\t0\t7\n", encoding="utf-8")
    import_files(ptc, [articles, si], format_name="semeval", annotator="ptc")
    assert texts(ptc) == {("article111", "propaganda", "corrupt"),
                          ("article111", "propaganda", "Crooked")}
    out = tmp_path / "out"
    export(ptc, "semeval", out)
    assert sorted((out / "semeval.labels").read_text().splitlines()) == sorted(
        si.read_text().splitlines())


def test_span_identification_under_a_chosen_label(ptc: Project, tmp_path: Path) -> None:
    articles, _, _ = corpus(tmp_path)
    si = tmp_path / "si.labels"
    si.write_text("111\t0\t7\n", encoding="utf-8")
    import_files(ptc, [articles, si], format_name="semeval", annotator="ptc",
                 options=ReadOptions(label="Loaded_Language"))
    assert texts(ptc) == {("article111", "Loaded_Language", "Crooked")}


@pytest.mark.parametrize("line, message", [
    ("111\t0", "expected ID"),
    ("999\tSlogans\t0\t3", "'999' is not among the articles"),
    ("111\tSlogans\t0\tten", "not integers"),
    ("111\tSlogans\t5\t500", "outside article 111"),
    ("111\tSlogans\t5\t5", "empty"),
])
def test_a_bad_label_line_imports_nothing_and_names_file_and_line(
        ptc: Project, tmp_path: Path, line: str, message: str) -> None:
    articles, labels, lines = corpus(tmp_path)
    labels.write_text("\n".join(lines[:2] + [line] + lines[2:]) + "\n", encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        import_files(ptc, [articles, labels], format_name="semeval", annotator="ptc")
    assert f"{labels}:3" in str(caught.value) and message in str(caught.value)
    assert ptc.document_count() == 0


def test_unknown_techniques_are_listed_or_added(ptc: Project, tmp_path: Path) -> None:
    articles, labels, lines = corpus(tmp_path)
    labels.write_text("\n".join(lines + ["111\tSmears\t0\t7", "222\tTu_quoque\t0\t6",
                                         "111\tSmears\t8\t9"]) + "\n", encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        import_files(ptc, [articles, labels], format_name="semeval", annotator="ptc")
    message = str(caught.value)
    assert f"'Smears' ({labels}:8)" in message and f"'Tu_quoque' ({labels}:9)" in message
    assert "--add-labels" in message and ptc.document_count() == 0
    report = import_files(ptc, [articles, labels], format_name="semeval", annotator="ptc",
                          add_labels=True)
    assert report.spans_added == 10
    assert ptc.scheme.has_label("Smears") and ptc.scheme.has_label("Tu_quoque")
    with Project.open(ptc.location) as reopened:  # stored with the spans
        assert reopened.scheme.has_label("Smears")


def test_an_added_label_is_not_kept_when_the_import_fails(ptc: Project, tmp_path: Path) -> None:
    articles, labels, lines = corpus(tmp_path)
    labels.write_text("\n".join(lines + ["111\tSmears\t0\t7"]) + "\n", encoding="utf-8")
    (articles / "article333.txt").write_bytes(b"\xff\xfe\x00\x00\x00")  # unreadable
    with pytest.raises(FormatError):
        import_files(ptc, [articles, labels], format_name="semeval", annotator="ptc",
                     add_labels=True)
    assert not ptc.scheme.has_label("Smears") and ptc.document_count() == 0


def test_command_line_import_and_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    articles, labels, lines = corpus(tmp_path)
    project = str(tmp_path / "cli.annotator")
    assert main(["init", project, "--scheme", "semeval2020-propaganda"]) == 0
    assert main(["import", "--project", project, "--format", "semeval", str(articles),
                 str(labels), "--annotator", "ptc"]) == 0
    assert main(["export", "--project", project, "--format", "semeval",
                 "-o", str(tmp_path / "out")]) == 0
    assert sorted((tmp_path / "out" / "semeval.labels").read_text().splitlines()) == sorted(lines)
    assert main(["export", "--project", project, "--format", "semeval",
                 "-o", str(tmp_path / "out")]) == 1
    assert "not an empty folder" in capsys.readouterr().err
