"""The gold layer: a lead's adjudicated labels, stored under the reserved annotator ``gold``.

Gold rows are ordinary rows (a new UUID, created/updated times, a deleted flag), so merge,
validate, show and export treat them like anyone's. Accepting an annotator's span or fact
*copies* it: the annotator's row is never touched, and copying what gold already holds
adds nothing, so running an automatic pass twice is harmless. Rejecting tombstones the
gold copy. Each function here is one transaction.

Which documents need a lead at all: those labelled by two or more annotators (a status
``done``, or any live span or fact), since one annotator's labels agree with nobody.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from app.core.adjudication import (
    GOLD,
    DocumentAdjudication,
    FactItem,
    Item,
    Level,
    SpanItem,
    adjudicate,
    fact_key,
    is_reserved_annotator,
    span_key,
)
from app.core.document import FactRecord, SlotRecord, SpanRecord, status_id
from storage.annotations import document_spans
from storage.documents import insert_facts, insert_spans
from storage.facts import document_facts
from storage.labelfile import LabelFile, utc_now

# Who labelled what: every annotator with a live span, a live fact or a status "done".
_LABELLERS = (
    "SELECT doc_id, annotator FROM spans WHERE deleted = 0"
    " UNION SELECT doc_id, annotator FROM facts WHERE deleted = 0"
    " UNION SELECT doc_id, annotator FROM document_status WHERE deleted = 0 AND status = 'done'"
)


@dataclass(frozen=True)
class DocumentLabels:
    """Everything adjudication needs of one document, read at one moment."""

    doc_id: str
    annotators: frozenset[str]  # who labelled it, never gold
    spans: tuple[SpanRecord, ...]  # live spans of those annotators
    facts: tuple[FactRecord, ...]
    gold_spans: tuple[SpanRecord, ...]
    gold_facts: tuple[FactRecord, ...]
    gold_done: bool

    def adjudication(self) -> DocumentAdjudication:
        """The document's items, classified, with what gold has settled."""
        return adjudicate(
            self.spans,
            self.facts,
            self.annotators,
            gold_spans=self.gold_spans,
            gold_facts=self.gold_facts,
            gold_done=self.gold_done,
        )

    def records_of(self, items: Iterable[Item]) -> tuple[list[SpanRecord], list[FactRecord]]:
        """One annotator's record of each item (they are identical), to copy into gold."""
        spans = {span.id: span for span in self.spans}
        facts = {fact.id: fact for fact in self.facts}
        chosen_spans = [spans[i.supporters[0][1]] for i in items if isinstance(i, SpanItem)]
        chosen_facts = [facts[i.supporters[0][1]] for i in items if isinstance(i, FactItem)]
        return chosen_spans, chosen_facts


@dataclass
class GoldWrite:
    """What one gold write did: the gold rows it made, and how many items gold had already."""

    span_ids: list[str] = field(default_factory=list)
    fact_ids: list[str] = field(default_factory=list)
    already: int = 0

    @property
    def copied(self) -> int:
        """Items copied into gold."""
        return len(self.span_ids) + len(self.fact_ids)


@dataclass(frozen=True)
class AutoOutcome:
    """One document's automatic pass: what was copied and which disagreements are left."""

    written: GoldWrite
    open_disagreements: int
    open_majority: int  # majority items not copied (by a unanimous-only pass)
    marked_done: bool = False  # nothing was left to decide, so gold's status became done


def read_document_labels(db: sqlite3.Connection, doc_id: str) -> DocumentLabels:
    """The live labels of ``doc_id``: every annotator's, gold's apart."""
    spans = document_spans(db, doc_id)
    facts = document_facts(db, doc_id)
    done = {
        row[0]
        for row in db.execute(
            "SELECT annotator FROM document_status WHERE doc_id = ? AND deleted = 0"
            " AND status = 'done'",
            (doc_id,),
        )
    }
    others = [s for s in spans if not is_reserved_annotator(s.annotator)]
    other_facts = [f for f in facts if not is_reserved_annotator(f.annotator)]
    who = {s.annotator for s in others} | {f.annotator for f in other_facts}
    who |= {name for name in done if not is_reserved_annotator(name)}
    return DocumentLabels(
        doc_id,
        frozenset(who),
        tuple(others),
        tuple(other_facts),
        tuple(s for s in spans if s.annotator == GOLD),
        tuple(f for f in facts if f.annotator == GOLD),
        GOLD in done,
    )


def documents_needing_adjudication(db: sqlite3.Connection) -> list[str]:
    """Documents labelled by two or more annotators (not counting gold), in import order."""
    rows = db.execute(
        f"SELECT l.doc_id FROM ({_LABELLERS}) l JOIN documents d ON d.id = l.doc_id"
        " WHERE l.annotator != ? GROUP BY l.doc_id HAVING count(DISTINCT l.annotator) >= 2"
        " ORDER BY min(d.rowid)",
        (GOLD,),
    )
    return [str(row[0]) for row in rows]


