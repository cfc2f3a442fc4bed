"""The window's document session's own reads and writes: by id, and on texts it holds.

After an edit the session needs the rows as stored (ids, texts, timestamps) of just what
changed, not the whole document again: a 5,000-span page read back after every key press
was most of a label key's cost. And a write that slices span or evidence texts takes the
texts from the session, which holds them: reading a 2 MB page's text from the file walks
its overflow pages, 10-30 ms of every key.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from app.core.document import FactRecord, SlotRecord, SpanRecord
from storage.annotations import (
    LIVE_SPAN_COLUMNS,
    AnnotationRefused,
    NewSpan,
    checked_spans,
    insert_spans,
)
from storage.facts import SlotState, set_slot
from storage.labelfile import LabelFile, utc_now

# SQLite allows 999 host parameters in older builds: read ids in chunks below that.
_CHUNK = 900
# From this many new spans at once (accepting all suggestions) the write is a bulk one
# (``_bulk_write``): its checkpoint is left to ``checkpoint``, run once the window has
# shown it.
BULK_SPANS = 1_000
BULK_CACHE_KIB = -65_536  # SQLite's page cache during one (negative: in KiB), 64 MiB


def live_spans_by_id(db: sqlite3.Connection, span_ids: Sequence[str]) -> list[SpanRecord]:
    """The live spans among ``span_ids``, in no particular order."""
    found: list[SpanRecord] = []
    for at in range(0, len(span_ids), _CHUNK):
        chunk = span_ids[at : at + _CHUNK]
        marks = ", ".join("?" * len(chunk))
        rows = db.execute(
            f"SELECT {LIVE_SPAN_COLUMNS} FROM spans WHERE deleted = 0 AND id IN ({marks})",
            tuple(chunk),
        )
        found += [SpanRecord(*row) for row in rows]
    return found


def live_fact(db: sqlite3.Connection, fact_id: str) -> FactRecord | None:
    """One live fact with its live slots (schema order), or None when it is deleted."""
    row = db.execute(
        "SELECT id, type, annotator, created, updated FROM facts WHERE id = ? AND deleted = 0",
        (fact_id,),
    ).fetchone()
    if row is None:
        return None
    slots = db.execute(
        "SELECT s.id, s.role, s.layer, s.start, s.end, s.text, s.value"
        " FROM fact_slots s JOIN facts f ON f.id = s.fact_id"
        " LEFT JOIN fact_type_slots t ON t.fact_type = f.type AND t.name = s.role"
        " WHERE s.fact_id = ? AND s.deleted = 0 ORDER BY t.position, s.created, s.id",
        (fact_id,),
    ).fetchall()
    fact_id, kind, annotator, created, updated = row
    return FactRecord(
        fact_id, kind, annotator, created, updated, tuple(SlotRecord(*slot) for slot in slots)
    )


def add_spans_on_texts(
    label_file: LabelFile,
    doc_id: str,
    spans: Sequence[NewSpan],
    annotator: str,
    *,
    texts: Mapping[str, str],
) -> list[SpanRecord]:
    """``storage.annotations.add_spans`` with the layer texts the caller already holds.

    Reading a 2 MB page's texts back from the file took 20-30 ms of every label key.
    """
    now = utc_now()
    bulk = len(spans) >= BULK_SPANS
    with _bulk_write(label_file, bulk), label_file.transaction() as db:
        if bulk:  # the one check of the document, for every row (see ``_bulk_write``)
            _require_document(db, doc_id)
        labels = {row[0] for row in db.execute("SELECT name FROM labels")}
        ids = _new_ids(len(spans))
        records = checked_spans(spans, texts, labels=labels, annotator=annotator, now=now, ids=ids)
        insert_spans(db, doc_id, records)
    return records


def checkpoint(label_file: LabelFile) -> None:
    """Copy what the write-ahead log holds into the file, as far as no reader stops it."""
    if not label_file.closed and not label_file.read_only:
        label_file.connection.execute("PRAGMA wal_checkpoint(PASSIVE)")


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


def set_slot_on_texts(
    label_file: LabelFile,
    fact_id: str,
    role: str,
    state: SlotState | None,
    annotator: str,
    *,
    texts: Mapping[str, str],
) -> SlotState | None:
    """``storage.facts.set_slot`` with the layer texts the caller already holds."""
    return set_slot(label_file, fact_id, role, state, annotator, texts=texts)


def _new_ids(count: int) -> list[str]:
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
