"""The window's document session's own reads: rows by id, and the deferred checkpoint.

After an edit the session needs the rows as stored (ids, texts, timestamps) of just what
changed, not the whole document again: a 5,000-span page read back after every key press
was most of a label key's cost. (Its writes are ``storage.annotations.add_spans`` and
``storage.facts.set_slot`` given the texts it holds.)
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from app.core.document import FactRecord, SlotRecord, SpanRecord
from storage.annotations import LIVE_SPAN_COLUMNS
from storage.labelfile import LabelFile

# SQLite allows 999 host parameters in older builds: read ids in chunks below that.
_CHUNK = 900


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


def checkpoint(label_file: LabelFile) -> None:
    """Copy what the write-ahead log holds into the file, as far as no reader stops it."""
    if not label_file.closed and not label_file.read_only:
        label_file.connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
