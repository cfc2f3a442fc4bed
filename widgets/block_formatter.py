"""Formats for the blocks of a document pane, worked out only for blocks about to be drawn.

Marks are painted like a ``QSyntaxHighlighter`` paints (``QTextLayout.setFormats`` per
block, from a per-block lookup in a ``MarkIndex``), but only for the blocks about to be
drawn. A block whose wanted formats already match what it carries is left alone; a change
of marks forgets only the blocks under them (``invalidate_marks``), so an edit re-formats
the lines it touched.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import cast

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QTextBlock, QTextLayout, QTextLine
from PySide6.QtWidgets import QPlainTextEdit

from app.core.utf16 import DisplayMap
from widgets.mark_index import MarkIndex
from widgets.marks import Mark, Style, char_format, segment_styles, underline_width

# (start, length, style) in UTF-16 units local to one block.
BlockRuns = tuple[tuple[int, int, Style], ...]


class BlockFormatter:
    """Gives each block the formats its marks want, one block at a time, on demand."""

    def __init__(self, pane: QPlainTextEdit) -> None:
        self._pane = pane
        self.map = DisplayMap("")
        self.index = MarkIndex(())
        self.selected: str | None = None
        self._wanted: dict[int, BlockRuns] = {}
        self._applied: dict[int, BlockRuns] = {}
        # Underline bars per block, with the runs and width they were measured for:
        # measuring costs a cursorToX per line end, and every paint would repeat it.
        self._bars: dict[int, tuple[BlockRuns, int, list[tuple[QRectF, QColor]]]] = {}

    def reset(self, display_map: DisplayMap, index: MarkIndex) -> None:
        """A new document: no block carries any format yet."""
        self.map, self.index = display_map, index
        self._wanted.clear()
        self._applied.clear()
        self._bars.clear()

    def invalidate(self) -> None:
        """Marks or the selected mark changed: recompute blocks as they are drawn."""
        self._wanted.clear()

    def invalidate_marks(self, marks: Iterable[Mark]) -> list[QTextBlock]:
        """Only the blocks under ``marks`` changed: recompute just those as they are drawn.

        Returns those blocks, so the pane repaints just them.
        """
        document = self._pane.document()
        touched = []
        for mark in marks:
            end = self.map.to_display(mark.end)
            block = document.findBlock(self.map.to_display(mark.start))
            while block.isValid() and block.position() <= end:
                self._wanted.pop(block.position(), None)
                touched.append(block)
                block = block.next()
        return touched

    def forget(self, position: int) -> None:
        """The block at ``position`` is about to change (text appended after it)."""
        for cache in (self._wanted, self._applied, self._bars):
            cache.pop(position, None)

    def prepare(self, blocks: Iterator[QTextBlock]) -> None:
        """Bring ``blocks`` up to date before they are drawn."""
        for block in blocks:
            position = block.position()
            wanted = self._wanted.get(position)
            if wanted is None:
                wanted = self._wanted[position] = self._runs(block)
            if self._applied.get(position, ()) != wanted:
                self._apply(block, wanted)
                self._applied[position] = wanted

    def applied(self, block: QTextBlock) -> BlockRuns:
        """The runs ``block`` carries now."""
        return self._applied.get(block.position(), ())

    def underline_bars(self, block: QTextBlock, width: int) -> list[tuple[QRectF, QColor]]:
        """The underline bars of ``block`` (relative to its layout), measured once."""
        runs = self.applied(block)
        cached = self._bars.get(block.position())
        if cached is not None and cached[0] == runs and cached[1] == width:
            return cached[2]
        bars = []
        for start, length, style in runs:
            if not style.underline:
                continue
            height = underline_width(style)
            for rect in _run_rects(block.layout(), start, start + length):
                bar = QRectF(rect.left(), rect.bottom() - height, rect.width(), height)
                bars.append((bar, QColor(style.underline)))
        self._bars[block.position()] = (runs, width, bars)
        return bars

    def _runs(self, block: QTextBlock) -> BlockRuns:
        """The formatted runs of one block, in its local UTF-16 units."""
        first = block.position()
        length = block.length() - 1  # without the block separator
        start, end = self.map.to_stored(first), self.map.to_stored(first + length)
        marks = self.index.overlapping(start, end)
        if not marks:
            return ()
        runs = []
        for run_start, run_end, style in segment_styles(marks, start, end, self.selected):
            # A run starting at an inserted break maps to just before it: clamp to the block.
            local_start = max(self.map.to_display(run_start) - first, 0)
            local_end = min(self.map.to_display(run_end) - first, length)
            if local_end > local_start:
                runs.append((local_start, local_end - local_start, style))
        return tuple(runs)

    def _apply(self, block: QTextBlock, runs: BlockRuns) -> None:
        ranges = []
        for start, length, style in runs:
            format_range = QTextLayout.FormatRange()
            format_range.start, format_range.length = start, length
            format_range.format = char_format(style)
            ranges.append(format_range)
        block.layout().setFormats(ranges)
        # As QSyntaxHighlighter does: lay the block out again (bold changes widths).
        self._pane.document().markContentsDirty(block.position(), block.length())


def _run_rects(layout: QTextLayout, start: int, end: int) -> Iterator[QRectF]:
    """Rectangles of the laid-out lines covering ``[start, end)`` of one block."""
    for index in range(layout.lineCount()):
        line = layout.lineAt(index)
        low = max(start, line.textStart())
        high = min(end, line.textStart() + line.textLength())
        if low < high:
            left = _x_of(line, low)
            right = _x_of(line, high)
            yield QRectF(min(left, right), line.y(), abs(right - left), line.height())


def _x_of(line: QTextLine, position: int) -> float:
    """The x of the caret before ``position`` (PySide returns it with the position)."""
    x, _ = cast(tuple[float, int], line.cursorToX(position))
    return x
