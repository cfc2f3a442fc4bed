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
import uuid
from collections.abc import Mapping, Sequence

from app.core.document import LAYERS, FactRecord, SlotRecord, SpanRecord
from storage.annotations import AnnotationRefused, NewSpan
from storage.documents import insert_spans
from storage.facts import SlotState
from storage.labelfile import LabelFile, utc_now

_LIVE_SPAN_COLUMNS = "id, layer, start, end, label, text, annotator, created, updated"
# SQLite allows 999 host parameters in older builds: read ids in chunks below that.
_CHUNK = 900


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
    with label_file.transaction() as db:
        labels = {row[0] for row in db.execute("SELECT name FROM labels")}
        records = [
            _checked_span(span, texts, labels=labels, annotator=annotator, now=now, new_id=new_id)
            for span, new_id in zip(spans, _new_ids(len(spans)), strict=True)
        ]
        insert_spans(db, doc_id, records)
    return records


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
    """``count`` random UUIDs (version 4) as text, as ``str(uuid.uuid4())`` makes them.

    From one read of the random source: accepting 10,000 suggestions spent more time
    making ids one by one than writing the rows.
    """
    data = bytearray(os.urandom(16 * count))
    ids = []
    for at in range(0, 16 * count, 16):
        data[at + 6] = (data[at + 6] & 0x0F) | 0x40  # version 4
        data[at + 8] = (data[at + 8] & 0x3F) | 0x80  # the RFC 4122 variant
        digits = data[at : at + 16].hex()
        ids.append(f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}")
    return ids


def _checked_span(
    span: NewSpan,
    texts: Mapping[str, str],
    *,
    labels: set[str],
    annotator: str,
    now: str,
    new_id: str,
) -> SpanRecord:
    if span.layer not in LAYERS:
        raise AnnotationRefused(f"layer {span.layer!r} is not 'raw' or 'clean'")
    length = len(texts[span.layer])
    if not 0 <= span.start < span.end <= length:
        raise AnnotationRefused(
            f"range {span.start}-{span.end} is outside the {span.layer} text ({length})"
        )
    if span.label not in labels:
        raise AnnotationRefused(f"label {span.label!r} is not in this file's schema")
    text = texts[span.layer][span.start : span.end]
    return SpanRecord(
        new_id, span.layer, span.start, span.end, span.label, text, annotator, now, now
    )
