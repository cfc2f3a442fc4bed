"""Checks of a label file's rows that SQLite's own constraints may not have made.

A file from someone else may have had its tables redefined (``PRAGMA writable_schema``)
so that a required column holds NULL, a table lacks a column, a time is not a time, or a
record id is used twice across tables. Each check here is one SQL scan per table, so it is
cheap enough to run on every opening (``structure_problems``, ``required_nulls``) or on
every merge input (``bad_timestamps``, ``shared_ids``); ``thresher validate`` runs all.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from functools import cache

from storage.clock import TIMESTAMP_SQL
from storage.schema import MIGRATIONS

_SHADOW_PARTS = ("data", "idx", "config", "content", "docsize")
TIMESTAMP_HINT = "not a timestamp (YYYY-MM-DDTHH:MM:SS.ffffffZ, UTC)"


@cache
def format_columns() -> dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]:
    """Per table of the format: (all columns, key columns, columns that may not be NULL).

    Read from the format's own definition, built in memory, so it never drifts from it.
    A key column of a rowid table may be NULL in SQLite, but not in the format.
    """
    db = sqlite3.connect(":memory:")
    try:
        for script in MIGRATIONS:
            db.executescript(script)
        kinds = dict(
            db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY rowid")
        )
        virtual = [name for name, sql in kinds.items() if sql.startswith("CREATE VIRTUAL")]
        # A virtual table and the tables SQLite keeps for it hold derived data only.
        derived = {f"{name}_{part}" for name in virtual for part in _SHADOW_PARTS}
        result = {}
        # In the order of creation: a table comes after the tables it refers to.
        for table in (name for name in kinds if name not in virtual and name not in derived):
            info = db.execute(f"PRAGMA table_info({table})").fetchall()
            keys = tuple(row[1] for row in sorted(info, key=lambda row: row[5]) if row[5])
            result[table] = (
                tuple(row[1] for row in info),
                keys,
                tuple(row[1] for row in info if row[3] or row[5]),
            )
        return result
    finally:
        db.close()


def record_tables() -> tuple[str, ...]:
    """Tables whose rows are versioned records: an id, ``created`` and ``updated``."""
    return tuple(
        table
        for table, (columns, _, _) in format_columns().items()
        if {"id", "created", "updated"} <= set(columns)
    )


def structure_problems(db: sqlite3.Connection, *, older: bool = False) -> list[str]:
    """The format's tables or columns a file lacks (a table redefined without them).

    ``older``: the file is of an earlier version, which lacks the tables added since.
    """
    problems = []
    for table, (columns, _, _) in format_columns().items():
        have = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        if not have:
            if not older:
                problems.append(f"table {table!r} is missing")
            continue
        problems.extend(
            f"table {table!r} has no column {column!r}" for column in columns if column not in have
        )
    return problems


def required_nulls(db: sqlite3.Connection, limit: int = 5, *, thorough: bool = False) -> list[str]:
    """NULLs in columns the format requires, as "spans.label is NULL in row 'id'".

    The quick form (on every opening) finds every NULL a table redefined to allow them
    let in, in about 0.2 s a million spans. SQLite treats ``IS NULL`` on a column *declared*
    NOT NULL as false without looking, so a NULL left under a definition put back
    afterwards is found only by the ``thorough`` form (``thresher validate``), which reads
    every value's type instead (several times slower).
    """
    found: list[str] = []
    for table, (_, keys, required) in format_columns().items():
        if not _present(db, table):
            continue  # an older file's: it has no such table yet
        null = "typeof({}) = 'null'" if thorough else "{} IS NULL"
        tests = ", ".join(null.format(column) for column in required)
        rows = db.execute(
            f"SELECT {', '.join(keys)}, {tests} FROM {table}"
            f" WHERE {' OR '.join(null.format(column) for column in required)} LIMIT ?",
            (limit - len(found),),
        )
        for row in rows:
            key = row[: len(keys)]
            named = repr(key[0]) if len(key) == 1 else repr(tuple(key))
            for column, is_null in zip(required, row[len(keys) :], strict=True):
                if is_null:
                    found.append(f"{table}.{column} is NULL in row {named}")
        if len(found) >= limit:
            break
    return found[:limit]


def bad_timestamps(db: sqlite3.Connection, limit: int = 5) -> list[str]:
    """Record rows whose ``created`` or ``updated`` is not the format's timestamp."""
    found: list[str] = []
    for table in filter(lambda table: _present(db, table), record_tables()):
        for column in ("updated", "created"):
            test = TIMESTAMP_SQL.format(c=column)
            for row_id, value in db.execute(
                f"SELECT id, {column} FROM {table} WHERE NOT {test} LIMIT ?",
                (limit - len(found),),
            ):
                found.append(f"{table} row {row_id!r}: {column} {value!r} is {TIMESTAMP_HINT}")
            if len(found) >= limit:
                return found
    return found


def shared_id_rows(db: sqlite3.Connection, limit: int = 5) -> list[tuple[str, str, str]]:
    """Record ids used in two tables at once, as (id, first table, second table)."""
    found: list[tuple[str, str, str]] = []
    tables = [table for table in record_tables() if _present(db, table)]
    for index, first in enumerate(tables):
        for second in tables[index + 1 :]:
            found.extend(
                (row_id, first, second)
                for (row_id,) in db.execute(
                    f"SELECT a.id FROM {first} a JOIN {second} b ON b.id = a.id LIMIT ?",
                    (limit - len(found),),
                )
            )
            if len(found) >= limit:
                return found
    return found


def shared_ids(db: sqlite3.Connection, limit: int = 5) -> list[str]:
    """Record ids used in two tables at once (a span and a fact under one id), in words."""
    return [
        f"id {row_id!r} is both a {_one(first)} and a {_one(second)}"
        for row_id, first, second in shared_id_rows(db, limit)
    ]


def _present(db: sqlite3.Connection, table: str) -> bool:
    """True when the file has ``table`` (an older file lacks those added since)."""
    return db.execute(f"PRAGMA table_info({table})").fetchone() is not None


def _one(table: str) -> str:
    """A record of ``table`` in words: spans -> span, document_status -> status."""
    named = {"document_status": "status", "fact_slots": "fact slot"}.get(table, table)
    return named.removesuffix("s").replace("_", " ")


def record_problems(db: sqlite3.Connection, limit: int) -> Iterator[str]:
    """NULLs, bad times and shared ids, for ``thresher validate`` (structure checked first)."""
    yield from required_nulls(db, limit, thorough=True)
    yield from bad_timestamps(db, limit)
    yield from shared_ids(db, limit)
