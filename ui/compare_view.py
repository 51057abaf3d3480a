"""The compare and adjudicate window: the chosen annotators' spans over one
article (a lane in each annotator's colour under the text, gold tinted in its
label colour), the findings of :func:`annotator.compare.find`, and one
keystroke per decision of :mod:`annotator.adjudication`.

Lanes and the focused finding are painted for the visible lines only; a
decision redraws only what it changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import (QAction, QBrush, QCloseEvent, QColor, QPainter, QPalette,
                           QPen, QTextCharFormat)
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QGridLayout, QHBoxLayout, QHeaderView,
                               QLabel, QMainWindow, QMenu, QSizePolicy, QSplitter, QTableWidget,
                               QTableWidgetItem, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from annotator import adjudication
from annotator.compare import BOUNDARY, CATEGORIES, EXACT, INCOMPLETE, LABEL, ONLY_ONE, Disagreement, find
from annotator.changes import Changes, Done
from annotator.domain import DocumentData, SpanData
from annotator.errors import AnnotatorError
from annotator.nlp import snap
from annotator.schemes import Scheme
from annotator.wording import plural

from .actions import add_action
from .article import ArticleView, Shown
from .colors import is_dark, mix
from .dialogs import show_error
from .panel import excerpt, swatch
from .plain import tip
from .tasks import run_with_progress

if TYPE_CHECKING:
    from .window import MainWindow

# Okabe-Ito: told apart by colour-blind readers too.
ANNOTATOR_COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#999933")
CATEGORY_COLORS = {EXACT: "#3A9E5C", LABEL: "#E69F00", BOUNDARY: "#CC79A7",
                   INCOMPLETE: "#56B4E9", ONLY_ONE: "#8C8C8C"}
LANE = 3.0  # vertical distance between annotator lanes, pixels
LEGEND = ("tint: the label's colour, strong for gold, faint for an annotator's span · "
          "lines: annotators' spans (dashed: accepted)")


def annotator_color(index: int) -> str:
    return ANNOTATOR_COLORS[index % len(ANNOTATOR_COLORS)]


class CompareArticle(ArticleView):
    """The article with a lane per annotator under the text and gold tinted;
    lanes are painted for the visible part only."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.annotators: list[str] = []
        self.decisions: adjudication.State | None = None
        self.focus_range: tuple[int, int] | None = None  # code points
        self.changeEvent(QEvent(QEvent.Type.PaletteChange))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        """A see-through selection: the tints and lanes under it stay readable."""
        if event.type() == QEvent.Type.PaletteChange:
            palette = self.palette()
            wash = QColor(palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight))
            wash.setAlpha(60)
            if palette.color(QPalette.ColorRole.Highlight) != wash:
                for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
                    palette.setColor(group, QPalette.ColorRole.Highlight, wash)
                    palette.setColor(group, QPalette.ColorRole.HighlightedText,
                                     palette.color(QPalette.ColorRole.Text))
                self.setPalette(palette)
        super().changeEvent(event)

    def show_compare(self, document: DocumentData, scheme: Scheme, spans: list[SpanData],
                     gold: list[SpanData], state: adjudication.State) -> None:
        self.decisions = state
        self.show_document(document, scheme, gold, self._visible(spans))

    def update_compare(self, spans: list[SpanData], gold: list[SpanData],
                       state: adjudication.State) -> None:
        """Redraw the blocks of the spans that came, went or changed decision."""
        def keyed(items: list[tuple[SpanData, bool]]) -> dict[tuple[Any, ...], SpanData]:
            return {(s.id, s.start, s.end, s.label, own): s for s, own in items}

        before = keyed([(s.span, s.own) for s in self.shown])
        self.decisions = state
        others = self._visible(spans)
        after = keyed([(s, True) for s in gold] + [(s, False) for s in others])
        changed = [before.get(k) or after[k] for k in before.keys() ^ after.keys()]
        self.update_spans(gold, others, changed)

    def _visible(self, spans: list[SpanData]) -> list[SpanData]:
        """Rejected spans are hidden (the list still names them)."""
        state = self.decisions
        return [s for s in spans if state is None or state.decision(s.id) != "rejected"]

    def format_for(self, items: tuple[Shown, ...]) -> QTextCharFormat:
        """Gold spans tinted in their label colour; annotators' spans faintly."""
        assert self.scheme is not None
        base = self.palette().color(QPalette.ColorRole.Base)
        fmt = QTextCharFormat()
        gold = [i for i in items if i.own]
        chosen = gold[-1] if gold else items[-1]
        label = self.scheme.label(chosen.span.label)
        color = label.color if label else "#999999"
        fmt.setBackground(mix(color, base, (0.42 if is_dark(self.palette()) else 0.36) if gold else 0.13))
        return fmt

    def paintEvent(self, event) -> None:  # noqa: N802
        super().paintEvent(event)
        if self.scheme is None:
            return
        first = self.firstVisibleBlock().position()
        last = self.cursorForPosition(self.viewport().rect().bottomRight()).position() + 1
        seen: dict[int, Shown] = {}
        for segment in self.highlighter.index.overlapping(first, last):
            for item in segment.items:
                seen.setdefault(item.span.id, item)
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        dark = is_dark(self.palette())
        for item in seen.values():
            if item.own:
                continue
            lane = self._lane(item.span.annotator)
            color = QColor(annotator_color(lane))
            pen = QPen(color.lighter(150) if dark else color)
            pen.setWidthF(2.0)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            decision = self.decisions.decision(item.span.id) if self.decisions else "open"
            if decision == "accepted":
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            for rect in self._span_rects(max(item.start, first), min(item.end, last)):
                y = rect.bottom() - 1.0 - lane * LANE
                painter.drawLine(rect.left() + 0.5, y, rect.right() - 0.5, y)
        if self.focus_range is not None:
            pen = QPen(self.palette().color(QPalette.ColorRole.Highlight))
            pen.setWidthF(1.8)
            painter.setPen(pen)
            a, b = self.offsets.span_to_view(*self.focus_range)
            for rect in self._span_rects(a, b):
                painter.drawRoundedRect(rect.adjusted(-2, 0.5, 2, -0.5), 3, 3)
        painter.end()

    def _lane(self, annotator: str) -> int:
        return self.annotators.index(annotator) if annotator in self.annotators else len(self.annotators)

    def tooltip(self, items: tuple[Shown, ...]) -> str:
        rows = []
        for item in reversed(items):
            label = self.scheme.label(item.span.label) if self.scheme else None
            name = escape(label.name if label else item.span.label)
            color = label.color if label else "#999999"
            if item.own:
                who = f"<b>gold</b> ({escape(str(item.span.provenance.get('decision', '')))})"
            else:
                lane = self._lane(item.span.annotator)
                decision = self.decisions.decision(item.span.id) if self.decisions else "open"
                who = (f"<span style='color:{annotator_color(lane)}'>&#9473;</span> "
                       f"{escape(item.span.annotator)} &middot; {decision}")
            rows.append(f"<span style='color:{color}'>&#9632;</span> <b>{name}</b> &mdash; {who}")
        return "<br>".join(rows)


