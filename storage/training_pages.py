"""Reading a writer's finished pages, for the line model the window trains as you work.

A page counts once its writer marked it done: its raw-layer spans are then the writer's
whole say on it, so every line they leave untagged is a line to keep.
"""

from __future__ import annotations

import sqlite3


def finished_pages(db: sqlite3.Connection, writer: str) -> list[str]:
    """The ids of the documents ``writer`` marked done, in import order."""
    rows = db.execute(
        "SELECT s.doc_id FROM document_status s JOIN documents d ON d.id = s.doc_id"
        " WHERE s.annotator = ? AND s.status = 'done' AND s.deleted = 0 ORDER BY d.rowid",
        (writer,),
    ).fetchall()
    return [str(row[0]) for row in rows]


def raw_spans(db: sqlite3.Connection, doc_id: str, writer: str) -> list[tuple[int, int, str]]:
    """The writer's live raw-layer spans on a document: (start, end, label)."""
    rows = db.execute(
        "SELECT start, end, label FROM spans WHERE doc_id = ? AND annotator = ?"
        " AND layer = 'raw' AND deleted = 0",
        (doc_id, writer),
    ).fetchall()
    return [(int(start), int(end), str(label)) for start, end, label in rows]
