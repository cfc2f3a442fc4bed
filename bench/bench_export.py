"""Exporting to JSONL against a bare ``SELECT`` of the same rows and ``json.dumps``.

Issue 6's target: ``export --format jsonl`` of 20,000 documents (about 10 kB of raw text
and 20 gold spans each) within 2 times a bare loop that selects the same document and
span rows and writes each document with the standard ``json`` module, measured in the
same run; and peak memory flat as the count grows (an export of 5,000 documents and one
of 20,000, each in a fresh process).
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from app.core.document import sha256_text
from app.core.labelschema import default_schema
from storage.copying import DOCUMENT_COLUMNS
from storage.export import ExportOptions, export_label_file
from storage.labelfile import create_label_file, utc_now

DOCUMENTS = 20_000
SMALL = 5_000  # marked done by gold, so `--status done` exports exactly these
RAW_BYTES = 10_000
SPANS_PER_DOCUMENT = 20
TARGET = 2.0
LABELS = ("nav", "ad", "comment", "related_links", "copyright_footer")
BATCH = 1_000
ROUNDS = 3
SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "samples"


def make_file(path: Path) -> None:
    """DOCUMENTS documents with gold spans, written with bulk inserts in one transaction."""
    rng = random.Random(6)
    lines = [
        line
        for page in sorted(SAMPLES.glob("*.txt"))
        for line in page.read_text("utf-8").split("\n")
        if line.strip()
    ]
    with create_label_file(path, owner="bench", schema=default_schema()) as label_file:
        db = label_file.connection
        db.execute("PRAGMA synchronous = OFF")
        with label_file.transaction():
            for first in range(0, DOCUMENTS, BATCH):
                _insert(db, [_document(n, rng, lines) for n in range(first, first + BATCH)])


def _document(number: int, rng: random.Random, lines: list[str]) -> tuple[tuple[object, ...], ...]:
    """One document row, its alignment row, its span rows and (maybe) its status row."""
    chosen: list[str] = []
    size = 0
    while size < RAW_BYTES:
        chosen.append(rng.choice(lines))
        size += len(chosen[-1].encode()) + 1
    raw = "\n".join(chosen)
    article_start = len("\n".join(chosen[: len(chosen) // 4])) + 1
    article_end = len("\n".join(chosen[: 3 * len(chosen) // 4]))
    clean = raw[article_start:article_end]
    doc_id = f"news/{number:06d}"
    now = utc_now()
    document = (doc_id, f"https://example.invalid/{number}", None, "lines", "1", sha256_text(raw))
    document += (None, None, "nfc-lf-v1", 1.0, now, len(raw), len(clean), raw, clean, None)
    rows: list[tuple[object, ...]] = [document, (doc_id, article_start, article_end, 0, len(clean))]
    for _ in range(SPANS_PER_DOCUMENT):
        start = rng.randrange(len(raw) - 80)
        end = start + rng.randrange(1, 80)
        label = rng.choice(LABELS)
        rows.append((str(uuid.uuid4()), doc_id, "raw", start, end, label, raw[start:end], "gold"))
    if number < SMALL:
        rows.append((str(uuid.uuid4()), doc_id, "gold", "done", now, now))
    return tuple(rows)


def _insert(db: sqlite3.Connection, documents: list[tuple[tuple[object, ...], ...]]) -> None:
    marks = ", ".join("?" * len(DOCUMENT_COLUMNS))
    columns = ", ".join(DOCUMENT_COLUMNS)
    db.executemany(f"INSERT INTO documents ({columns}) VALUES ({marks})", [d[0] for d in documents])
    db.executemany(
        "INSERT INTO alignment (doc_id, raw_start, raw_end, clean_start, clean_end)"
        " VALUES (?, ?, ?, ?, ?)",
        [d[1] for d in documents],
    )
    now = utc_now()
    db.executemany(
        "INSERT INTO spans (id, doc_id, layer, start, end, label, text, annotator, created,"
        " updated, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
        [(*row, now, now) for d in documents for row in d[2:] if len(row) == 8],
    )
    db.executemany(
        "INSERT INTO document_status (id, doc_id, annotator, status, created, updated)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [row for d in documents for row in d[2:] if len(row) == 6],
    )


def bare_loop(database: Path, output: Path) -> float:
    """Seconds to select every document and its spans and write each with ``json.dumps``."""
    started = time.perf_counter()
    db = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    # The columns the export's records carry from these two tables.
    keys = ("id", "url", "title", "raw_text", "clean_text", "cleaner", "cleaner_version")
    keys += ("raw_sha256", "aligned_share")
    span_keys = ("id", "layer", "start", "end", "label", "text", "annotator", "created", "updated")
    with output.open("w", encoding="utf-8") as stream:
        for row in db.execute(f"SELECT {', '.join(keys)} FROM documents ORDER BY rowid"):
            record = dict(zip(keys, row, strict=True))
            record["spans"] = [
                dict(zip(span_keys, span, strict=True))
                for span in db.execute(
                    f"SELECT {', '.join(span_keys)} FROM spans WHERE doc_id = ? AND deleted = 0",
                    (row[0],),
                )
            ]
            stream.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
    db.close()
    return time.perf_counter() - started


def thresher_export(database: Path, output: Path) -> float:
    started = time.perf_counter()
    export_label_file(database, output, ExportOptions(format="jsonl"))
    return time.perf_counter() - started


_MEASURE = """
import sys
from pathlib import Path
from bench.peak_memory import peak_rss_mb
from storage.export import ExportOptions, export_label_file
status = sys.argv[3] or None
export_label_file(Path(sys.argv[1]), Path(sys.argv[2]), ExportOptions("jsonl", status=status))
print(peak_rss_mb())
"""


def peak_memory_mb(database: Path, output: Path, status: str) -> float:
    """Peak resident memory of an export in a fresh process, in MB."""
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(database), str(output), status],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    output.unlink()
    return float(result.stdout.strip())


def _alternate(database: Path, folder: Path) -> tuple[float, int, float, int]:
    """Best of ROUNDS for each side, taken in turns (this machine's speed drifts)."""
    bare, ours = [], []
    for _ in range(ROUNDS):
        bare.append(bare_loop(database, folder / "bare.jsonl"))
        bare_size = (folder / "bare.jsonl").stat().st_size
        (folder / "bare.jsonl").unlink()
        ours.append(thresher_export(database, folder / "gold.jsonl"))
        size = (folder / "gold.jsonl").stat().st_size
        (folder / "gold.jsonl").unlink()
    return min(bare), bare_size, min(ours), size


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="thresher-bench-export-"))
    try:
        database = folder / "gold.db"
        started = time.perf_counter()
        make_file(database)
        built = time.perf_counter() - started
        bare, size, ours, exported = _alternate(database, folder)
        small = peak_memory_mb(database, folder / "small.jsonl", "done")
        large = peak_memory_mb(database, folder / "large.jsonl", "")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    ratio = ours / bare
    verdict = "within" if ratio <= TARGET else "MISSED"
    print(
        f"export: {DOCUMENTS:,} documents x ~{RAW_BYTES // 1000} kB raw text x"
        f" {SPANS_PER_DOCUMENT} spans (file built in {built:.1f} s)"
    )
    print(f"  bare SELECT + json.dumps:   {bare:6.2f} s  ({size / 1e6:,.0f} MB)")
    print(f"  thresher export jsonl:      {ours:6.2f} s  ({exported / 1e6:,.0f} MB,")
    print("                              with gold clean text, alignment, every span checked)")
    print(f"  ratio {ratio:.2f} (target <= {TARGET}: {verdict})")
    print(f"  peak memory: {small:.0f} MB at {SMALL:,} documents, {large:.0f} MB at {DOCUMENTS:,}")


if __name__ == "__main__":
    main()
