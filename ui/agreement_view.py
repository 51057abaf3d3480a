"""The agreement dialog: figures per label and overall, the pairwise heat map,
per-document figures (worst first), CSV export.

The figures come from :func:`annotator.agreement.measure`, computed in the
worker thread; an undefined figure shows a dash and its reason.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QFrame,
                               QHBoxLayout, QHeaderView, QLabel, QPushButton, QScrollArea,
                               QTabWidget, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from annotator.agreement import (COHEN, EXACT, F1, FLEISS, KRIPPENDORFF, OVERLAP, POSITION_EXACT,
                                 POSITION_OVERLAP, PRECISION, RECALL, UNITIZING, Agreement, Figure,
                                 measure, write_csv)
from annotator.errors import AnnotatorError, Cancelled
from annotator.wording import plural

from . import file_dialogs
from .colors import is_dark, mix
from .dialogs import show_error
from .plain import tip
from .tasks import run_with_progress

if TYPE_CHECKING:
    from .window import MainWindow

# (heading, measure, method, pairwise with the reference)
COLUMNS = (("P exact", PRECISION, EXACT, True), ("R exact", RECALL, EXACT, True),
           ("F1 exact", F1, EXACT, True), ("P overlap", PRECISION, OVERLAP, True),
           ("R overlap", RECALL, OVERLAP, True), ("F1 overlap", F1, OVERLAP, True),
           ("Cohen κ", COHEN, None, True), ("Fleiss κ", FLEISS, None, False),
           ("Kripp. α", KRIPPENDORFF, None, False), ("α_U", UNITIZING, None, False))
SPANS_COLUMN = "Spans (α_U)"  # the spans unitizing alpha compares (its units)
ALL_LABELS = "All labels"
ALL_LABELS_NOTE = ("All labels: the labels someone used, together. Token figures weigh every "
                   "(token, label) decision alike; α_U weighs characters, so one long span "
                   "counts for more than many short ones; F1 counts spans. Read the labels "
                   "above it first.")
MATRICES = (("Cohen's κ (tokens)", COHEN), ("F1 overlap (reference row)", F1))
NAMES = {PRECISION: "precision", RECALL: "recall", F1: "F1", COHEN: "Cohen's kappa",
         FLEISS: "Fleiss' kappa", KRIPPENDORFF: "Krippendorff's alpha (nominal)",
         UNITIZING: "Krippendorff's unitizing alpha"}


def heat(value: float | None, base: QColor) -> QColor:
    """Low agreement red, middling amber, high green, mixed into the base colour."""
    if value is None:
        return base
    v = max(0.0, min(1.0, value))
    low, mid, high = QColor("#D55E00"), QColor("#E6B800"), QColor("#2E9E5B")
    a, b, t = (low, mid, v / 0.5) if v < 0.5 else (mid, high, (v - 0.5) / 0.5)
    color = QColor.fromRgbF(a.redF() + (b.redF() - a.redF()) * t,
                            a.greenF() + (b.greenF() - a.greenF()) * t,
                            a.blueF() + (b.blueF() - a.blueF()) * t)
    return mix(color, base, 0.45)


def describe(figure: Figure) -> str:
    """The tooltip of a figure: measure, unit, counts, and why it is undefined."""
    rows = [f"<b>{escape(NAMES.get(figure.measure, figure.measure))}</b> ({escape(figure.method)}, "
            f"unit: {escape(figure.unit)})",
            "annotators: " + escape(" vs ".join(figure.annotators))]
    rows += [f"{escape(k.replace('_', ' '))}: {v:g}" if isinstance(v, float) else
             f"{escape(k.replace('_', ' '))}: {v}" for k, v in figure.counts.items()]
    if figure.value is None:
        rows.append(f"<i>undefined: {escape(figure.reason)}</i>")
    return "<br>".join(rows)


def shown(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


class AgreementDialog(QDialog):
    """Agreement of the chosen annotators (the first is the reference)."""

    def __init__(self, main: MainWindow, annotators: list[str], annotated_only: bool = False):
        super().__init__(main)
        self.main = main
        self.annotators = annotators
        self.annotated_only = annotated_only
        self.result: Agreement | None = None
        self.setWindowTitle("Agreement — " + " · ".join(annotators))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(1120, 640)
        self.summary = QLabel("Measuring…")
        self.summary.setWordWrap(True)
        self.other = QComboBox()
        for name in annotators[1:]:
            self.other.addItem(name)
        self.other.currentIndexChanged.connect(lambda _i: self._fill_labels())
        self.labels = self._table()
        self.undefined = QLabel()
        self.undefined.setWordWrap(True)
        self.undefined.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.matrix_choice = QComboBox()
        for title, key in MATRICES:
            self.matrix_choice.addItem(title, key)
        self.matrix_choice.currentIndexChanged.connect(lambda _i: self._fill_matrix())
        self.matrix = self._table()
        self.documents = self._table()
        self.documents.doubleClicked.connect(self._open_document)

        by_label = QWidget()
        layout = QVBoxLayout(by_label)
        row = QHBoxLayout()
        row.addWidget(QLabel(f"Precision and recall: <b>{escape(annotators[0])}</b> (reference) vs"))
        row.addWidget(self.other)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.labels, 1)
        notes = QScrollArea()
        notes.setWidgetResizable(True)
        notes.setFrameShape(QFrame.Shape.NoFrame)
        notes.setWidget(self.undefined)
        notes.setMaximumHeight(96)
        layout.addWidget(notes)
        pairs = QWidget()
        layout = QVBoxLayout(pairs)
        row = QHBoxLayout()
        row.addWidget(QLabel("Measure:"))
        row.addWidget(self.matrix_choice)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.matrix, 1)
        docs = QWidget()
        layout = QVBoxLayout(docs)
        layout.addWidget(QLabel("<span style='color:gray'>Lowest unitizing alpha first; "
                                "double-click opens the document.</span>"))
        layout.addWidget(self.documents, 1)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(by_label, "By label")
        self.tabs.addTab(pairs, "Annotator pairs")
        self.tabs.addTab(docs, "Documents")
        self.export = QPushButton("Export CSV…")
        self.export.setEnabled(False)
        self.export.clicked.connect(self.export_dialog)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)

    @staticmethod
    def _table() -> QTableWidget:
        table = QTableWidget()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(False)
        table.verticalHeader().hide()
        table.setWordWrap(False)
        return table

    # -- computing ------------------------------------------------------------------------
    def compute(self) -> None:
        project, annotators, marked = self.main.project, self.annotators, self.annotated_only

        def work(progress: Callable[[int, int], None]) -> Agreement:
            return measure(project, annotators, annotated_only=marked, progress=progress)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, Cancelled):
                self.summary.setText("Cancelled.")
            else:
                show_error(self, "Could not measure agreement", exc)

        run_with_progress(self, "Measuring agreement…", work, self.show_result, failed)

    def show_result(self, result: Agreement) -> None:
        self.result = result
        notes = "".join(f"<br><span style='color:gray'>{escape(n)}</span>" for n in result.notes)
        self.summary.setText(
            f"<b>{plural(result.documents, 'document')}</b> · annotators "
            f"<b>{escape(', '.join(result.annotators))}</b> (reference: {escape(result.reference or '')})"
            + (" · token measures over marked tokens only" if result.annotated_only else "")
            + notes)
        self._fill_labels()
        self._fill_matrix()
        self._fill_documents()
        self.export.setEnabled(True)

    def _figure(self, measure_name: str, method: str | None, label: str | None,
                pairwise: bool) -> Figure | None:
        assert self.result is not None
        pair = (self.annotators[0], self.other.currentText()) if pairwise else None
        try:
            return self.result.find(measure_name, method, label, pair)
        except KeyError:
            return None

    def _cell(self, figure: Figure | None, colored: bool = True) -> QTableWidgetItem:
        base = self.palette().color(self.backgroundRole())
        item = QTableWidgetItem(shown(figure.value) if figure else "")
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if figure is not None:
            item.setToolTip(describe(figure))
            item.setData(Qt.ItemDataRole.UserRole, figure.value)
            if figure.value is None:
                item.setForeground(QBrush(QColor("gray")))
            elif colored:
                item.setBackground(heat(figure.value, base))
                if is_dark(self.palette()):
                    item.setForeground(QBrush(QColor("white")))
        return item

    def _fill_labels(self) -> None:
        if self.result is None:
            return
        headings = ["Label", *(c[0] for c in COLUMNS), "Token units", SPANS_COLUMN]
        table = self.labels
        table.clear()
        table.setColumnCount(len(headings))
        table.setHorizontalHeaderLabels(headings)
        scheme = self.main.project.scheme
        rows: list[tuple[str, str | None]] = []
        unused = []
        for key in self.result.labels:
            label = scheme.label(key)
            name = label.name if label else key
            chars = self._figure(UNITIZING, None, key, False)
            if chars is not None and not chars.counts.get("units", 0):
                unused.append(name)  # nobody used it: one line below, not a row of dashes
            else:
                rows.append((name, key))
        rows.append((ALL_LABELS, None))  # after the labels it sums: not the headline
        table.setRowCount(len(rows) + 1)
        undefined: dict[str, list[str]] = {}
        for r, (name, key) in enumerate(rows):
            title = QTableWidgetItem(name)
            if key is None:
                font = QFont(title.font())
                font.setBold(True)
                title.setFont(font)
                title.setToolTip(ALL_LABELS_NOTE)
            table.setItem(r, 0, title)
            for c, (_, measure_name, method, pairwise) in enumerate(COLUMNS, start=1):
                figure = self._figure(measure_name, method, key, pairwise)
                table.setItem(r, c, self._cell(figure))
                if figure is not None and figure.value is None:
                    names = undefined.setdefault(figure.reason, [])
                    if name not in names:
                        names.append(name)
            tokens = self._figure(KRIPPENDORFF, None, key, False)
            chars = self._figure(UNITIZING, None, key, False)
            for c, figure, count in ((len(COLUMNS) + 1, tokens, "units"),
                                     (len(COLUMNS) + 2, chars, "units")):
                value = int(figure.counts.get(count, 0)) if figure else 0
                item = QTableWidgetItem(f"{value:,}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if figure is not None:
                    item.setToolTip(describe(figure))
                table.setItem(r, c, item)
        position = len(rows)
        table.setItem(position, 0, QTableWidgetItem("Position only (labels ignored)"))
        for c, (_, measure_name, method, pairwise) in enumerate(COLUMNS, start=1):
            if method in (EXACT, OVERLAP):
                other = POSITION_EXACT if method == EXACT else POSITION_OVERLAP
                table.setItem(position, c, self._cell(self._figure(measure_name, other, None, True)))
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in range(1, len(headings)):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        lines = [escape(ALL_LABELS_NOTE)]
        lines += [f"<b>—</b> {escape(reason)} ({escape(', '.join(names))})"
                  for reason, names in undefined.items()]
        if unused:
            lines.append("Labels nobody used (no row): " + escape(", ".join(unused)))
        self.undefined.setText("<span style='color:gray'>" + "<br>".join(lines) + "</span>")

    def _fill_matrix(self) -> None:
        if self.result is None:
            return
        key = self.matrix_choice.currentData()
        names = list(self.result.annotators)
        grid = self.result.matrix(key)
        table = self.matrix
        table.clear()
        table.setRowCount(len(names))
        table.setColumnCount(len(names))
        table.setHorizontalHeaderLabels(names)
        table.setVerticalHeaderLabels(names)
        table.verticalHeader().show()
        for i, a in enumerate(names):
            for j, b in enumerate(names):
                figure = self._pair_figure(key, a, b) if i != j else None
                if figure is not None:
                    item = self._cell(figure)
                else:  # the diagonal, or a pair the measure does not compare
                    value = grid[i][j]
                    item = QTableWidgetItem("" if value is None else shown(value))
                    if value is not None:
                        item.setBackground(heat(value, self.palette().color(self.backgroundRole())))
                    elif i != j:
                        item.setToolTip("F1 compares each annotator with the reference "
                                        f"({self.result.reference}) only")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                table.setItem(i, j, item)
        for header in (table.horizontalHeader(), table.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

    def _pair_figure(self, key: str, a: str, b: str) -> Figure | None:
        assert self.result is not None
        method = None if key == COHEN else OVERLAP
        for pair in ((a, b), (b, a)):
            try:
                return self.result.find(key, method, None, pair)
            except KeyError:
                continue
        return None

    def _fill_documents(self) -> None:
        assert self.result is not None
        pair = f"{self.annotators[0]}–{self.annotators[1]}"
        headings = ["Document", "α_U", "Fleiss κ", f"F1 overlap ({pair})", SPANS_COLUMN]
        table = self.documents
        table.clear()
        ordered = self.result.most_disagreed()
        table.setColumnCount(len(headings))
        table.setHorizontalHeaderLabels(headings)
        table.setRowCount(len(ordered))
        for r, doc in enumerate(ordered):
            name = QTableWidgetItem(doc.title or doc.key)
            name.setData(Qt.ItemDataRole.UserRole, doc.document_id)
            name.setToolTip(tip(f"{doc.title} ({doc.key})"))
            table.setItem(r, 0, name)
            unitizing = next((f for f in doc.figures if f.measure == UNITIZING), None)
            fleiss = next((f for f in doc.figures if f.measure == FLEISS), None)
            f1 = next((f for f in doc.figures if f.measure == F1
                       and f.annotators == tuple(self.annotators[:2])), None)
            for c, figure in enumerate((unitizing, fleiss, f1), start=1):
                table.setItem(r, c, self._cell(figure))
            units = QTableWidgetItem(f"{int(unitizing.counts.get('units', 0)) if unitizing else 0:,}")
            units.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, 4, units)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in range(1, len(headings)):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)

    def _open_document(self, index) -> None:
        item = self.documents.item(index.row(), 0)
        if item is not None:
            self.main.open_document(item.data(Qt.ItemDataRole.UserRole))
            self.main.activateWindow()

    # -- export ------------------------------------------------------------------------------
    def export_dialog(self) -> None:
        folder = self.main.settings.value("export_folder", str(Path.home()))
        path = file_dialogs.save_file(self, "Export agreement", Path(folder) / "agreement.csv",
                                      "CSV (*.csv)")
        if path:
            self.export_to(path)

    def export_to(self, target: Path) -> None:
        """Every figure (overall and per document) as the CLI's ``--csv`` writes it."""
        assert self.result is not None
        try:
            write_csv(self.result, target)
        except AnnotatorError as exc:
            show_error(self, "Could not export the agreement table", exc)
            return
        self.summary.setText(self.summary.text() + f"<br>Exported to {escape(str(target))}")
