"""The document model the window and its undo commands work on.

Plain Python: every action writes one transaction to the label file through
``storage.annotations`` and then re-reads the document's spans, so what the window shows
is always what the file holds. Listeners hear ``changed(doc_id)`` after each action.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from app.core.document import FactRecord, SpanRecord
from app.core.korean_numbers import Expression, find_expressions
from app.core.suggestions import Suggestion, suggest_spam_regions, uncovered
from storage.annotations import (
    NewSpan,
    add_spans,
    document_spans,
    document_status,
    relabel_span,
    set_spans_deleted,
    set_status,
)
from storage.documents import StoredDocument, load_document
from storage.facts import SlotState, add_fact, document_facts, set_facts_deleted, set_slot
from storage.labelfile import LabelFile

Listener = Callable[[str], None]
Result = TypeVar("Result")
# Pages longer than this get their suggestions later, from ``app.gui.background``.
SUGGEST_NOW_MAX_CHARS = 100_000


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

    @property
    def id(self) -> str:
        """The document's id."""
        return self.stored.id


class ReviewModel:
    """One label file, one annotator, one open document at a time."""

    def __init__(self, label_file: LabelFile, annotator: str) -> None:
        self.label_file = label_file
        self.annotator = annotator
        # Who edits write as (review mode writes as gold), and whether only their spans
        # and facts are shown (the raw pane of review mode shows gold alone).
        self.writer = annotator
        self.only_writer = False
        self.current: OpenDocument | None = None
        self._listeners: list[Listener] = []
        # Dismissed suggestions are not labels: they live for this session only.
        self._dismissed: dict[str, set[str]] = {}

    @property
    def read_only(self) -> bool:
        """True when edits are refused."""
        return self.label_file.read_only

    def set_writer(self, writer: str, *, only_writer: bool) -> None:
        """Write (and, with ``only_writer``, show) spans, facts and statuses as ``writer``."""
        self.writer, self.only_writer = writer, only_writer
        if self.current is not None:
            self._changed(self.current.id)

    def write(self, doc_id: str, action: Callable[[LabelFile], Result]) -> Result:
        """Run one storage action (one transaction) on the file, then reload and notify."""
        result = action(self.label_file)
        self._changed(doc_id)
        return result

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(doc_id)`` after every change."""
        self._listeners.append(listener)

    def open(self, doc_id: str) -> OpenDocument:
        """Make ``doc_id`` the current document."""
        stored = load_document(self.label_file.connection, doc_id)
        if stored is None:
            raise KeyError(f"no document with id {doc_id!r}")
        pending = len(stored.raw_text) > SUGGEST_NOW_MAX_CHARS
        suggestions = [] if pending else suggest_spam_regions(stored.raw_text, stored.segments)
        self.current = OpenDocument(
            stored,
            all_suggestions=suggestions,
            dismissed=self._dismissed.setdefault(doc_id, set()),
            suggestions_pending=pending,
            all_numbers=[] if pending else find_expressions(stored.raw_text),
        )
        self._reload(doc_id)
        return self.current

    def set_suggestions(
        self, doc_id: str, suggestions: list[Suggestion], numbers: list[Expression]
    ) -> None:
        """Take the suggestions found later for a large current document."""
        if self.current is None or self.current.id != doc_id:
            return
        self.current.all_suggestions = suggestions
        self.current.all_numbers = numbers
        self.current.suggestions_pending = False
        self._changed(doc_id)

    def add_spans(self, doc_id: str, spans: Sequence[NewSpan]) -> list[str]:
        """Store new spans; return their ids."""
        records = add_spans(self.label_file, doc_id, spans, self.writer)
        self._changed(doc_id)
        return [record.id for record in records]

    def set_deleted(self, doc_id: str, span_ids: Sequence[str], deleted: bool) -> None:
        """Delete spans (tombstones) or bring them back."""
        set_spans_deleted(self.label_file, span_ids, deleted)
        self._changed(doc_id)

    def relabel(self, doc_id: str, span_id: str, label: str) -> None:
        """Give a span another label."""
        relabel_span(self.label_file, span_id, label)
        self._changed(doc_id)

    def set_status(
        self, doc_id: str, status: str, note: str | None, annotator: str | None = None
    ) -> None:
        """Set the writer's (or ``annotator``'s) status (and note) of a document."""
        set_status(self.label_file, doc_id, annotator or self.writer, status, note)
        self._changed(doc_id)

    def add_fact(self, doc_id: str, fact_type: str) -> str:
        """Start an empty fact; return its id."""
        fact = add_fact(self.label_file, doc_id, fact_type, self.writer)
        self._changed(doc_id)
        return fact.id

    def set_facts_deleted(self, doc_id: str, fact_ids: Sequence[str], deleted: bool) -> None:
        """Delete facts (tombstones) or bring them back."""
        set_facts_deleted(self.label_file, fact_ids, deleted)
        self._changed(doc_id)

    def set_slot(
        self,
        doc_id: str,
        fact_id: str,
        role: str,
        state: SlotState | None,
        annotator: str | None = None,
    ) -> SlotState | None:
        """Fill (or clear, with None) a fact's slot as the writer (or ``annotator``)."""
        previous = set_slot(self.label_file, fact_id, role, state, annotator or self.writer)
        self._changed(doc_id)
        return previous

    def fact(self, fact_id: str) -> FactRecord | None:
        """A live fact of the current document."""
        facts = self.current.facts if self.current else []
        return next((fact for fact in facts if fact.id == fact_id), None)

    def status_of(self, doc_id: str) -> tuple[str, str]:
        """The writer's (status, note) of a document."""
        return document_status(self.label_file.connection, doc_id, self.writer)

    def set_dismissed(self, doc_id: str, suggestion_id: str, dismissed: bool) -> None:
        """Hide a suggestion (or show it again)."""
        hidden = self._dismissed.setdefault(doc_id, set())
        if dismissed:
            hidden.add(suggestion_id)
        else:
            hidden.discard(suggestion_id)
        self._changed(doc_id)

    def span(self, span_id: str) -> SpanRecord | None:
        """A live span of the current document."""
        spans = self.current.spans if self.current else []
        return next((span for span in spans if span.id == span_id), None)

    def _changed(self, doc_id: str) -> None:
        if self.current is not None and self.current.id == doc_id:
            self._reload(doc_id)
        for listener in self._listeners:
            listener(doc_id)

    def _reload(self, doc_id: str) -> None:
        current = self.current
        assert current is not None and current.id == doc_id
        current.spans = document_spans(self.label_file.connection, doc_id)
        current.facts = document_facts(self.label_file.connection, doc_id)
        if self.only_writer:
            current.spans = [s for s in current.spans if s.annotator == self.writer]
            current.facts = [f for f in current.facts if f.annotator == self.writer]
        current.status, current.note = self.status_of(doc_id)
        raw_spans = [(s.start, s.end) for s in current.spans if s.layer == "raw"]
        current.suggestions = [
            s
            for s in uncovered(current.all_suggestions, raw_spans, current.stored.raw_text)
            if s.id not in current.dismissed and not self.only_writer
        ]
        current.numbers = [n for n in current.all_numbers if number_id(n) not in current.dismissed]


def number_id(number: Expression) -> str:
    """A figure's id among a document's suggestions (dismissals are kept by id)."""
    return f"number:{number.start}-{number.end}"
