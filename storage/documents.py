"""Write imported documents and their annotations; read a document back as a record."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from app.core.alignment import Segment
from app.core.canonical import CANONICAL_FORM
from app.core.document import FactRecord, PreparedDocument, SpanRecord, status_id
from app.core.sources import Refusal
from storage.text_index import index_document


@dataclass
class ImportCounts:
    """What one batch did to the file."""

    added: int = 0
    skipped: int = 0
    spans: int = 0
    facts: int = 0


def existing_hash(db: sqlite3.Connection, doc_id: str) -> str | None:
    """The raw-text hash stored under ``doc_id``, or None if the id is new."""
    row = db.execute("SELECT raw_sha256 FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return None if row is None else str(row[0])


def insert_documents(
    db: sqlite3.Connection, docs: Sequence[PreparedDocument], imported: str
) -> tuple[ImportCounts, list[Refusal]]:
    """Store ``docs`` inside the caller's transaction.

    A document already held with the same text is skipped (its annotations still go in,
    idempotently); one whose id is held with another text is refused.
    """
    counts = ImportCounts()
    refusals: list[Refusal] = []
    for doc in docs:
        held = existing_hash(db, doc.id)
        if held is not None and held != doc.raw_sha256:
            refusals.append(
                Refusal(doc.origin, f"id {doc.id!r} is already in the file with a different text")
            )
            continue
        if held is None:
            _insert_document(db, doc, imported)
            counts.added += 1
        else:
            counts.skipped += 1
        counts.spans += insert_spans(db, doc.id, doc.spans)
        counts.facts += insert_facts(db, doc.id, doc.facts)
        _insert_statuses(db, doc)
    return counts, refusals


def _insert_document(db: sqlite3.Connection, doc: PreparedDocument, imported: str) -> None:
    db.execute(
        "INSERT INTO documents (id, url, title, cleaner, cleaner_version, raw_sha256,"
        " source_path, source_encoding, canonical_form, aligned_share, imported,"
        " raw_length, clean_length, raw_text, clean_text, raw_html)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            doc.id,
            doc.url,
            doc.title,
            doc.cleaner,
            doc.cleaner_version,
            doc.raw_sha256,
            doc.source_path,
            doc.source_encoding,
            CANONICAL_FORM,
            doc.aligned_share,
            imported,
            len(doc.raw_text),
            len(doc.clean_text),
            doc.raw_text,
            doc.clean_text,
            doc.raw_html,
        ),
    )
    db.executemany(
        "INSERT INTO alignment (doc_id, raw_start, raw_end, clean_start, clean_end)"
        " VALUES (?, ?, ?, ?, ?)",
        [(doc.id, s.raw_start, s.raw_end, s.clean_start, s.clean_end) for s in doc.segments],
    )
    # The corpus index is part of the format: kept current in the same transaction.
    index_document(db, doc.id, doc.raw_text)


def insert_spans(db: sqlite3.Connection, doc_id: str, spans: Sequence[SpanRecord]) -> int:
    """Insert spans not yet held (by id); return how many were new."""
    before = db.total_changes
    db.executemany(
        "INSERT OR IGNORE INTO spans (id, doc_id, layer, start, end, label, text, annotator,"
        " created, updated, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                s.id,
                doc_id,
                s.layer,
                s.start,
                s.end,
                s.label,
                s.text,
                s.annotator,
                s.created,
                s.updated,
                int(s.deleted),
            )
            for s in spans
        ],
    )
    return db.total_changes - before


def insert_facts(db: sqlite3.Connection, doc_id: str, facts: Sequence[FactRecord]) -> int:
    """Insert facts (and their slots) not yet held; return how many facts were new."""
    added = 0
    for fact in facts:
        cursor = db.execute(
            "INSERT OR IGNORE INTO facts (id, doc_id, type, annotator, created, updated, deleted)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                fact.id,
                doc_id,
                fact.type,
                fact.annotator,
                fact.created,
                fact.updated,
                int(fact.deleted),
            ),
        )
        added += cursor.rowcount
        db.executemany(
            "INSERT OR IGNORE INTO fact_slots (id, fact_id, role, layer, start, end, text, value,"
            " annotator, created, updated, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
            [
                (
                    slot.id,
                    fact.id,
                    slot.role,
                    slot.layer,
                    slot.start,
                    slot.end,
                    slot.text,
                    slot.value,
                    fact.annotator,
                    fact.created,
                    fact.updated,
                )
                for slot in fact.slots
            ],
        )
    return added


def _insert_statuses(db: sqlite3.Connection, doc: PreparedDocument) -> None:
    db.executemany(
        "INSERT OR IGNORE INTO document_status (id, doc_id, annotator, status, note, created,"
        " updated) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                status_id(doc.id, s.annotator),
                doc.id,
                s.annotator,
                s.status,
                s.note,
                s.created,
                s.updated,
            )
            for s in doc.statuses
        ],
    )


_RECORD_KEYS = (
    "id",
    "url",
    "title",
    "raw_text",
    "clean_text",
    "cleaner",
    "cleaner_version",
    "raw_sha256",
    "aligned_share",
)
_RECORD_COLUMNS = ", ".join(_RECORD_KEYS)


def read_document_record(
    db: sqlite3.Connection, doc_id: str, *, annotator: str | None = None
) -> dict[str, Any] | None:
    """One document in the record shape of ``thresher show`` (tombstoned rows left out).

    With ``annotator``, only that annotator's spans, facts and statuses are included.
    """
    row = db.execute(f"SELECT {_RECORD_COLUMNS} FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return None if row is None else _record(db, row, annotator)


def iter_document_records(
    db: sqlite3.Connection,
    *,
    annotator: str | None = None,
    where: str = "",
    parameters: Sequence[str] = (),
) -> Iterator[dict[str, Any]]:
    """Every document as ``read_document_record`` gives it, in import order, one at a time.

    ``where`` is an SQL condition on ``documents d`` (with ``parameters``), or empty.
    """
    condition = f" WHERE {where}" if where else ""
    query = f"SELECT {_RECORD_COLUMNS} FROM documents d{condition} ORDER BY d.rowid"
    for row in db.execute(query, parameters):
        yield _record(db, row, annotator)


def _record(db: sqlite3.Connection, row: Sequence[Any], annotator: str | None) -> dict[str, Any]:
    record: dict[str, Any] = dict(zip(_RECORD_KEYS, row, strict=True))
    doc_id = record["id"]
    record["alignment"] = [list(segment) for segment in _alignment_rows(db, doc_id)]
    record["spans"] = _span_rows(db, doc_id, annotator)
    record["facts"] = _fact_rows(db, doc_id, annotator)
    record["status"] = _status_rows(db, doc_id, annotator)
    return record


# Matches every annotator when the parameter is NULL.
_OF_ANNOTATOR = " AND (?1 IS NULL OR annotator = ?1)"


def _span_rows(db: sqlite3.Connection, doc_id: str, annotator: str | None) -> list[dict[str, Any]]:
    keys = ("id", "layer", "start", "end", "label", "text", "annotator", "created", "updated")
    return [
        dict(zip(keys, row, strict=True))
        for row in db.execute(
            f"SELECT {', '.join(keys)} FROM spans WHERE doc_id = ?2 AND deleted = 0"
            f"{_OF_ANNOTATOR} ORDER BY layer DESC, start, end, label, annotator, id",
            (annotator, doc_id),
        )
    ]


def _fact_rows(db: sqlite3.Connection, doc_id: str, only: str | None) -> list[dict[str, Any]]:
    facts = []
    for fact_id, fact_type, annotator, created, updated in db.execute(
        "SELECT id, type, annotator, created, updated FROM facts"
        f" WHERE doc_id = ?2 AND deleted = 0{_OF_ANNOTATOR} ORDER BY created, id",
        (only, doc_id),
    ).fetchall():
        slot_keys = ("role", "layer", "start", "end", "text", "value")
        slots = [
            dict(zip(slot_keys, row, strict=True))
            for row in db.execute(
                # Schema order, then id: the same order in every copy of the file.
                "SELECT s.role, s.layer, s.start, s.end, s.text, s.value FROM fact_slots s"
                " LEFT JOIN fact_type_slots t ON t.fact_type = ? AND t.name = s.role"
                " WHERE s.fact_id = ? AND s.deleted = 0 ORDER BY t.position, s.id",
                (fact_type, fact_id),
            )
        ]
        facts.append(
            {
                "id": fact_id,
                "type": fact_type,
                "annotator": annotator,
                "created": created,
                "updated": updated,
                "slots": slots,
            }
        )
    return facts


def _status_rows(
    db: sqlite3.Connection, doc_id: str, annotator: str | None
) -> list[dict[str, Any]]:
    keys = ("annotator", "status", "note", "updated")
    return [
        dict(zip(keys, row, strict=True))
        for row in db.execute(
            "SELECT annotator, status, note, updated FROM document_status"
            f" WHERE doc_id = ?2 AND deleted = 0{_OF_ANNOTATOR} ORDER BY annotator",
            (annotator, doc_id),
        )
    ]


@dataclass(frozen=True)
class StoredDocument:
    """A document's texts and alignment as the window shows them."""

    id: str
    title: str | None
    url: str | None
    raw_text: str
    clean_text: str
    raw_html: str | None
    cleaner: str
    segments: tuple[Segment, ...]


