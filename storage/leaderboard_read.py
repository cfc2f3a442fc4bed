"""Read what re-cleaning a judged document needs: its raw text and HTML, labelled spam.

The documents are those ``storage.evaluation_read.judged_documents`` chooses (a live raw
span or status ``done`` on the layer); each is read with its own query, in import order,
so memory stays bounded by the largest document.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence

from app.core.leaderboard import PageToClean


def pages_to_clean(
    db: sqlite3.Connection, doc_ids: Sequence[str], layer: str
) -> Iterator[PageToClean]:
    """Each of ``doc_ids`` as a page to re-clean, with ``layer``'s raw spam spans."""
    for doc_id in doc_ids:
        row = db.execute(
            "SELECT raw_text, raw_html FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        if row is None:  # removed since the ids were listed
            continue
        spans = db.execute(
            "SELECT start, end, label FROM spans WHERE doc_id = ? AND annotator = ?"
            " AND layer = 'raw' AND deleted = 0 ORDER BY start, end",
            (doc_id, layer),
        ).fetchall()
        spam = tuple((int(start), int(end), str(label)) for start, end, label in spans)
        yield PageToClean(doc_id, row[0], row[1], spam)
