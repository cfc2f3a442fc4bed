"""Fact actions: one user action = one committed transaction, as for spans.

A fact is a row of ``facts``; each filled slot is a row of ``fact_slots`` with its
evidence (layer and range, the text taken from the document) and/or a normalised value.
The window keeps one live row per role: setting a slot updates that row, clearing it
tombstones it. Deleting a fact tombstones the fact (its slots stay, so undo is exact and
a merge carries the deletion). A rewritten row's ``updated`` is ``next_version`` of the
old one (``storage.clock``), so it always sorts after what it replaces.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.core.document import LAYERS, FactRecord, SlotRecord
from storage.annotations import AnnotationRefused
from storage.labelfile import LabelFile, utc_now


@dataclass(frozen=True)
class SlotState:
    """What a slot holds: evidence (layer and range) and/or a normalised value."""

    layer: str | None = None
    start: int | None = None
    end: int | None = None
    value: str | None = None

    @property
    def has_evidence(self) -> bool:
        """True when the slot points at text."""
        return self.layer is not None


def add_fact(label_file: LabelFile, doc_id: str, fact_type: str, annotator: str) -> FactRecord:
    """Start an empty fact of ``fact_type`` on a document; return it as stored."""
    now = utc_now()
    with label_file.transaction() as db:
        if db.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is None:
            raise AnnotationRefused(f"no document with id {doc_id!r}")
        if not _slot_kinds(db, fact_type):
            raise AnnotationRefused(f"fact type {fact_type!r} is not in this file's schema")
        fact = FactRecord(str(uuid.uuid4()), fact_type, annotator, now, now, ())
        db.execute(
            "INSERT INTO facts (id, doc_id, type, annotator, created, updated, deleted)"
            " VALUES (?, ?, ?, ?, ?, ?, 0)",
            (fact.id, doc_id, fact_type, annotator, now, now),
        )
    return fact


def set_facts_deleted(label_file: LabelFile, fact_ids: Sequence[str], deleted: bool) -> None:
    """Tombstone facts, or bring them back (undo of a delete or of an add)."""
    now = utc_now()
    with label_file.transaction() as db:
        db.executemany(
            "UPDATE facts SET deleted = ?, updated = next_version(updated, ?) WHERE id = ?",
            [(int(deleted), now, fact_id) for fact_id in fact_ids],
        )


def set_slot(
    label_file: LabelFile,
    fact_id: str,
    role: str,
    state: SlotState | None,
    annotator: str,
    *,
    texts: Mapping[str, str] | None = None,
) -> SlotState | None:
    """Put ``state`` into a fact's ``role`` slot (None clears it); return what it held.

    ``texts`` are the document's layer texts when the caller holds them (the window's
    session): the evidence is sliced from them instead of from the file, where reading a
    2 MB page's text back walks its overflow pages, 10-30 ms of every key. None reads it.
    """
    now = utc_now()
    with label_file.transaction() as db:
        doc_id, fact_type = _fact(db, fact_id)
        if role not in _slot_kinds(db, fact_type):
            raise AnnotationRefused(f"fact type {fact_type!r} has no slot {role!r}")
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
            text = _evidence_text(db, doc_id, state, texts)
            values = (state.layer, state.start, state.end, text, state.value, annotator, now)
            if row is None:
                db.execute(
                    "INSERT INTO fact_slots (layer, start, end, text, value, annotator, created,"
                    " updated, id, fact_id, role, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                    " ?, 0)",
                    (*values, now, str(uuid.uuid4()), fact_id, role),
                )
            else:
                db.execute(
                    "UPDATE fact_slots SET layer = ?, start = ?, end = ?, text = ?, value = ?,"
                    " annotator = ?, updated = next_version(updated, ?) WHERE id = ?",
                    (*values, row[0]),
                )
        db.execute(
            "UPDATE facts SET updated = next_version(updated, ?) WHERE id = ?", (now, fact_id)
        )
    return previous


def document_facts(db: sqlite3.Connection, doc_id: str) -> list[FactRecord]:
    """The live facts of a document with their live slots (schema order), oldest first."""
    facts = db.execute(
        "SELECT id, type, annotator, created, updated FROM facts"
        " WHERE doc_id = ? AND deleted = 0 ORDER BY created, id",
        (doc_id,),
    ).fetchall()
    slots: dict[str, list[SlotRecord]] = {fact[0]: [] for fact in facts}
    for row in db.execute(
        "SELECT s.fact_id, s.id, s.role, s.layer, s.start, s.end, s.text, s.value"
        " FROM fact_slots s JOIN facts f ON f.id = s.fact_id"
        " LEFT JOIN fact_type_slots t ON t.fact_type = f.type AND t.name = s.role"
        " WHERE f.doc_id = ? AND f.deleted = 0 AND s.deleted = 0"
        " ORDER BY t.position, s.created, s.id",
        (doc_id,),
    ):
        slots[row[0]].append(SlotRecord(*row[1:]))
    return [
        FactRecord(fact_id, kind, who, created, updated, tuple(slots[fact_id]))
        for fact_id, kind, who, created, updated in facts
    ]


def _fact(db: sqlite3.Connection, fact_id: str) -> tuple[str, str]:
    row = db.execute("SELECT doc_id, type FROM facts WHERE id = ?", (fact_id,)).fetchone()
    if row is None:
        raise AnnotationRefused(f"no fact with id {fact_id!r}")
    return str(row[0]), str(row[1])


def _slot_kinds(db: sqlite3.Connection, fact_type: str) -> dict[str, str]:
    return dict(
        db.execute(
            "SELECT name, value_kind FROM fact_type_slots WHERE fact_type = ?", (fact_type,)
        ).fetchall()
    )


def _evidence_text(
    db: sqlite3.Connection, doc_id: str, state: SlotState, texts: Mapping[str, str] | None
) -> str | None:
    if not state.has_evidence:
        return None
    if state.layer not in LAYERS or state.start is None or state.end is None:
        raise AnnotationRefused(f"evidence layer {state.layer!r} is not 'raw' or 'clean'")
    if texts is not None:
        text = texts[state.layer]
    else:
        column = "raw_text" if state.layer == "raw" else "clean_text"
        sql = f"SELECT {column} FROM documents WHERE id = ?"
        text = db.execute(sql, (doc_id,)).fetchone()[0]
    if not 0 <= state.start < state.end <= len(text):
        raise AnnotationRefused(
            f"evidence {state.start}-{state.end} is outside the {state.layer} text ({len(text)})"
        )
    return str(text[state.start : state.end])
