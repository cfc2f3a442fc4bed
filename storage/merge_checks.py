"""What merge refuses in its inputs' records, with messages naming the files.

- Times that are not the format's timestamp: a junk ``updated`` such as ``'zzzz'`` would
  sort after every real time and beat a newer edit.
- One record id on two different documents (or facts), or in two tables: the union by id
  would keep one record and silently drop the other, so the merge is refused, naming both
  places, like a document id with two texts.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from storage.errors import MergeRefused
from storage.labelfile import open_label_file
from storage.record_checks import bad_timestamps, shared_id_rows, shared_ids

_PARENT = {"fact_slots": "fact"}


@contextmanager
def rows_break_format(path: Path) -> Iterator[None]:
    """Turn a row of ``path`` the output refuses (a NULL under a NOT NULL put back over it,
    which only a scan of every value would have found beforehand) into a refusal naming it.
    """
    try:
        yield
    except sqlite3.IntegrityError as error:
        raise MergeRefused(
            f"{path}: not merged, a row breaks the format ({error});"
            f" thresher validate {path} lists every problem"
        ) from error


def refuse_bad_records(path: Path, db: sqlite3.Connection) -> None:
    """Refuse an input whose times are not timestamps or whose ids are in two tables."""
    problems = bad_timestamps(db) + shared_ids(db)
    if problems:
        raise MergeRefused(
            f"{path}: not merged, {'; '.join(problems)} (thresher validate lists every problem)"
        )


def refuse_parent_conflicts(
    found: Sequence[tuple[str, str, str, str]], paths: Sequence[Path], current: int
) -> None:
    """Refuse records of input ``current`` whose ids earlier inputs use elsewhere.

    ``found`` comes from ``storage.copying.parent_conflicts``: (table, id, parent held,
    parent in this input). The earlier files holding each id are looked up only now, on
    the way to the refusal.
    """
    if not found:
        return
    lines = [
        f"{len(found)} record id(s) are used for different records in different files"
        " (one would silently replace the other):"
    ]
    for table, record_id, held, incoming in found:
        kind = _PARENT.get(table, "document")
        earlier = _holders(paths[: current + 1], table, record_id, held) or ["an earlier input"]
        lines.append(
            f"  {table} id {record_id!r}: on {kind} {held!r} in {', '.join(earlier)};"
            f" on {kind} {incoming!r} in {paths[current].name}"
        )
    raise MergeRefused("\n".join(lines))


def refuse_shared_ids(db: sqlite3.Connection, paths: Sequence[Path]) -> None:
    """Refuse a merged result in which one id is a record of two tables (from two inputs)."""
    found = shared_id_rows(db)
    if not found:
        return
    lines = [f"{len(found)} record id(s) are used in two tables across the inputs:"]
    for record_id, first, second in found:
        places = "; ".join(
            f"{table} in {', '.join(_holders(paths, table, record_id, None))}"
            for table in (first, second)
        )
        lines.append(f"  id {record_id!r}: {places}")
    raise MergeRefused("\n".join(lines))


def _holders(paths: Sequence[Path], table: str, record_id: str, parent: str | None) -> list[str]:
    """The names of the files among ``paths`` holding ``record_id`` in ``table``.

    With ``parent``, only those holding it under that document (or fact); a document kept
    as a variant (``ID#HASH``) is matched on its original id.
    """
    column = "fact_id" if table == "fact_slots" else "doc_id"
    names = []
    for path in paths:
        with open_label_file(path, read_only=True) as label_file:
            row = label_file.connection.execute(
                f"SELECT {column} FROM {table} WHERE id = ?", (record_id,)
            ).fetchone()
        if row is not None and (parent is None or parent.split("#")[0] == row[0].split("#")[0]):
            names.append(path.name)
    return names
