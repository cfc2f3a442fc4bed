"""Moving in one pane scrolls the other to the aligned place and marks the counterpart."""

from __future__ import annotations

from collections.abc import Sequence

from app.core.alignment import Segment, clean_to_raw_nearest, raw_to_clean_nearest
from widgets.text_pane import DocumentPane


class PaneSync:
    """Keeps the raw and clean panes looking at the same text through the alignment."""

    def __init__(self, raw: DocumentPane, clean: DocumentPane) -> None:
        self.raw, self.clean = raw, clean
        self.segments: Sequence[Segment] = ()
        self._busy = False
        raw.selection_changed.connect(self._on_raw_selection_changed)
        clean.selection_changed.connect(self._on_clean_selection_changed)

    def set_segments(self, segments: Sequence[Segment]) -> None:
        """Use a new document's alignment."""
        self.segments = segments

    def raw_to_clean(self, position: int) -> int:
        """The clean position at or after raw ``position`` (dropped text maps forward)."""
        return raw_to_clean_nearest(self.segments, position)

    def clean_to_raw(self, position: int) -> int:
        """The raw position of clean ``position`` (unaligned text maps to the next piece)."""
        return clean_to_raw_nearest(self.segments, position)

    def _on_raw_selection_changed(self, start: int, end: int) -> None:
        if self._busy:
            return
        self._follow(self.clean, self.raw_to_clean(start), self.raw_to_clean(end))

    def _on_clean_selection_changed(self, start: int, end: int) -> None:
        if self._busy:
            return
        self._follow(self.raw, self.clean_to_raw(start), self.clean_to_raw(end))

    def _follow(self, other: DocumentPane, start: int, end: int) -> None:
        self._busy = True
        try:
            text = other.text()
            line_start = text.rfind("\n", 0, start) + 1
            line_end = text.find("\n", max(end, start))
            line_end = len(text) if line_end < 0 else line_end
            other.set_counterpart(line_start, max(line_end, line_start))
            other.scroll_to(start)
        finally:
            self._busy = False
