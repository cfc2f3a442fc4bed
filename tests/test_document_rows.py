"""The document list's rows read from a real label file on disk."""

from __future__ import annotations

import pytest

from app.core.alignment import Segment
from app.core.document import PreparedDocument
from app.core.listing import DocumentRow, ListFilter
from app.core.prepare import ImportOptions
from app.ingest import import_sources
from storage.annotations import NewSpan, add_spans, set_spans_deleted, set_status
from storage.document_rows import SqliteDocumentRows
from storage.documents import insert_documents
from storage.labelfile import LabelFile, open_label_file, utc_now
from tests.conftest import SAMPLES

TITLED = [("news-1", "서울 날씨 맑음"), ("news-2", "Stock Market Today"), ("news-3", "")]


def titled_document(doc_id: str, title: str) -> PreparedDocument:
    """A small document with a title, stored as import would store it."""
    text = f"{title or doc_id} 본문입니다."
    return PreparedDocument(
        id=doc_id,
        origin=doc_id,
        raw_text=text,
        clean_text=text,
        cleaner="test",
        cleaner_version="1",
        segments=(Segment(0, len(text), 0, len(text)),),
        aligned_share=1.0,
        title=title or None,
    )


@pytest.fixture
def filled(label_file: LabelFile) -> LabelFile:
    """The sample pages (titled by first line), then three documents made here: eight in all."""
    report = import_sources(label_file, [SAMPLES], ImportOptions(annotator="kim"))
    assert not report.refusals
    with label_file.transaction() as db:
        insert_documents(db, [titled_document(i, t) for i, t in TITLED], utc_now())
    return label_file


def ids(label_file: LabelFile) -> list[str]:
    return [
        row[0] for row in label_file.connection.execute("SELECT id FROM documents ORDER BY rowid")
    ]


def title_of(label_file: LabelFile, doc_id: str) -> str:
    row = label_file.connection.execute("SELECT title FROM documents WHERE id = ?", (doc_id,))
    title: str = row.fetchone()[0]
    return title


def test_rows_in_import_order_with_defaults(filled: LabelFile) -> None:
    source = SqliteDocumentRows(filled.connection, "kim")
    rows = source.rows(ListFilter(), 0, 100)
    assert source.count(ListFilter()) == 8
    assert [row.doc_id for row in rows] == ids(filled)
    assert rows[0] == DocumentRow(rows[0].doc_id, title_of(filled, rows[0].doc_id), "todo", 0)
    assert rows[5].title == "서울 날씨 맑음"
    assert rows[7].title == "news-3"  # no title: the id stands in


def test_paging(filled: LabelFile) -> None:
    source = SqliteDocumentRows(filled.connection, "kim")
    pages = [source.rows(ListFilter(), offset, 3) for offset in (0, 3, 6, 9)]
    assert [len(page) for page in pages] == [3, 3, 2, 0]
    assert [row.doc_id for page in pages for row in page] == ids(filled)


def test_status_and_span_count_are_this_annotators(filled: LabelFile) -> None:
    first, second = ids(filled)[:2]
    set_status(filled, first, "kim", "done")
    set_status(filled, second, "lee", "flagged", "not kim's")
    add_spans(filled, first, [NewSpan("raw", 0, 3, "ad"), NewSpan("raw", 5, 9, "nav")], "kim")
    add_spans(filled, second, [NewSpan("raw", 0, 3, "ad")], "lee")
    source = SqliteDocumentRows(filled.connection, "kim")
    assert source.row(first) == DocumentRow(first, title_of(filled, first), "done", 2)
    assert source.row(second) == DocumentRow(second, title_of(filled, second), "todo", 0)
    assert SqliteDocumentRows(filled.connection, "lee").row(second) == DocumentRow(
        second, title_of(filled, second), "flagged", 1
    )


def test_deleted_spans_are_not_counted(filled: LabelFile) -> None:
    first = ids(filled)[0]
    spans = add_spans(
        filled, first, [NewSpan("raw", 0, 3, "ad"), NewSpan("raw", 4, 6, "ad")], "kim"
    )
    set_spans_deleted(filled, [spans[0].id], True)
    row = SqliteDocumentRows(filled.connection, "kim").row(first)
    assert row is not None and row.span_count == 1


