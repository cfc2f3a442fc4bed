"""The document list: a lazy table model over ``DocumentRows`` and the view around it.

The model asks its source for the number of rows at once (so the scroll bar is right for
100,000 documents) but reads the rows themselves a page at a time, when the view paints
them, and keeps only the most recently used pages.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.listing import DocumentRow, DocumentRows, ListFilter
from widgets.plain_text import plain_tooltip

PAGE_SIZE = 200
MAX_PAGES = 64
FILTER_DELAY_MS = 150
COLUMNS = ("Document", "Status", "Spans")
SPANS_COLUMN = COLUMNS.index("Spans")
STATUS_WORDS = {"todo": "To do", "done": "Done", "skipped": "Skipped", "flagged": "Flagged"}
STATUS_COLORS = {"todo": "#5c6b7a", "done": "#2e7d32", "skipped": "#8a8a8a", "flagged": "#c62828"}
DOC_ID_ROLE = Qt.ItemDataRole.UserRole + 1

AnyIndex = QModelIndex | QPersistentModelIndex


def status_icon(status: str) -> QIcon:
    """A small round cue for a status: filled in its colour, a ring for todo."""
    pixmap = QPixmap(12, 12)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    color = QColor(STATUS_COLORS.get(status, "#000000"))
    painter.setPen(color)
    if status != "todo":
        painter.setBrush(color)
    painter.drawEllipse(1, 1, 10, 10)
    painter.end()
    return QIcon(pixmap)


class DocumentListModel(QAbstractTableModel):
    """The documents of a label file, one row each, read lazily from a ``DocumentRows``.

    Columns: the document (title, or id), its status and its span count. Rows are read in
    pages of ``page_size`` when first shown; at most ``MAX_PAGES`` pages are kept.
    """

    def __init__(self, parent: QWidget | None = None, page_size: int = PAGE_SIZE) -> None:
        super().__init__(parent)
        self._source: DocumentRows | None = None
        self._filter = ListFilter()
        self._count = 0
        self._page_size = page_size
        self._pages: OrderedDict[int, list[DocumentRow]] = OrderedDict()
        self._icons: dict[str, QIcon] = {}

    # -- what the window calls --------------------------------------------------------------

    @property
    def list_filter(self) -> ListFilter:
        """The filter the rows are under."""
        return self._filter

    def set_source(self, source: DocumentRows | None) -> None:
        """Show the rows of ``source`` (None: no rows)."""
        self._reset(source, self._filter)

    def set_filter(self, list_filter: ListFilter) -> None:
        """Show only the documents passing ``list_filter``."""
        if list_filter != self._filter:
            self._reset(self._source, list_filter)

    def row_of(self, doc_id: str) -> int | None:
        """The row showing ``doc_id``; None if it is not in the (filtered) list."""
        return None if self._source is None else self._source.row_of(self._filter, doc_id)

    def doc_id_at(self, row: int) -> str:
        """The id of the document in ``row``."""
        return self.document_row(row).doc_id

    def document_row(self, row: int) -> DocumentRow:
        """Everything shown in ``row``, read from the source if not cached."""
        if not 0 <= row < self._count:
            raise IndexError(f"row {row} is outside the list of {self._count} documents")
        page, at = divmod(row, self._page_size)
        rows = self._page(page)
        if at >= len(rows):
            raise IndexError(f"row {row} is no longer in the list; it changed underneath")
        return rows[at]

    def refresh_row(self, doc_id: str) -> None:
        """Read ``doc_id``'s row again after a change; reset if the change moved it."""
        if self._source is None:
            return
        fresh = self._source.row(doc_id)
        row = self._source.row_of(self._filter, doc_id)
        count = self._source.count(self._filter)
        if fresh is None or count != self._count or not self._replace_cached(row, fresh):
            self._reset(self._source, self._filter)
        elif row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def show_span_count(self, doc_id: str, count: int) -> None:
        """Show ``count`` as ``doc_id``'s span count, known by the caller: no read.

        Only a cached row changes; a row not read yet is read with its count when shown.
        """
        for page, rows in self._pages.items():
            for at, row in enumerate(rows):
                if row.doc_id == doc_id:
                    if row.span_count != count:
                        rows[at] = replace(row, span_count=count)
                        index = self.index(page * self._page_size + at, SPANS_COLUMN)
                        self.dataChanged.emit(index, index)
                    return

    # -- Qt overrides -----------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Qt override: every document passing the filter (rows are read later)."""
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Qt override: document, status, spans."""
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Qt override: the text, cue and tooltip of one cell."""
        if not index.isValid():
            return None
        try:
            row = self.document_row(index.row())
        except IndexError:  # the file changed underneath; the next reset catches up
            return None
        if role == DOC_ID_ROLE:
            return row.doc_id
        return self._cell(row, index.column(), role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Qt override: the column titles."""
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        """Qt override: rows are selectable, never editable."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    # -- inside -----------------------------------------------------------------------------

    def _cell(self, row: DocumentRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.title, STATUS_WORDS.get(row.status, row.status), row.span_count)[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = row.doc_id if row.title == row.doc_id else f"{row.title}\n{row.doc_id}"
            return plain_tooltip(tip)  # ids and titles come from pages: never rich text
        if column == 1 and role == Qt.ItemDataRole.DecorationRole:
            return self._icon(row.status)
        if column == 1 and role == Qt.ItemDataRole.ForegroundRole:
            return QColor(STATUS_COLORS.get(row.status, "#000000"))
        if column == 2 and role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _icon(self, status: str) -> QIcon:
        if status not in self._icons:
            self._icons[status] = status_icon(status)
        return self._icons[status]

    def _page(self, page: int) -> list[DocumentRow]:
        if page in self._pages:
            self._pages.move_to_end(page)
            return self._pages[page]
        assert self._source is not None  # a row exists, so a source does
        rows = self._source.rows(self._filter, page * self._page_size, self._page_size)
        self._pages[page] = rows
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        return rows

    def _replace_cached(self, row: int | None, fresh: DocumentRow) -> bool:
        """Put ``fresh`` in its cached place; False if the row moved in or out of the list."""
        if row is None:
            return not self._cached(fresh.doc_id)
        page, at = divmod(row, self._page_size)
        rows = self._pages.get(page)
        if rows is None:
            return not self._cached(fresh.doc_id)
        if at >= len(rows) or rows[at].doc_id != fresh.doc_id:
            return False
        rows[at] = fresh
        return True

    def _cached(self, doc_id: str) -> bool:
        return any(row.doc_id == doc_id for rows in self._pages.values() for row in rows)

    def _reset(self, source: DocumentRows | None, list_filter: ListFilter) -> None:
        self.beginResetModel()
        self._source = source
        self._filter = list_filter
        self._pages.clear()
        self._count = 0 if source is None else source.count(list_filter)
        self.endResetModel()


class DocumentListView(QWidget):
    """The document list with its filter box and status choice.

    Signals:
        document_activated(str): The user picked a document (click, arrow keys, Enter);
            carries its id. Not emitted for ``select_document``.
    """

    document_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = DocumentListModel(self)
        self._current: str | None = None
        self._selecting = False
        self.filter_edit = QLineEdit()
        self.status_box = QComboBox()
        self.table = QTableView()
        self._filter_timer = QTimer(self)
        self._build()
        self._wire()

    # -- what the window calls --------------------------------------------------------------

    def set_source(self, rows: DocumentRows) -> None:
        """List the documents of ``rows`` (the filter stays)."""
        self.model.set_source(rows)

    def select_document(self, doc_id: str) -> None:
        """Select and show ``doc_id``'s row without emitting ``document_activated``."""
        self._current = doc_id
        row = self.model.row_of(doc_id)
        self._selecting = True
        try:
            if row is None:
                self.table.selectionModel().clear()
                return
            index = self.model.index(row, 0)
            flags = (
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows
            )
            self.table.selectionModel().setCurrentIndex(index, flags)
            self.table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        finally:
            self._selecting = False

    def focus_filter(self) -> None:
        """Move the keyboard to the filter box, its text selected for typing over."""
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def apply_filter(self) -> None:
        """Filter the list by the box and the status choice now (typing waits a moment)."""
        self._filter_timer.stop()
        status = self.status_box.currentData()
        self.model.set_filter(ListFilter(status=status, text=self.filter_edit.text().strip()))

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.filter_edit.setPlaceholderText("Filter by id or title (Ctrl+F)")
        self.filter_edit.setClearButtonEnabled(True)
        self.status_box.addItem("All", None)
        for status, word in STATUS_WORDS.items():
            self.status_box.addItem(status_icon(status), word, status)
        self.status_box.setToolTip("Show only documents with this status")
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._build_table()
        filters = QHBoxLayout()
        filters.addWidget(self.filter_edit, 1)
        filters.addWidget(self.status_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.table)

    def _build_table(self) -> None:
        table = self.table
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.setShowGrid(False)
        table.setAlternatingRowColors(True)
        table.setTabKeyNavigation(False)
        rows = table.verticalHeader()
        rows.hide()  # fixed heights: the view never measures 100,000 rows
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(table.fontMetrics().height() + 8)
        columns = table.horizontalHeader()
        columns.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, sample in ((1, "● Skipped  "), (2, " Spans  ")):
            columns.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            table.setColumnWidth(column, table.fontMetrics().horizontalAdvance(sample) + 16)
        columns.setHighlightSections(False)

    def _wire(self) -> None:
        self.filter_edit.textChanged.connect(self._filter_timer.start)
        self.filter_edit.returnPressed.connect(self._on_filter_return)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.status_box.currentIndexChanged.connect(self.apply_filter)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_changed)
        self.table.activated.connect(self._on_table_activated)
        self.model.modelReset.connect(self._on_model_reset)

    # -- slots ------------------------------------------------------------------------------

    def _on_filter_return(self) -> None:
        self.apply_filter()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_table_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not self._selecting and current.isValid():
            self._activate(self.model.doc_id_at(current.row()))

    def _on_table_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self._activate(self.model.doc_id_at(index.row()))

    def _on_model_reset(self) -> None:
        if self._current is not None:
            self.select_document(self._current)

    def _activate(self, doc_id: str) -> None:
        self._current = doc_id
        self.document_activated.emit(doc_id)
