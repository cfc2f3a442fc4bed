"""What each pane paints: dropped text, suggestions and spans, as ``Mark``s.

Spans live on the raw layer (or, rarely, the clean one); the clean pane shows a raw span
on the pieces of clean text the alignment ties to it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence

from app.core.alignment import Segment, dropped_raw_ranges
from app.gui.review_model import OpenDocument
from widgets.marks import Mark

DROPPED_COLOR = "#9a9a9a"
FALLBACK_COLOR = "#3a3a3a"


def raw_marks(document: OpenDocument, colors: Mapping[str, str]) -> list[Mark]:
    """Dimmed dropped text, hatched suggestions and raw spans for the raw pane."""
    stored = document.stored
    marks = [
        Mark(start, end, DROPPED_COLOR, "dropped")
        for start, end in dropped_raw_ranges(stored.segments, len(stored.raw_text))
    ]
    marks += [
        Mark(s.start, s.end, colors.get(s.label, FALLBACK_COLOR), "suggestion", s.id)
        for s in document.suggestions
    ]
    marks += [
        Mark(s.start, s.end, colors.get(s.label, FALLBACK_COLOR), "span", s.id)
        for s in document.spans
        if s.layer == "raw"
    ]
    return marks


def clean_marks(document: OpenDocument, colors: Mapping[str, str]) -> list[Mark]:
    """Spans as the clean pane shows them: raw spans through the alignment, clean spans."""
    segments = document.stored.segments
    starts = [segment.raw_start for segment in segments]
    marks: list[Mark] = []
    for span in document.spans:
        color = colors.get(span.label, FALLBACK_COLOR)
        if span.layer == "clean":
            marks.append(Mark(span.start, span.end, color, "span", span.id))
            continue
        for start, end in raw_range_in_clean(segments, starts, span.start, span.end):
            marks.append(Mark(start, end, color, "span", span.id))
    return marks


def raw_range_in_clean(
    segments: Sequence[Segment], starts: Sequence[int], start: int, end: int
) -> list[tuple[int, int]]:
    """The clean-text pieces that raw range ``[start, end)`` became.

    ``starts`` is ``[s.raw_start for s in segments]``, built once per document.
    """
    pieces = []
    first = max(bisect_right(starts, start) - 1, 0)
    for segment in segments[first:]:
        if segment.raw_start >= end:
            break
        low, high = max(start, segment.raw_start), min(end, segment.raw_end)
        if low < high:
            offset = segment.clean_start - segment.raw_start
            pieces.append((low + offset, high + offset))
    return pieces
