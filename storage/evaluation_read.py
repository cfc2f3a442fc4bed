"""Read what scoring a cleaner needs, one document at a time, for one layer of labels.

A *layer* is the labels of one annotator: ``gold`` (the adjudicated layer, always a valid
choice) or an annotator's name. A document is *judged* on a layer when that layer has a
live raw-layer span on it or marked it ``done``; a document nobody labelled says nothing
about its cleaner, so it is not scored. Spans on the clean layer do not count: the gold
clean text is defined on the raw text only.

Documents are read in import order, one per query, so memory stays bounded by the largest
document however many the file holds.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from app.core.adjudication import GOLD
from app.core.alignment import Segment
from storage.documents import document_segments
from storage.errors import LabelFileError
from storage.labelfile import LabelFile

# Who has any row in the file (deleted or not): the names --layer may take.
_ANNOTATORS = (
    "SELECT annotator FROM spans UNION SELECT annotator FROM facts"
    " UNION SELECT annotator FROM document_status"
)
_JUDGED = (
    "SELECT d.id FROM documents d WHERE EXISTS (SELECT 1 FROM spans s WHERE s.doc_id = d.id"
    " AND s.annotator = :layer AND s.layer = 'raw' AND s.deleted = 0) OR EXISTS (SELECT 1"
    " FROM document_status t WHERE t.doc_id = d.id AND t.annotator = :layer"
    " AND t.status = 'done' AND t.deleted = 0) ORDER BY d.rowid"
)


@dataclass(frozen=True)
class DocumentToScore:
    """One judged document: its texts, alignment, and the layer's raw spam ranges."""

    doc_id: str
    cleaner: str
    raw_text: str
    clean_text: str
    segments: tuple[Segment, ...]
    spam_spans: tuple[tuple[int, int], ...]


def layer_names(label_file: LabelFile) -> list[str]:
    """The layers a file can be scored on: gold, its owner and everyone with a row, sorted."""
    names = {str(row[0]) for row in label_file.connection.execute(_ANNOTATORS)}
    return sorted((names | {GOLD, label_file.owner}) - {""})


def check_layer(label_file: LabelFile, layer: str) -> None:
    """Refuse a layer the file has no annotator for, naming the ones it has.

    Raises:
        LabelFileError: ``layer`` is neither gold, the file's owner, nor anyone with labels.
    """
    names = layer_names(label_file)
    if layer in names:
        return
    raise LabelFileError(
        f"{label_file.path}: no layer {layer!r}; the layers in this file are "
        f"{', '.join(names)} (--layer takes gold or an annotator's name)"
    )


def judged_documents(db: sqlite3.Connection, layer: str) -> list[str]:
    """Ids of the documents ``layer`` labelled (a live raw span or ``done``), import order."""
    return [str(row[0]) for row in db.execute(_JUDGED, {"layer": layer})]


def document_total(db: sqlite3.Connection) -> int:
    """How many documents the file holds."""
    (count,) = db.execute("SELECT count(*) FROM documents").fetchone()
    return int(count)


def layer_spam_spans(
    db: sqlite3.Connection, doc_id: str, layer: str
) -> tuple[tuple[int, int], ...]:
    """The live raw-layer spans of ``layer`` on a document, as ``(start, end)``, sorted."""
    rows = db.execute(
        "SELECT start, end FROM spans WHERE doc_id = ? AND annotator = ? AND layer = 'raw'"
        " AND deleted = 0 ORDER BY start, end",
        (doc_id, layer),
    )
    return tuple((int(start), int(end)) for start, end in rows)


def documents_to_score(
    db: sqlite3.Connection, doc_ids: Sequence[str], layer: str
) -> Iterator[DocumentToScore]:
    """Each of ``doc_ids`` with what scoring needs, read one document at a time."""
    for doc_id in doc_ids:
        row = db.execute(
            "SELECT cleaner, raw_text, clean_text FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        if row is None:  # removed since the ids were listed: nothing left to score
            continue
        segments = document_segments(db, doc_id)
        cleaner, raw_text, clean_text = row
        spans = layer_spam_spans(db, doc_id, layer)
        yield DocumentToScore(doc_id, str(cleaner), raw_text, clean_text, segments, spans)
