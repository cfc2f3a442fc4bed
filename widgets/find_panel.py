"""The find panel: a pattern, the hits across the corpus, and a label key to tag them all.

The panel only shows and asks. It is handed results (any objects with the fields of a
find hit and a find result, ``storage.corpus_search``'s among them) and emits signals:

- ``search_requested(pattern, regex)``: Enter in the pattern box;
- ``open_requested(doc_id, start, end)``: Enter (or a double click) on a hit;
- ``tag_all_requested(label, hits, every)``: a label key in the results. ``hits`` are the
  checked hits, or when none is checked every listed hit, and ``every`` is True: the
  window then tags every hit of the search, also those past the listed ones.

Space checks or unchecks the current hit. Documents, contexts and hits come from files,
so every one of them is shown as plain text (item text and a painting delegate; tooltips
through ``plain_tooltip``); line breaks inside a context are drawn as a visible mark.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QRect, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from widgets.plain_text import plain_label, plain_tooltip

COLUMNS = ("Document", "Line", "Context")
HIT_ROLE = Qt.ItemDataRole.UserRole + 1  # the hit object of a row
HIT_COLOR = "#ffe082"
# How context characters that draw nothing (or move the pen) are shown: one mark each, so
# positions in the context stay the positions of the hit.
_VISIBLE = str.maketrans({"\n": "↵", "\r": "␍", "\t": "→"})
_CONTEXT_SHARE_BEFORE = 0.35
_LIST_KEYS = (
    Qt.Key.Key_Return,
    Qt.Key.Key_Enter,
    Qt.Key.Key_Space,
)  # at most this share of the column goes to text before a hit


class FindHitLike(Protocol):
    """What the panel reads of a hit (``storage.corpus_search.FindHit`` has it)."""

    @property
    def doc_id(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def context(self) -> str: ...
    @property
    def context_start(self) -> int: ...


class FindResultLike(Protocol):
    """What the panel reads of a result (``storage.corpus_search.FindResult`` has it)."""

    @property
    def hits(self) -> Sequence[FindHitLike]: ...
    @property
    def documents(self) -> int: ...
    @property
    def total_hits(self) -> int: ...
    @property
    def complete(self) -> bool: ...


def summary_text(result: FindResultLike) -> str:
    """The counts line: hits and documents, and whether only the first ones are listed."""
    listed, total, documents = len(result.hits), result.total_hits, result.documents
    if not result.complete:
        shown = f"{_plural(listed, 'hit')} in {_plural(documents, 'document')}"
        return f"First {shown} shown; the search stopped there (tag all still takes every hit)"
    if total == 0:
        return "No hits"
    counts = f"{_plural(total, 'hit')} in {_plural(documents, 'document')}"
    return counts if listed == total else f"{counts}, first {listed:,} shown"


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def context_parts(hit: FindHitLike) -> tuple[str, str, str]:
    """The context as (before, hit, after), line breaks and tabs as visible marks."""
    at = hit.start - hit.context_start
    until = hit.end - hit.context_start
    shown = hit.context.translate(_VISIBLE)
    return shown[:at], shown[at:until], shown[until:]


class _ContextDelegate(QStyledItemDelegate):
    """Paints a context as plain text with the hit on a highlight, always in view: the
    text before it is cut from the left when the column is narrow."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        hit = index.data(HIT_ROLE)
        if hit is None:
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        option.text = ""
        style = option.widget.style() if option.widget is not None else None
        if style is not None:  # background and selection, as other cells
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        before, found, after = context_parts(hit)
        self._draw(painter, option, before, found, after)

    def _draw(
        self, painter: QPainter, option: QStyleOptionViewItem, before: str, found: str, after: str
    ) -> None:
        metrics = option.fontMetrics
        rect = option.rect.adjusted(4, 0, -4, 0)
        before = metrics.elidedText(
            before, Qt.TextElideMode.ElideLeft, int(rect.width() * _CONTEXT_SHARE_BEFORE)
        )
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        painter.setPen(option.palette.color(role))
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        x = rect.left()
        for part, marked in ((before, False), (found, True), (after, False)):
            room = rect.right() - x
            if room <= 0:
                break
            shown = metrics.elidedText(part, Qt.TextElideMode.ElideRight, room)
            width = metrics.horizontalAdvance(shown)
            box = QRect(x, rect.top(), width, rect.height())
            if marked:
                painter.fillRect(box.adjusted(-1, 2, 1, -2), QColor(HIT_COLOR))
                painter.setPen(QColor("#000000"))
            painter.drawText(box, flags, shown)  # drawText never reads rich text
            if marked:
                painter.setPen(option.palette.color(role))
            x += width
        painter.restore()


class _ResultsTree(QTreeWidget):
    """The hits list: Enter opens, Space checks, a label key tags."""

    open_current = Signal()
    toggle_current = Signal()
    label_key = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label_keys: dict[str, str] = {}

    def event(self, event: QEvent) -> bool:
        # Keys typed here are the list's, not the window's shortcuts: a label key tags
        # the hits, and "A" or "X" must not act on the document behind the list.
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            plain = event.modifiers() in (
                Qt.KeyboardModifier.NoModifier,
                Qt.KeyboardModifier.ShiftModifier,
                Qt.KeyboardModifier.KeypadModifier,
            )
            typed = event.text().strip()
            if plain and ((typed and typed.isprintable()) or event.key() in _LIST_KEYS):
                event.accept()
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        plain = event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        )
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_current.emit()
        elif key == Qt.Key.Key_Space and plain:
            self.toggle_current.emit()
        elif plain and event.text().upper() in self.label_keys:
            self.label_key.emit(self.label_keys[event.text().upper()])
        else:
            super().keyPressEvent(event)


