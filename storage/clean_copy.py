"""``thresher copy``: a clean copy of a label file, holding the format's tables and nothing else.

A file someone added triggers, views, foreign tables or unusual indexes to opens read-only
and is not merged. Its labels are still good: this writes a new file made by this
Thresher, with the format's own definitions, into which the source's rows are copied
column by column. Nothing the source defines runs (it is attached read-only and only
read), and nothing it adds comes along; an older file's copy is of the current version.
The copy is built in a temporary file beside the output and renamed into place when
whole; the source is never changed.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from storage.copying import attached
from storage.errors import LabelFileError
from storage.labelfile import create_label_file, open_label_file
from storage.merge import fsync_path, remove_database
from storage.output_file import remove_stale_temporaries, temporary_path
from storage.record_checks import format_columns
from storage.schema import SCHEMA_VERSION
from storage.schema_rows import read_label_schema
from storage.text_index import rebuild_text_index
from storage.validate import unexpected_objects

_TAG = "copying"


@dataclass(frozen=True)
class CopySummary:
    """What a clean copy left out and carried."""

    left_out: list[str]  # the source's objects the copy does not have
    rows: dict[str, int]  # rows copied per table


def clean_copy(source: Path, output: Path) -> CopySummary:
    """Write ``output``: the format's tables of ``source`` with their rows, nothing else.

    Raises:
        LabelFileError: ``output`` exists or is the source, the source is from another
            version, or one of its rows breaks the format (``thresher validate`` lists
            them). Nothing is written.
        NotALabelFile: the source is not a usable label file.
    """
    if output.exists():
        raise LabelFileError(f"{output} already exists; copy writes a new file, choose another")
    with open_label_file(source, read_only=True) as label_file:
        db = label_file.connection
        (version,) = db.execute("PRAGMA user_version").fetchone()
        if not 1 <= version <= SCHEMA_VERSION:
            raise LabelFileError(f"{source}: format version {version}; not copied")
        left_out = list(unexpected_objects(db))
        owner, schema = label_file.owner, read_label_schema(db)
    partial = temporary_path(output, _TAG)
    remove_stale_temporaries(output, _TAG, database=True)  # what killed copies left
    remove_database(partial)
    try:
        with create_label_file(partial, owner=owner, schema=schema) as copy:
            rows = _copy_rows(copy.connection, source)
        fsync_path(partial)
        os.replace(partial, output)
        fsync_path(output.parent)
    finally:
        remove_database(partial)
    return CopySummary(left_out, rows)


def _copy_rows(db: sqlite3.Connection, source: Path) -> dict[str, int]:
    """Replace the new file's rows with the source's, table by table, in one transaction."""
    rows: dict[str, int] = {}
    # A temporary file until the rename: synced once at the end instead of per commit.
    db.execute("PRAGMA synchronous = OFF")
    tables = list(format_columns().items())
    with attached(db, source) as alias:
        db.execute("BEGIN IMMEDIATE")
        try:
            # Children before parents when emptying, parents first when filling: the
            # tables were created parents first.
            for table, _ in reversed(tables):
                db.execute(f"DELETE FROM main.{table}")
            for table, (columns, _, _) in tables:
                # An older file lacks the tables later versions added: they stay empty.
                if db.execute(f"PRAGMA {alias}.table_info({table})").fetchone() is not None:
                    rows[table] = _copy_table(db, alias, table, columns)
            rebuild_text_index(db)
            db.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            db.execute("ROLLBACK")
            raise LabelFileError(
                f"{source}: not copied, a row breaks the format ({error});"
                f" thresher validate {source} lists every problem"
            ) from error
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA journal_mode = DELETE")  # one self-contained file to rename
    return rows


def _copy_table(db: sqlite3.Connection, alias: str, table: str, columns: tuple[str, ...]) -> int:
    names = ", ".join(f'"{column}"' for column in columns)
    (sql,) = db.execute(
        "SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()
    # Rows keep their order (documents in import order), except in a WITHOUT ROWID table.
    order = "" if "WITHOUT ROWID" in sql.upper() else " ORDER BY rowid"
    before = db.total_changes
    db.execute(f"INSERT INTO main.{table} ({names}) SELECT {names} FROM {alias}.{table}{order}")
    return db.total_changes - before
