"""One user action on annotations = one committed transaction.

A rewritten row's ``updated`` comes from ``next_version`` (``storage.clock``): later than the
version it replaces even when this machine's clock is behind, so merge keeps the edit.

Every function here commits before it returns, so when the window shows an action as
done it is already in the file. Deleting is a tombstone (``deleted = 1``) and undoing a
deletion clears it: rows are never removed, so merges see deletions too.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from itertools import chain
from operator import itemgetter
from typing import Any, NamedTuple

from app.core.document import LAYERS, STATUSES, SpanRecord, status_id
from storage.labelfile import LabelFile, utc_now

LIVE_SPAN_COLUMNS = "id, layer, start, end, label, text, annotator, created, updated"
SPAN_COLUMNS = f"{LIVE_SPAN_COLUMNS}, deleted"  # the fields of ``SpanRecord``, in order
# A span row's values: its own (id, layer, start, end, label, text), then those every row
# of one write shares (annotator, created, updated, deleted), in ``SPAN_COLUMNS`` order.
_OWN = itemgetter(0, 1, 2, 3, 4, 5)
_SHARED = itemgetter(6, 7, 8, 9)
_OWN_VALUES = 6
_SHARED_VALUES = 5  # and the document id
# Rows per INSERT statement: 965 values, under the 999 of SQLite builds before 3.32.
ROWS_PER_INSERT = 160
# From this many new spans at once (accepting all suggestions) a write is a bulk one
# (``_bulk_write``); its checkpoint is left to ``storage.session_rows.checkpoint``, run
# once the window has shown it.
BULK_SPANS = 1_000
BULK_CACHE_KIB = -65_536  # SQLite's page cache during one (negative: in KiB), 64 MiB


class AnnotationRefused(ValueError):
    """An edit that would store something wrong (a range outside the text, a bad label)."""


class NewSpan(NamedTuple):
    """A span the user asks for: layer and range; the text is taken from the document.

    A named tuple: accepting 11,000 suggestions makes as many, and a frozen dataclass cost
    about 2 microseconds each to make.
    """

    layer: str
    start: int
    end: int
    label: str


def add_spans(
    label_file: LabelFile,
    doc_id: str,
    spans: Sequence[NewSpan],
    annotator: str,
    *,
    texts: Mapping[str, str] | None = None,
) -> list[SpanRecord]:
    """Add ``spans`` to a document in one transaction; return them as stored.

    ``texts`` are the document's layer texts when the caller holds them (the window's
    session): span texts are sliced from them instead of read back from the file, which
    for a 2 MB page walks its overflow pages, 20-30 ms of every label key.
    """
    now = utc_now()
    bulk = len(spans) >= BULK_SPANS
    with _bulk_write(label_file, bulk), label_file.transaction() as db:
        if texts is None:
            texts = layer_texts(db, doc_id)  # refuses a document the file lacks
        elif bulk:  # the one check of the document, for every row (see ``_bulk_write``)
            _require_document(db, doc_id)
        labels = {row[0] for row in db.execute("SELECT name FROM labels")}
        records = checked_spans(spans, texts, labels=labels, annotator=annotator, now=now)
        insert_spans(db, doc_id, records)
    return records


@contextmanager
def _bulk_write(label_file: LabelFile, bulk: bool) -> Iterator[None]:
    """Around a transaction of thousands of new spans of one document (when ``bulk``):

    - no automatic checkpoint: thousands of spans fill the log past SQLite's 1,000 pages,
      and its commit would then copy them into the file and sync it, 15-20 ms more before
      the window shows the write done, which is already durable in the log
      (synchronous=FULL); the caller runs ``checkpoint`` once the window has shown it;
    - foreign keys off: every new row names the same document, and SQLite looked it up
      again for each of 11,000 rows, a sixth of the insert; the caller checks it once,
      inside the transaction (``_require_document``);
    - a page cache that holds the whole write: with the usual 2 MB, SQLite wrote pages
      out to the log in the middle of the insert and read some back.

    These can only change outside a transaction; each is as it was after it.
    """
    if not bulk:
        yield
        return
    db = label_file.connection
    (pages,) = db.execute("PRAGMA wal_autocheckpoint").fetchone()
    (cache,) = db.execute("PRAGMA cache_size").fetchone()
    db.execute("PRAGMA wal_autocheckpoint = 0")
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute(f"PRAGMA cache_size = {BULK_CACHE_KIB}")
    try:
        yield
    finally:
        db.execute(f"PRAGMA cache_size = {int(cache)}")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute(f"PRAGMA wal_autocheckpoint = {int(pages)}")


def _require_document(db: sqlite3.Connection, doc_id: str) -> None:
    if db.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is None:
        raise AnnotationRefused(f"no document with id {doc_id!r}")


def set_spans_deleted(label_file: LabelFile, span_ids: Sequence[str], deleted: bool) -> None:
    """Tombstone spans, or bring them back (undo of a delete or of an add)."""
    now = utc_now()
    with label_file.transaction() as db:
        db.executemany(
            "UPDATE spans SET deleted = ?, updated = next_version(updated, ?) WHERE id = ?",
            [(int(deleted), now, span_id) for span_id in span_ids],
        )


def relabel_span(label_file: LabelFile, span_id: str, label: str) -> None:
    """Give a span another label."""
    with label_file.transaction() as db:
        if db.execute("SELECT 1 FROM labels WHERE name = ?", (label,)).fetchone() is None:
            raise AnnotationRefused(f"label {label!r} is not in this file's schema")
        db.execute(
            "UPDATE spans SET label = ?, updated = next_version(updated, ?) WHERE id = ?",
            (label, utc_now(), span_id),
        )


def set_status(
    label_file: LabelFile, doc_id: str, annotator: str, status: str, note: str | None = None
) -> None:
    """Set an annotator's status of a document (and its note, when given)."""
    if status not in STATUSES:
        raise AnnotationRefused(f"status {status!r} is not one of {', '.join(STATUSES)}")
    now = utc_now()
    with label_file.transaction() as db:
        db.execute(
            "INSERT INTO document_status (id, doc_id, annotator, status, note, created, updated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET status = excluded.status,"
            " note = coalesce(?, note), updated = next_version(updated, excluded.updated),"
            " deleted = 0",
            (status_id(doc_id, annotator), doc_id, annotator, status, note or "", now, now, note),
        )


