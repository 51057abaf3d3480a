"""The HTML report and the ``stats --by`` / ``report`` commands: self-contained,
honest about denominators, clear with little data, and drawn by a real browser."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.domain import IncomingDocument
from annotator.insights import report
from annotator.project import Project
from annotator.schemes import resolve_scheme
from insights_support import build

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "sample.annotator"
    build(path).close()
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_stats_by_outlet_states_denominators_intervals_and_small_groups(sample, capsys):
    code, out, err = run(capsys, "stats", "--project", str(sample), "--by", "outlet",
                         "--label", "loaded-term")
    assert code == 0, err
    assert "loaded-term by outlet, layer ana" in out
    assert "19 documents" in out and "words" in out and "95% bootstrap" in out
    assert re.search(r"The Ledger \*\s+3\s", out)  # small group starred, n shown


def test_stats_by_month_as_csv_and_json(sample, capsys):
    code, out, _ = run(capsys, "stats", "--project", str(sample), "--by", "month", "--csv",
                       "--label", "loaded-term")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [r["group"] for r in rows] == ["2024-01", "2024-02", "2024-03"]
    assert sum(int(r["documents"]) for r in rows) == 19
    assert all(float(r["per_1000_low"]) <= float(r["per_1000_words"]) <= float(r["per_1000_high"])
               for r in rows)
    code, out, _ = run(capsys, "stats", "--project", str(sample), "--by", "annotator", "--json",
                       "--label", "loaded-term")
    figures = json.loads(out)
    assert [r["group"] for r in figures["tables"][0]["rows"]] == ["ana", "bob"]
    assert figures["tables"][0]["bootstrap"]["seed"] == 14


def test_stats_by_story_without_stories_says_so_once(sample, capsys):
    code, out, _ = run(capsys, "stats", "--project", str(sample), "--by", "story")
    assert code == 0
    assert out.strip() == "no document of the layer ana has a story; grouping by story is skipped"


@pytest.mark.parametrize("argv, message", [
    (["--by", "outlet", "--label", "nope"], "no label 'nope'"),
    (["--by", "outlet", "--layer", "zed"], "no layer 'zed'"),
    (["--by", "outlet", "--json", "--csv"], "choose one of --json and --csv"),
])
def test_stats_mistakes_are_one_line_errors(sample, capsys, argv, message):
    code, out, err = run(capsys, "stats", "--project", str(sample), *argv)
    assert code == 1 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def test_plain_stats_is_unchanged(sample, capsys):
    code, out, _ = run(capsys, "stats", "--project", str(sample))
    assert code == 0 and out.startswith("documents: 19\n")


def test_the_report_is_one_self_contained_file_with_charts_tables_and_method(sample, tmp_path,
                                                                              capsys):
    target = tmp_path / "report.html"
    code, out, err = run(capsys, "report", "--project", str(sample), "-o", str(target))
    assert code == 0, err
    assert out.startswith(f"wrote {target} (")
    html = target.read_text(encoding="utf-8")
    assert html.count("<svg") >= 3  # density, primary frame, agreement over time
    assert not re.search(r"<(script|link|img|iframe)\b", html)
    assert not re.search(r"(src|href)\s*=\s*['\"]?(https?:|//|file:)", html)  # nothing fetched
    for expected in ("Layer: <strong>ana</strong>", "19 of the project's 19 documents",
                     "95% percentile bootstrap", "fewer than 5 documents", "Monroe",
                     "Top terms", "slammed", "Primary frame", "Agreement", "unitizing alpha",
                     "agreement on where spans begin and end", "Agreement over time",
                     "Annotation process",
                     "The scheme and its guidelines", "Loaded term", "Exported "):
        assert expected in html, expected
    assert "#E69F00" in html.upper()  # the scheme's colour of loaded terms


def test_the_report_of_an_empty_project_says_not_enough_data(tmp_path, capsys):
    path = tmp_path / "empty.annotator"
    Project.create(path, resolve_scheme(None)).close()
    target = tmp_path / "r.html"
    code, out, err = run(capsys, "report", "--project", str(path), "-o", str(target))
    assert code == 0, err
    assert "not enough data" in out
    html = target.read_text(encoding="utf-8")
    assert "not enough data: nobody has annotated a document yet" in html
    assert "The scheme and its guidelines" in html


def test_a_one_document_one_annotator_report_is_clear(tmp_path):
    project = Project.create(tmp_path / "one.annotator", resolve_scheme(None))
    project.import_documents([IncomingDocument("The regime slammed it.", "t", outlet="A")],
                             annotator="ana")
    project.add_span(1, "ana", "loaded-term", 4, 10)
    html, written = report.build(project)
    assert written.charts == 1 and written.layer == "ana"
    assert "agreement needs at least two annotators" in html
    assert "agreement over time needs at least two annotators" in html
    assert "A <span class='small'" in html  # one document: a small group


def test_the_report_goes_through_the_guarded_output_path(sample, tmp_path, monkeypatch):
    import annotator.formats.output as output

    seen = []
    real = output.open_output
    monkeypatch.setattr(output, "open_output",
                        lambda target, **kw: (seen.append(target), real(target, **kw))[1])
    with Project.open(sample) as project:
        report.write(project, tmp_path / "r.html")
    assert seen == [tmp_path / "r.html"]


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_a_headless_browser_renders_the_reports_charts(sample, tmp_path):
    import matplotlib.image

    target = tmp_path / "report.html"
    with Project.open(sample) as project:
        report.write(project, target)
    shot = tmp_path / "shot.png"
    run_ = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1000,1400",
         f"--screenshot={shot}", target.as_uri()],
        capture_output=True, text=True, timeout=120)
    assert shot.exists(), run_.stderr[-2000:]
    pixels = matplotlib.image.imread(str(shot))[:, :, :3]
    # the density bars are drawn in the scheme's loaded-term orange (#E69F00)
    orange = ((abs(pixels[:, :, 0] - 0xE6 / 255) < 0.04) & (abs(pixels[:, :, 1] - 0x9F / 255) < 0.04)
              & (pixels[:, :, 2] < 0.06))
    assert orange.sum() > 2000


def test_the_cli_offers_the_groupings_the_core_computes():
    from annotator.commands import insights as command
    from annotator.insights import stats

    assert command.GROUPINGS == stats.GROUPINGS  # kept apart so parsing loads no numpy
