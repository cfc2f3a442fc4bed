"""What each pane paints: dropped text, suggestions and spans, as ``Mark``s.

Spans live on the raw layer (or, rarely, the clean one); the clean pane shows a raw span
on the pieces of clean text the alignment ties to it. Each kind of record has its own
function, so a change repaints just the records it touched (``app.gui.pane_painter``).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from operator import attrgetter

from app.core.alignment import Segment, clean_range_to_raw, dropped_raw_ranges
from app.core.document import FactRecord, SpanRecord
from app.core.korean_numbers import Expression
from app.core.suggestions import Suggestion
from app.session.open_document import OpenDocument, number_id
from widgets.marks import EVIDENCE, NUMBER, SPAN, SUGGESTION, Mark

DROPPED_COLOR = "#9a9a9a"
FALLBACK_COLOR = "#3a3a3a"
EVIDENCE_COLOR = "#8fa8d6"  # evidence of the other facts: a quiet blue
SELECTED_EVIDENCE_COLOR = "#1a56db"
NUMBER_COLOR = "#6a9955"  # a figure offered as evidence


class Alignment:
    """One document's alignment, with the raw starts ``raw_range_in_clean`` searches."""

    def __init__(self, segments: Sequence[Segment]) -> None:
        self.segments = segments
        self.starts = [segment.raw_start for segment in segments]
        # For walks over thousands of spans: list lookups instead of attribute reads.
        self.ends = [segment.raw_end for segment in segments]
        self.offsets = [segment.clean_start - segment.raw_start for segment in segments]

    def to_clean(self, start: int, end: int) -> list[tuple[int, int]]:
        """The clean pieces raw ``[start, end)`` became."""
        return raw_range_in_clean(self.segments, self.starts, start, end)

    def to_raw(self, start: int, end: int) -> tuple[int, int] | None:
        """The raw range of clean ``[start, end)``, if the alignment ties it to one."""
        return clean_range_to_raw(self.segments, start, end)


def raw_marks(
    document: OpenDocument, colors: Mapping[str, str], selected_fact: str | None = None
) -> list[Mark]:
    """Dimmed dropped text, hatched suggestions, raw spans and fact marks for the raw pane."""
    stored = document.stored
    alignment = Alignment(stored.segments)
    marks = [
        Mark(start, end, DROPPED_COLOR, "dropped")
        for start, end in dropped_raw_ranges(stored.segments, len(stored.raw_text))
    ]
    # Inline rather than one call per record: a page open makes 5,000 span marks.
    marks += [
        Mark(s.start, s.end, colors.get(s.label, FALLBACK_COLOR), SUGGESTION, s.id)
        for s in document.suggestions
    ]
    marks += [
        Mark(s.start, s.end, colors.get(s.label, FALLBACK_COLOR), SPAN, s.id)
        for s in document.spans
        if s.layer == "raw"
    ]
    marks += [number_raw_mark(n) for n in document.numbers]
    for fact in document.facts:
        marks += evidence_raw_marks(fact, alignment, selected_fact)
    return marks


def clean_marks(
    document: OpenDocument, colors: Mapping[str, str], selected_fact: str | None = None
) -> list[Mark]:
    """The clean pane's marks: raw spans, figures and evidence through the alignment."""
    alignment = Alignment(document.stored.segments)
    marks: list[Mark] = []
    for number in document.numbers:
        marks += number_clean_marks(number, alignment)
    for fact in document.facts:
        marks += evidence_clean_marks(fact, alignment, selected_fact)
    segments, starts = alignment.segments, alignment.starts
    for span in document.spans:  # inline, as in ``raw_marks``
        color = colors.get(span.label, FALLBACK_COLOR)
        if span.layer == "clean":
            marks.append(Mark(span.start, span.end, color, SPAN, span.id))
            continue
        for start, end in raw_range_in_clean(segments, starts, span.start, span.end):
            marks.append(Mark(start, end, color, SPAN, span.id))
    return marks


def suggestion_mark(suggestion: Suggestion, colors: Mapping[str, str]) -> Mark:
    """A hatched suggestion on the raw pane."""
    color = colors.get(suggestion.label, FALLBACK_COLOR)
    return Mark(suggestion.start, suggestion.end, color, SUGGESTION, suggestion.id)