class FindPanel(QWidget):
    """Pattern box with a regex toggle, the counts, and the hits with checkboxes."""

    search_requested = Signal(str, bool)
    open_requested = Signal(str, int, int)
    tag_all_requested = Signal(str, list, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pattern = QLineEdit()
        self.pattern.setPlaceholderText("Find in every document (Enter)")
        self.pattern.setClearButtonEnabled(True)
        self.regex = QCheckBox("Regex")
        self.regex.setToolTip("The pattern is a Python regular expression (^ and $ at each line)")
        self.summary = plain_label("")
        self.results = _ResultsTree()
        self._delegate = _ContextDelegate(self.results)
        self._set_up_results()
        self.hint = plain_label("")
        self.hint.setWordWrap(True)
        self._layout()
        self.pattern.returnPressed.connect(self._search)
        self.results.open_current.connect(self._open_current)
        self.results.itemDoubleClicked.connect(lambda item, _: self._open(item))
        self.results.toggle_current.connect(self._toggle_current)
        self.results.label_key.connect(self._tag_all)
        self.set_label_keys({})

    def _set_up_results(self) -> None:
        tree = self.results
        tree.setColumnCount(len(COLUMNS))
        tree.setHeaderLabels(list(COLUMNS))
        tree.setRootIsDecorated(False)
        tree.setUniformRowHeights(True)  # a thousand hits lay out at once
        tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        tree.setItemDelegateForColumn(2, self._delegate)
        header = tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        tree.setColumnWidth(0, 140)

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.pattern, 1)
        top.addWidget(self.regex)
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        column.addLayout(top)
        column.addWidget(self.summary)
        column.addWidget(self.results, 1)
        column.addWidget(self.hint)

    # -- what the window calls ----------------------------------------------------------

    def set_label_keys(self, keys: Mapping[str, str]) -> None:
        """The label palette's keys (key -> label name); in the results they tag all."""
        self.results.label_keys = {key.upper(): label for key, label in keys.items()}
        self.hint.setText(
            "Enter opens a hit, Space checks it; a label key tags the checked hits "
            "(none checked: every hit)."
            if keys
            else "Enter opens a hit, Space checks it."
        )

    def focus_pattern(self, text: str | None = None) -> None:
        """Put the cursor in the pattern box (with ``text`` in it, when given), all selected."""
        if text is not None:
            self.pattern.setText(text)
        self.pattern.setFocus()
        self.pattern.selectAll()

    def show_result(self, result: FindResultLike) -> None:
        """List the hits of ``result`` (none checked) and its counts; focus the first hit."""
        self.results.clear()
        items = [self._item(hit) for hit in result.hits]
        self.results.addTopLevelItems(items)
        self.summary.setText(summary_text(result))
        if items:
            self.results.setCurrentItem(items[0])
            self.results.setFocus()

    def show_message(self, text: str) -> None:
        """A line under the pattern box: a refused pattern, or what a tag-all did."""
        self.summary.setText(text)

    def hits(self) -> list[FindHitLike]:
        """Every listed hit, in list order."""
        return [self._hit(item) for item in self._items()]

    def checked_hits(self) -> list[FindHitLike]:
        """The checked hits, in list order."""
        return [
            self._hit(item) for item in self._items() if item.checkState(0) == Qt.CheckState.Checked
        ]

    def set_checked(self, row: int, checked: bool) -> None:
        """Check or uncheck the hit in ``row``."""
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        self._items()[row].setCheckState(0, state)

    # -- inside -------------------------------------------------------------------------

    def _rows(self) -> int:
        return self.results.topLevelItemCount()

    def _items(self) -> list[QTreeWidgetItem]:
        tree = self.results
        return [item for row in range(self._rows()) if (item := tree.topLevelItem(row))]

    @staticmethod
    def _hit(item: QTreeWidgetItem) -> FindHitLike:
        hit: FindHitLike = item.data(2, HIT_ROLE)
        return hit

    @staticmethod
    def _item(hit: FindHitLike) -> QTreeWidgetItem:
        item = QTreeWidgetItem([hit.doc_id, str(hit.line), ""])
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(0, Qt.CheckState.Unchecked)
        item.setData(2, HIT_ROLE, hit)
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        item.setToolTip(0, plain_tooltip(hit.doc_id))
        item.setToolTip(2, plain_tooltip(hit.context))
        return item

    def _search(self) -> None:
        if self.pattern.text():
            self.search_requested.emit(self.pattern.text(), self.regex.isChecked())

    def _open_current(self) -> None:
        item = self.results.currentItem()
        if item is not None:
            self._open(item)

    def _open(self, item: QTreeWidgetItem) -> None:
        hit = self._hit(item)
        self.open_requested.emit(hit.doc_id, hit.start, hit.end)

    def _toggle_current(self) -> None:
        item = self.results.currentItem()
        if item is None:
            return
        checked = item.checkState(0) == Qt.CheckState.Checked
        item.setCheckState(0, Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)
        below = self.results.itemBelow(item)
        if below is not None:  # Space down a list checks a run, as in a mail client
            self.results.setCurrentItem(below)

    def _tag_all(self, label: str) -> None:
        checked = self.checked_hits()
        if checked:
            self.tag_all_requested.emit(label, checked, False)
        elif self._rows():
            self.tag_all_requested.emit(label, self.hits(), True)
