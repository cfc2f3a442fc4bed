"""Putting a long text into a pane a slice at a time, so the first screen shows at once.

``QPlainTextEdit.setPlainText`` of a 2 MB page takes 100-150 ms, all of it before the
first paint, and holds the GIL (a thread does not help). A pane instead takes the first
``FIRST_SLICE`` characters at once and appends the rest in slices of ``SLICE`` between
events, so keys and paints are handled between slices (about 10 ms each). Whatever needs a
position that is not in the pane yet (a selection, a scroll, a key) asks for the rest
first with ``finish``. Slices end at line breaks, so no block is ever split across two.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit

FIRST_SLICE = 48_000
SLICE = 160_000


def slice_end(text: str, start: int, size: int) -> int:
    """Where the slice from ``start`` ends: at the first line break ``size`` or more on.

    The break itself starts the next slice, so appending a slice never touches the block
    that ends the text before it.
    """
    if len(text) - start <= size:
        return len(text)
    found = text.find("\n", start + size)
    return len(text) if found < 0 else found


class SlicedLoader:
    """Loads a display text into ``pane``: a first slice now, the rest between events.

    ``before_append`` is called with the position of the last block before each slice is
    appended, so a cache keyed by block position can forget that block.
    """

    def __init__(
        self,
        pane: QPlainTextEdit,
        before_append: Callable[[int], None],
        *,
        first: int = FIRST_SLICE,
        size: int = SLICE,
    ) -> None:
        self._pane = pane
        self._before_append = before_append
        self._first, self._size = first, size
        self._text = ""
        self._loaded = 0  # characters of ``_text`` in the pane
        self._timer = QTimer(pane)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._append_next)

    @property
    def pending(self) -> bool:
        """Whether part of the text is not in the pane yet."""
        return self._loaded < len(self._text)

    def load(self, text: str) -> None:
        """Replace the pane's text with ``text``; a long text gets only its first slice now.

        The rest follows once ``start_rest`` is called (by the pane's first paint), or at
        once from the event loop when the pane is not on screen.
        """
        self._timer.stop()
        self._text = text
        self._loaded = slice_end(text, 0, self._first)
        self._pane.setPlainText(text[: self._loaded] if self.pending else text)
        if self.pending and not self._pane.isVisible():
            self._timer.start()

    def start_rest(self) -> None:
        """Append the rest slice by slice from the event loop (after the first paint)."""
        if self.pending and not self._timer.isActive():
            self._timer.start()

    def ensure(self, position: int) -> None:
        """Make sure displayed UTF-16 ``position`` is in the pane (appending all if not)."""
        if self.pending and position > self._pane.document().characterCount() - 1:
            self.finish()

    def finish(self) -> None:
        """Append all that is left now (something needs a position in it)."""
        self._timer.stop()
        if self.pending:
            self._append(len(self._text))

    def _append_next(self) -> None:
        if self.pending:
            self._append(slice_end(self._text, self._loaded, self._size))
        if self.pending:
            self._timer.start()

    def _append(self, end: int) -> None:
        pane = self._pane
        document = pane.document()
        self._before_append(document.lastBlock().position())
        # A cursor or selection touching the end of the loaded part would be carried along
        # by the insertion; it is put back where the user left it.
        mine = pane.textCursor()
        anchor, position = mine.anchor(), mine.position()
        at_end = QTextCursor(document)
        at_end.movePosition(QTextCursor.MoveOperation.End)
        at_end.insertText(self._text[self._loaded : end])
        self._loaded = end
        moved = pane.textCursor()
        if (moved.anchor(), moved.position()) != (anchor, position):
            moved.setPosition(anchor)
            moved.setPosition(position, QTextCursor.MoveMode.KeepAnchor)
            pane.setTextCursor(moved)
