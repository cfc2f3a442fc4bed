"""What each pane paints: dropped text, suggestions and spans, as ``Mark``s.

Spans live on the raw layer (or, rarely, the clean one); the clean pane shows a raw span
on the pieces of clean text the alignment ties to it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence

from app.core.alignment import Segment, clean_range_to_raw, dropped_raw_ranges
from app.gui.review_model import OpenDocument, number_id
from widgets.marks import EVIDENCE, NUMBER, Mark

DROPPED_COLOR = "#9a9a9a"
FALLBACK_COLOR = "#3a3a3a"
EVIDENCE_COLOR = "#8fa8d6"  # evidence of the other facts: a quiet blue
SELECTED_EVIDENCE_COLOR = "#1a56db"
NUMBER_COLOR = "#6a9955"  # a figure offered as evidence


def raw_marks(
    document: OpenDocument, colors: Mapping[str, str], selected_fact: str | None = None
) -> list[Mark]:
    """Dimmed dropped text, hatched suggestions, raw spans and fact marks for the raw pane."""
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
    marks += [Mark(n.start, n.end, NUMBER_COLOR, NUMBER, number_id(n)) for n in document.numbers]
    segments = document.stored.segments
    for fact_id, layer, start, end in _evidence(document):
        raw_range = clean_range_to_raw(segments, start, end) if layer == "clean" else (start, end)
        if raw_range is not None:
            marks.append(_evidence_mark(*raw_range, fact_id, selected_fact))
    return marks


def clean_marks(
    document: OpenDocument, colors: Mapping[str, str], selected_fact: str | None = None
) -> list[Mark]:
    """The clean pane's marks: raw spans, figures and evidence through the alignment."""
    segments = document.stored.segments
    starts = [segment.raw_start for segment in segments]
    marks: list[Mark] = []
    for number in document.numbers:
        for start, end in raw_range_in_clean(segments, starts, number.start, number.end):
            marks.append(Mark(start, end, NUMBER_COLOR, NUMBER, number_id(number)))
    for fact_id, layer, start, end in _evidence(document):
        pieces = [(start, end)]
        if layer == "raw":
            pieces = raw_range_in_clean(segments, starts, start, end)
        marks += [_evidence_mark(low, high, fact_id, selected_fact) for low, high in pieces]
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
    # By index, not segments[first:]: a slice copies the rest of the alignment per span.
    for index in range(first, len(segments)):
        segment = segments[index]
        if segment.raw_start >= end:
            break
        low, high = max(start, segment.raw_start), min(end, segment.raw_end)
        if low < high:
            offset = segment.clean_start - segment.raw_start
            pieces.append((low + offset, high + offset))
    return pieces


def _evidence(document: OpenDocument) -> list[tuple[str, str, int, int]]:
    """(fact id, layer, start, end) of every slot that points at text."""
    return [
        (fact.id, slot.layer, slot.start, slot.end)
        for fact in document.facts
        for slot in fact.slots
        if slot.layer is not None and slot.start is not None and slot.end is not None
    ]


def _evidence_mark(start: int, end: int, fact_id: str, selected_fact: str | None) -> Mark:
    chosen = fact_id == selected_fact
    color = SELECTED_EVIDENCE_COLOR if chosen else EVIDENCE_COLOR
    return Mark(start, end, color, EVIDENCE, fact_id, emphasis=chosen)
