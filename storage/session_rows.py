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
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from app.core.document import LAYERS, FactRecord, SlotRecord, SpanRecord
from storage.annotations import AnnotationRefused, NewSpan
from storage.facts import SlotState
from storage.labelfile import LabelFile, utc_now

_LIVE_SPAN_COLUMNS = "id, layer, start, end, label, text, annotator, created, updated"
# SQLite allows 999 host parameters in older builds: read ids in chunks below that.
_CHUNK = 900
# From this many new spans at once (accepting all suggestions), the write's checkpoint
# is left to ``checkpoint``, run once the window has shown it.
CHECKPOINT_LATER_SPANS = 1_000


def live_spans_by_id(db: sqlite3.Connection, span_ids: Sequence[str]) -> list[SpanRecord]:
    """The live spans among ``span_ids``, in no particular order."""
    found: list[SpanRecord] = []
    for at in range(0, len(span_ids), _CHUNK):
        chunk = span_ids[at : at + _CHUNK]
        marks = ", ".join("?" * len(chunk))
        rows = db.execute(
            f"SELECT {_LIVE_SPAN_COLUMNS} FROM spans WHERE deleted = 0 AND id IN ({marks})",
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
    later = len(spans) >= CHECKPOINT_LATER_SPANS
    with _checkpoint_later(label_file, later), label_file.transaction() as db:
        labels = {row[0] for row in db.execute("SELECT name FROM labels")}
        records = _checked_spans(spans, texts, labels=labels, annotator=annotator, now=now)
        # A plain INSERT: an id already held is an error, never a span the window shows
        # but the file silently lacks.
        db.executemany(
            f"INSERT INTO spans ({_LIVE_SPAN_COLUMNS}, deleted, doc_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((*record, doc_id) for record in records),
        )
    return records


def checkpoint(label_file: LabelFile) -> None:
    """Copy what the write-ahead log holds into the file, as far as no reader stops it."""
    if not label_file.closed and not label_file.read_only:
        label_file.connection.execute("PRAGMA wal_checkpoint(PASSIVE)")


@contextmanager
def _checkpoint_later(label_file: LabelFile, later: bool) -> Iterator[None]:
    """Commit without SQLite's automatic checkpoint when ``later`` (the caller runs one).

    Thousands of spans fill the log past SQLite's 1,000 pages: its commit would then copy
    them into the file and sync it, 15-20 ms more before the window shows the write done,
    which is already durable in the log (synchronous=FULL).
    """
    if not later:
        yield
        return
    db = label_file.connection
    (pages,) = db.execute("PRAGMA wal_autocheckpoint").fetchone()
    db.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        yield
    finally:
        db.execute(f"PRAGMA wal_autocheckpoint = {int(pages)}")


def set_slot_on_texts(
    label_file: LabelFile,
    fact_id: str,
    role: str,
    state: SlotState | None,
    annotator: str,
    *,
    texts: Mapping[str, str],
) -> SlotState | None:
    """``storage.facts.set_slot`` with the layer texts the caller already holds.

    One transaction; a rewritten row's ``updated`` is ``next_version`` of the old one, as
    in ``storage.facts``. Returns what the slot held.
    """
    now = utc_now()
    with label_file.transaction() as db:
        kinds = _fact_slot_names(db, fact_id)
        if role not in kinds:
            raise AnnotationRefused(f"fact {fact_id!r} has no slot {role!r}")
        row = db.execute(
            "SELECT id, layer, start, end, value FROM fact_slots"
            " WHERE fact_id = ? AND role = ? AND deleted = 0 ORDER BY created, id LIMIT 1",
            (fact_id, role),
        ).fetchone()
        previous = None if row is None else SlotState(row[1], row[2], row[3], row[4])
        if state is None or (not state.has_evidence and state.value is None):
            if row is not None:
                db.execute(
                    "UPDATE fact_slots SET deleted = 1, updated = next_version(updated, ?)"
                    " WHERE id = ?",
                    (now, row[0]),
                )
        else:
            values = (state.layer, state.start, state.end, _evidence(texts, state), state.value)
            if row is None:
                db.execute(
                    "INSERT INTO fact_slots (layer, start, end, text, value, annotator, created,"
                    " updated, id, fact_id, role, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                    " ?, 0)",
                    (*values, annotator, now, now, str(uuid.uuid4()), fact_id, role),
                )
            else:
                db.execute(
                    "UPDATE fact_slots SET layer = ?, start = ?, end = ?, text = ?, value = ?,"
                    " annotator = ?, updated = next_version(updated, ?) WHERE id = ?",
                    (*values, annotator, now, row[0]),
                )
        db.execute(
            "UPDATE facts SET updated = next_version(updated, ?) WHERE id = ?", (now, fact_id)
        )
    return previous


def _fact_slot_names(db: sqlite3.Connection, fact_id: str) -> set[str]:
    rows = db.execute(
        "SELECT t.name FROM facts f JOIN fact_type_slots t ON t.fact_type = f.type WHERE f.id = ?",
        (fact_id,),
    ).fetchall()
    if not rows and db.execute("SELECT 1 FROM facts WHERE id = ?", (fact_id,)).fetchone() is None:
        raise AnnotationRefused(f"no fact with id {fact_id!r}")
    return {str(row[0]) for row in rows}


def _evidence(texts: Mapping[str, str], state: SlotState) -> str | None:
    if not state.has_evidence:
        return None
    if state.layer not in LAYERS or state.start is None or state.end is None:
        raise AnnotationRefused(f"evidence layer {state.layer!r} is not 'raw' or 'clean'")
    text = texts[state.layer]
    if not 0 <= state.start < state.end <= len(text):
        raise AnnotationRefused(
            f"evidence {state.start}-{state.end} is outside the {state.layer} text ({len(text)})"
        )
    return text[state.start : state.end]


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


def _checked_spans(
    spans: Sequence[NewSpan],
    texts: Mapping[str, str],
    *,
    labels: set[str],
    annotator: str,
    now: str,
) -> list[SpanRecord]:
    """``spans`` as new records, each checked against the texts and the label schema.

    One loop with the checks inline: accepting 11,000 suggestions spent more on a call
    per span than on writing the rows.
    """
    records: list[SpanRecord] = []
    append, make = records.append, tuple.__new__  # a named tuple made as the tuple it is
    for span, new_id in zip(spans, _new_ids(len(spans)), strict=True):
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
