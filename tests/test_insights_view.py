"""The Insights view: charts drawn, filters, click-through, exports; start-up
does not load matplotlib; the window records annotation sessions."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from annotator.domain import IncomingDocument
from annotator.errors import FormatError
from annotator.project import Project
from annotator.schemes import resolve_scheme
from insights_support import build

ROOT = Path(__file__).resolve().parent.parent


def test_start_up_does_not_import_matplotlib():
    code = ("import sys, annotator.cli, ui.cli, ui.app, ui.window; "
            "annotator.cli.build_parser(ui.cli.COMMAND_MODULES); "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"


def open_view(qtbot, window):
    action = next(a for a in window.actions() if a.text() == "&Insights…")
    assert action.shortcut() == QKeySequence("Ctrl+Shift+I")
    action.trigger()
    view = window.insights_view
    qtbot.waitUntil(lambda: view.data is not None, timeout=20_000)
    settle(qtbot, view)
    return view


def settle(qtbot, view):
    """Wait for the figures of the latest filters (computed off the UI thread)."""
    qtbot.waitUntil(lambda: not view.busy, timeout=20_000)


def bar_widths(view) -> dict[str, float]:
    ax = view.density.figure.axes[0]
    return {p.get_gid(): p.get_width() for p in ax.patches if p.get_gid()}


def test_the_view_draws_density_per_outlet_and_filters_redraw_it(qtbot, make_window, tmp_path):
    window = make_window(build(tmp_path / "p.annotator"), annotator="ana")
    view = open_view(qtbot, window)
    view.label.setCurrentIndex(view.label.findData("loaded-term"))
    settle(qtbot, view)
    widths = bar_widths(view)
    assert set(widths) == {"Daily Post", "Evening Star", "The Ledger"}
    assert widths["Daily Post"] > widths["Evening Star"] > widths["The Ledger"] > 0
    ax = view.density.figure.axes[0]
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert "The Ledger * (n=3)" in ticks  # small group marked, n stated
    assert "words" in view.status.text() and "documents" in view.status.text()
    view.grab().save(str(tmp_path / "insights-view.png"))
    # untick an outlet: its bar goes
    item = view.outlets.findItems("The Ledger", Qt.MatchFlag.MatchExactly)[0]
    item.setCheckState(Qt.CheckState.Unchecked)
    settle(qtbot, view)
    assert set(bar_widths(view)) == {"Daily Post", "Evening Star"}
    # by month: one bar a month
    view.by.setCurrentText("month")
    settle(qtbot, view)
    assert set(bar_widths(view)) == {"2024-01", "2024-02", "2024-03"}
    # a date range that holds nothing says so instead of drawing
    view.by.setCurrentText("outlet")
    view.use_dates.setChecked(True)
    view.since.setDate(view.since.date().addYears(5))
    view.until.setDate(view.since.date())
    settle(qtbot, view)
    assert bar_widths(view) == {}
    assert "not enough data" in view.status.text()


def test_clicking_a_bar_lists_its_documents_and_opens_one(qtbot, make_window, tmp_path):
    window = make_window(build(tmp_path / "p.annotator"), annotator="ana")
    view = open_view(qtbot, window)
    from matplotlib.backend_bases import MouseEvent

    view.density.canvas.draw()
    ax = view.density.figure.axes[0]
    bar = next(p for p in ax.patches if p.get_gid() == "The Ledger")
    x, y = ax.transData.transform((bar.get_width() / 2, bar.get_y() + bar.get_height() / 2))
    MouseEvent("button_press_event", view.density.canvas, x, y, button=1)._process()
    assert view.behind.count() == 3
    assert "The Ledger" in view.behind_title.text()
    item = view.behind.item(0)
    view._open(item)
    assert window.document.id == item.data(Qt.ItemDataRole.UserRole)
    assert window.document.outlet == "The Ledger"


def test_terms_frames_and_process_tabs_show_the_figures(qtbot, make_window, tmp_path):
    window = make_window(build(tmp_path / "p.annotator"), annotator="ana")
    view = open_view(qtbot, window)
    assert view.terms.rowCount() == 0  # filled when its tab is shown
    view.tabs.setCurrentIndex(1)
    settle(qtbot, view)
    terms = {view.terms.item(r, 0).text() for r in range(view.terms.rowCount())}
    assert {"slammed", "cronies", "criticised"} <= terms
    view.tabs.setCurrentIndex(2)
    view.frame.setCurrentIndex(view.frame.findData("primary-frame"))
    settle(qtbot, view)
    assert view.frames.figure.axes and view.frames.figure.axes[0].patches
    assert view.process.item(0, 0).text() == "ana"
    assert view.process.item(0, 1).text() == "19"  # documents done


def test_chart_and_data_export_through_the_guarded_path(qtbot, make_window, tmp_path,
                                                        monkeypatch):
    import annotator.formats.output as output

    window = make_window(build(tmp_path / "p.annotator"), annotator="ana")
    view = open_view(qtbot, window)
    used: list[Path] = []
    real = output.open_output
    monkeypatch.setattr("ui.insights_view.open_output",
                        lambda target, **kw: (used.append(target), real(target, **kw))[1])
    view.density.export(tmp_path / "d.png", "png")
    view.density.export(tmp_path / "d.svg", "svg")
    view.density.export(tmp_path / "d.csv", "csv")
    assert used == [tmp_path / "d.png", tmp_path / "d.svg", tmp_path / "d.csv"]
    assert (tmp_path / "d.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in (tmp_path / "d.svg").read_text(encoding="utf-8")
    rows = list(csv.reader((tmp_path / "d.csv").open(encoding="utf-8")))
    assert rows[0][:4] == ["group", "documents", "words", "spans"]
    assert {r[0] for r in rows[1:]} == {"Daily Post", "Evening Star", "The Ledger"}


def test_an_export_the_guard_refuses_shows_a_dialog(qtbot, make_window, tmp_path, monkeypatch):
    window = make_window(build(tmp_path / "p.annotator"), annotator="ana")
    view = open_view(qtbot, window)

    def refuse(target, **_kw):
        raise FormatError("refusing to write over the project file", file=str(target))

    shown = []
    monkeypatch.setattr("ui.insights_view.open_output", refuse)
    monkeypatch.setattr("ui.insights_view.show_error", lambda *a: shown.append(a))
    view.density.export(tmp_path / "p.annotator", "png")
    assert shown and "project file" in str(shown[0][2])


def test_an_empty_project_says_not_enough_data(qtbot, make_window, tmp_path):
    project = Project.create(tmp_path / "e.annotator", resolve_scheme(None))
    project.import_documents([IncomingDocument("Nothing tagged here.", "t")], annotator="x")
    window = make_window(project, annotator="ana")
    view = open_view(qtbot, window)
    assert "not enough data" in view.status.text().lower()


def test_the_window_records_sessions_as_the_analyst_works(qtbot, make_window, tmp_path):
    from annotator.insights.process import pace
    from annotator.models import AnnotationSession

    project = build(tmp_path / "p.annotator", sessions=False)
    window = make_window(project, annotator="carol")
    first = window.document.id
    window.set_done(True)
    window.step_document(1)
    with project.reading() as s:
        rows = s.query(AnnotationSession.document_id).order_by(AnnotationSession.id).all()
    assert [r[0] for r in rows][:1] == [first] and len(rows) >= 2
    assert [p.annotator for p in pace(project)] == ["ana", "bob", "carol"]