class CompareWindow(QMainWindow):
    """Findings of one article at a time; a keystroke settles the focused one."""

    def __init__(self, main: MainWindow, annotators: list[str],
                 premerge: Callable[[Callable[[], None]], None]):
        super().__init__(main, Qt.WindowType.Window)
        self.main = main
        self._premerge = premerge  # the Review menu's dialog, then a reload
        self.project = main.project
        self.annotators = annotators
        self.gold = adjudication.GOLD
        self.document: DocumentData | None = None
        self.spans: list[SpanData] = []  # the compared annotators' spans of the document
        self.every: list[Disagreement] = []  # all its findings
        self.findings: list[Disagreement] = []  # those the filters keep
        self.state = adjudication.State((), frozenset(), frozenset())
        self.setWindowTitle("Compare and adjudicate — " + " · ".join(annotators))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(1400, 860)

        self.documents = QTableWidget(0, 4)
        self.documents.setHorizontalHeaderLabels(["Document", "Open", "Settled", "Gold"])
        self.documents.setToolTip("Per document: findings still open, findings settled, gold spans "
                                  "(✓: marked adjudicated)")
        self._table_look(self.documents)
        self.documents.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            self.documents.horizontalHeader().setSectionResizeMode(
                column, QHeaderView.ResizeMode.ResizeToContents)
        self.documents.itemSelectionChanged.connect(self._document_chosen)

        self.title = QLabel()
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.title.setContentsMargins(18, 10, 18, 2)
        self.legend = QLabel()
        self.legend.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)  # no resize loop
        self.legend.setToolTip(LEGEND)
        self.legend.setContentsMargins(18, 0, 18, 6)
        self.legend.setText(self._legend_html())
        self.article = CompareArticle()
        self.article.annotators = annotators
        self.article.spanClicked.connect(self._span_clicked)
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.setSpacing(0)
        centre_layout.addWidget(self.title)
        centre_layout.addWidget(self.legend)
        centre_layout.addWidget(self.article, 1)

        self.label_filter = QComboBox()
        self.label_filter.addItem("All labels", "")
        self.category_filter = QComboBox()
        self.category_filter.addItem("All findings", "")
        self.category_filter.addItem("Disagreements only", "disagreements")
        for category in CATEGORIES:
            self.category_filter.addItem(swatch(CATEGORY_COLORS[category], 10, 1.0),
                                         _category_title(category), category)
        self.category_filter.setCurrentIndex(1)
        self.edit_label = QComboBox()
        for label in self.project.scheme.labels:
            self.label_filter.addItem(swatch(label.color), label.name, label.key)
            self.edit_label.addItem(swatch(label.color), label.name, label.key)
        self.edit_label.setToolTip("The label E gives the gold span")
        self.label_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.category_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.list = QTreeWidget()
        self.list.setHeaderLabels(["Finding", "Labels (annotator: label)", "Text", "Decision"])
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setAlternatingRowColors(True)
        self.list.header().setStretchLastSection(False)
        self.list.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column in (0, 3):
            self.list.header().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.list.header().resizeSection(1, 190)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.currentItemChanged.connect(lambda *_: self._focus_changed())
        self.count = QLabel()
        self.count.setStyleSheet("color: gray")
        keys = QLabel(self._keys_html())
        keys.setWordWrap(True)
        keys.setTextFormat(Qt.TextFormat.RichText)
        right = QWidget()
        grid = QGridLayout(right)
        grid.setContentsMargins(6, 8, 8, 8)
        heading = QHBoxLayout()
        heading.addWidget(QLabel("<b>Findings</b>"))
        heading.addStretch(1)
        heading.addWidget(self.count)
        grid.addLayout(heading, 0, 0, 1, 2)
        grid.addWidget(self.category_filter, 1, 0)
        grid.addWidget(self.label_filter, 1, 1)
        grid.addWidget(self.list, 2, 0, 1, 2)
        edit_row = QHBoxLayout()
        edit_row.addWidget(QLabel("Label for E:"))
        edit_row.addWidget(self.edit_label, 1)
        grid.addLayout(edit_row, 3, 0, 1, 2)
        grid.addWidget(keys, 4, 0, 1, 2)
        grid.setRowStretch(2, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.documents)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([250, 680, 470])
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)
        self._make_actions()
        main.ops.changed.connect(self._on_changed)
        geometry = main.settings.value("compare/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        splitter = main.settings.value("compare/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.main.settings.setValue("compare/geometry", self.saveGeometry())
        self.main.settings.setValue("compare/splitter", self.splitter.saveState())
        super().closeEvent(event)

    def event(self, event: QEvent) -> bool:
        """Close when the main window has moved to another project."""
        if event.type() == QEvent.Type.WindowActivate and self.main.project is not self.project:
            self.close()
            return True
        return super().event(event)

    @staticmethod
    def _table_look(table: QTableWidget) -> None:
        table.verticalHeader().hide()
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.setAlternatingRowColors(True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def _legend_html(self) -> str:
        chips = [f"<span style='color:{annotator_color(n)}; font-size:15px'>&#9644;</span>&nbsp;"
                 f"<b>{n + 1}</b>&nbsp;{escape(name)}" for n, name in enumerate(self.annotators)]
        return ("&nbsp;&nbsp;&nbsp;".join(chips)
                + "&nbsp;&nbsp;&nbsp;<span style='color:gray'>" + LEGEND + "</span>")

    def _keys_html(self) -> str:
        numbers = ", ".join(str(n + 1) for n in range(len(self.annotators)))
        rows = [("N / Shift+N", "next / previous finding"),
                (numbers, "accept that annotator's span"), ("A", "accept all"),
                ("R", "reject"), ("E", "gold span from the selection (or the finding) with the label chosen"),
                ("Ctrl+Return", "document adjudicated"), ("Ctrl+Z", "undo")]
        return ("<table cellspacing=2 style='color:gray'>"
                + "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{v}</td></tr>" for k, v in rows)
                + "</table>")

    def add_command(self, menu: QMenu, text: str, slot: Callable[[], Any], keys: Sequence[str]) -> QAction:
        return add_action(self, menu, text, slot, keys)

    def _make_actions(self) -> None:
        bar = self.menuBar()
        go = bar.addMenu("&Go")
        self.add_command(go, "&Next finding", lambda: self.step(1), ["N", "F8"])
        self.add_command(go, "&Previous finding", lambda: self.step(-1), ["Shift+N", "Shift+F8"])
        go.addSeparator()
        self.add_command(go, "Next &document", lambda: self.step_document(1), ["Alt+Right", "PgDown"])
        self.add_command(go, "Pre&vious document", lambda: self.step_document(-1), ["Alt+Left", "PgUp"])
        decide = bar.addMenu("&Adjudicate")
        for n, name in enumerate(self.annotators[:9]):
            self.add_command(decide, f"Accept {name}'s span", lambda n=n: self.accept_annotator(n), [str(n + 1)])
        self.add_command(decide, "Accept &all", self.accept_all, ["A"])
        self.add_command(decide, "&Reject", self.reject, ["R"])
        self.add_command(decide, "&Edit boundary or label", self.edit, ["E"])
        decide.addSeparator()
        self.add_command(decide, "Document &adjudicated", self.toggle_done, ["Ctrl+Return"])
        self.add_command(decide, "&Pre-merge agreed spans…", self.premerge, [])
        edit = bar.addMenu("&Edit")
        self.add_command(edit, "&Undo", self.undo, ["Ctrl+Z"])
        self.add_command(edit, "&Redo", self.redo, ["Ctrl+Shift+Z", "Ctrl+Y"])
        edit.addSeparator()
        self.add_command(edit, "&Close", self.close, ["Ctrl+W"])

    # -- documents ----------------------------------------------------------------------
    def start(self, document_id: int | None = None) -> None:
        """Fill the progress table (in the worker), then show ``document_id`` or the first."""
        self.reload(lambda: self._show_first(document_id))

    def _show_first(self, document_id: int | None) -> None:
        ids = self._row_ids()
        if document_id not in ids:
            document_id = ids[0] if ids else None
        if document_id is None:
            self.title.setText("<h3>Nothing to compare</h3><p>These annotators have no spans yet.</p>")
            return
        self.show_document(document_id)

    def reload(self, then: Callable[[], None] | None = None) -> None:
        """The per-document progress table, computed in the worker (seconds on
        10,000 documents), then the current document redrawn."""
        project, annotators, gold = self.project, self.annotators, self.gold

        def work(progress: Callable[[int, int], None]) -> list[adjudication.DocumentProgress]:
            progress(0, 1)
            return adjudication.progress(project, annotators, gold=gold)

        def done(rows: list[adjudication.DocumentProgress]) -> None:
            self.documents.blockSignals(True)
            self.documents.setRowCount(len(rows))
            for r, row in enumerate(rows):
                self._fill_row(r, row)
            self.documents.blockSignals(False)
            if then is not None:
                then()
            elif self.document is not None:
                self.show_document(self.document.id, keep=True)

        run_with_progress(self, "Finding where the annotators differ…", work, done,
                          lambda exc: show_error(self, "Could not compare the annotators", exc))

    def _fill_row(self, r: int, row: adjudication.DocumentProgress) -> None:
        done = row.status == "done"
        name = QTableWidgetItem(("✓ " if done else "") + (row.title or row.key))
        name.setData(Qt.ItemDataRole.UserRole, row.document_id)
        name.setToolTip(tip(f"{row.title or row.key}\n{plural(row.findings, 'finding')}, "
                            f"{row.decided} settled, "
                            f"{row.open} open; {plural(row.agreements, 'exact agreement')}; "
                            f"{plural(row.gold_spans, 'gold span')}" + ("; adjudicated" if done else "")))
        cells = [name, QTableWidgetItem(str(row.open)), QTableWidgetItem(str(row.decided)),
                 QTableWidgetItem(str(row.gold_spans))]
        for c, cell in enumerate(cells):
            if c:
                cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if row.open == 0 and row.findings:
                cell.setForeground(QBrush(QColor("#3A9E5C")))
            self.documents.setItem(r, c, cell)
        if row.open:
            font = cells[1].font()
            font.setBold(True)
            cells[1].setFont(font)

    def _row_ids(self) -> list[int]:
        return [self.documents.item(r, 0).data(Qt.ItemDataRole.UserRole)
                for r in range(self.documents.rowCount())]

    def _document_chosen(self) -> None:
        rows = self.documents.selectionModel().selectedRows()
        if rows:
            doc_id = self.documents.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
            if self.document is None or doc_id != self.document.id:
                self.show_document(doc_id)

    def step_document(self, step: int) -> None:
        ids = self._row_ids()
        if self.document is None or self.document.id not in ids:
            return
        index = ids.index(self.document.id) + step
        if 0 <= index < len(ids):
            self.show_document(ids[index])

    def show_document(self, document_id: int, keep: bool = False) -> None:
        try:
            document = self.project.document(document_id)
        except AnnotatorError as exc:
            show_error(self, "Could not open the document", exc)
            return
        fresh = self.document is None or self.document.id != document_id or not keep
        self.document = document
        meta = " · ".join(escape(x) for x in (document.outlet, document.published) if x)
        self.title.setText(f"<div style='font-size:16px; font-weight:600'>"
                           f"{escape(document.title or document.key)}</div>"
                           + (f"<div style='color:gray'>{meta}</div>" if meta else ""))
        self.title.setToolTip(tip(document.title or document.key))
        ids = self._row_ids()
        if document_id in ids:
            self.documents.blockSignals(True)
            self.documents.selectRow(ids.index(document_id))
            self.documents.blockSignals(False)
        spans = self.project.spans(document_id, [*self.annotators, self.gold])
        self.spans = [s for s in spans if s.annotator != self.gold]
        gold = [s for s in spans if s.annotator == self.gold]
        self.every = find(document_id, self.spans, self.annotators)
        self.state = adjudication.state(self.project, document_id, self.gold)
        if fresh:
            self.article.show_compare(document, self.project.scheme, self.spans, gold, self.state)
        else:
            self.article.update_compare(self.spans, gold, self.state)
        self.refresh(focus=None if fresh else self.focused_index())
        if fresh:
            self.step(1, from_start=True)

    # -- findings -------------------------------------------------------------------------
    def refresh(self, focus: int | None = None) -> None:
        """Refill the list with the findings the filters keep (a label mismatch
        shows under either label, as in :func:`annotator.compare.compare`)."""
        if self.document is None:
            return
        if focus is None:
            focus = self.focused_index()
        label = self.label_filter.currentData()
        category = self.category_filter.currentData()
        self.findings = [f for f in self.every if (not label or label in f.labels)
                         and (not category or f.category == category
                              or (category == "disagreements" and f.category != EXACT))]
        self.list.blockSignals(True)
        self.list.clear()
        for finding in self.findings:
            self.list.addTopLevelItem(self._item(finding))
        self.list.blockSignals(False)
        self._count()
        if self.findings and focus is not None:
            self.focus(min(focus, len(self.findings) - 1))
        else:
            self.article.focus_range = None
            self.article.viewport().update()

    def _count(self) -> None:
        open_count = sum(1 for f in self.findings if f.category != EXACT
                         and self.state.finding(f) == "open")  # as the progress table
        self.count.setText(f"{len(self.findings)} shown · {open_count} open")

    def _item(self, finding: Disagreement) -> QTreeWidgetItem:
        scheme = self.project.scheme
        text = self.document.text[finding.start:finding.end] if self.document else ""
        parts = []
        for span in sorted(finding.spans, key=lambda s: self._lane(s.annotator)):
            label = scheme.label(span.label)
            parts.append(f"{self._lane(span.annotator) + 1}:{label.name if label else span.label}")
        item = QTreeWidgetItem([SHORT_TITLES[finding.category], "  ".join(parts),
                                excerpt(text, 60)])
        item.setIcon(0, swatch(CATEGORY_COLORS[finding.category], 10, 1.0))
        self._show_decision(item, finding)
        return item

    def _show_decision(self, item: QTreeWidgetItem, finding: Disagreement) -> None:
        """The decision column and the tooltip (they change with every decision)."""
        scheme = self.project.scheme
        assert self.document is not None
        decision = self.state.finding(finding)
        item.setText(3, decision)
        tip = [f"<b>{escape(finding.title)}</b>"]
        for span in finding.spans:
            label = scheme.label(span.label)
            tip.append(f"<span style='color:{annotator_color(self._lane(span.annotator))}'>&#9644;</span> "
                       f"{escape(span.annotator)}: {escape(label.name if label else span.label)} "
                       f"&laquo;{escape(excerpt(self.document.text[span.start:span.end], 50))}&raquo; "
                       f"({self.state.decision(span.id)})")
        if finding.missing:
            tip.append("No span from: " + escape(", ".join(finding.missing)))
        item.setToolTip(0, "<br>".join(tip))
        item.setToolTip(1, "<br>".join(tip))
        colors = {"accepted": "#3A9E5C", "rejected": "#B3261E", "partly": "#B07A00"}
        item.setForeground(3, QBrush(QColor(colors[decision])) if decision in colors
                           else self.list.palette().text())
        font = item.font(2)
        font.setStrikeOut(decision == "rejected")
        item.setFont(2, font)

    def _lane(self, annotator: str) -> int:
        return self.annotators.index(annotator) if annotator in self.annotators else len(self.annotators)

    def focused_index(self) -> int | None:
        item = self.list.currentItem()
        return self.list.indexOfTopLevelItem(item) if item is not None else None

    def focused(self) -> Disagreement | None:
        index = self.focused_index()
        return self.findings[index] if index is not None and index < len(self.findings) else None

    def focus(self, index: int) -> None:
        self.list.setCurrentItem(self.list.topLevelItem(index))
        self._focus_changed()

    def _focus_changed(self) -> None:
        finding = self.focused()
        if finding is None:
            self.article.focus_range = None
            self.article.viewport().update()
            return
        self.article.focus_range = (finding.start, finding.end)
        self.article.select_codepoints(finding.start, finding.end)  # what E settles, unless changed
        self.article.centerCursor()
        self.article.viewport().update()
        first = next((s.label for s in finding.spans), None)
        index = self.edit_label.findData(first)
        if index >= 0:
            self.edit_label.setCurrentIndex(index)
        self.statusBar().showMessage(f"{finding.title} — {', '.join(finding.annotators)}"
                                     + (f"; nothing from {', '.join(finding.missing)}"
                                        if finding.missing else ""))

    def step(self, step: int, from_start: bool = False) -> None:
        """Focus the next (previous) finding, wrapping around."""
        if not self.findings:
            self.statusBar().showMessage("No findings here with this filter", 3000)
            return
        index = self.focused_index()
        if from_start or index is None:
            index = 0 if step > 0 else len(self.findings) - 1
        else:
            index = (index + step) % len(self.findings)
        self.focus(index)
        self.list.scrollToItem(self.list.currentItem())

    def _span_clicked(self, span: SpanData | None) -> None:
        if span is None:
            return
        for n, finding in enumerate(self.findings):
            if any(s.id == span.id for s in finding.spans):
                self.focus(n)
                return

    # -- decisions (each one transaction, undoable) ---------------------------------------
    def _decide(self, what: str, call: Callable[[], Done[Any]]) -> None:
        self.main.ops.run(call, initiator=self, label=what)

    def _on_changed(self, changes: Changes, initiator: object) -> None:
        """Redraw the document shown if the changes touch it: only the gold layer
        and the decisions after one of ours, everything after any other change."""
        if self.document is None or not changes.touches(self.document.id):
            return
        ours = initiator is self and not (changes.spans and not changes.gold)
        if not ours:
            self.show_document(self.document.id, keep=True)
        self._after_edit()

    def _after_edit(self) -> None:
        """A decision changes only the gold layer and the rejections: redraw
        those, the decision column and this document's progress row."""
        assert self.document is not None
        doc_id = self.document.id
        before = self.state
        self.state = adjudication.state(self.project, doc_id, self.gold)
        self.article.update_compare(self.spans, list(self.state.gold), self.state)
        moved = (before.accepted ^ self.state.accepted) | (before.rejected ^ self.state.rejected)
        for n, finding in enumerate(self.findings):
            if any(s.id in moved for s in finding.spans):
                self._show_decision(self.list.topLevelItem(n), finding)
        self._count()
        self._focus_changed()
        ids = self._row_ids()
        if doc_id in ids:
            self._fill_row(ids.index(doc_id), adjudication.DocumentProgress.of(
                doc_id, self.document.key, self.document.title, self.every, self.state,
                self.project.status(doc_id, self.gold)))

    def _need(self) -> Disagreement | None:
        finding = self.focused()
        if finding is None:
            self.statusBar().showMessage("Choose a finding first (N)", 3000)
        return finding

    def accept_annotator(self, n: int) -> None:
        finding = self._need()
        if finding is None:
            return
        theirs = {(s.start, s.end, s.label) for s in finding.spans if s.annotator == self.annotators[n]}
        ids = [s.id for s in finding.spans if (s.start, s.end, s.label) in theirs]  # and who agrees
        if not ids:
            self.statusBar().showMessage(f"{self.annotators[n]} has no span here", 3000)
            return
        self._decide("Could not accept the span", lambda: self._say_replaced(
            adjudication.accept(self.project, ids, self.main.annotator, gold=self.gold)))

    def _say_replaced(self, done: Done[adjudication.Accepted]) -> Done[adjudication.Accepted]:
        result = done.value
        if result.replaced:
            text = self.document.text if self.document else ""
            old = "; ".join(f"“{text[g.start:g.end]}”" for g in result.replaced)
            message = f"Accepted; it replaced the gold span {old} (Ctrl+Z undoes)"
            QTimer.singleShot(0, lambda: self.statusBar().showMessage(message, 6000))  # after the redraw
        return done

    def accept_all(self) -> None:
        finding = self._need()
        if finding is not None:
            ids = [s.id for s in finding.spans]
            self._decide("Could not accept the spans",
                         lambda: adjudication.accept(self.project, ids, self.main.annotator, gold=self.gold))

    def reject(self) -> None:
        finding = self._need()
        if finding is None:
            return
        ids = [s.id for s in finding.spans if self.state.decision(s.id) == "open"]
        if not ids:
            self.statusBar().showMessage("Already settled (Ctrl+Z undoes a decision)", 3000)
            return
        self._decide("Could not reject the spans",
                     lambda: adjudication.reject(self.project, ids, self.main.annotator, gold=self.gold))

    def edit(self) -> None:
        """A gold span over the selection (else the finding) with the chosen label."""
        finding = self._need()
        if finding is None or self.document is None:
            return
        selected = self.article.selection_codepoints() or (finding.start, finding.end)
        label = self.edit_label.currentData()
        snapped = snap(self.document.text, *selected, label=self.project.scheme.label(label))
        if snapped is None:
            self.statusBar().showMessage("Nothing to settle: the selection is only white space", 3000)
            return
        ids = [s.id for s in finding.spans]
        self._decide("Could not settle the span",
                     lambda: adjudication.settle(self.project, ids, self.main.annotator, label=label,
                                                 start=snapped[0], end=snapped[1], gold=self.gold))

    def toggle_done(self) -> None:
        if self.document is None:
            return
        doc_id = self.document.id

        def call() -> Done[str]:
            adjudication.ensure_gold(self.project, self.gold)
            done = self.project.status(doc_id, self.gold) == "done"
            return self.project.set_status(doc_id, self.gold, "in_progress" if done else "done")

        self._decide("Could not change the status", call)

    def premerge(self) -> None:
        self._premerge(self.reload)

    def undo(self) -> None:
        self.main.undo()  # the change comes back through ``_on_changed``
        self.activateWindow()

    def redo(self) -> None:
        self.main.redo()
        self.activateWindow()


def _category_title(category: str) -> str:
    return {EXACT: "Exact agreement", LABEL: "Label mismatch", BOUNDARY: "Boundary mismatch",
            INCOMPLETE: "Incomplete", ONLY_ONE: "Only one annotator"}[category]


SHORT_TITLES = {EXACT: "Exact", LABEL: "Label", BOUNDARY: "Boundary", INCOMPLETE: "Incomplete",
                ONLY_ONE: "Only one"}  # the list's first column (the tooltip says it in full)