def document_spans(db: sqlite3.Connection, doc_id: str) -> list[SpanRecord]:
    """The live spans of a document, every annotator's, in text order (raw layer first)."""
    # Sorted here rather than by SQL: a 5,000-span page opens ~10 ms sooner without the
    # temporary B-tree, and `deleted` is known (0) for live rows.
    rows = db.execute(
        f"SELECT {LIVE_SPAN_COLUMNS} FROM spans WHERE doc_id = ? AND deleted = 0", (doc_id,)
    ).fetchall()
    rows.sort(key=_text_order)
    return [SpanRecord(*row) for row in rows]


def _text_order(row: tuple[Any, ...]) -> tuple[bool, int, int, str]:
    span_id, layer, start, end = row[:4]
    return (layer != "raw", start, end, span_id)


def document_status(db: sqlite3.Connection, doc_id: str, annotator: str) -> tuple[str, str]:
    """An annotator's (status, note) for a document; ('todo', '') when never set."""
    row = db.execute(
        "SELECT status, note FROM document_status WHERE id = ? AND deleted = 0",
        (status_id(doc_id, annotator),),
    ).fetchone()
    return ("todo", "") if row is None else (str(row[0]), str(row[1]))


def layer_texts(db: sqlite3.Connection, doc_id: str) -> dict[str, str]:
    """A document's texts by layer (``raw``, ``clean``), read from the file."""
    row = db.execute(
        "SELECT raw_text, clean_text FROM documents WHERE id = ?", (doc_id,)
    ).fetchone()
    if row is None:
        raise AnnotationRefused(f"no document with id {doc_id!r}")
    return {"raw": row[0], "clean": row[1]}


