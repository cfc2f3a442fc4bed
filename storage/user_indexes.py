"""Which indexes a label file may carry besides its own: the plain ones users add.

The README invites ``sqlite3``, sqlite-utils and Datasette; ``sqlite-utils create-index
team.db spans label`` adds an index, which runs no code and changes no row, so it is
accepted everywhere (reading, writing, merging). What could act on our writes is not:

- a UNIQUE index would refuse rows the format allows;
- an index on an expression calls functions on every write;
- an index with a collation SQLite does not have fails every write of its table;
- an index on a table the format does not have goes with that table (named on its own).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from storage.schema import EXPECTED_INDEXES, EXPECTED_TABLES

_BUILT_IN_COLLATIONS = frozenset({"BINARY", "NOCASE", "RTRIM"})


def index_problems(db: sqlite3.Connection) -> Iterator[str]:
    """Indexes a label file may not carry, in words; plain user indexes are not named."""
    for name, table in db.execute(
        "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'"
        " AND name NOT LIKE 'sqlite_autoindex%' ORDER BY name"
    ):
        if name in EXPECTED_INDEXES or table not in EXPECTED_TABLES:
            continue
        why = _not_plain(db, name, table)
        if why:
            yield f"unexpected index {name!r} on {table!r} ({why})"


def _not_plain(db: sqlite3.Connection, name: str, table: str) -> str:
    """Why index ``name`` is not a plain one; empty when it is."""
    unique = {row[1]: bool(row[2]) for row in db.execute(f"PRAGMA index_list({_quoted(table)})")}
    if unique.get(name):
        return "a unique index could refuse rows the format allows"
    # index_xinfo: (seqno, cid, name, desc, collation, key); cid -2 is an expression.
    for _, column, _, _, collation, key in db.execute(f"PRAGMA index_xinfo({_quoted(name)})"):
        if key and column == -2:
            return "it indexes an expression, which would run on every write"
        if key and str(collation).upper() not in _BUILT_IN_COLLATIONS:
            return f"collation {collation!r} is not one SQLite has"
    return ""


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
