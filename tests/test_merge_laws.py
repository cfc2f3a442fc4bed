"""Merge is commutative, associative and idempotent, on generated files with edits and deletions.

Each example copies one base file three times and edits each copy on its own, as three
annotators' laptops would: new spans (some under the same id with other content), labels
changed, spans deleted and restored, statuses set. Timestamps are generated clocks: most
come from a tiny set, so equal ``updated`` values, where only the content can decide,
happen often; the rest are anywhere from 1970 to 9999, as skewed clocks would write them.
"""

from __future__ import annotations

import itertools
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.document import status_id
from app.core.labelschema import default_schema
from app.ingest import ImportOptions, import_sources
from storage.annotations import NewSpan, add_spans
from storage.labelfile import create_label_file
from storage.merge import merge_label_files
from tests.test_clock import moments
from tests.test_merge import dump

SAMPLES = Path(__file__).resolve().parents[1] / "resources" / "samples"
LABELS = ("nav", "ad", "comment")
TIMES = (
    *(f"2030-01-01T00:00:0{second}.000000Z" for second in range(3)),
    "2099-06-01T12:00:00.000000Z",  # an annotator whose clock ran ahead
    "1999-01-01T00:00:00.000000Z",  # ... and one whose clock ran behind
)
ANNOTATORS = ("kim", "lee")

times = st.one_of(st.sampled_from(TIMES), st.sampled_from(TIMES), moments)
edit = st.one_of(
    st.tuples(st.just("relabel"), st.integers(0, 3), st.sampled_from(LABELS), times),
    st.tuples(st.just("delete"), st.integers(0, 3), st.booleans(), times),
    st.tuples(st.just("add"), st.integers(0, 5), st.sampled_from(LABELS), times),
    st.tuples(
        st.just("status"), st.sampled_from(ANNOTATORS), st.sampled_from(("done", "todo")), times
    ),
)
edits = st.lists(edit, max_size=6)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("base") / "base.db"
    with create_label_file(path, owner="lead", schema=default_schema()) as label_file:
        import_sources(label_file, [SAMPLES / "000_8badc66364e1a625.txt"], ImportOptions("lead"))
        (doc_id,) = label_file.connection.execute("SELECT id FROM documents").fetchone()
        add_spans(
            label_file, doc_id, [NewSpan("raw", i * 10, i * 10 + 5, "nav") for i in range(4)], "kim"
        )
    return path


def apply(path: Path, changes: list[tuple[Any, ...]]) -> None:
    with sqlite3.connect(path) as db:
        (doc_id, raw) = db.execute("SELECT id, raw_text FROM documents").fetchone()
        span_ids = [row[0] for row in db.execute("SELECT id FROM spans ORDER BY start")]
        for change in changes:
            kind, what, how, when = change
            if kind == "relabel":
                db.execute(
                    "UPDATE spans SET label = ?, updated = ? WHERE id = ?",
                    (how, when, span_ids[what]),
                )
            elif kind == "delete":
                db.execute(
                    "UPDATE spans SET deleted = ?, updated = ? WHERE id = ?",
                    (int(how), when, span_ids[what]),
                )
            elif kind == "add":
                start = 50 + what * 7
                db.execute(
                    "INSERT OR REPLACE INTO spans (id, doc_id, layer, start, end, label, text,"
                    " annotator, created, updated, deleted)"
                    " VALUES (?, ?, 'raw', ?, ?, ?, ?, 'lee', ?, ?, 0)",
                    (
                        f"new-{what}",
                        doc_id,
                        start,
                        start + 3,
                        how,
                        raw[start : start + 3],
                        when,
                        when,
                    ),
                )
            else:
                db.execute(
                    "INSERT OR REPLACE INTO document_status (id, doc_id, annotator, status, note,"
                    " created, updated, deleted) VALUES (?, ?, ?, ?, '', ?, ?, 0)",
                    (status_id(doc_id, what), doc_id, what, how, when, when),
                )


class Files:
    """Fresh paths for the merges of one example."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = itertools.count()

    def merge(self, *inputs: Path) -> Path:
        out = self.folder / f"m{next(self.count)}.db"
        merge_label_files(list(inputs), out)
        return out


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits, edits, edits)
def test_merge_laws(
    base: Path,
    tmp_path_factory: pytest.TempPathFactory,
    first: list[tuple[Any, ...]],
    second: list[tuple[Any, ...]],
    third: list[tuple[Any, ...]],
) -> None:
    folder = tmp_path_factory.mktemp("laws")
    files = Files(folder)
    a, b, c = (folder / name for name in ("a.db", "b.db", "c.db"))
    for path, changes in ((a, first), (b, second), (c, third)):
        shutil.copyfile(base, path)
        apply(path, changes)

    assert dump(files.merge(a, b)) == dump(files.merge(b, a))  # commutative
    assert dump(files.merge(files.merge(a, b), c)) == dump(files.merge(a, files.merge(b, c)))
    assert dump(files.merge(a, a)) == dump(files.merge(a)) == dump(a)  # idempotent
    ab = files.merge(a, b)
    assert dump(files.merge(ab, b)) == dump(ab)
