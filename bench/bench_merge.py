"""Merging against a bare SQLite copy of the same rows.

Issue 5's target: ``merge`` of 20 files of 2,000 documents with 25 spans each (a million
spans) within 3 times a bare ``ATTACH`` + ``INSERT ... SELECT`` of the same rows into one
file, measured in the same run. Each file holds its own 2,000 documents, as a hand-out
gives each annotator their own share.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import tempfile
import time
import uuid
from pathlib import Path

from app.core.document import sha256_text
from app.core.labelschema import default_schema
from storage.copying import DOCUMENT_COLUMNS
from storage.labelfile import create_label_file, utc_now
from storage.merge import merge_label_files

FILES = 20
DOCUMENTS = 2_000
SPANS_PER_DOCUMENT = 25
TEXT_CHARS = 1_000
TARGET = 3.0
LABELS = ("nav", "ad", "comment", "related_links")


def make_inputs(folder: Path) -> list[Path]:
    """FILES label files, each with its own documents and one annotator's spans."""
    rng = random.Random(5)
    paths = []
    for number in range(FILES):
        path = folder / f"annotator{number:02d}.db"
        with create_label_file(path, owner=f"a{number:02d}", schema=default_schema()) as label_file:
            db = label_file.connection
            db.execute("PRAGMA synchronous = OFF")
            with label_file.transaction():
                _fill(db, number, rng)
        paths.append(path)
    return paths


def _fill(db: sqlite3.Connection, number: int, rng: random.Random) -> None:
    now = utc_now()
    annotator = f"a{number:02d}"
    documents, spans = [], []
    for index in range(DOCUMENTS):
        doc_id = f"f{number:02d}/d{index:05d}"
        text = "".join(rng.choice("가나다라마바사 ") for _ in range(TEXT_CHARS))
        documents.append(
            (
                doc_id,
                None,
                None,
                "lines",
                "1",
                sha256_text(text),
                None,
                None,
                "nfc",
                1.0,
                now,
                len(text),
                len(text),
                text,
                text,
                None,
            )
        )
        for _ in range(SPANS_PER_DOCUMENT):
            start = rng.randrange(TEXT_CHARS - 20)
            end = start + rng.randrange(1, 20)
            spans.append(
                (
                    str(uuid.uuid4()),
                    doc_id,
                    "raw",
                    start,
                    end,
                    rng.choice(LABELS),
                    text[start:end],
                    annotator,
                    now,
                    now,
                    0,
                )
            )
    marks = ", ".join("?" * len(DOCUMENT_COLUMNS))
    db.executemany(
        f"INSERT INTO documents ({', '.join(DOCUMENT_COLUMNS)}) VALUES ({marks})", documents
    )
    db.executemany(
        "INSERT INTO alignment (doc_id, raw_start, raw_end, clean_start, clean_end)"
        " VALUES (?, 0, ?, 0, ?)",
        [(d[0], d[11], d[11]) for d in documents],
    )
    db.executemany(
        "INSERT INTO spans (id, doc_id, layer, start, end, label, text, annotator, created,"
        " updated, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        spans,
    )


def bare_copy(inputs: list[Path], output: Path) -> float:
    """Seconds to copy the same rows with ATTACH + INSERT ... SELECT, one transaction per file."""
    started = time.perf_counter()
    with create_label_file(output, owner="bench", schema=default_schema()) as label_file:
        db = label_file.connection
        db.execute("PRAGMA synchronous = OFF")
        for path in inputs:
            db.execute("ATTACH DATABASE ? AS src", (f"{path.resolve().as_uri()}?mode=ro",))
            with label_file.transaction():
                for table in ("documents", "alignment", "spans"):
                    db.execute(f"INSERT INTO {table} SELECT * FROM src.{table}")
            db.execute("DETACH DATABASE src")
    return time.perf_counter() - started


def thresher_merge(inputs: list[Path], output: Path) -> float:
    started = time.perf_counter()
    merge_label_files(inputs, output)
    return time.perf_counter() - started


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="thresher-bench-merge-"))
    try:
        inputs = make_inputs(folder)
        bare = min(bare_copy(inputs, folder / f"bare{i}.db") for i in range(2))
        ours = min(thresher_merge(inputs, folder / f"merged{i}.db") for i in range(2))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    spans = FILES * DOCUMENTS * SPANS_PER_DOCUMENT
    ratio = ours / bare
    verdict = "within" if ratio <= TARGET else "MISSED"
    print(
        f"merge: {FILES} files x {DOCUMENTS:,} documents x {SPANS_PER_DOCUMENT} spans"
        f" = {spans:,} spans"
    )
    print(f"  bare ATTACH + INSERT ... SELECT: {bare:6.2f} s")
    print(f"  thresher merge:                  {ours:6.2f} s")
    print(f"  ratio {ratio:.2f} (target <= {TARGET}: {verdict})")


if __name__ == "__main__":
    main()