def load_document(db: sqlite3.Connection, doc_id: str) -> StoredDocument | None:
    """Read one document with its alignment, or None if the id is unknown."""
    row = db.execute(
        "SELECT id, title, url, raw_text, clean_text, raw_html, cleaner FROM documents"
        " WHERE id = ?",
        (doc_id,),
    ).fetchone()
    if row is None:
        return None
    doc_id, title, url, raw_text, clean_text, raw_html, cleaner = row
    segments = document_segments(db, doc_id)
    return StoredDocument(doc_id, title, url, raw_text, clean_text, raw_html, cleaner, segments)


def document_segments(db: sqlite3.Connection, doc_id: str) -> tuple[Segment, ...]:
    """The alignment of one document, in raw-text order."""
    return tuple(Segment(*row) for row in _alignment_rows(db, doc_id))


def _alignment_rows(db: sqlite3.Connection, doc_id: str) -> sqlite3.Cursor:
    return db.execute(
        "SELECT raw_start, raw_end, clean_start, clean_end FROM alignment"
        " WHERE doc_id = ? ORDER BY raw_start",
        (doc_id,),
    )


def document_ids(db: sqlite3.Connection) -> list[str]:
    """Every document id in import order."""
    return [row[0] for row in db.execute("SELECT id FROM documents ORDER BY rowid")]


def next_not_done(db: sqlite3.Connection, after: str | None, annotator: str) -> str | None:
    """The first document after ``after`` (wrapping around) this annotator has not done."""
    rowid = 0
    if after is not None:
        row = db.execute("SELECT rowid FROM documents WHERE id = ?", (after,)).fetchone()
        rowid = row[0] if row else 0
    query = (
        "SELECT d.id FROM documents d WHERE d.rowid {op} ? AND NOT EXISTS (SELECT 1 FROM"
        " document_status s WHERE s.doc_id = d.id AND s.annotator = ? AND s.deleted = 0"
        " AND s.status = 'done') ORDER BY d.rowid LIMIT 1"
    )
    for op, bound in ((">", rowid), ("<=", rowid)):
        row = db.execute(query.format(op=op), (bound, annotator)).fetchone()
        if row is not None:
            return str(row[0])
    return None


def done_count(db: sqlite3.Connection, annotator: str) -> int:
    """How many documents this annotator marked done."""
    (count,) = db.execute(
        "SELECT count(*) FROM document_status WHERE annotator = ? AND status = 'done'"
        " AND deleted = 0",
        (annotator,),
    ).fetchone()
    return int(count)
