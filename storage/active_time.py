"""Active seconds per annotator and document: how long a page really took.

One ``active_time`` row per (document, annotator), a versioned record like a status:
its id is derived from the pair, so the same row has the same id in every file, and a
merge keeps the newest version of each (``copy_active_time``). The window adds the
seconds ``app.core.active_clock`` counted; ``thresher agreement`` reports the median.
"""

from __future__ import annotations

import math
import sqlite3
import statistics

from app.core.adjudication import is_reserved_annotator
from app.core.document import derived_id
from storage.clock import next_version, utc_now
from storage.labelfile import LabelFile


def active_time_id(doc_id: str, annotator: str) -> str:
    """The one record of ``annotator`` on ``doc_id``: the same UUID in every file."""
    return derived_id("active_time", doc_id, annotator)


def add_active_seconds(
    label_file: LabelFile, doc_id: str, annotator: str, seconds: float, *, now: str | None = None
) -> float:
    """Add ``seconds`` to the annotator's time on the document, in one transaction.

    Returns the new total. ``now`` stamps the version (the wall clock when None).

    Raises:
        ValueError: ``seconds`` is negative or not a number.
        ReadOnlyLabelFile, WriteFailed: nothing was saved.
    """
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"active seconds must be a number of 0 or more, not {seconds!r}")
    record_id = active_time_id(doc_id, annotator)
    stamp = now if now is not None else utc_now()
    with label_file.transaction() as db:
        row = db.execute(
            "SELECT seconds, updated, deleted FROM active_time WHERE id = ?", (record_id,)
        ).fetchone()
        if row is None:
            total = float(seconds)
            db.execute(
                "INSERT INTO active_time (id, doc_id, annotator, seconds, created, updated)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (record_id, doc_id, annotator, total, stamp, stamp),
            )
        else:
            held, updated, deleted = row
            total = (0.0 if deleted else float(held)) + seconds
            db.execute(
                "UPDATE active_time SET seconds = ?, updated = ?, deleted = 0 WHERE id = ?",
                (total, next_version(updated, stamp), record_id),
            )
    return total


def active_seconds(db: sqlite3.Connection, doc_id: str, annotator: str) -> float:
    """The annotator's active seconds on the document (0 when none are recorded)."""
    row = db.execute(
        "SELECT seconds FROM active_time WHERE id = ? AND deleted = 0",
        (active_time_id(doc_id, annotator),),
    ).fetchone()
    return 0.0 if row is None else float(row[0])


def median_active_seconds(db: sqlite3.Connection) -> dict[str, float]:
    """Per annotator (gold left out), the median active seconds over the documents they
    have time on. A file from before active time (format version 1) has none."""
    if not _has_table(db):
        return {}
    per_annotator: dict[str, list[float]] = {}
    for annotator, seconds in db.execute(
        "SELECT annotator, seconds FROM active_time WHERE deleted = 0 AND seconds > 0"
    ):
        if not is_reserved_annotator(annotator):
            per_annotator.setdefault(str(annotator), []).append(float(seconds))
    return {name: statistics.median(values) for name, values in sorted(per_annotator.items())}


def copy_active_time(db: sqlite3.Connection, alias: str) -> None:
    """Union the attached source's records into the file, the newest version of each winning.

    Rows follow ``temp.id_map`` (a merge's document ids, renamed variants included) and
    take the id their (new document, annotator) gives them. Ties on ``updated`` are broken
    by the other columns, so the result never depends on the order of the inputs.
    """
    db.create_function("active_time_id", 2, active_time_id, deterministic=True)
    order = "{t}.updated, {t}.seconds, {t}.deleted, {t}.created"
    newer = f"({order.format(t='excluded')}) > ({order.format(t='active_time')})"
    db.execute(
        "INSERT INTO active_time (id, doc_id, annotator, seconds, created, updated, deleted)"
        " SELECT active_time_id(m.new_id, s.annotator), m.new_id, s.annotator, s.seconds,"
        f" s.created, s.updated, s.deleted FROM {alias}.active_time s"
        " JOIN temp.id_map m ON m.old_id = s.doc_id WHERE true"
        " ON CONFLICT (id) DO UPDATE SET seconds = excluded.seconds,"
        " created = excluded.created, updated = excluded.updated, deleted = excluded.deleted"
        f" WHERE {newer}"
    )


def _has_table(db: sqlite3.Connection) -> bool:
    row = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'active_time'"
    ).fetchone()
    return row is not None
