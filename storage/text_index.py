"""The corpus text index of a label file: what ``thresher find`` looks literals up in.

A trigram FTS5 table (``text_index``, see ``storage.schema``) over every document's raw
text, keyed through ``text_index_documents``. It is derived data, so it is kept current by
explicit inserts in the same transaction as the document (triggers are refused in label
files), rebuilt whole where documents arrive in bulk (merge output), and checked by
``thresher validate``. It holds no text: every hit is verified against ``raw_text``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from storage.schema import TEXT_INDEX_DEFINITION, TEXT_INDEX_REBUILD

# Shortest pattern the index can answer: a trigram.
TRIGRAM = 3
# At most this many trigrams of a long literal are looked up (a sample still narrows the
# candidates to a superset of the true ones; looking up all 500 of a long line buys nothing).
MAX_TRIGRAMS = 12
# Documents ``validate`` probes the index with (evenly spread over the file).
PROBES = 32


def has_text_index(db: sqlite3.Connection) -> bool:
    """True when the file holds our index (a version-1 file opened read-only does not).

    A file whose ``text_index`` is defined otherwise is not trusted with lookups.
    """
    mapped = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'text_index_documents'"
    ).fetchone()
    return _definition(db) == TEXT_INDEX_DEFINITION and mapped is not None


def foreign_definition(db: sqlite3.Connection) -> Iterator[str]:
    """A ``text_index`` that is not ours: another module or options could run or mislead."""
    sql = _definition(db)
    if sql is not None and sql != TEXT_INDEX_DEFINITION:
        yield f"text_index is defined otherwise than the format says ({sql[:120]!r})"


def _definition(db: sqlite3.Connection) -> str | None:
    row = db.execute("SELECT sql FROM sqlite_master WHERE name = 'text_index'").fetchone()
    return None if row is None else str(row[0])


def index_document(db: sqlite3.Connection, doc_id: str, raw_text: str) -> None:
    """Add one new document to the index, inside the caller's transaction."""
    cursor = db.execute("INSERT INTO text_index_documents (doc_id) VALUES (?)", (doc_id,))
    db.execute(
        "INSERT INTO text_index (rowid, raw_text) VALUES (?, ?)", (cursor.lastrowid, raw_text)
    )


def rebuild_text_index(db: sqlite3.Connection) -> None:
    """Empty the index and fill it from every document, inside the caller's transaction."""
    for statement in TEXT_INDEX_REBUILD:
        db.execute(statement)


def match_expression(fragments: list[str]) -> str | None:
    """An FTS5 query every document holding all ``fragments`` matches, or None if none can.

    The table has ``detail=none`` (a third of the size), which answers single trigrams
    only, so each fragment becomes the AND of trigrams sampled along it.
    """
    terms: list[str] = []
    for fragment in fragments:
        count = len(fragment) - TRIGRAM + 1
        if count < 1:
            continue
        step = max(1, count // MAX_TRIGRAMS)
        positions = sorted({*range(0, count, step), count - 1})
        terms += [_quoted(fragment[i : i + TRIGRAM]) for i in positions]
    return " AND ".join(dict.fromkeys(terms)) if terms else None


def _quoted(trigram: str) -> str:
    return '"' + trigram.replace('"', '""') + '"'


def unindexed_count(db: sqlite3.Connection) -> int:
    """Documents missing from the index (e.g. copied into a hand-out by SQL)."""
    (count,) = db.execute(
        "SELECT count(*) FROM documents d WHERE NOT EXISTS"
        " (SELECT 1 FROM text_index_documents t WHERE t.doc_id = d.id)"
    ).fetchone()
    return int(count)


def text_index_problems(db: sqlite3.Connection) -> Iterator[str]:
    """What ``thresher validate`` reports about the index (nothing for a version-1 file)."""
    (version,) = db.execute("PRAGMA user_version").fetchone()
    if version < 2:
        return
    if not has_text_index(db):
        if _definition(db) is None:  # one defined otherwise is named by foreign_definition
            yield "the text index (text_index) is missing"
        return
    # Documents the index lacks are no fault: a hand-out copies documents by SQL, and
    # ``thresher find`` scans what the index lacks. Entries it cannot explain are.
    (orphans,) = db.execute(
        "SELECT count(*) FROM text_index_documents t"
        " WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = t.doc_id)"
    ).fetchone()
    if orphans:
        yield f"the text index names {orphans} document(s) the file does not hold"
    yield from _probe(db)


def _probe(db: sqlite3.Connection) -> Iterator[str]:
    """Look up a few trigrams of evenly spread documents: each must find its document.

    Reading every text would cost as much as rebuilding; a probe catches an index
    emptied, truncated or built from other texts.
    """
    (total,) = db.execute("SELECT count(*) FROM text_index_documents").fetchone()
    step = max(1, int(total) // PROBES)
    rows = db.execute(
        "SELECT t.id, d.id, substr(d.raw_text, 1 + length(d.raw_text) / 2, ?)"
        " FROM text_index_documents t JOIN documents d ON d.id = t.doc_id"
        " WHERE (t.id - 1) % ? = 0 LIMIT ?",
        (TRIGRAM, step, PROBES),
    ).fetchall()
    for key, doc_id, trigram in rows:
        if len(trigram) < TRIGRAM:
            continue
        found = db.execute(
            "SELECT 1 FROM text_index WHERE text_index MATCH ? AND rowid = ?",
            (_quoted(trigram), key),
        ).fetchone()
        if found is None:
            yield f"the text index does not find document {doc_id!r} by its own text"
