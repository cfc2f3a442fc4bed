"""The read-only document pane: stored text, painted marks, code-point offsets.

Every offset this pane takes or gives is a code-point index into the stored text it was
given; Qt's UTF-16 positions, and the display-only breaks in very long lines, stay inside
(``app.core.utf16.DisplayMap`` converts). The text is never read back from Qt, which
rewrites NBSP and U+2028.

Marks are painted like a ``QSyntaxHighlighter`` paints, but only for the blocks about to
be drawn (``widgets.block_formatter``): a highlighter formats every block of a 2 MB page,
~130 ms of Python calls, before the first paint. ``update_marks`` changes the marks of a
few keys (one edit's spans) and re-formats only the lines under them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from PySide6.QtCore import QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QTextBlock,
    QTextCursor,
)
from PySide6.QtWidgets import QApplication, QMenu, QPlainTextEdit, QTextEdit, QWidget

from app.core.utf16 import DISPLAY_LINE_LIMIT, DisplayMap
from widgets.block_formatter import BlockFormatter
from widgets.mark_index import BULK_MARKS, MarkIndex
from widgets.marks import EVIDENCE, SPAN, Mark
from widgets.sliced_loading import SlicedLoader

# Translucent, so the marks under the counterpart line stay visible.
COUNTERPART_COLOR = QColor(255, 200, 0, 70)
SCROLL_STEPS = 4


class DocumentPane(QPlainTextEdit):
    """A read-only view of one stored text with its marks, speaking code points.

    Signals:
        mark_clicked(str): the key of the innermost span under a click (not a drag).
        evidence_clicked(str): the fact id of the evidence under a click, if any.
        selection_changed(int, int): the selection (or cursor twice), in code points.
    """

    mark_clicked = Signal(str)
    evidence_clicked = Signal(str)
    selection_changed = Signal(int, int)

    def __init__(
        self, parent: QWidget | None = None, *, line_limit: int = DISPLAY_LINE_LIMIT
    ) -> None:
        """Make an empty pane; stored lines longer than ``line_limit`` display broken."""
        super().__init__(parent)
        self._line_limit = line_limit
        self._text = ""
        self._formatter = BlockFormatter(self)
        self._loader = SlicedLoader(self, self._formatter.forget)
        # Merges a bulk change of marks into the index after the paint that shows it.
        self._settle_timer = QTimer(self)
        self._settle_timer.setSingleShot(True)
        self._settle_timer.setInterval(0)
        self._settle_timer.timeout.connect(self._settle_marks)
        self._press: QPoint | None = None
        self._reported: tuple[int, int] | None = None
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.cursorPositionChanged.connect(self._report_selection)
        self.selectionChanged.connect(self._report_selection)

    # -- text and marks ---------------------------------------------------------------------

    def show_text(self, text: str, marks: Sequence[Mark]) -> None:
        """Show a new stored text with its marks, cursor and scroll at the start."""
        display = DisplayMap(text, self._line_limit)
        self._text = text
        self._formatter.reset(display, MarkIndex(marks))
        self.setExtraSelections([])
        self._loader.load(display.text)
        self.setTextCursor(QTextCursor(self.document()))
        self.verticalScrollBar().setValue(0)
        self.horizontalScrollBar().setValue(0)
        self._report_selection()

    def set_marks(self, marks: Sequence[Mark]) -> None:
        """Paint ``marks`` instead of the current ones; only visible blocks are redone now."""
        self._formatter.index = MarkIndex(marks)
        self._formatter.invalidate()
        self.viewport().update()

    def update_marks(self, remove: Iterable[str], add: Sequence[Mark]) -> None:
        """Take out the marks with keys in ``remove``, put ``add`` in; redo only their blocks.

        Thousands at once (every suggestion accepted) are drawn from the index as handed
        over, and merged into it once the pane has painted them (``MarkIndex.settle``).
        """
        formatter = self._formatter
        keys = set(remove)
        if len(keys) + len(add) > BULK_MARKS:
            formatter.index.update_later(keys, add)
            formatter.invalidate()
            self.viewport().update()
            if not self.isVisible():
                self._settle_timer.start()
            return
        removed, added = formatter.index.update(keys, add)
        if len(removed) + len(added) > BULK_MARKS:
            formatter.invalidate()  # only the blocks on screen are formatted again
            self.viewport().update()
        else:
            self._repaint(formatter.invalidate_marks(removed + added))

    def set_selected_mark(self, key: str | None) -> None:
        """Draw the span(s) with ``key`` as selected (None: no span is selected)."""
        formatter = self._formatter
        if key == formatter.selected:
            return
        touched = [
            *formatter.index.keyed(formatter.selected or ""),
            *formatter.index.keyed(key or ""),
        ]
        formatter.selected = key
        self._repaint(formatter.invalidate_marks(touched))

    def _repaint(self, blocks: Iterable[QTextBlock]) -> None:
        """Schedule a paint of the strip of ``blocks`` on screen (none off screen)."""
        offset, height = self.contentOffset(), self.viewport().height()
        strip = QRect()
        for block in blocks:
            rect = self.blockBoundingGeometry(block).translated(offset).toAlignedRect()
            if rect.bottom() >= 0 and rect.top() <= height:
                strip = strip.united(rect)
        if not strip.isEmpty():
            strip.setLeft(0)
            strip.setRight(self.viewport().width())
            self.viewport().update(strip)

    def set_counterpart(self, start: int, end: int) -> None:
        """Tint ``[start, end)`` as the other pane's current line; (0, 0) clears it."""
        if end <= start:
            self.setExtraSelections([])
            return
        selection = QTextEdit.ExtraSelection()
        selection.cursor = self._cursor_over(start, end)
        selection.format.setBackground(COUNTERPART_COLOR)
        self.setExtraSelections([selection])

    @property
    def loading(self) -> bool:
        """Whether the end of a long text is still being put into the pane."""
        return self._loader.pending

    def text(self) -> str:
        """The stored text, exactly as given to ``show_text``."""
        return self._text

    def marks(self) -> tuple[Mark, ...]:
        """The marks painted now."""
        return self._formatter.index.marks

    def marks_at(self, position: int) -> list[Mark]:
        """Marks covering code point ``position`` (start <= position < end)."""
        return self._formatter.index.overlapping(position, position + 1)

    # -- selection and scrolling ------------------------------------------------------------

    def selection(self) -> tuple[int, int]:
        """The selection as code points, start <= end; the cursor twice when none."""
        cursor = self.textCursor()
        return self._formatter.map.range_to_stored(cursor.selectionStart(), cursor.selectionEnd())

    def select(self, start: int, end: int) -> None:
        """Select from ``start`` (anchor) to ``end`` (cursor); equal values place the cursor."""
        self.setTextCursor(self._cursor_over(start, end))

    def cursor_position(self) -> int:
        """The cursor as a code point."""
        return self._formatter.map.to_stored(self.textCursor().position())

    def visible_range(self) -> tuple[int, int]:
        """The stored range of the lines on screen, so a view beside the pane paints only those."""
        first = last = self.firstVisibleBlock()
        for block in self._visible_blocks():
            last = block
        display_map = self._formatter.map
        end = last.position() + max(last.length() - 1, 0)
        return display_map.to_stored(first.position()), display_map.to_stored(end)

    def line_extent(self, start: int, end: int) -> tuple[int, int]:
        """Viewport y of the top of the line showing ``start`` and the bottom of ``end - 1``.

        For views drawn beside the pane (review mode's lanes) that must line up with it.
        """
        top = self.cursorRect(self._cursor_over(start, start)).top()
        last = max(end - 1, start)
        bottom = self.cursorRect(self._cursor_over(last, last)).bottom()
        return top, max(bottom, top + 1)

    def scroll_to(self, position: int) -> None:
        """Scroll so code point ``position`` shows near the middle; the selection stays."""
        shown = self._formatter.map.to_display(self._clamp(position))
        self._loader.ensure(shown)
        target = QTextCursor(self.document())
        target.setPosition(shown)
        bar = self.verticalScrollBar()
        # The bar counts display lines, but blocks not laid out yet count as one line, so
        # jump to the block, then correct by what the laid-out view shows (two steps or so).
        bar.setValue(target.block().firstLineNumber())
        middle = self.viewport().height() // 2
        line_height = max(self.fontMetrics().lineSpacing(), 1)
        for _ in range(SCROLL_STEPS):
            lines = (self.cursorRect(target).center().y() - middle) // line_height
            before = bar.value()
            bar.setValue(before + lines)
            if bar.value() == before:
                return

    # -- Qt overrides -----------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        """Format the blocks about to be drawn, draw as usual, then the underlines.

        Only the blocks in the region asked for: an edit repaints the strip of its lines,
        and walking every line on screen twice cost a third of a fact fill's paint.
        """
        region = event.rect()
        self._formatter.prepare(self._visible_blocks(region))
        super().paintEvent(event)
        self._paint_underlines(region)
        self._loader.start_rest()  # the first screen is up: now the rest of a long text
        if self._formatter.index.unsettled:
            self._settle_timer.start()  # and the index behind a bulk change

    # Copying puts the stored text on the clipboard (no inserted breaks, NBSP kept). Not
    # through createMimeDataFromSelection: a QMimeData made in Python and handed to Qt
    # from that override is freed twice and crashes the program at exit.
    def copy(self) -> None:
        """Put the stored text of the selection on the clipboard."""
        start, end = self.selection()
        if end > start:
            QApplication.clipboard().setText(self._text[start:end])

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Ctrl+C (the platform's copy key) copies the stored text."""
        # A key may move to the end or select all: the whole text must be there first.
        self._loader.finish()
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy()
            event.accept()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """A menu of what a read-only pane can do: copy and select all."""
        menu = QMenu(self)
        start, end = self.selection()
        copy = menu.addAction("Copy", QKeySequence.StandardKey.Copy)
        copy.setEnabled(end > start)
        copy.triggered.connect(self.copy)
        menu.addAction("Select all", QKeySequence.StandardKey.SelectAll).triggered.connect(
            self._select_all
        )
        menu.exec(event.globalPos())

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Remember where a press started, to tell a click from a drag."""
        self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """A release near its press, with nothing selected, is a click on what is there."""
        super().mouseReleaseEvent(event)
        press, self._press = self._press, None
        point = event.position().toPoint()
        if event.button() != Qt.MouseButton.LeftButton or press is None:
            return
        moved = (point - press).manhattanLength() >= QApplication.startDragDistance()
        if not moved and not self.textCursor().hasSelection():
            self._click_at(point)

    # -- helpers ----------------------------------------------------------------------------

    def _click_at(self, point: QPoint) -> None:
        """Emit ``mark_clicked`` for the innermost span under viewport ``point``."""
        cursor = self.cursorForPosition(point)
        display = cursor.position()
        # The nearest caret lies after the character when the click hit its right half.
        if point.x() < self.cursorRect(cursor).left() and cursor.positionInBlock() > 0:
            display -= 1
        here = self.marks_at(self._formatter.map.to_stored(display))
        spans = [mark for mark in here if mark.kind == SPAN and mark.key is not None]
        if spans:
            innermost = min(spans, key=lambda mark: mark.end - mark.start)
            self.mark_clicked.emit(innermost.key)
        evidence = [mark for mark in here if mark.kind == EVIDENCE and mark.key is not None]
        if evidence:
            chosen = min(evidence, key=lambda mark: (not mark.emphasis, mark.end - mark.start))
            self.evidence_clicked.emit(chosen.key)

    def _paint_underlines(self, region: QRect) -> None:
        """Underline overlapping and selected spans in ``region``, over what Qt drew."""
        painter = QPainter(self.viewport())
        offset = self.contentOffset()
        width = self.viewport().width()
        for block in self._visible_blocks(region):
            bars = self._formatter.underline_bars(block, width)
            if not bars:
                continue
            origin = self.blockBoundingGeometry(block).translated(offset).topLeft()
            origin += block.layout().position()
            for bar, color in bars:
                painter.fillRect(bar.translated(origin), color)
        painter.end()

    def _visible_blocks(self, region: QRect | None = None) -> Iterator[QTextBlock]:
        """The blocks on screen that intersect ``region`` (default: all), top to bottom."""
        block = self.firstVisibleBlock()
        offset = self.contentOffset()
        top = 0 if region is None else region.top()
        bottom = self.viewport().height() if region is None else region.bottom()
        while block.isValid():
            box = self.blockBoundingGeometry(block).translated(offset)
            if box.top() > bottom:
                return
            if box.bottom() >= top:
                yield block
            block = block.next()

    def _select_all(self) -> None:
        self._loader.finish()
        self.selectAll()

    def _cursor_over(self, start: int, end: int) -> QTextCursor:
        """A cursor with anchor at code point ``start`` and position at ``end``."""
        display_map = self._formatter.map
        anchor = display_map.to_display(self._clamp(start))
        position = display_map.to_display(self._clamp(end))
        self._loader.ensure(max(anchor, position))
        cursor = QTextCursor(self.document())
        cursor.setPosition(anchor)
        cursor.setPosition(position, QTextCursor.MoveMode.KeepAnchor)
        return cursor

    def _clamp(self, position: int) -> int:
        return min(max(position, 0), len(self._text))

    def _report_selection(self) -> None:
        """Emit ``selection_changed`` once per actual change (Qt signals come in pairs)."""
        current = self.selection()
        if current != self._reported:
            self._reported = current
            self.selection_changed.emit(*current)

    def _settle_marks(self) -> None:
        self._formatter.index.settle()
