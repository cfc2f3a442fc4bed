"""Span writes: rows go many to a statement, and in a bulk write (the session's, on texts
it holds) one check of the document stands for every row's."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.core.document import SpanRecord
from storage.annotations import (
    BULK_SPANS,
    ROWS_PER_INSERT,
    SPAN_COLUMNS,
    AnnotationRefused,
    NewSpan,
    add_spans,
    checked_spans,
    insert_spans,
    layer_texts,
)
from storage.labelfile import open_label_file
from tests.test_session import DOC, make_file

TEXTS = {"raw": "x" * 5_000, "clean": ""}


def many_spans() -> list[NewSpan]:
    return [NewSpan("raw", i, i + 1, "nav") for i in range(BULK_SPANS)]


def test_many_spans_on_a_document_the_file_lacks_are_refused_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    label_file = open_label_file(make_file(tmp_path / "labels.db"))
    with pytest.raises(AnnotationRefused, match="no document with id 'gone'"):
        add_spans(label_file, "gone", many_spans(), "kim", texts=TEXTS)
    db = label_file.connection
    assert db.execute("SELECT count(*) FROM spans").fetchone() == (0,)
    assert db.execute("PRAGMA foreign_keys").fetchone() == (1,)  # on again for every write
    label_file.close()


def test_many_spans_on_the_document_are_written_with_foreign_keys_on_again_after(
    tmp_path: Path,
) -> None:
    label_file = open_label_file(make_file(tmp_path / "labels.db"))
    texts = {
        "raw": label_file.connection.execute(
            "SELECT raw_text FROM documents WHERE id = ?", (DOC,)
        ).fetchone()[0],
        "clean": "",
    }
    records = add_spans(label_file, DOC, many_spans(), "kim", texts=texts)
    db = label_file.connection
    assert db.execute("SELECT count(*) FROM spans WHERE doc_id = ?", (DOC,)).fetchone() == (
        len(records),
    )
    assert db.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    label_file.close()


@pytest.mark.parametrize(
    "count", [1, ROWS_PER_INSERT - 1, ROWS_PER_INSERT, 2 * ROWS_PER_INSERT + 1]
)
def test_every_row_is_written_whatever_its_place_in_the_statements(
    tmp_path: Path, count: int
) -> None:
    label_file = open_label_file(make_file(tmp_path / "labels.db"))
    spans = [NewSpan("raw", i, i + 2, "nav") for i in range(count)]
    records = add_spans(label_file, DOC, spans, "kim")
    stored = label_file.connection.execute(
        f"SELECT {SPAN_COLUMNS} FROM spans WHERE doc_id = ? ORDER BY start", (DOC,)
    ).fetchall()
    assert [tuple(row) for row in stored] == [tuple(record) for record in records]
    label_file.close()


def test_rows_of_different_annotators_and_times_in_one_write_keep_their_own_values(
    tmp_path: Path,
) -> None:
    """What rows share is bound once per statement: rows that do not share it (a write
    mixing two annotators, as a merge or gold may) each keep their own."""
    label_file = open_label_file(make_file(tmp_path / "labels.db"))
    texts = layer_texts(label_file.connection, DOC)

    def written(annotator: str, now: str, first: int) -> list[SpanRecord]:
        spans = [NewSpan("raw", i, i + 1, "ad") for i in range(first, first + 3)]
        return checked_spans(spans, texts, labels={"ad"}, annotator=annotator, now=now)

    kim = written("kim", "2026-01-01T00:00:00.000000Z", 0)
    lee = written("lee", "2026-02-02T00:00:00.000000Z", 3)
    mixed = [kim[0], lee[0], kim[1], lee[1], lee[2], kim[2]]
    with label_file.transaction() as db:
        insert_spans(db, DOC, mixed)
    stored = label_file.connection.execute(f"SELECT {SPAN_COLUMNS} FROM spans").fetchall()
    assert sorted(tuple(row) for row in stored) == sorted(tuple(r) for r in mixed)
    label_file.close()


def test_an_id_already_held_refuses_the_whole_write(tmp_path: Path) -> None:
    label_file = open_label_file(make_file(tmp_path / "labels.db"))
    [held] = add_spans(label_file, DOC, [NewSpan("raw", 0, 2, "nav")], "kim")
    texts = layer_texts(label_file.connection, DOC)
    records = checked_spans(
        [NewSpan("raw", i, i + 1, "ad") for i in range(ROWS_PER_INSERT + 5)],
        texts,
        labels={"ad"},
        annotator="kim",
        now=held.created,
        ids=[f"id-{i}" for i in range(ROWS_PER_INSERT + 4)] + [held.id],  # the last repeats
    )
    with pytest.raises(sqlite3.IntegrityError), label_file.transaction() as db:
        insert_spans(db, DOC, records)
    count = label_file.connection.execute("SELECT count(*) FROM spans").fetchone()
    assert count == (1,)
    label_file.close()