def checked_spans(
    spans: Sequence[NewSpan],
    texts: Mapping[str, str],
    *,
    labels: Collection[str],
    annotator: str,
    now: str,
    ids: Sequence[str] | None = None,
) -> list[SpanRecord]:
    """``spans`` as new records, each checked against the texts and the label schema.

    ``ids`` are the new rows' ids, one per span (``new_span_ids`` when None). One loop with
    the checks inline: accepting 11,000 suggestions spent more on a call per span than
    on writing the rows.
    """
    if ids is None:
        ids = new_span_ids(len(spans))
    records: list[SpanRecord] = []
    append, make = records.append, tuple.__new__  # a named tuple made as the tuple it is
    for span, new_id in zip(spans, ids, strict=True):
        layer, start, end, label = span.layer, span.start, span.end, span.label
        text = texts.get(layer) if layer in LAYERS else None
        if text is None:
            raise AnnotationRefused(f"layer {layer!r} is not 'raw' or 'clean'")
        if not 0 <= start < end <= len(text):
            raise AnnotationRefused(
                f"range {start}-{end} is outside the {layer} text ({len(text)})"
            )
        if label not in labels:
            raise AnnotationRefused(f"label {label!r} is not in this file's schema")
        fields = (new_id, layer, start, end, label, text[start:end], annotator, now, now, False)
        append(make(SpanRecord, fields))
    return records


def insert_spans(db: sqlite3.Connection, doc_id: str, records: Sequence[SpanRecord]) -> None:
    """Write new span rows of one document, inside the caller's transaction.

    A plain INSERT: an id already held is an error, never a span the window shows but
    the file silently lacks. Rows go ``ROWS_PER_INSERT`` to a statement, and what rows of
    one write share (annotator, times, deleted, document) is bound once per statement, not
    per row: for 11,000 spans (accepting all suggestions) binding was a quarter of the write.
    """
    groups = dict.fromkeys(map(_SHARED, records))  # usually one: a write is one user's
    for shared in groups:
        rows = records if len(groups) == 1 else [r for r in records if _SHARED(r) == shared]
        _insert_rows(db, rows, [*shared, doc_id])


def _insert_rows(db: sqlite3.Connection, rows: Sequence[SpanRecord], shared: list[Any]) -> None:
    """Rows sharing ``shared`` (the values of ``_SHARED`` and the document id)."""
    values = list(chain.from_iterable(map(_OWN, rows)))
    whole = (len(rows) - len(rows) % ROWS_PER_INSERT) * _OWN_VALUES
    width = ROWS_PER_INSERT * _OWN_VALUES
    if whole:
        db.executemany(
            _span_insert(ROWS_PER_INSERT),
            (values[at : at + width] + shared for at in range(0, whole, width)),
        )
    if whole < len(values):
        db.execute(_span_insert((len(values) - whole) // _OWN_VALUES), values[whole:] + shared)


@lru_cache(maxsize=8)
def _span_insert(rows: int) -> str:
    """``INSERT`` of ``rows`` rows: ``?1``... their own values, then the shared ones."""
    shared = ", ".join(f"?{rows * _OWN_VALUES + at}" for at in range(1, _SHARED_VALUES + 1))
    values = ", ".join(
        "("
        + ", ".join(f"?{row * _OWN_VALUES + at}" for at in range(1, _OWN_VALUES + 1))
        + f", {shared})"
        for row in range(rows)
    )
    return f"INSERT INTO spans ({SPAN_COLUMNS}, doc_id) VALUES {values}"


def new_span_ids(count: int) -> list[str]:
    """``count`` new UUIDs (version 7, RFC 9562) as text, in increasing order.

    Time-ordered: the spans table's primary-key index grows at its end instead of at
    random places, and the ids of one write are the first one counted up (its low 47 bits
    start at random, so they never wrap): 6x quicker than 10,000 random ids. Two writes'
    ids can only meet if they share the millisecond and 73 random bits (26 fixed per
    write, the 47 of the first id), as unlikely as for random (version 4) ids.
    """
    millis = time.time_ns() // 1_000_000 & (1 << 48) - 1
    rand = int.from_bytes(os.urandom(10), "big")
    first = rand & (1 << 47) - 1
    rand_a, rand_b = rand >> 47 & 0xFFF, rand >> 59 & 0x3FFF
    head = f"{millis:012x}7{rand_a:03x}"
    prefix = f"{head[:8]}-{head[8:12]}-{head[12:]}-{0x8000 | rand_b:04x}-"
    return [prefix + format(low, "012x") for low in range(first, first + count)]
