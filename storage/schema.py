"""The label file's tables, its version and the migrations that move it forward.

The file is a public format (README, "The label file"): every table here is documented
there. ``PRAGMA user_version`` is the schema version; ``PRAGMA application_id`` marks the
file as Thresher's. A migration is one SQL script run in the same transaction as the
``user_version`` bump, so a file is always at exactly one version.
"""

from __future__ import annotations

# "THRS" in ASCII: sits in the SQLite header at byte 68, readable without opening the file.
APPLICATION_ID = 0x54485253
SCHEMA_VERSION = 2
FORMAT_NAME = "thresher-label-file"

_V1 = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE documents (
    id              TEXT PRIMARY KEY,
    url             TEXT,
    title           TEXT,
    cleaner         TEXT NOT NULL,
    cleaner_version TEXT NOT NULL,
    raw_sha256      TEXT NOT NULL CHECK (length(raw_sha256) = 64),
    source_path     TEXT,
    source_encoding TEXT,
    canonical_form  TEXT NOT NULL,
    aligned_share   REAL NOT NULL CHECK (aligned_share BETWEEN 0 AND 1),
    imported        TEXT NOT NULL,
    raw_length      INTEGER NOT NULL CHECK (raw_length >= 0),
    clean_length    INTEGER NOT NULL CHECK (clean_length >= 0),
    -- Large columns last, so listing documents never reads past the small ones.
    raw_text        TEXT NOT NULL,
    clean_text      TEXT NOT NULL,
    raw_html        TEXT
);

CREATE TABLE alignment (
    doc_id      TEXT NOT NULL REFERENCES documents(id),
    raw_start   INTEGER NOT NULL CHECK (raw_start >= 0),
    raw_end     INTEGER NOT NULL CHECK (raw_end > raw_start),
    clean_start INTEGER NOT NULL CHECK (clean_start >= 0),
    clean_end   INTEGER NOT NULL CHECK (clean_end - clean_start = raw_end - raw_start),
    PRIMARY KEY (doc_id, raw_start)
) WITHOUT ROWID;

CREATE TABLE labels (
    name        TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('spam')),
    color       TEXT NOT NULL,
    description TEXT NOT NULL,
    position    INTEGER NOT NULL
);

CREATE TABLE fact_types (
    name        TEXT PRIMARY KEY,
    description TEXT NOT NULL,
    position    INTEGER NOT NULL
);

CREATE TABLE fact_type_slots (
    fact_type   TEXT NOT NULL REFERENCES fact_types(name),
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    value_kind  TEXT NOT NULL CHECK (value_kind IN ('text', 'number', 'date', 'entity')),
    position    INTEGER NOT NULL,
    PRIMARY KEY (fact_type, name)
);

CREATE TABLE spans (
    id        TEXT PRIMARY KEY,
    doc_id    TEXT NOT NULL REFERENCES documents(id),
    layer     TEXT NOT NULL CHECK (layer IN ('raw', 'clean')),
    start     INTEGER NOT NULL CHECK (start >= 0),
    end       INTEGER NOT NULL CHECK (end > start),
    label     TEXT NOT NULL,
    text      TEXT NOT NULL,
    annotator TEXT NOT NULL,
    created   TEXT NOT NULL,
    updated   TEXT NOT NULL,
    deleted   INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);
CREATE INDEX spans_by_document ON spans (doc_id, annotator);

CREATE TABLE facts (
    id        TEXT PRIMARY KEY,
    doc_id    TEXT NOT NULL REFERENCES documents(id),
    type      TEXT NOT NULL,
    annotator TEXT NOT NULL,
    created   TEXT NOT NULL,
    updated   TEXT NOT NULL,
    deleted   INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);
CREATE INDEX facts_by_document ON facts (doc_id, annotator);

CREATE TABLE fact_slots (
    id        TEXT PRIMARY KEY,
    fact_id   TEXT NOT NULL REFERENCES facts(id),
    role      TEXT NOT NULL,
    layer     TEXT CHECK (layer IN ('raw', 'clean')),
    start     INTEGER CHECK (start >= 0),
    end       INTEGER CHECK (end > start),
    text      TEXT,
    value     TEXT,
    annotator TEXT NOT NULL,
    created   TEXT NOT NULL,
    updated   TEXT NOT NULL,
    deleted   INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    CHECK ((layer IS NULL) = (start IS NULL) AND (start IS NULL) = (end IS NULL))
);
CREATE INDEX fact_slots_by_fact ON fact_slots (fact_id);

CREATE TABLE document_status (
    id        TEXT PRIMARY KEY,
    doc_id    TEXT NOT NULL REFERENCES documents(id),
    annotator TEXT NOT NULL,
    status    TEXT NOT NULL CHECK (status IN ('todo', 'done', 'skipped', 'flagged')),
    note      TEXT NOT NULL DEFAULT '',
    created   TEXT NOT NULL,
    updated   TEXT NOT NULL,
    deleted   INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    UNIQUE (doc_id, annotator)
);
"""

# Version 2: the corpus text index (``thresher find``) and active time per document.
# The index is derived data: a trigram FTS5 table holding no text of its own
# (``content=''``), keyed by ``text_index_documents.id``, an INTEGER PRIMARY KEY so that
# VACUUM never renumbers it. It is rebuilt (never merged) from ``documents.raw_text``.
TEXT_INDEX_DEFINITION = (
    "CREATE VIRTUAL TABLE text_index USING fts5(raw_text, tokenize = 'trigram',"
    " content = '', columnsize = 0, detail = 'none')"
)
TEXT_INDEX_SHADOW_TABLES = ("text_index_data", "text_index_idx", "text_index_config")
# Empties and refills the index from every document, in import order.
TEXT_INDEX_REBUILD = (
    "DELETE FROM text_index_documents",
    "INSERT INTO text_index (text_index) VALUES ('delete-all')",
    "INSERT INTO text_index_documents (doc_id) SELECT id FROM documents ORDER BY rowid",
    "INSERT INTO text_index (rowid, raw_text) SELECT t.id, d.raw_text"
    " FROM text_index_documents t JOIN documents d ON d.id = t.doc_id",
)

_V2 = f"""
CREATE TABLE text_index_documents (
    id     INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL UNIQUE REFERENCES documents(id)
);

{TEXT_INDEX_DEFINITION};

CREATE TABLE active_time (
    id        TEXT PRIMARY KEY,
    doc_id    TEXT NOT NULL REFERENCES documents(id),
    annotator TEXT NOT NULL,
    seconds   REAL NOT NULL CHECK (seconds >= 0),
    created   TEXT NOT NULL,
    updated   TEXT NOT NULL,
    deleted   INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    UNIQUE (doc_id, annotator)
);

"""
# A file migrated from version 1 gets the index of the documents it already holds.
_V2 += "".join(f"\n{statement};\n" for statement in TEXT_INDEX_REBUILD[2:])

# MIGRATIONS[n] moves a file from version n to n + 1.
MIGRATIONS: tuple[str, ...] = (_V1, _V2)

# Everything a valid file of the current version holds; anything else is unexpected.
EXPECTED_TABLES = frozenset(
    {
        "meta",
        "documents",
        "alignment",
        "labels",
        "fact_types",
        "fact_type_slots",
        "spans",
        "facts",
        "fact_slots",
        "document_status",
        "text_index_documents",
        "text_index",
        *TEXT_INDEX_SHADOW_TABLES,
        "active_time",
    }
)
EXPECTED_INDEXES = frozenset({"spans_by_document", "facts_by_document", "fact_slots_by_fact"})