def span_raw_marks(span: SpanRecord, colors: Mapping[str, str]) -> list[Mark]:
    """A raw-layer span on the raw pane (a clean-layer one shows on the clean pane only)."""
    if span.layer != "raw":
        return []
    return [Mark(span.start, span.end, colors.get(span.label, FALLBACK_COLOR), SPAN, span.id)]


def span_clean_marks(
    span: SpanRecord, colors: Mapping[str, str], alignment: Alignment
) -> list[Mark]:
    """A span on the clean pane: itself if on the clean layer, else the pieces it became."""
    color = colors.get(span.label, FALLBACK_COLOR)
    if span.layer == "clean":
        return [Mark(span.start, span.end, color, SPAN, span.id)]
    return [
        Mark(low, high, color, SPAN, span.id)
        for low, high in alignment.to_clean(span.start, span.end)
    ]


def many_span_marks(
    spans: Sequence[SpanRecord], colors: Mapping[str, str], alignment: Alignment
) -> tuple[list[Mark], list[Mark]]:
    """The raw and the clean pane's marks of thousands of spans (all suggestions accepted).

    One walk along the alignment in start order instead of a search per span, and each
    mark made as the tuple it is: 11,000 spans made two calls each otherwise. Plain
    comparisons rather than ``min``/``max`` calls: this loop is a tenth of accepting all.
    """
    make, get = tuple.__new__, colors.get
    starts, ends, offsets = alignment.starts, alignment.ends, alignment.offsets
    raw: list[Mark] = []
    clean = [m for s in spans if s.layer == "clean" for m in span_clean_marks(s, colors, alignment)]
    index, count = 0, len(starts)
    for span in sorted((s for s in spans if s.layer == "raw"), key=attrgetter("start")):
        start, end, key = span.start, span.end, span.id
        color = get(span.label, FALLBACK_COLOR)
        raw.append(make(Mark, (start, end, color, SPAN, key, False)))
        while index + 1 < count and starts[index + 1] <= start:
            index += 1  # the last segment starting at or before the span, as bisect finds
        at = index
        while at < count and starts[at] < end:  # the segments the span reaches
            low = start if start > starts[at] else starts[at]
            high = end if end < ends[at] else ends[at]
            if low < high:
                offset = offsets[at]
                clean.append(make(Mark, (low + offset, high + offset, color, SPAN, key, False)))
            at += 1
    return raw, clean


def number_raw_mark(number: Expression) -> Mark:
    """A figure offered as evidence, on the raw pane."""
    return Mark(number.start, number.end, NUMBER_COLOR, NUMBER, number_id(number))


def number_clean_marks(number: Expression, alignment: Alignment) -> list[Mark]:
    """A figure offered as evidence, on the clean pane."""
    key = number_id(number)
    pieces = alignment.to_clean(number.start, number.end)
    return [Mark(low, high, NUMBER_COLOR, NUMBER, key) for low, high in pieces]


def evidence_raw_marks(
    fact: FactRecord, alignment: Alignment, selected_fact: str | None
) -> list[Mark]:
    """The evidence of a fact's slots on the raw pane."""
    marks = []
    for layer, start, end in _evidence(fact):
        raw = alignment.to_raw(start, end) if layer == "clean" else (start, end)
        if raw is not None:
            marks.append(_evidence_mark(*raw, fact.id, selected_fact))
    return marks


def evidence_clean_marks(
    fact: FactRecord, alignment: Alignment, selected_fact: str | None
) -> list[Mark]:
    """The evidence of a fact's slots on the clean pane."""
    marks = []
    for layer, start, end in _evidence(fact):
        pieces = alignment.to_clean(start, end) if layer == "raw" else [(start, end)]
        marks += [_evidence_mark(low, high, fact.id, selected_fact) for low, high in pieces]
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


def _evidence(fact: FactRecord) -> list[tuple[str, int, int]]:
    """(layer, start, end) of every slot of ``fact`` that points at text."""
    return [
        (slot.layer, slot.start, slot.end)
        for slot in fact.slots
        if slot.layer is not None and slot.start is not None and slot.end is not None
    ]


def _evidence_mark(start: int, end: int, fact_id: str, selected_fact: str | None) -> Mark:
    chosen = fact_id == selected_fact
    color = SELECTED_EVIDENCE_COLOR if chosen else EVIDENCE_COLOR
    return Mark(start, end, color, EVIDENCE, fact_id, emphasis=chosen)
