"""``thresher validate``: is this label file whole and are its offsets right?

Checks SQLite's own integrity, the format version, unexpected schema objects (a file from
someone else may carry triggers or views), and that every span and fact slot lies inside
its text with a stored ``text`` equal to the slice it points at.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from app.core.document import sha256_text
from storage.record_checks import record_problems, structure_problems
from storage.schema import EXPECTED_TABLES, SCHEMA_VERSION
from storage.text_index import foreign_definition, text_index_problems
from storage.user_indexes import index_problems

MAX_PROBLEMS = 200


def validate(db: sqlite3.Connection) -> list[str]:
    """Return every problem found (empty when the file is valid), at most ``MAX_PROBLEMS``."""
    problems: list[str] = []
    for problem in _all_problems(db):
        problems.append(problem)
        if len(problems) >= MAX_PROBLEMS:
            problems.append(f"(stopped after {MAX_PROBLEMS} problems)")
            break
    return problems


def _all_problems(db: sqlite3.Connection) -> Iterator[str]:
    for (message,) in db.execute("PRAGMA integrity_check"):
        if message != "ok":
            yield f"SQLite integrity: {message}"
    (version,) = db.execute("PRAGMA user_version").fetchone()
    if version != SCHEMA_VERSION:
        yield f"format version is {version}, expected {SCHEMA_VERSION}"
    yield from unexpected_objects(db)
    structure = structure_problems(db, older=version < SCHEMA_VERSION)
    if structure:
        # A table lacking a column of the format: name what is missing, read nothing more.
        yield from structure
        return
    yield from record_problems(db, MAX_PROBLEMS)
    yield from _span_problems(db)
    yield from _slot_problems(db)
    yield from _document_problems(db)
    yield from text_index_problems(db)


def unexpected_objects(db: sqlite3.Connection) -> Iterator[str]:
    """Tables, views, triggers and indexes a label file of this version may not have."""
    # Read from sqlite_master directly: a library for it costs every command a second of
    # start-up (sqlite-utils imports pandas when it is there).
    objects = db.execute(
        "SELECT type, name, tbl_name FROM sqlite_master WHERE type IN ('table', 'view', 'trigger')"
        " ORDER BY type, name"
    ).fetchall()
    for name in sorted(name for kind, name, _ in objects if kind == "table"):
        if name not in EXPECTED_TABLES:
            yield f"unexpected table {name!r}"
    for kind, name, _ in objects:
        if kind == "view":
            yield f"unexpected view {name!r}"
    for kind, name, table in objects:
        if kind == "trigger":
            yield f"unexpected trigger {name!r} on {table!r}"
    yield from foreign_definition(db)
    yield from index_problems(db)  # plain indexes users add are welcome


def _span_problems(db: sqlite3.Connection) -> Iterator[str]:
    rows = db.execute(
        "SELECT s.id, s.doc_id, s.layer, s.start, s.end, s.text,"
        " CASE s.layer WHEN 'raw' THEN d.raw_text ELSE d.clean_text END"
        " FROM spans s LEFT JOIN documents d ON d.id = s.doc_id"
    )
    for span_id, doc_id, layer, start, end, text, layer_text in rows:
        where = f"span {span_id} in document {doc_id!r}"
        yield from _range_problems(where, (layer, start, end, text), layer_text)


def _slot_problems(db: sqlite3.Connection) -> Iterator[str]:
    rows = db.execute(
        "SELECT s.id, f.doc_id, s.layer, s.start, s.end, s.text,"
        " CASE s.layer WHEN 'raw' THEN d.raw_text ELSE d.clean_text END"
        " FROM fact_slots s JOIN facts f ON f.id = s.fact_id"
        " LEFT JOIN documents d ON d.id = f.doc_id WHERE s.layer IS NOT NULL"
    )
    for slot_id, doc_id, layer, start, end, text, layer_text in rows:
        where = f"fact slot {slot_id} in document {doc_id!r}"
        yield from _range_problems(where, (layer, start, end, text), layer_text)


def _range_problems(
    where: str, stored: tuple[str, int, int, str | None], layer_text: str | None
) -> Iterator[str]:
    """Problems of one stored (layer, start, end, text) against the text it points into."""
    layer, start, end, text = stored
    if not isinstance(start, int) or not isinstance(end, int):
        yield f"{where}: range {start!r}-{end!r} is not two whole numbers"
    elif layer_text is None:
        yield f"{where}: its document is missing"
    elif not 0 <= start < end <= len(layer_text):
        yield f"{where}: range {start}-{end} is outside the {layer} text ({len(layer_text)})"
    elif text != layer_text[start:end]:
        yield f"{where}: stored text {text!r} != {layer} text {layer_text[start:end]!r}"


def _document_problems(db: sqlite3.Connection) -> Iterator[str]:
    for doc_id, raw_text, raw_sha256 in db.execute(
        "SELECT id, raw_text, raw_sha256 FROM documents"
    ):
        if isinstance(raw_text, str) and sha256_text(raw_text) != raw_sha256:
            yield f"document {doc_id!r}: raw_sha256 does not match its raw text"
    for doc_id, raw_start, raw_end, clean_start, clean_end, raw, clean in db.execute(
        "SELECT a.doc_id, a.raw_start, a.raw_end, a.clean_start, a.clean_end, d.raw_text,"
        " d.clean_text FROM alignment a JOIN documents d ON d.id = a.doc_id"
    ):
        if not isinstance(raw, str) or not isinstance(clean, str):
            continue  # a NULL text, named by the check of required columns
        if raw[raw_start:raw_end] != clean[clean_start:clean_end]:
            yield f"document {doc_id!r}: alignment segment at raw {raw_start} does not match"


# Values a label file of ours can never hold (its CHECK constraints forbid them), looked for
# in SQL so a million rows cost a scan: a file whose tables were redefined may hold them.
_ABSURD = (
    (
        "spans",
        "SELECT s.id FROM spans s LEFT JOIN documents d ON d.id = s.doc_id WHERE d.id IS NULL"
        " OR s.layer NOT IN ('raw', 'clean') OR typeof(s.start) != 'integer'"
        " OR typeof(s.end) != 'integer' OR s.start < 0 OR s.end <= s.start"
        " OR s.end > CASE s.layer WHEN 'raw' THEN d.raw_length ELSE d.clean_length END"
        " OR s.deleted NOT IN (0, 1)",
    ),
    (
        "fact_slots",
        "SELECT s.id FROM fact_slots s LEFT JOIN facts f ON f.id = s.fact_id"
        " LEFT JOIN documents d ON d.id = f.doc_id WHERE f.id IS NULL OR d.id IS NULL"
        " OR (s.layer IS NOT NULL AND (s.layer NOT IN ('raw', 'clean') OR s.start < 0"
        " OR s.end <= s.start"
        " OR s.end > CASE s.layer WHEN 'raw' THEN d.raw_length ELSE d.clean_length END))"
        " OR s.deleted NOT IN (0, 1)",
    ),
    (
        "facts",
        "SELECT f.id FROM facts f LEFT JOIN documents d ON d.id = f.doc_id"
        " WHERE d.id IS NULL OR f.deleted NOT IN (0, 1)",
    ),
    (
        "document_status",
        "SELECT s.id FROM document_status s LEFT JOIN documents d ON d.id = s.doc_id"
        " WHERE d.id IS NULL OR s.status NOT IN ('todo', 'done', 'skipped', 'flagged')"
        " OR s.deleted NOT IN (0, 1)",
    ),
    (
        "documents",
        "SELECT id FROM documents WHERE raw_length != length(raw_text)"
        " OR clean_length != length(clean_text) OR aligned_share NOT BETWEEN 0 AND 1",
    ),
)


def absurd_rows(db: sqlite3.Connection, limit: int = 5) -> list[str]:
    """Rows holding values outside their ranges, named ("spans row 'id'"), at most ``limit``."""
    found: list[str] = []
    for table, query in _ABSURD:
        for (row_id,) in db.execute(f"{query} LIMIT ?", (limit - len(found),)):
            found.append(f"{table} row {row_id!r}")
        if len(found) >= limit:
            break
    return found
