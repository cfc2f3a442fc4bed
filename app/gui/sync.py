"""Moving in one pane scrolls the other to the aligned place and marks the counterpart."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from app.core.alignment import Segment
from widgets.text_pane import DocumentPane


class PaneSync:
    """Keeps the raw and clean panes looking at the same text through the alignment."""

    def __init__(self, raw: DocumentPane, clean: DocumentPane) -> None:
        self.raw, self.clean = raw, clean
        self.segments: Sequence[Segment] = ()
        self._raw_starts: list[int] = []
        self._clean_starts: list[int] = []
        self._busy = False
        raw.selection_changed.connect(self._on_raw_selection_changed)
        clean.selection_changed.connect(self._on_clean_selection_changed)

    def set_segments(self, segments: Sequence[Segment]) -> None:
        """Use a new document's alignment."""
        self.segments = segments
        self._raw_starts = [segment.raw_start for segment in segments]
        self._clean_starts = [segment.clean_start for segment in segments]

    def raw_to_clean(self, position: int) -> int:
        """The clean position at or after raw ``position`` (dropped text maps forward)."""
        index = bisect_right(self._raw_starts, position) - 1
        if index >= 0 and position < self.segments[index].raw_end:
            segment = self.segments[index]
            return segment.clean_start + position - segment.raw_start
        following = index + 1
        if following < len(self.segments):
            return self.segments[following].clean_start
        return self.segments[-1].clean_end if self.segments else 0

    def clean_to_raw(self, position: int) -> int:
        """The raw position of clean ``position`` (unaligned text maps to the next piece)."""
        index = bisect_right(self._clean_starts, position) - 1
        if index >= 0 and position < self.segments[index].clean_end:
            segment = self.segments[index]
            return segment.raw_start + position - segment.clean_start
        following = bisect_left(self._clean_starts, position)
        if following < len(self.segments):
            return self.segments[following].raw_start
        return self.segments[-1].raw_end if self.segments else 0

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