def labelled_documents(db: sqlite3.Connection) -> int:
    """How many documents at least one annotator (not gold) labelled."""
    (count,) = db.execute(
        f"SELECT count(DISTINCT doc_id) FROM ({_LABELLERS}) WHERE annotator != ?", (GOLD,)
    ).fetchone()
    return int(count)


def span_annotators(db: sqlite3.Connection) -> list[str]:
    """The annotators (not gold) with live spans anywhere in the file, sorted."""
    rows = db.execute(
        "SELECT DISTINCT annotator FROM spans WHERE deleted = 0 AND annotator != ?", (GOLD,)
    )
    return sorted(str(row[0]) for row in rows if not is_reserved_annotator(row[0]))


def accept_into_gold(
    label_file: LabelFile,
    doc_id: str,
    spans: Sequence[SpanRecord] = (),
    facts: Sequence[FactRecord] = (),
) -> GoldWrite:
    """Copy annotators' spans and facts of ``doc_id`` into gold, skipping what gold holds."""
    with label_file.transaction() as db:
        return _accept(db, doc_id, spans, facts)


def set_gold_deleted(
    label_file: LabelFile, span_ids: Sequence[str], fact_ids: Sequence[str], deleted: bool
) -> None:
    """Tombstone gold spans and facts (a rejection, or the undo of an accept), or revive them.

    Only gold rows are touched: an annotator's own labels never change here.
    """
    now = utc_now()
    with label_file.transaction() as db:
        db.executemany(
            "UPDATE spans SET deleted = ?, updated = next_version(updated, ?)"
            " WHERE id = ? AND annotator = ?",
            [(int(deleted), now, span_id, GOLD) for span_id in span_ids],
        )
        db.executemany(
            "UPDATE facts SET deleted = ?, updated = next_version(updated, ?)"
            " WHERE id = ? AND annotator = ?",
            [(int(deleted), now, fact_id, GOLD) for fact_id in fact_ids],
        )


def auto_accept(label_file: LabelFile, doc_id: str, level: Level) -> AutoOutcome:
    """Copy every item of ``doc_id`` agreed at ``level`` or stronger into gold.

    Read, decide and write happen in one transaction, so a concurrent edit can neither
    slip in between nor leave the document half adjudicated.
    """
    with label_file.transaction() as db:
        labels = read_document_labels(db, doc_id)
        spans, facts = labels.records_of(labels.adjudication().agreed(level))
        written = _accept(db, doc_id, spans, facts)
        after = read_document_labels(db, doc_id).adjudication()
        open_items, open_majority = len(after.open_items()), len(after.open_items(Level.MAJORITY))
        marked = not open_items and not open_majority and _mark_gold_done(db, doc_id)
    return AutoOutcome(written, open_items, open_majority, marked)


def _mark_gold_done(db: sqlite3.Connection, doc_id: str) -> bool:
    """Give gold the status done on ``doc_id``, unless gold already has a status there.

    A status the lead set (done, flagged, skipped) is the lead's word and stays; only a
    document gold never marked (or marked todo) becomes done.
    """
    row = db.execute(
        "SELECT status FROM document_status WHERE doc_id = ? AND annotator = ? AND deleted = 0",
        (doc_id, GOLD),
    ).fetchone()
    if row is not None and row[0] != "todo":
        return False
    now = utc_now()
    db.execute(
        "INSERT INTO document_status (id, doc_id, annotator, status, note, created, updated)"
        " VALUES (?, ?, ?, 'done', '', ?, ?) ON CONFLICT (id) DO UPDATE SET"
        " status = 'done', updated = next_version(updated, excluded.updated), deleted = 0",
        (status_id(doc_id, GOLD), doc_id, GOLD, now, now),
    )
    return True


def _accept(
    db: sqlite3.Connection,
    doc_id: str,
    spans: Sequence[SpanRecord],
    facts: Sequence[FactRecord],
) -> GoldWrite:
    """Copy into gold inside the caller's transaction; see ``accept_into_gold``."""
    now = utc_now()
    written = GoldWrite()
    held_spans = {span_key(s) for s in document_spans(db, doc_id) if s.annotator == GOLD}
    new_spans = []
    for span in spans:
        if span_key(span) in held_spans:
            written.already += 1
            continue
        held_spans.add(span_key(span))
        copy = SpanRecord(
            str(uuid.uuid4()),
            span.layer,
            span.start,
            span.end,
            span.label,
            span.text,
            GOLD,
            now,
            now,
        )
        new_spans.append(copy)
        written.span_ids.append(copy.id)
    insert_spans(db, doc_id, new_spans)
    held_facts = {fact_key(f) for f in document_facts(db, doc_id) if f.annotator == GOLD}
    new_facts = []
    for fact in facts:
        if fact_key(fact) in held_facts:
            written.already += 1
            continue
        held_facts.add(fact_key(fact))
        slots = tuple(
            SlotRecord(str(uuid.uuid4()), s.role, s.layer, s.start, s.end, s.text, s.value)
            for s in fact.slots
        )
        copy_fact = FactRecord(str(uuid.uuid4()), fact.type, GOLD, now, now, slots)
        new_facts.append(copy_fact)
        written.fact_ids.append(copy_fact.id)
    insert_facts(db, doc_id, new_facts)
    return written
