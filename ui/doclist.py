"""The document list: a lazy model over ``Project.summaries`` and its panel.

The model holds one page of summaries at a time more than it shows (Qt's
fetch-more pattern); counting, searching and filtering happen in SQL, so a
project of 100,000 documents opens as fast as one of ten.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer,
                            Signal)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLineEdit,
                               QTableView, QVBoxLayout, QWidget)

from annotator.domain import DocumentFilter, DocumentSummary
from annotator.wording import plural

from .dialogs import show_error
from .plain import tip
from .tasks import run_query

if TYPE_CHECKING:
    from annotator.project import Project

PAGE = 200
STATUS_TEXT = {"todo": "To do", "in_progress": "In progress", "done": "Done"}
STATUS_MARK = {"todo": "○", "in_progress": "◐", "done": "●"}
AnyIndex = QModelIndex | QPersistentModelIndex


class DocumentListModel(QAbstractTableModel):
    """Summaries of documents (no texts), fetched a page at a time."""

    HEADERS = ("Title", "Outlet", "Spans", "Status")  # status shown as ○ ◐ ●
    IdRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, project: Project | None, annotator: str, parent: Any = None):
        super().__init__(parent)
        self.project = project
        self.annotator = annotator
        self.search = ""
        self.status: str | None = None
        self.where = DocumentFilter()  # outlet, date range, story
        self._rows: list[DocumentSummary] = []
        self._row_of: dict[int, int] = {}
        self._total = 0
        self.reload()

    # -- queries -------------------------------------------------------------
    def reload(self, *, search: str | None = None, status: str | None | bool = False,
               annotator: str | None = None) -> None:
        """Start over (new filter or annotator): count, then the first page."""
        if search is not None:
            self.search = search
        if status is not False:
            self.status = status  # type: ignore[assignment]
        if annotator is not None:
            self.annotator = annotator
        self.beginResetModel()
        self._rows, self._row_of, self._total = [], {}, 0
        if self.project is not None:
            self._total = self.project.summary_count(self.annotator, search=self.search,
                                                     status=self.status, where=self.where)
            self._append(self._page(0))
        self.endResetModel()

    def query(self, search: str, status: str | None,
              where: DocumentFilter = DocumentFilter()) -> tuple[int, list[DocumentSummary]]:
        """Count and first page for a filter (safe to run on a worker thread)."""
        assert self.project is not None
        total = self.project.summary_count(self.annotator, search=search, status=status,
                                           where=where)
        return total, self.project.summaries(self.annotator, offset=0, limit=PAGE,
                                             search=search, status=status, where=where)

    def show_result(self, search: str, status: str | None, total: int,
                    rows: list[DocumentSummary], where: DocumentFilter = DocumentFilter()) -> None:
        """Show what :meth:`query` found."""
        self.beginResetModel()
        self.search, self.status, self._total, self.where = search, status, total, where
        self._rows, self._row_of = [], {}
        self._append(rows)
        self.endResetModel()

    def _page(self, offset: int) -> list[DocumentSummary]:
        assert self.project is not None
        return self.project.summaries(self.annotator, offset=offset, limit=PAGE,
                                      search=self.search, status=self.status, where=self.where)

    def _append(self, rows: list[DocumentSummary]) -> None:
        for row in rows:
            self._row_of[row.id] = len(self._rows)
            self._rows.append(row)

    @property
    def total(self) -> int:
        return self._total

    def summary(self, row: int) -> DocumentSummary:
        return self._rows[row]

    def row_of(self, document_id: int) -> int | None:
        return self._row_of.get(document_id)

    def update_document(self, document_id: int, *, span_count: int, status: str) -> None:
        """Show a document's new counts after an edit (no query)."""
        row = self._row_of.get(document_id)
        if row is None:
            return
        self._rows[row] = replace(self._rows[row], span_count=span_count, status=status)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))

    # -- Qt model ----------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: N802
        if parent.isValid():
            return
        rows = self._page(len(self._rows))
        if not rows:
            self._total = len(self._rows)  # the project shrank meanwhile
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(rows) - 1)
        self._append(rows)
        self.endInsertRows()

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return row.title or row.external_id or f"Document {row.id}"
            if column == 1:
                return row.outlet or ""
            if column == 2:
                return row.span_count
            if column == 3:
                return STATUS_MARK.get(row.status, "?")
        elif role == Qt.ItemDataRole.ToolTipRole:
            key = row.external_id or row.id
            return tip(f"{row.title}\n{row.outlet or ''} · id {key}\n"
                       f"{plural(row.span_count, 'span')} · {STATUS_TEXT.get(row.status, row.status)}")
        elif role == Qt.ItemDataRole.AccessibleTextRole and column == 3:
            return STATUS_TEXT.get(row.status, row.status)
        elif role == Qt.ItemDataRole.TextAlignmentRole and column in (2, 3):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        elif role == Qt.ItemDataRole.ForegroundRole and column == 3 and row.status == "done":
            return QColor("#2E8B57")
        elif role == self.IdRole:
            return row.id
        return None


