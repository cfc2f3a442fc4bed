"""Copying rows from another label file, attached read-only, into the open one.

Merge and hand-out both build a new file from others. They do it in SQL, with the source
``ATTACH``-ed read-only, so a million spans never pass through Python objects.

Annotation rows (spans, facts, fact slots, statuses) are a union by id; when an id is
already there, the version that sorts last on (``updated``, then every other column)
wins. That order is a total order on row contents, so the result of copying several
files never depends on the order they come in: merge is commutative, associative and
idempotent because this choice is.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from app.core.document import status_id

DOCUMENT_COLUMNS = (
    "id",
    "url",
    "title",
    "cleaner",
    "cleaner_version",
    "raw_sha256",
    "source_path",
    "source_encoding",
    "canonical_form",
    "aligned_share",
    "imported",
    "raw_length",
    "clean_length",
    "raw_text",
    "clean_text",
    "raw_html",
)
_ALIGNMENT_COLUMNS = "raw_start, raw_end, clean_start, clean_end"
# Per table: the columns after id and doc_id (or fact_id), and which may be NULL.
_ANNOTATION_TABLES: dict[str, tuple[str, tuple[str, ...], frozenset[str]]] = {
    "spans": (
        "doc_id",
        ("layer", "start", "end", "label", "text", "annotator", "created", "updated", "deleted"),
        frozenset(),
    ),
    "facts": ("doc_id", ("type", "annotator", "created", "updated", "deleted"), frozenset()),
    "fact_slots": (
        "fact_id",
        (
            "role",
            "layer",
            "start",
            "end",
            "text",
            "value",
            "annotator",
            "created",
            "updated",
            "deleted",
        ),
        frozenset({"layer", "start", "end", "text", "value"}),
    ),
    "document_status": (
        "doc_id",
        ("annotator", "status", "note", "created", "updated", "deleted"),
        frozenset(),
    ),
}
ANNOTATION_TABLES = tuple(_ANNOTATION_TABLES)


@contextmanager
def attached(db: sqlite3.Connection, path: Path, alias: str = "src") -> Iterator[str]:
    """Attach ``path`` read-only as ``alias`` for the body; detach after."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    db.execute("ATTACH DATABASE ? AS " + alias, (uri,))
    try:
        yield alias
    finally:
        db.execute("DETACH DATABASE " + alias)


