"""The document list's rows, read from the label file a page at a time.

Rows are in import order (``documents.rowid``). A filter is resolved once to the sorted
list of matching rowids (for no filter, and rowids without gaps, just a ``range``), so
a page is one query over at most ``limit`` rowids and a row number is a binary search,
however deep in 100,000 documents it is. That list is read again whenever the file
changed: through this connection (``total_changes``) or another (``PRAGMA data_version``).

Indexes used: ``sqlite_autoindex_documents_1`` (id -> rowid, also the cheapest full scan
of rowids), ``sqlite_autoindex_document_status_1`` (doc_id, annotator) for a row's status,
and ``spans_by_document`` (doc_id, annotator) for its span count. A text filter reads the
title of every document, which is a scan of the documents table (no index holds titles),
so its matches are kept until a document is added or removed.
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_left
from collections.abc import Sequence

from app.core.listing import DocumentRow, ListFilter

_ROW_QUERY = (
    "SELECT d.rowid, d.id, d.title, coalesce((SELECT s.status FROM document_status s"
    " WHERE s.doc_id = d.id AND s.annotator = ?1 AND s.deleted = 0), 'todo'),"
    " (SELECT count(*) FROM spans p WHERE p.doc_id = d.id AND p.annotator = ?1"
    " AND p.deleted = 0) FROM documents d"
)
_SET_STATUSES = (
    "SELECT d.rowid FROM document_status s JOIN documents d ON d.id = s.doc_id"
    " WHERE s.annotator = ? AND s.deleted = 0 AND s.status = ?"
)
_NOT_TODO = (
    "SELECT d.rowid FROM document_status s JOIN documents d ON d.id = s.doc_id"
    " WHERE s.annotator = ? AND s.deleted = 0 AND s.status != 'todo'"
)


class SqliteDocumentRows:
    """``app.core.listing.DocumentRows`` over an open label file, for one annotator.

    The status is this annotator's live status row, or "todo" when there is none. The span
    count is this annotator's live spans (``deleted = 0``) of the document. Text filters
    use SQLite's ``LIKE``, which ignores case for ASCII letters only (Hangul has no case).
    """

    def __init__(self, connection: sqlite3.Connection, annotator: str) -> None:
        self._db = connection
        self._annotator = annotator
        self._cached: tuple[tuple[ListFilter, int, int], Sequence[int]] | None = None
        self._text_cached: tuple[tuple[str, int, int], set[int]] | None = None

    def count(self, list_filter: ListFilter) -> int:
        """How many documents pass ``list_filter``."""
        return len(self._rowids(list_filter))

    def rows(self, list_filter: ListFilter, offset: int, limit: int) -> list[DocumentRow]:
        """Up to ``limit`` rows passing ``list_filter``, from row ``offset``, in import order."""
        page = list(self._rowids(list_filter)[max(offset, 0) : max(offset, 0) + max(limit, 0)])
        if not page:
            return []
        marks = ", ".join(f"?{n}" for n in range(2, len(page) + 2))
        query = f"{_ROW_QUERY} WHERE d.rowid IN ({marks}) ORDER BY d.rowid"
        return [_document_row(row) for row in self._db.execute(query, (self._annotator, *page))]

    def row_of(self, list_filter: ListFilter, doc_id: str) -> int | None:
        """The row number of ``doc_id`` under ``list_filter``; None if it does not pass."""
        found = self._db.execute("SELECT rowid FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if found is None:
            return None
        rowids = self._rowids(list_filter)
        index = bisect_left(rowids, found[0])
        return index if index < len(rowids) and rowids[index] == found[0] else None

    def row(self, doc_id: str) -> DocumentRow | None:
        """The row of ``doc_id``, read afresh; None if there is no such document."""
        query = f"{_ROW_QUERY} WHERE d.id = ?2"
        found = self._db.execute(query, (self._annotator, doc_id)).fetchone()
        return None if found is None else _document_row(found)

    def _rowids(self, list_filter: ListFilter) -> Sequence[int]:
        (data_version,) = self._db.execute("PRAGMA data_version").fetchone()
        key = (list_filter, self._db.total_changes, int(data_version))
        if self._cached is None or self._cached[0] != key:
            self._cached = (key, self._read_rowids(list_filter))
        return self._cached[1]

    def _read_rowids(self, list_filter: ListFilter) -> Sequence[int]:
        if list_filter.is_empty:
            return _all_rowids(self._db)
        if list_filter.status is None:
            return sorted(self._text_matches(list_filter.text))
        rowids = self._status_rowids(list_filter.status)
        if list_filter.text:
            rowids &= self._text_matches(list_filter.text)
        return sorted(rowids)

    def _status_rowids(self, status: str) -> set[int]:
        if status == "todo":
            return set(_all_rowids(self._db)) - self._column(_NOT_TODO, self._annotator)
        return self._column(_SET_STATUSES, self._annotator, status)

    def _text_matches(self, text: str) -> set[int]:
        """Rowids whose id or title contains ``text``.

        Kept while no document is added or removed (ids and titles never change), so a
        change of status does not scan every title again.
        """
        count, high = self._db.execute("SELECT count(*), max(rowid) FROM documents").fetchone()
        key = (text, int(count), int(high or 0))
        if self._text_cached is None or self._text_cached[0] != key:
            self._text_cached = (key, _text_matches(self._db, text))
        return self._text_cached[1]

    def _column(self, query: str, *params: str) -> set[int]:
        return {row[0] for row in self._db.execute(query, params)}


def _all_rowids(db: sqlite3.Connection) -> Sequence[int]:
    """Every document's rowid in order: a ``range`` when there are no gaps (the usual case)."""
    count, low, high = db.execute(
        "SELECT count(*), min(rowid), max(rowid) FROM documents"
    ).fetchone()
    if count == 0:
        return range(0)
    if high - low + 1 == count:
        return range(low, high + 1)
    return sorted(row[0] for row in db.execute("SELECT rowid FROM documents"))


def _text_matches(db: sqlite3.Connection, text: str) -> set[int]:
    """Rowids of documents whose id or title contains ``text`` (ASCII case ignored)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    query = (
        "SELECT rowid FROM documents WHERE id LIKE ?1 ESCAPE '\\'"
        " OR coalesce(title, '') LIKE ?1 ESCAPE '\\'"
    )
    return {row[0] for row in db.execute(query, (pattern,))}


def _document_row(row: tuple[int, str, str | None, str, int]) -> DocumentRow:
    _, doc_id, title, status, span_count = row
    return DocumentRow(doc_id, title or doc_id, status, int(span_count))
