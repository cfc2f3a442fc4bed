"""Counts for ``thresher stats``: documents, statuses, labels and annotators."""

from __future__ import annotations

import sqlite3
from typing import Any


def file_stats(db: sqlite3.Connection) -> dict[str, Any]:
    """Documents and live annotations of a label file, counted by status, label and annotator.

    A document's status is the owner's status when the owner set one, else the most
    advanced status any annotator gave it (done > flagged > skipped > todo), so a lead's
    merged file still counts finished work.
    """
    (documents,) = db.execute("SELECT count(*) FROM documents").fetchone()
    owner_row = db.execute("SELECT value FROM meta WHERE key = 'owner'").fetchone()
    return {
        "documents": documents,
        "owner": owner_row[0] if owner_row else None,
        "status": _status_counts(db, documents),
        "spans": _count(db, "SELECT count(*) FROM spans WHERE deleted = 0"),
        "facts": _count(db, "SELECT count(*) FROM facts WHERE deleted = 0"),
        "labels": _grouped(db, "SELECT label, count(*) FROM spans WHERE deleted = 0 GROUP BY 1"),
        "fact_types": _grouped(db, "SELECT type, count(*) FROM facts WHERE deleted = 0 GROUP BY 1"),
        "annotators": _annotators(db),
        "aligned_share": _count_float(db, "SELECT avg(aligned_share) FROM documents"),
        "cleaners": _grouped(db, "SELECT cleaner, count(*) FROM documents GROUP BY 1"),
    }


def _status_counts(db: sqlite3.Connection, documents: int) -> dict[str, int]:
    rank = "CASE status WHEN 'done' THEN 3 WHEN 'flagged' THEN 2 WHEN 'skipped' THEN 1 ELSE 0 END"
    rows = db.execute(
        f"SELECT status, count(*) FROM (SELECT doc_id, status, max({rank}) FROM document_status"
        " WHERE deleted = 0 AND status != 'todo' GROUP BY doc_id) GROUP BY status"
    ).fetchall()
    counts = {"todo": 0, "done": 0, "skipped": 0, "flagged": 0}
    counts.update({status: count for status, count in rows})
    counts["todo"] = documents - sum(count for status, count in rows)
    return counts


def _annotators(db: sqlite3.Connection) -> dict[str, dict[str, int]]:
    result: dict[str, dict[str, int]] = {}
    for table, key in (("spans", "spans"), ("facts", "facts")):
        for annotator, count in db.execute(
            f"SELECT annotator, count(*) FROM {table} WHERE deleted = 0 GROUP BY 1"
        ):
            result.setdefault(annotator, {"spans": 0, "facts": 0, "done": 0})[key] = count
    for annotator, count in db.execute(
        "SELECT annotator, count(*) FROM document_status"
        " WHERE deleted = 0 AND status = 'done' GROUP BY 1"
    ):
        result.setdefault(annotator, {"spans": 0, "facts": 0, "done": 0})["done"] = count
    return dict(sorted(result.items()))


def _count(db: sqlite3.Connection, sql: str) -> int:
    (value,) = db.execute(sql).fetchone()
    return int(value or 0)


def _count_float(db: sqlite3.Connection, sql: str) -> float | None:
    (value,) = db.execute(sql).fetchone()
    return None if value is None else round(float(value), 4)


def _grouped(db: sqlite3.Connection, sql: str) -> dict[str, int]:
    return {str(key): int(count) for key, count in sorted(db.execute(sql).fetchall())}