class DocumentList(QWidget):
    """Search box, status filter and the list; emits the document chosen."""

    documentChosen = Signal(int)
    busy = Signal(bool)
    filtered = Signal()

    def __init__(self, model: DocumentListModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.search = QLineEdit(placeholderText="Search titles and text")
        self.search.setClearButtonEnabled(True)
        self.filter = QComboBox()
        self.filter.addItem("All", None)
        for key, text in STATUS_TEXT.items():
            self.filter.addItem(f"{STATUS_MARK[key]} {text}", key)
        self.outlet = QComboBox()
        self.outlet.setToolTip("Only the documents of one outlet")
        self.story = QComboBox()
        self.story.setToolTip("Only the documents of one story (near copies across outlets)")
        self.date_from = QLineEdit(placeholderText="from YYYY-MM-DD")
        self.date_to = QLineEdit(placeholderText="to YYYY-MM-DD")
        for box in (self.date_from, self.date_to):
            box.setClearButtonEnabled(True)
            box.setToolTip("Publication dates, both ends included (2024-03: all of March)")
        self.view = QTableView()
        self.view.setModel(model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.view.setShowGrid(False)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 90)
        for column in (2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setHighlightSections(False)
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard belongs to the article
        self._generation = 0
        self._debounce = QTimer(self, singleShot=True, interval=250)
        for box in (self.date_from, self.date_to):
            box.textChanged.connect(lambda _t: self._debounce.start())
        self._debounce.timeout.connect(self._apply_filter)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.filter.currentIndexChanged.connect(lambda _i: self._apply_filter())
        for combo in (self.outlet, self.story):
            combo.activated.connect(lambda _i: self._apply_filter())
        self.view.clicked.connect(lambda index: self.documentChosen.emit(index.data(model.IdRole)))
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.search, 1)
        top.addWidget(self.filter)
        details = QHBoxLayout()
        details.setContentsMargins(0, 0, 0, 0)
        details.addWidget(self.outlet, 1)
        details.addWidget(self.story, 1)
        dates = QHBoxLayout()
        dates.setContentsMargins(0, 0, 0, 0)
        dates.addWidget(self.date_from)
        dates.addWidget(self.date_to)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 0, 6)
        layout.addLayout(top)
        layout.addLayout(details)
        layout.addLayout(dates)
        layout.addWidget(self.view, 1)

    def _apply_filter(self) -> None:
        """Search in the background (a text search of 100,000 articles takes
        half a second); only the latest search's result is shown."""
        if self.model.project is None:
            return
        self._generation += 1
        generation = self._generation
        search, status = self.search.text().strip(), self.filter.currentData()
        where = DocumentFilter(outlet=self.outlet.currentData(), story=self.story.currentData(),
                               date_from=self.date_from.text().strip() or None,
                               date_to=self.date_to.text().strip() or None)
        self.busy.emit(True)

        def done(result: tuple[int, list[DocumentSummary]]) -> None:
            if generation == self._generation:
                self.model.show_result(search, status, *result, where=where)
                self.busy.emit(False)
                self.filtered.emit()

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self.busy.emit(False)
                show_error(self, "The search failed", exc)

        run_query(self, lambda: self.model.query(search, status, where), done, failed)

    def fill_choices(self) -> None:
        """The outlets and stories of the project in the filter boxes (the choice kept)."""
        if self.model.project is None:
            return
        for combo, field, everything in ((self.outlet, "outlet", "All outlets"),
                                         (self.story, "story", "All stories")):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, None)
            for value, n in self.model.project.document_values(field):
                combo.addItem(f"{value} ({n})", value)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
            combo.blockSignals(False)
            combo.setVisible(combo.count() > 1)

    def select(self, document_id: int) -> None:
        """Highlight a document's row, fetching pages until it shows (if it is listed)."""
        row = self.model.row_of(document_id)
        # rows come in id order: stop once past the id
        while row is None and self.model.canFetchMore() \
                and self.model.summary(self.model.rowCount() - 1).id < document_id:
            self.model.fetchMore()
            row = self.model.row_of(document_id)
        if row is None:
            self.view.clearSelection()
            return
        self.view.selectRow(row)
        self.view.scrollTo(self.model.index(row, 0))

    def neighbour(self, document_id: int, step: int) -> int | None:
        """The id of the next (+1) or previous (-1) document in the list."""
        row = self.model.row_of(document_id)
        if row is None:
            return self.model.summary(0).id if self.model.rowCount() else None
        target = row + step
        if target >= self.model.rowCount() and self.model.canFetchMore():
            self.model.fetchMore()
        if 0 <= target < self.model.rowCount():
            return self.model.summary(target).id
        return None
