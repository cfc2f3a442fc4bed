"""The document session: the window's one door to the label file, in plain Python.

Every action is a method that writes one transaction through ``storage``, then updates the
open document by the rows it wrote (read back by id, never the whole document again) and
tells listeners what changed with a ``Change``. Span texts come from the texts the
session already holds; suggestions under a new span are dropped, not recomputed.

Whose labels an edit may change: only the writer's own (the annotator, or ``gold`` in
review mode). An edit of another annotator's span or fact raises ``NotYours`` and leaves
their row as it was; ``refusal`` says so beforehand for the window's status bar.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.core.document import FactRecord, SpanRecord
from app.core.korean_numbers import Expression, find_expressions
from app.core.labelschema import LabelSchema
from app.core.suggestions import Suggestion, suggest_spam_regions
from app.session.changes import Change, Listener
from app.session.collection import without_collection
from app.session.file_reads import LabelFileReads
from app.session.learned import SuggestionSources
from app.session.line_suggestions import Trained, TrainingRequest
from app.session.open_document import SUGGEST_NOW_MAX_CHARS, OpenDocument
from storage import annotations as span_store
from storage import facts as fact_store
from storage import gold as gold_store
from storage import tag_all as tag_all_store
from storage.annotations import NewSpan, document_spans, document_status
from storage.documents import done_count, load_document, next_not_done
from storage.facts import SlotState, document_facts
from storage.gold import GoldWrite
from storage.labelfile import LabelFile
from storage.schema_rows import read_label_schema
from storage.session_rows import checkpoint, live_fact, live_spans_by_id
from storage.tag_all import HitRange, TagAllResult


class NotYours(ValueError):
    """An edit of a span or fact another annotator made: their row is left as it was."""


class DocumentSession(LabelFileReads):
    """One label file, one annotator, one open document at a time."""

    def __init__(self, label_file: LabelFile, annotator: str) -> None:
        super().__init__(label_file, annotator)
        # Who edits write as (review mode writes as gold), and whether only their spans
        # and facts are shown (the raw pane of review mode shows gold alone).
        self.writer = annotator
        self.only_writer = False
        self.current: OpenDocument | None = None
        self.schema: LabelSchema = read_label_schema(label_file.connection)
        self.colors = {label.name: label.color for label in self.schema.labels}
        self._listeners: list[Listener] = []
        # Dismissed suggestions are not labels: they live for this session only.
        self._dismissed: dict[str, set[str]] = {}
        self._done: int | None = None
        # The cleaner's rules, the line model and the writer's tags on the site's other
        # pages; ``sources.learning = False`` leaves the rules alone.
        self.sources = SuggestionSources()

    # -- reading ------------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(change)`` after every change."""
        self._listeners.append(listener)

    def open(self, doc_id: str) -> OpenDocument:
        """Make ``doc_id`` the current document (suggestions now unless the page is long)."""
        stored = load_document(self.label_file.connection, doc_id)
        if stored is None:
            raise KeyError(f"no document with id {doc_id!r}")
        pending = len(stored.raw_text) > SUGGEST_NOW_MAX_CHARS
        sources = self.sources
        # A long page's learned suggestions come with its rules', after the first paint.
        sources.learned = []
        if not pending:
            sources.learn(self.label_file.connection, self.writer, stored)
        sources.rules = [] if pending else suggest_spam_regions(stored.raw_text, stored.segments)
        suggestions = [] if pending else sources.merged(stored.raw_text, stored.segments)
        self.current = OpenDocument(
            stored,
            all_suggestions=suggestions,
            dismissed=self._dismissed.setdefault(doc_id, set()),
            suggestions_pending=pending,
            all_numbers=[] if pending else find_expressions(stored.raw_text),
        )
        self._reload()
        return self.current

    def span(self, span_id: str) -> SpanRecord | None:
        """A live span of the current document."""
        return self.current.spans_by_id.get(span_id) if self.current else None

    def fact(self, fact_id: str) -> FactRecord | None:
        """A live fact of the current document."""
        facts_here = self.current.facts if self.current else []
        return next((fact for fact in facts_here if fact.id == fact_id), None)

    def refusal(self, record: SpanRecord | FactRecord | None) -> str | None:
        """Why the writer may not edit ``record`` (another annotator's), or None."""
        if record is None or record.annotator == self.writer:
            return None
        kind = "span" if isinstance(record, SpanRecord) else "fact"
        return f"This {kind} is {record.annotator}'s; your edits change only your own {kind}s."

    def status_of(self, doc_id: str) -> tuple[str, str]:
        """The writer's (status, note) of a document."""
        return document_status(self.label_file.connection, doc_id, self.writer)

    def done_count(self) -> int:
        """How many documents the annotator marked done (kept between status changes)."""
        if self._done is None:
            self._done = done_count(self.label_file.connection, self.annotator)
        return self._done

    def next_not_done(self, after: str | None) -> str | None:
        """The first document after ``after`` (wrapping) the writer has not marked done."""
        return next_not_done(self.label_file.connection, after, self.writer)

    # -- writing: spans -----------------------------------------------------------------------

    @without_collection
    def add_spans(self, doc_id: str, spans: Sequence[NewSpan]) -> list[str]:
        """Store new spans as the writer; return their ids."""
        texts = self._held_texts(doc_id)
        records = span_store.add_spans(self.label_file, doc_id, spans, self.writer, texts=texts)
        self._spans_changed(doc_id, records, [])
        return [record.id for record in records]

    @without_collection
    def accept_suggestions(self, doc_id: str) -> list[str]:
        """Accept every suggestion offered on the open document ``doc_id``, each with its
        guessed label, in one write; return the new spans' ids.

        Each new span is its suggestion's range exactly, so every suggestion goes without
        being measured against the spans again.
        """
        current = self.current
        if current is None or current.id != doc_id:
            raise ValueError(f"{doc_id!r} is not the open document")
        make = tuple.__new__  # 11,000 spans: made as the tuples they are
        spans = [make(NewSpan, ("raw", s.start, s.end, s.label)) for s in current.suggestions]
        records = span_store.add_spans(
            self.label_file, doc_id, spans, self.writer, texts=current.texts
        )
        current.put_spans(records)
        hidden, _ = current.accepted_all()
        added = tuple(record.id for record in records)
        self._notify(
            Change(doc_id, added=added, hidden=tuple(hidden), listed_spans=self._listed(current))
        )
        return list(added)

    def checkpoint(self) -> None:
        """Copy the label file's log into it: after a write of thousands of spans (accept
        all), whose commit left that out so the window shows it done sooner."""
        checkpoint(self.label_file)

    @without_collection
    def set_deleted(
        self, doc_id: str, span_ids: Sequence[str], deleted: bool, annotator: str | None = None
    ) -> None:
        """Delete spans of ``annotator`` (default: the writer) as tombstones, or revive them."""
        self._check_spans(span_ids, annotator)
        span_store.set_spans_deleted(self.label_file, span_ids, deleted)
        revived = [] if deleted else self._read_spans(span_ids)
        self._spans_changed(doc_id, revived, span_ids if deleted else [])

    def relabel(self, doc_id: str, span_id: str, label: str, annotator: str | None = None) -> None:
        """Give a span of ``annotator`` (default: the writer) another label."""
        self._check_spans([span_id], annotator)
        span_store.relabel_span(self.label_file, span_id, label)
        if not self._is_current(doc_id):
            self._notify(Change(doc_id, everything=True))
            return
        assert self.current is not None
        for record in self._read_spans([span_id]):
            self.current.put_span(record)
        self._notify(Change(doc_id, relabelled=(span_id,), listed_spans=self._listed(self.current)))

    # -- across documents: tag all, learning ---------------------------------------------------

    @without_collection
    def tag_all(self, hits: Sequence[HitRange], label: str) -> TagAllResult:
        """Tag every hit not yet covered by ``label`` as the writer, in one transaction."""
        result = tag_all_store.tag_all(self.label_file, hits, label, self.writer)
        self._tagged_all(result, live=True)
        return result

    def set_tag_all_deleted(self, result: TagAllResult, deleted: bool) -> None:
        """Undo a tag-all (tombstone exactly its rows) or redo it, in one transaction."""
        (tag_all_store.untag_all if deleted else tag_all_store.retag_all)(self.label_file, result)
        self._tagged_all(result, live=not deleted)

    def line_model_request(self) -> TrainingRequest | None:
        """What to train the line model on (in a helper), when pages were finished since."""
        return self.sources.request(self.label_file, self.writer)

    def set_line_model(self, trained: Trained) -> bool:
        """Use a trained model, unless a newer request was made since (then False)."""
        if not self.sources.take(trained):
            return False
        current = self.current
        if current is not None and not current.suggestions_pending:
            stored = current.stored
            current.all_suggestions = self.sources.merged(stored.raw_text, stored.segments)
            current.offer_all()
            self._notify(Change(current.id, everything=True))
        return True

    # -- writing: status, suggestions ---------------------------------------------------------

    def set_status(
        self, doc_id: str, status: str, note: str | None, annotator: str | None = None
    ) -> None:
        """Set the writer's (or ``annotator``'s) status (and note) of a document."""
        who = annotator or self.writer
        span_store.set_status(self.label_file, doc_id, who, status, note)
        self._done = None
        current = self.current
        if current is not None and current.id == doc_id and who == self.writer:
            current.status = status
            current.note = current.note if note is None else note
        self._notify(Change(doc_id, status=True, everything=not self._is_current(doc_id)))

    def learning_writer(self) -> str | None:
        """Whose tags a long page's learned suggestions come from (None: learning is off)."""
        return self.writer if self.sources.learning else None

    def set_suggestions(
        self,
        doc_id: str,
        suggestions: list[Suggestion],
        numbers: list[Expression],
        learned: tuple[str | None, list[Suggestion]] = (None, []),
    ) -> None:
        """Take the suggestions found later for a long current document; ``learned`` is
        (whose tags they were learned from, the suggestions), dropped when the writer or
        learning changed since they were asked for."""
        current = self.current
        if current is None or current.id != doc_id:
            return
        current.all_numbers = numbers
        learned_from, found = learned
        fresh = learned_from is not None and learned_from == self.learning_writer()
        self.sources.learned = found if fresh else []
        self.sources.rules = suggestions
        current.all_suggestions = self.sources.merged(
            current.stored.raw_text, current.stored.segments
        )
        current.suggestions_pending = False
        current.offer_all()
        self._notify(Change(doc_id, everything=True))

    def set_dismissed(self, doc_id: str, item_id: str, dismissed: bool) -> None:
        """Hide a suggestion or figure (or offer it again); this session only."""
        if not self._is_current(doc_id):
            hidden = self._dismissed.setdefault(doc_id, set())
            (hidden.add if dismissed else hidden.discard)(item_id)
            self._notify(Change(doc_id, everything=True))
            return
        assert self.current is not None
        hid, shown = self.current.dismiss(item_id, dismissed)
        self._notify(Change(doc_id, hidden=tuple(hid), shown=tuple(shown)))

    # -- writing: facts -----------------------------------------------------------------------

    def add_fact(self, doc_id: str, fact_type: str) -> str:
        """Start an empty fact as the writer; return its id."""
        fact = fact_store.add_fact(self.label_file, doc_id, fact_type, self.writer)
        self._fact_changed(doc_id, fact.id)
        return fact.id

    def set_facts_deleted(
        self, doc_id: str, fact_ids: Sequence[str], deleted: bool, annotator: str | None = None
    ) -> None:
        """Delete facts of ``annotator`` (default: the writer) as tombstones, or revive them."""
        self._check_facts(fact_ids, annotator)
        fact_store.set_facts_deleted(self.label_file, fact_ids, deleted)
        self._fact_changed(doc_id, *fact_ids)

    def set_slot(
        self,
        doc_id: str,
        fact_id: str,
        role: str,
        state: SlotState | None,
        annotator: str | None = None,
    ) -> SlotState | None:
        """Fill (or clear, with None) a slot of the writer's (or ``annotator``'s) fact."""
        self._check_facts([fact_id], annotator)
        who, texts = annotator or self.writer, self._held_texts(doc_id)
        previous = fact_store.set_slot(self.label_file, fact_id, role, state, who, texts=texts)
        self._fact_changed(doc_id, fact_id)
        return previous

    # -- writing: gold ------------------------------------------------------------------------

    def accept_into_gold(
        self, doc_id: str, spans: Sequence[SpanRecord], facts_in: Sequence[FactRecord]
    ) -> GoldWrite:
        """Copy annotators' spans and facts into gold (what gold holds is skipped)."""
        written = gold_store.accept_into_gold(self.label_file, doc_id, spans, facts_in)
        self._gold_changed(doc_id, written.span_ids, written.fact_ids, revived=True)
        return written

    def set_gold_deleted(
        self, doc_id: str, span_ids: Sequence[str], fact_ids: Sequence[str], deleted: bool
    ) -> None:
        """Tombstone gold spans and facts (reject, undo of an accept), or revive them."""
        gold_store.set_gold_deleted(self.label_file, span_ids, fact_ids, deleted)
        self._gold_changed(doc_id, span_ids, fact_ids, revived=not deleted)

    def set_writer(self, writer: str, *, only_writer: bool) -> None:
        """Write (and, with ``only_writer``, show) spans, facts and statuses as ``writer``."""
        self.writer, self.only_writer = writer, only_writer
        if self.current is not None:
            self._reload()
            self._notify(Change(self.current.id, everything=True))

    # -- helpers ------------------------------------------------------------------------------

    def _held_texts(self, doc_id: str) -> dict[str, str] | None:
        """``doc_id``'s layer texts when it is the open document (writes slice them)."""
        current = self.current
        return current.texts if current is not None and current.id == doc_id else None

    def _is_current(self, doc_id: str) -> bool:
        return self.current is not None and self.current.id == doc_id

    def _visible(self, annotator: str) -> bool:
        return not self.only_writer or annotator == self.writer

    def _check_spans(self, span_ids: Sequence[str], annotator: str | None) -> None:
        who = annotator or self.writer
        for span_id in span_ids:
            span = self.span(span_id)
            if span is not None and span.annotator != who:
                raise NotYours(self.refusal(span))

    def _check_facts(self, fact_ids: Sequence[str], annotator: str | None) -> None:
        who = annotator or self.writer
        for fact_id in fact_ids:
            fact = self.fact(fact_id)
            if fact is not None and fact.annotator != who:
                raise NotYours(self.refusal(fact))

    def _read_spans(self, span_ids: Sequence[str]) -> list[SpanRecord]:
        rows = live_spans_by_id(self.label_file.connection, list(span_ids))
        return [span for span in rows if self._visible(span.annotator)]

    def _spans_changed(
        self,
        doc_id: str,
        live: Sequence[SpanRecord],
        gone: Sequence[str],
        fact_ids: Sequence[str] = (),
        others: tuple[str, ...] = (),
    ) -> None:
        """Put ``live`` spans in, take ``gone`` out, re-offer suggestions near them; notify."""
        current = self.current
        if current is None or current.id != doc_id:
            self._notify(Change(doc_id, everything=True))
            return
        removed = []
        touched = []
        for span_id in gone:
            old = current.drop_span(span_id)
            if old is not None:
                removed.append(span_id)
                touched.append(old)
        visible = [span for span in live if self._visible(span.annotator)]
        current.put_spans(visible)
        added = [span.id for span in visible]
        new_raw = [(s.start, s.end) for s in visible if s.layer == "raw"]
        old_raw = [(s.start, s.end) for s in touched if s.layer == "raw"]
        hidden, shown = current.offer_near(new_raw + old_raw, new_raw)
        self._read_facts(current, fact_ids)
        self._notify(
            Change(
                doc_id, added=tuple(added), removed=tuple(removed), facts=tuple(fact_ids),
                hidden=tuple(hidden), shown=tuple(shown), others=others,
                listed_spans=self._listed(current) if added or removed else None,
            )
        )  # fmt: skip

    def _listed(self, current: OpenDocument) -> int | None:
        """The annotator's live spans on ``current`` (the list's count), if all are held."""
        if not self._visible(self.annotator):
            return None  # review mode's raw pane holds gold's spans only
        annotator = self.annotator
        return sum(1 for span in current.spans if span.annotator == annotator)

    def _tagged_all(self, result: TagAllResult, *, live: bool) -> None:
        """Update the current document by its part of a tag-all; name the other documents."""
        current = self.current
        if current is None:
            return
        here = [w.span.id for w in result.written if w.doc_id == current.id]
        others = tuple(sorted({w.doc_id for w in result.written} - {current.id}))
        spans = self._read_spans(here) if live else []
        self._spans_changed(current.id, spans, [] if live else here, others=others)

    def _fact_changed(self, doc_id: str, *fact_ids: str) -> None:
        self._spans_changed(doc_id, [], [], fact_ids)

    def _read_facts(self, current: OpenDocument, fact_ids: Sequence[str]) -> None:
        for fact_id in fact_ids:
            fact = live_fact(self.label_file.connection, fact_id)
            if fact is None or not self._visible(fact.annotator):
                current.drop_fact(fact_id)
            else:
                current.put_fact(fact)

    def _gold_changed(
        self, doc_id: str, span_ids: Sequence[str], fact_ids: Sequence[str], *, revived: bool
    ) -> None:
        live = self._read_spans(span_ids) if revived else []
        self._spans_changed(doc_id, live, [] if revived else span_ids, fact_ids)

    def _reload(self) -> None:
        """Read the current document's labels whole (on open, or after another writer)."""
        current = self.current
        assert current is not None
        db = self.label_file.connection
        spans = document_spans(db, current.id)
        facts_here = document_facts(db, current.id)
        current.set_spans([s for s in spans if self._visible(s.annotator)])
        current.facts = [f for f in facts_here if self._visible(f.annotator)]
        current.status, current.note = self.status_of(current.id)
        current.hide_suggestions = self.only_writer
        current.offer_all()

    def _notify(self, change: Change) -> None:
        for listener in list(self._listeners):
            listener(change)
