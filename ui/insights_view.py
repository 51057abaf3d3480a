"""The Insights view (View > Insights, Ctrl+Shift+I): the report's figures as charts.

The project is read once in the worker (:func:`annotator.insights.stats.load`);
filters (layer, grouping, label, dates, outlets) then recompute from memory.
Clicking a bar lists the documents behind it; double-clicking one opens it in
the main window. Every chart exports as PNG or SVG and its data as CSV, all
through the guarded output path. matplotlib loads with this module only.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QDialog,
                               QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton,
                               QSplitter, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout,
                               QWidget)

from annotator.agreement import measure
from annotator.errors import AnnotatorError
from annotator.formats.csv import Writer
from annotator.formats.output import open_output
from annotator.insights import charts
from annotator.insights.process import Pace, Period, agreement_over_time, pace
from annotator.insights.stats import (GROUPINGS, SMALL_N, Dataset, default_layer, distribution,
                                      documents_behind, grouped, load, top_terms)
from annotator.wording import plural

from . import file_dialogs
from .dialogs import show_error
from .tasks import run_query, run_with_progress

if TYPE_CHECKING:
    from .window import MainWindow

VIEW_RESAMPLES = 500  # fewer than the report's 1,000: the view redraws as filters change
ROLE_ID = Qt.ItemDataRole.UserRole


class Chart(QWidget):
    """A matplotlib canvas with its export buttons."""

    def __init__(self, view: InsightsView, name: str):
        super().__init__()
        self.view, self.name = view, name
        self.figure = Figure(figsize=(7, 4))
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.rows: list[list[Any]] = []  # the data behind the chart, for CSV
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas, 1)
        buttons = QHBoxLayout()
        for text, kind in (("Export PNG…", "png"), ("Export SVG…", "svg"), ("Export CSV…", "csv")):
            button = QPushButton(text)
            button.clicked.connect(lambda _c=False, k=kind: self.export_dialog(k))
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def redraw(self, draw: Any, rows: list[list[Any]]) -> None:
        self.figure.clear()
        draw(self.figure)
        self.rows = rows
        self.canvas.draw_idle()

    def export_dialog(self, kind: str) -> None:
        folder = self.view.main.settings.value("export_folder", str(Path.home()))
        path = file_dialogs.save_file(self, f"Export {kind.upper()}",
                                      Path(folder) / f"{self.name}.{kind}", f"{kind.upper()} (*.{kind})")
        if path:
            self.export(path, kind)

    def export(self, target: Path, kind: str) -> None:
        try:
            if kind == "csv":
                with open_output(target) as out:
                    Writer(out).writerows(self.rows)
            else:
                with open_output(target, binary=True) as out:
                    self.figure.savefig(out, format=kind, dpi=150, metadata=None)
        except (AnnotatorError, OSError) as exc:  # the guarded path refuses with a FormatError
            show_error(self, "Could not export the chart", exc)
            return
        self.view.status.setText(f"Exported {escape(str(target))}")


class InsightsView(QDialog):
    """Density, terms, frames and process figures of the open project."""

    def __init__(self, main: MainWindow):
        super().__init__(main)
        self.main = main
        self.data: Dataset | None = None
        self.paces: list[Pace] = []
        self.periods: list[Period] = []
        self.periods_message = ""
        self.default_layer: str | None = None
        self.layer_reason = ""
        self.generation = self.shown_generation = 0  # of the filters asked for / drawn
        self.setWindowTitle("Insights")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(1100, 760)
        self.status = QLabel("Reading the project…")
        self.status.setWordWrap(True)

        self.layer = QComboBox()
        self.by = QComboBox()
        self.by.addItems(GROUPINGS)
        self.label = QComboBox()
        self.frame = QComboBox()
        for combo in (self.layer, self.by, self.label, self.frame):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.use_dates = QCheckBox("Published between")
        self.since = QDateEdit(QDate(2000, 1, 1))
        self.until = QDateEdit(QDate.currentDate())
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.outlets = QListWidget()
        self.outlets.setMaximumHeight(120)
        filters = QHBoxLayout()
        for text, widget in (("Layer", self.layer), ("Group by", self.by), ("Label", self.label)):
            filters.addWidget(QLabel(text))
            filters.addWidget(widget)
        filters.addSpacing(12)
        for widget in (self.use_dates, self.since, QLabel("and"), self.until):
            filters.addWidget(widget)
        filters.addStretch(1)

        self.density = Chart(self, "density")
        self.density.canvas.mpl_connect("pick_event", self._picked)
        self.behind = QListWidget()
        self.behind.itemDoubleClicked.connect(self._open)
        self.behind_title = QLabel("Click a bar to list its documents; double-click one to open it.")
        self.behind_title.setWordWrap(True)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(QLabel("Outlets"))
        side_layout.addWidget(self.outlets)
        side_layout.addWidget(self.behind_title)
        side_layout.addWidget(self.behind, 1)
        density_tab = QSplitter(Qt.Orientation.Horizontal)
        density_tab.addWidget(self.density)
        density_tab.addWidget(side)
        density_tab.setSizes([760, 300])
        self.terms = QTableWidget()
        self.terms.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        frames_tab = QWidget()
        frames_layout = QVBoxLayout(frames_tab)
        frame_row = QHBoxLayout()
        frame_row.addWidget(QLabel("Document label"))
        frame_row.addWidget(self.frame)
        frame_row.addStretch(1)
        frames_layout.addLayout(frame_row)
        self.frames = Chart(self, "frames")
        frames_layout.addWidget(self.frames, 1)
        process_tab = QWidget()
        process_layout = QVBoxLayout(process_tab)
        self.process = QTableWidget()
        self.process.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.agreement = Chart(self, "agreement")
        process_layout.addWidget(self.process)
        process_layout.addWidget(self.agreement, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(density_tab, "Density")
        self.tabs.addTab(self.terms, "Top terms")
        self.tabs.addTab(frames_tab, "Frames and slant")
        self.tabs.addTab(process_tab, "Process")
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)

    # -- loading -----------------------------------------------------------------------
    def compute(self) -> None:
        project = self.main.project

        def work(progress: Any) -> Any:
            # reading and agreement take about half the time each; Cancel works in both
            data = load(project, lambda done, total: progress(done, 2 * max(total, 1)))
            measured = measure(project, per_document=True,
                               progress=lambda done, total: progress(total + done, 2 * total))
            return data, pace(project), agreement_over_time(project, measured)

        run_with_progress(self, "Reading the project for Insights…", work, self._loaded,
                          self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.status.setText("Insights could not be computed.")
        show_error(self, "Insights could not be computed", exc)

    def _loaded(self, result: Any) -> None:
        self.data, self.paces, (self.periods, self.periods_message) = result
        data = self.data
        chosen, why = default_layer(data)
        self.default_layer, self.layer_reason = chosen, why
        self.layer.addItems(list(data.annotators))
        if chosen is not None:
            self.layer.setCurrentText(chosen)
        scheme = self.main.project.scheme
        for lab in scheme.labels:
            self.label.addItem(lab.name, lab.key)
        for lab in scheme.document_labels:
            if lab.key in data.choices:
                self.frame.addItem(lab.name, lab.key)
        for outlet in sorted({o for o in data.fields["outlet"] if o}):
            item = QListWidgetItem(outlet)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.outlets.addItem(item)
        dates = sorted(d for d in data.dates if d)
        if dates:
            self.since.setDate(QDate.fromString(dates[0], "yyyy-MM-dd"))
            self.until.setDate(QDate.fromString(dates[-1], "yyyy-MM-dd"))
        for widget in (self.layer, self.by, self.label, self.frame):
            widget.currentIndexChanged.connect(lambda _i: self.refresh())
        for edit in (self.since, self.until):
            edit.dateChanged.connect(lambda _d: self.refresh())
        self.use_dates.toggled.connect(lambda _on: self.refresh())
        self.outlets.itemChanged.connect(lambda _item: self.refresh())
        self.tabs.currentChanged.connect(lambda _i: self.refresh())
        self._fill_process()
        self.refresh()

    # -- figures -------------------------------------------------------------------------
    def _mask(self) -> Any:
        assert self.data is not None
        outlets = [self.outlets.item(i).text() for i in range(self.outlets.count())
                   if self.outlets.item(i).checkState() == Qt.CheckState.Checked]
        everything = len(outlets) == self.outlets.count()
        if not self.use_dates.isChecked() and everything:
            return None
        mask = self.data.mask(
            since=self.since.date().toString("yyyy-MM-dd") if self.use_dates.isChecked() else None,
            until=self.until.date().toString("yyyy-MM-dd") if self.use_dates.isChecked() else None)
        if not everything:
            mask &= self.data.mask(outlets=outlets) if outlets else False
        return mask

    @property
    def busy(self) -> bool:
        """Figures are being recomputed for the latest filters."""
        return self.shown_generation != self.generation

    def refresh(self) -> None:
        """Recompute the figures for the filters off the UI thread, then draw them."""
        data = self.data
        if data is None:
            return
        layer = self.layer.currentText()
        self.generation += 1
        if not layer:
            message = "Not enough data: nobody has annotated a document yet."
            self.status.setText(message)
            self.density.redraw(lambda fig: fig.text(0.5, 0.5, message, ha="center"), [])
            self.shown_generation = self.generation
            return
        label, by, mask, tab = self.label.currentData(), self.by.currentText(), self._mask(), \
            self.tabs.currentIndex()
        key = self.frame.currentData()
        other = by if by != "annotator" else "outlet"  # terms and frames compare groups of documents

        def work() -> Any:
            (table,) = grouped(data, by, [label], layer, mask=mask, resamples=VIEW_RESAMPLES)
            # the other tabs' figures only when shown (opening the view draws one chart)
            terms = top_terms(data, label, layer, by=other, mask=mask) if tab == 1 else None
            dist = distribution(data, key, layer, by=other, mask=mask) \
                if tab == 2 and key is not None else None
            return table, terms, dist

        generation = self.generation
        self.status.setText("Computing…")
        run_query(self, work, lambda result: self._show(generation, layer, result), self._failed)

    def _show(self, generation: int, layer: str, result: Any) -> None:
        if generation != self.generation:
            return  # the filters changed again: a newer result is on its way
        self.shown_generation = generation
        table, terms, dist = result
        name = self.label.currentText()
        color = self.main.project.scheme.label(table.label).color
        rows = [["group", "documents", "words", "spans", "per_1000_words", "low", "high",
                 "documents_with_span", "small_n"]]
        rows += [[r.group, r.documents, r.words, r.spans,
                  *((r.density.value, r.density.low, r.density.high) if r.density else ("",) * 3),
                  r.with_span, int(r.small)] for r in table.rows]
        self.density.redraw(lambda fig: charts.density_chart(fig, table, name, color, sized=False),
                            rows)
        self.behind.clear()
        if terms is not None:
            self._fill_terms(terms)
        if self.tabs.currentIndex() == 2:
            self._fill_frames(dist)
        notes = " ".join(table.notes)
        why = "" if table.by == "annotator" or layer != self.default_layer \
            else f" ({self.layer_reason})"
        self.status.setText(f"Layer {escape(layer)}{escape(why)}; {plural(table.documents, 'document')}, "
                            f"{plural(table.words, 'word')}; groups under {SMALL_N} documents are hatched."
                            f" {escape(table.message or notes)}")

    def _fill_terms(self, terms: Any) -> None:
        groups = list(terms.groups)
        headers = ["term", "spans", "documents", *[f"z {g}" for g in groups]]
        self.terms.clear()
        self.terms.setColumnCount(len(headers))
        self.terms.setHorizontalHeaderLabels(headers)
        self.terms.setRowCount(len(terms.rows) if not terms.message else 1)
        if terms.message:
            self.terms.setItem(0, 0, QTableWidgetItem(terms.message))
            return
        for i, row in enumerate(terms.rows):
            values = [row.term, str(row.count), str(row.documents),
                      *[f"{row.z.get(g, 0.0):+.2f}" for g in groups]]
            for j, value in enumerate(values):
                self.terms.setItem(i, j, QTableWidgetItem(value))
        self.terms.resizeColumnsToContents()

    def _fill_frames(self, dist: Any) -> None:
        if dist is None:
            self.frames.redraw(lambda fig: fig.text(0.5, 0.5, "The scheme has no choice "
                                                    "document labels.", ha="center"), [])
            return
        title = self.frame.currentText()
        rows = [["group", "documents", "labelled", *map(str, dist.values)]]
        rows += [[g, dist.documents[g], dist.labelled[g], *(c.get(v, 0) for v in dist.values)]
                 for g, c in dist.counts.items()]
        self.frames.redraw(lambda fig: charts.distribution_chart(fig, dist, title, sized=False),
                           rows)

    def _fill_process(self) -> None:
        headers = ["annotator", "documents done", "hours", "spans made", "spans per hour",
                   "median minutes per document", "note"]
        self.process.setColumnCount(len(headers))
        self.process.setHorizontalHeaderLabels(headers)
        self.process.setRowCount(len(self.paces))
        for i, p in enumerate(self.paces):
            values = [p.annotator, str(p.documents_done), f"{p.hours:.1f}", str(p.spans),
                      "–" if p.spans_per_hour is None else f"{p.spans_per_hour:.1f}",
                      "–" if p.median_minutes is None else
                      f"{p.median_minutes:.1f} (n={p.timed_documents})", p.reason]
            for j, value in enumerate(values):
                self.process.setItem(i, j, QTableWidgetItem(value))
        self.process.resizeColumnsToContents()
        rows = [["month", "documents", "span_f1_overlap", "reason"]]
        rows += [[p.month, p.documents, "" if p.value is None else p.value, p.reason]
                 for p in self.periods]
        self.agreement.redraw(lambda fig: charts.agreement_chart(fig, self.periods,
                                                                 self.periods_message,
                                                                 sized=False), rows)

    # -- click-through ---------------------------------------------------------------------
    def _picked(self, event: Any) -> None:
        group = event.artist.get_gid()
        if group is not None:
            self.show_behind(group)

    def show_behind(self, group: str) -> None:
        """List the documents behind one bar of the density chart."""
        assert self.data is not None
        label = self.label.currentData()
        found = documents_behind(self.data, self.by.currentText(), group, label,
                                 self.layer.currentText(), self._mask())
        self.behind.clear()
        self.behind_title.setText(f"<b>{escape(group)}</b>: {plural(len(found), 'document')}, "
                                  f"{plural(sum(n for *_rest, n in found), escape(label) + ' span')}")
        for doc_id, key, title, spans in found:
            item = QListWidgetItem(f"{spans} · {title or key}")
            item.setData(ROLE_ID, doc_id)
            self.behind.addItem(item)

    def _open(self, item: QListWidgetItem) -> None:
        self.main.open_document(int(item.data(ROLE_ID)))
        self.main.activateWindow()