def test_status_filter(filled: LabelFile) -> None:
    all_ids = ids(filled)
    set_status(filled, all_ids[1], "kim", "done")
    set_status(filled, all_ids[6], "kim", "done")
    set_status(filled, all_ids[2], "kim", "skipped")
    set_status(filled, all_ids[3], "kim", "todo")  # marked back: still todo
    source = SqliteDocumentRows(filled.connection, "kim")
    done = ListFilter(status="done")
    assert source.count(done) == 2
    assert [row.doc_id for row in source.rows(done, 0, 10)] == [all_ids[1], all_ids[6]]
    todo = ListFilter(status="todo")
    assert [row.doc_id for row in source.rows(todo, 0, 10)] == [all_ids[i] for i in (0, 3, 4, 5, 7)]
    assert source.count(ListFilter(status="flagged")) == 0
    assert source.row_of(done, all_ids[6]) == 1
    assert source.row_of(done, all_ids[0]) is None


def test_text_filter_matches_id_or_title_ignoring_case(filled: LabelFile) -> None:
    source = SqliteDocumentRows(filled.connection, "kim")
    assert [r.doc_id for r in source.rows(ListFilter(text="stock market"), 0, 10)] == ["news-2"]
    assert [r.doc_id for r in source.rows(ListFilter(text="날씨"), 0, 10)] == ["news-1"]
    assert source.count(ListFilter(text="NEWS-")) == 3
    assert source.count(ListFilter(text="%")) == 0  # LIKE wildcards are literal
    assert source.count(ListFilter(text="_")) == 5  # the sample ids hold an underscore
    assert source.row_of(ListFilter(text="news"), "news-3") == 2


def test_status_and_text_filter_together(filled: LabelFile) -> None:
    set_status(filled, "news-2", "kim", "flagged", "why")
    source = SqliteDocumentRows(filled.connection, "kim")
    assert source.count(ListFilter(status="flagged", text="news")) == 1
    assert source.count(ListFilter(status="todo", text="news")) == 2


def test_row_of_and_unknown_documents(filled: LabelFile) -> None:
    source = SqliteDocumentRows(filled.connection, "kim")
    assert [source.row_of(ListFilter(), doc_id) for doc_id in ids(filled)] == list(range(8))
    assert source.row_of(ListFilter(), "no-such-document") is None
    assert source.row("no-such-document") is None


def test_sees_changes_made_after_a_first_read(filled: LabelFile) -> None:
    source = SqliteDocumentRows(filled.connection, "kim")
    done = ListFilter(status="done")
    assert source.count(done) == 0
    set_status(filled, "news-1", "kim", "done")
    assert source.count(done) == 1


def test_sees_changes_made_by_another_connection(filled: LabelFile) -> None:
    source = SqliteDocumentRows(filled.connection, "kim")
    done = ListFilter(status="done")
    assert source.count(done) == 0
    with open_label_file(filled.path) as other:
        set_status(other, "news-1", "kim", "done")
    assert source.count(done) == 1


def test_text_filter_sees_new_documents(filled: LabelFile) -> None:
    source = SqliteDocumentRows(filled.connection, "kim")
    weather = ListFilter(text="날씨")
    assert source.count(weather) == 1
    set_status(filled, "news-1", "kim", "done")
    assert source.count(ListFilter(status="done", text="날씨")) == 1
    with filled.transaction() as db:
        insert_documents(db, [titled_document("news-4", "내일 날씨")], utc_now())
    assert [row.doc_id for row in source.rows(weather, 0, 10)] == ["news-1", "news-4"]


def test_rowids_with_gaps(filled: LabelFile) -> None:
    # Documents are never deleted by Thresher, but a file edited by hand may have gaps.
    db = filled.connection
    db.execute("PRAGMA foreign_keys = OFF")
    with filled.transaction():
        db.execute("DELETE FROM alignment WHERE doc_id = 'news-1'")
        db.execute("DELETE FROM documents WHERE id = 'news-1'")
    source = SqliteDocumentRows(db, "kim")
    assert source.count(ListFilter()) == 7
    assert source.row_of(ListFilter(), "news-2") == 5
    assert [row.doc_id for row in source.rows(ListFilter(), 5, 5)] == ["news-2", "news-3"]


def test_empty_file(label_file: LabelFile) -> None:
    source = SqliteDocumentRows(label_file.connection, "kim")
    assert source.count(ListFilter()) == 0
    assert source.rows(ListFilter(), 0, 200) == []
    assert source.count(ListFilter(status="todo")) == 0


def test_page_reads_use_indexes(filled: LabelFile) -> None:
    plan = " ".join(
        str(row[3])
        for row in filled.connection.execute(
            "EXPLAIN QUERY PLAN SELECT (SELECT count(*) FROM spans p WHERE p.doc_id = d.id"
            " AND p.annotator = 'kim' AND p.deleted = 0) FROM documents d WHERE d.rowid IN (1, 2)"
        )
    )
    assert "spans_by_document" in plan
