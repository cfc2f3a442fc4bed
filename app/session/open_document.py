"""The document on screen: its texts, live spans and facts, status, suggestions and figures.

Spans are kept in text order with an index by id, so one action inserts, replaces or
removes just its rows. Which suggestions are offered is worked out again only for those
near the spans an action added or removed: a new span drops the suggestions it covers,
and a removed one may bring back those it had covered.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter

from app.core.document import FactRecord, SpanRecord
from app.core.korean_numbers import Expression
from app.core.suggestions import Suggestion, uncovered
from storage.documents import StoredDocument

# Pages longer than this get their suggestions and figures later, from a helper process.
SUGGEST_NOW_MAX_CHARS = 100_000
# From this many new spans at once (accepting all suggestions) they are sorted in, not
# inserted one by one.
BULK = 32
# From this many changed ranges, each suggestion is looked up among them rather than the
# other way round (a long suggestion would be scanned once per range).
MANY_RANGES = 64


def number_id(number: Expression) -> str:
    """A figure's id among a document's suggestions (dismissals are kept by id)."""
    return f"number:{number.start}-{number.end}"


def text_order(span: SpanRecord) -> tuple[bool, int, int, str]:
    """Spans sort raw layer first, then by range (as ``document_spans`` returns them)."""
    return (span.layer != "raw", span.start, span.end, span.id)


_RANGE_ORDER = attrgetter("start", "end", "id")
_LAYER = attrgetter("layer")  # "raw" > "clean": reversed, raw comes first


def fact_order(fact: FactRecord) -> tuple[str, str]:
    """Facts sort oldest first (as ``document_facts`` returns them)."""
    return (fact.created, fact.id)


@dataclass
class OpenDocument:
    """The document on screen and what is known about it."""

    stored: StoredDocument
    spans: list[SpanRecord] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    all_suggestions: list[Suggestion] = field(default_factory=list)
    dismissed: set[str] = field(default_factory=set)
    suggestions_pending: bool = False
    facts: list[FactRecord] = field(default_factory=list)
    numbers: list[Expression] = field(default_factory=list)  # figures offered as evidence
    all_numbers: list[Expression] = field(default_factory=list)
    status: str = "todo"
    note: str = ""
    hide_suggestions: bool = False  # review mode shows gold alone, without suggestions
    spans_by_id: dict[str, SpanRecord] = field(default_factory=dict)
    # A bound on raw span length, so the spans near a range are found by their starts.
    longest_span: int = 0
    offered: set[str] = field(default_factory=set)  # ids of ``suggestions``
    _sorted: tuple[list[Suggestion], list[int], int] | None = None

    @property
    def id(self) -> str:
        """The document's id."""
        return self.stored.id

    @property
    def texts(self) -> dict[str, str]:
        """The text of each layer, for writes that slice span or evidence texts."""
        return {"raw": self.stored.raw_text, "clean": self.stored.clean_text}

    # -- spans --------------------------------------------------------------------------------

    def set_spans(self, spans: list[SpanRecord]) -> None:
        """Take a whole new list of live spans in text order (on open, or another writer)."""
        self.spans = spans
        self.spans_by_id = {span.id: span for span in self.spans}
        self.longest_span = max((s.end - s.start for s in self.spans), default=0)

    def put_spans(self, spans: Sequence[SpanRecord]) -> None:
        """Add (or replace) many spans: one sort instead of an insertion each."""
        new = [span for span in spans if span.id not in self.spans_by_id]
        if len(new) < BULK:
            for span in spans:
                self.put_span(span)
            return
        if len(new) < len(spans):  # some replace held ones (a redo of a relabel, say)
            for span in spans:
                if span.id in self.spans_by_id:
                    self.put_span(span)
        self.spans.extend(new)
        # ``text_order`` as two sorts on C keys (a Python key per span cost 6 ms at
        # 16,000): by range, then, stably, raw before clean. Two sorted runs each:
        # timsort merges them in O(n).
        self.spans.sort(key=_RANGE_ORDER)
        self.spans.sort(key=_LAYER, reverse=True)
        self.spans_by_id.update((span.id, span) for span in new)
        self.longest_span = max([self.longest_span, *(s.end - s.start for s in new)])

    def put_span(self, span: SpanRecord) -> None:
        """Add a live span, or replace the one with its id (a relabel keeps its place)."""
        old = self.spans_by_id.get(span.id)
        if old is not None:
            self.spans[self._index_of(old)] = span
        else:
            insort(self.spans, span, key=text_order)
        self.spans_by_id[span.id] = span
        self.longest_span = max(self.longest_span, span.end - span.start)

    def drop_span(self, span_id: str) -> SpanRecord | None:
        """Forget a span that is no longer live; return it."""
        old = self.spans_by_id.pop(span_id, None)
        if old is not None:
            del self.spans[self._index_of(old)]
        return old

    def _index_of(self, span: SpanRecord) -> int:
        return bisect_left(self.spans, text_order(span), key=text_order)

    # -- facts --------------------------------------------------------------------------------

    def put_fact(self, fact: FactRecord) -> None:
        """Add a live fact, or replace the one with its id."""
        for index, held in enumerate(self.facts):
            if held.id == fact.id:
                self.facts[index] = fact
                return
        insort(self.facts, fact, key=fact_order)

    def drop_fact(self, fact_id: str) -> None:
        """Forget a fact that is no longer live."""
        self.facts = [fact for fact in self.facts if fact.id != fact_id]

    # -- suggestions and figures --------------------------------------------------------------

    def offer_all(self) -> None:
        """Work out every offered suggestion and figure again (open, or found later)."""
        raw = [(s.start, s.end) for s in self.spans if s.layer == "raw"]
        self.suggestions = (
            []
            if self.hide_suggestions
            else [
                s
                for s in uncovered(self.all_suggestions, raw, self.stored.raw_text)
                if s.id not in self.dismissed
            ]
        )
        self.offered = {s.id for s in self.suggestions}
        self._sorted = None
        self.numbers = [n for n in self.all_numbers if number_id(n) not in self.dismissed]

    def offer_near(
        self, ranges: Iterable[tuple[int, int]], added: Iterable[tuple[int, int]] = ()
    ) -> tuple[list[str], list[str]]:
        """Decide again the suggestions overlapping raw ``ranges``; (hidden, shown) ids.

        A suggestion a new span (its range in ``added``) matches exactly is covered: so
        accepting suggestions hides them without measuring every one again.
        """
        if self.hide_suggestions or not self.all_suggestions:
            return [], []
        near = self._overlapping(ranges)
        if not near:
            return [], []
        exact = set(added)
        text = self.stored.raw_text
        rest = [
            s for s in near if (s.start, s.end) not in exact or not text[s.start : s.end].strip()
        ]
        keep: set[str] = set()
        if rest:
            low, high = min(s.start for s in rest), max(s.end for s in rest)
            keep = {s.id for s in uncovered(rest, self._raw_spans(low, high), text)}
        keep -= self.dismissed
        return self._offer({s.id for s in near} - keep, keep)

    def accepted_all(self) -> tuple[list[str], list[str]]:
        """``offer_near`` after a span was added on every offered suggestion's exact range
        (all accepted at once): (hidden, shown) ids, without measuring each again.

        Each is covered by its own span except a blank one, which is never covered; its
        first character tells, mostly (slicing 11,000 pieces to strip them took 8 ms).
        Hidden ids come in text order, not sorted (sorting 11,000 cost 4 ms).
        """
        text = self.stored.raw_text
        blank = [
            s
            for s in self.suggestions
            if text[s.start].isspace() and not text[s.start : s.end].strip()
        ]
        kept = {s.id for s in blank}
        hidden = [s.id for s in self.suggestions if s.id not in kept]
        self.suggestions = blank
        self.offered = kept
        return hidden, []

    def _raw_spans(self, low: int, high: int) -> list[tuple[int, int]]:
        """(start, end) of the raw spans overlapping ``[low, high)``."""
        spans, found = self.spans, []
        first = bisect_left(spans, (False, low - self.longest_span), key=_raw_start)
        for index in range(first, len(spans)):  # by index: a slice would copy the rest
            span = spans[index]
            if span.layer != "raw" or span.start >= high:
                break
            if span.end > low:
                found.append((span.start, span.end))
        return found

    def _overlapping(self, ranges: Iterable[tuple[int, int]]) -> list[Suggestion]:
        """The suggestions sharing a character with any of ``ranges``."""
        if self._sorted is None:
            ordered = sorted(self.all_suggestions, key=lambda s: s.start)
            longest = max((s.end - s.start for s in ordered), default=0)
            self._sorted = (ordered, [s.start for s in ordered], longest)
        ordered, starts, longest = self._sorted
        merged = _merged(ranges)
        if len(merged) > MANY_RANGES:  # all accepted at once: look each suggestion up
            range_starts = [start for start, _ in merged]
            return [
                s
                for s in ordered
                if (i := bisect_right(range_starts, s.end - 1) - 1) >= 0 and merged[i][1] > s.start
            ]
        found: dict[str, Suggestion] = {}
        for start, end in merged:
            first = bisect_right(starts, start - longest)
            for index in range(first, bisect_left(starts, end)):
                suggestion = ordered[index]
                if suggestion.end > start:
                    found[suggestion.id] = suggestion
        return list(found.values())

    def dismiss(self, item_id: str, dismissed: bool) -> tuple[list[str], list[str]]:
        """Hide a suggestion or figure (or offer it again); (hidden, shown) ids."""
        if dismissed:
            self.dismissed.add(item_id)
            numbers = [n for n in self.numbers if number_id(n) != item_id]
            if len(numbers) < len(self.numbers):
                self.numbers = numbers
                return [item_id], []
            return self._offer({item_id}, set())
        self.dismissed.discard(item_id)
        numbers = [n for n in self.all_numbers if number_id(n) == item_id]
        if numbers:
            self.numbers = [n for n in self.all_numbers if number_id(n) not in self.dismissed]
            return [], [item_id]
        suggestion = [s for s in self.all_suggestions if s.id == item_id]
        if not suggestion:
            return [], []
        return self.offer_near([(suggestion[0].start, suggestion[0].end)])

    def _offer(self, hide: set[str], show: set[str]) -> tuple[list[str], list[str]]:
        offered = self.offered
        hidden = sorted(offered & hide)
        shown = sorted(show - offered)
        if hidden or shown:
            offered.difference_update(hidden)
            offered.update(shown)
            self.suggestions = [s for s in self.all_suggestions if s.id in offered]
        return hidden, shown


def _raw_start(span: SpanRecord) -> tuple[bool, int]:
    return (span.layer != "raw", span.start)


def _merged(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """``ranges`` sorted, overlapping ones joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