def fill_id_map(db: sqlite3.Connection, pairs: Iterable[tuple[str, str]]) -> None:
    """Fill ``temp.id_map(old_id, new_id)``: which source documents to copy, under what id."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS id_map (old_id TEXT PRIMARY KEY, new_id TEXT)")
    db.execute("DELETE FROM temp.id_map")
    db.executemany("INSERT INTO temp.id_map (old_id, new_id) VALUES (?, ?)", pairs)


def copy_documents(db: sqlite3.Connection, alias: str) -> int:
    """Copy the documents named in ``temp.id_map`` and their alignment; return how many."""
    selected = ", ".join("m.new_id" if c == "id" else f"d.{c}" for c in DOCUMENT_COLUMNS)
    before = db.total_changes
    db.execute(
        f"INSERT INTO documents ({', '.join(DOCUMENT_COLUMNS)}) SELECT {selected}"
        f" FROM {alias}.documents d JOIN temp.id_map m ON m.old_id = d.id"
    )
    copied = db.total_changes - before
    db.execute(
        f"INSERT INTO alignment (doc_id, {_ALIGNMENT_COLUMNS})"
        f" SELECT m.new_id, {_ALIGNMENT_COLUMNS} FROM {alias}.alignment a"
        " JOIN temp.id_map m ON m.old_id = a.doc_id"
    )
    return copied


def copy_annotations(
    db: sqlite3.Connection, alias: str, *, renamed: bool, only_mapped: bool = False
) -> None:
    """Union the source's annotation rows into the file, the newest version of each id winning.

    ``renamed``: documents were renamed (``temp.id_map`` maps ids), so rows follow the new
    document ids and statuses take the id their new document gives them. ``only_mapped``:
    copy the rows of the documents in ``temp.id_map`` only (a hand-out of some documents).
    """
    if renamed:
        # A status id is derived from (document, annotator): a renamed document's status
        # must not collide with the status of the document that kept the name.
        db.create_function("status_id", 2, status_id, deterministic=True)
    for table in ANNOTATION_TABLES:
        db.execute(_upsert(table, alias, renamed=renamed, only_mapped=only_mapped))


def _source(table: str, alias: str, *, renamed: bool, only_mapped: bool) -> tuple[str, str, str]:
    """How a source row of ``table`` reads: (its id, its parent's new id, the FROM clause)."""
    parent = _ANNOTATION_TABLES[table][0]
    row_id, parent_value = "s.id", f"s.{parent}"
    join = ""
    if table == "fact_slots":
        # Slots belong to facts, facts to documents: a slot follows its fact's document.
        join = f" JOIN {alias}.facts f ON f.id = s.fact_id"
        document = "f.doc_id"
    else:
        document = "s.doc_id"
    if renamed or only_mapped:
        join += f" JOIN temp.id_map m ON m.old_id = {document}"
    if renamed and parent == "doc_id":
        parent_value = "m.new_id"
        if table == "document_status":
            row_id = "status_id(m.new_id, s.annotator)"
    return row_id, parent_value, f"{alias}.{table} s{join}"


def parent_conflicts(
    db: sqlite3.Connection, alias: str, *, renamed: bool, limit: int = 5
) -> list[tuple[str, str, str, str]]:
    """Source rows whose id the file already holds under another document (or fact).

    Such rows are two records that happen to share an id: the union by id would keep one
    and silently drop the other. Returned as (table, id, parent held, parent of the source
    row), at most ``limit``; ``renamed`` as for ``copy_annotations``.
    """
    if renamed:
        db.create_function("status_id", 2, status_id, deterministic=True)
    found: list[tuple[str, str, str, str]] = []
    for table in ANNOTATION_TABLES:
        parent = _ANNOTATION_TABLES[table][0]
        row_id, parent_value, source = _source(table, alias, renamed=renamed, only_mapped=False)
        found.extend(
            db.execute(
                f"SELECT '{table}', t.id, t.{parent}, {parent_value} FROM {source}"
                f" JOIN main.{table} t ON t.id = {row_id}"
                f" WHERE t.{parent} IS NOT {parent_value} LIMIT ?",
                (limit - len(found),),
            )
        )
        if len(found) >= limit:
            break
    return found


def _upsert(table: str, alias: str, *, renamed: bool, only_mapped: bool) -> str:
    parent, columns, nullable = _ANNOTATION_TABLES[table]
    row_id, parent_value, source = _source(table, alias, renamed=renamed, only_mapped=only_mapped)
    source_columns = [parent_value, *(f"s.{column}" for column in columns)]
    names = ", ".join(("id", parent, *columns))
    # updated first: the newest wins; the other columns only break ties.
    ranked = ("updated", *(c for c in columns if c != "updated"), parent)
    order = ", ".join(_sortable(column, nullable) for column in ranked)
    newer = f"({order.replace('{t}', 'excluded')}) > ({order.replace('{t}', table)})"
    updates = ", ".join(f"{column} = excluded.{column}" for column in (parent, *columns))
    return (
        f"INSERT INTO {table} ({names}) SELECT {row_id}, {', '.join(source_columns)}"
        f" FROM {source} WHERE true"
        f" ON CONFLICT (id) DO UPDATE SET {updates} WHERE {newer}"
    )


def _sortable(column: str, nullable: frozenset[str]) -> str:
    """``column`` as terms of a row-value comparison; NULL sorts first and still compares."""
    if column in nullable:
        return f"{{t}}.{column} IS NOT NULL, ifnull({{t}}.{column}, '')"
    return f"{{t}}.{column}"
