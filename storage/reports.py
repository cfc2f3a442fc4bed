"""Counts for ``thresher stats``: documents, statuses, labels and annotators."""

from __future__ import annotations

import sqlite3
from typing import Any

from app.core.adjudication import GOLD
from storage.gold import documents_needing_adjudication, read_document_labels

# A document's gold state: adjudicated and done; two or more annotators disagree on
# something gold has not settled; or neither (gold has not begun, or one annotator only).
GOLD_DONE, GOLD_OPEN, GOLD_NOT_STARTED = "done", "open_disagreements", "not_started"
GOLD_STATES = (GOLD_DONE, GOLD_OPEN, GOLD_NOT_STARTED)


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
        "gold": gold_progress(db),
    }


def gold_done_ids(db: sqlite3.Connection) -> set[str]:
    """Documents gold marked done."""
    rows = db.execute(
        "SELECT doc_id FROM document_status WHERE annotator = ? AND deleted = 0"
        " AND status = 'done'",
        (GOLD,),
    )
    return {str(row[0]) for row in rows}


def gold_open_ids(db: sqlite3.Connection, done: set[str]) -> dict[str, int]:
    """Documents not gold-done with disagreements gold has not settled, and how many."""
    found = {}
    for doc_id in documents_needing_adjudication(db):
        if doc_id not in done:
            count = len(read_document_labels(db, doc_id).adjudication().open_items())
            if count:
                found[doc_id] = count
    return found


def gold_states(db: sqlite3.Connection) -> dict[str, str]:
    """Every document's gold state (``GOLD_STATES``), by id."""
    done = gold_done_ids(db)
    open_ids = gold_open_ids(db, done)
    states = {}
    for (doc_id,) in db.execute("SELECT id FROM documents ORDER BY rowid"):
        states[doc_id] = (
            GOLD_DONE if doc_id in done else GOLD_OPEN if doc_id in open_ids else GOLD_NOT_STARTED
        )
    return states


def gold_progress(db: sqlite3.Connection) -> dict[str, int]:
    """How many documents are in each gold state, and how many disagreements are open."""
    done = gold_done_ids(db)
    open_ids = gold_open_ids(db, done)
    (documents,) = db.execute("SELECT count(*) FROM documents").fetchone()
    done_count = int(
        db.execute(
            "SELECT count(*) FROM documents WHERE id IN"
            " (SELECT doc_id FROM document_status WHERE annotator = ? AND deleted = 0"
            " AND status = 'done')",
            (GOLD,),
        ).fetchone()[0]
    )
    return {
        GOLD_DONE: done_count,
        GOLD_OPEN: len(open_ids),
        GOLD_NOT_STARTED: int(documents) - done_count - len(open_ids),
        "open_items": sum(open_ids.values()),
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


def gold_line(progress: dict[str, int]) -> str:
    """``thresher stats``' gold line: done, open disagreements (items), not started."""
    return (
        f"{progress[GOLD_DONE]} done, {progress[GOLD_OPEN]} with open disagreements"
        f" ({progress['open_items']} items), {progress[GOLD_NOT_STARTED]} not started"
    )


def gold_left_out(db: sqlite3.Connection) -> dict[str, int]:
    """Documents a gold-done-only export leaves out, by gold state (zero counts omitted)."""
    progress = gold_progress(db)
    counts = {state: progress[state] for state in (GOLD_OPEN, GOLD_NOT_STARTED)}
    return {state: count for state, count in counts.items() if count}
