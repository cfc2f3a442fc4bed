"""Accepting all suggestions at once: the quick paths give what the one-by-one ones give.

Accepting 11,000 suggestions of a long page writes its rows straight from the records the
session holds, with time-ordered ids, and takes the bulk paths of the open document and
the panes; each law here holds those paths to the general ones.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.core.alignment import Segment
from app.core.document import SpanRecord
from app.core.suggestions import Suggestion
from app.gui.pane_marks import Alignment, many_span_marks, span_clean_marks, span_raw_marks
from app.session import open_document
from app.session.open_document import OpenDocument, text_order
from storage import annotations
from storage.annotations import AnnotationRefused, NewSpan, new_span_ids
from storage.documents import StoredDocument
from storage.labelfile import LabelFile, open_label_file
from tests.test_session import DOC, fresh, make_file, session_on, snapshot

TEXT = "메뉴 | 로그인 \n  \n구독 광고" * 40
BLANK = TEXT.index("\n  \n")


@pytest.fixture
def opened(tmp_path: Path) -> Iterator[LabelFile]:
    label_file = open_label_file(make_file(tmp_path / "labels.db"))
    yield label_file
    label_file.close()


def test_new_ids_are_unique_increasing_version_7_uuids() -> None:
    ids = new_span_ids(5_000) + new_span_ids(5_000)
    assert len(set(ids)) == len(ids)
    assert ids[:5_000] == sorted(ids[:5_000])  # one write's ids append to the index
    for text in (ids[0], ids[-1]):
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert parsed.version == 7 and parsed.variant == uuid.RFC_4122


def test_accepting_every_suggestion_stores_the_rows_the_session_holds(
    opened: LabelFile,
) -> None:
    session, changes = session_on(opened)
    current = session.current
    assert current is not None and current.suggestions
    offered = [s.id for s in current.suggestions]
    spans = [NewSpan("raw", s.start, s.end, s.label) for s in current.suggestions]
    ids = session.add_spans(DOC, spans)
    assert current.suggestions == [] and sorted(changes[-1].hidden) == sorted(offered)
    rows = opened.connection.execute(
        "SELECT id, layer, start, end, label, text, annotator, created, updated, deleted"
        " FROM spans WHERE doc_id = ?",
        (DOC,),
    ).fetchall()
    held = {span.id: tuple(span) for span in current.spans}
    assert {row[0]: (*row[:9], bool(row[9])) for row in rows} == held
    assert set(ids) <= set(held) and snapshot(current) == fresh(opened, session)


def test_one_bad_span_among_many_writes_none_of_them(opened: LabelFile) -> None:
    session, _ = session_on(opened)
    spans = [NewSpan("raw", i, i + 2, "nav") for i in range(0, 400, 4)]
    with pytest.raises(AnnotationRefused, match="not in this file's schema"):
        session.add_spans(DOC, [*spans, NewSpan("raw", 0, 3, "no-such-label")])
    count = opened.connection.execute("SELECT count(*) FROM spans").fetchone()[0]
    assert count == 0


RANGES = st.lists(
    st.tuples(st.integers(0, len(TEXT) - 60), st.integers(1, 60)), max_size=60, unique=True
)


@settings(max_examples=150, deadline=None)
@given(suggested=RANGES, tagged=RANGES, extra=RANGES, accept_all=st.booleans())
@example(  # a blank suggestion is never covered, even by a span of its own range
    suggested=[(BLANK, 3), (0, 2)], tagged=[], extra=[], accept_all=True
)
@example(suggested=[(0, 2), (5, 4)], tagged=[(1, 3)], extra=[], accept_all=True)
def test_covering_after_an_add_equals_deciding_near_it(
    suggested: list[tuple[int, int]],
    tagged: list[tuple[int, int]],
    extra: list[tuple[int, int]],
    accept_all: bool,
) -> None:
    """Law: ``accepted_all`` (a span on every offered suggestion, nothing else) hides and
    shows what ``offer_near`` does; other adds go through ``offer_near`` itself."""
    stored = StoredDocument("d", None, None, TEXT, "", None, "lines", ())
    suggestions = [Suggestion(f"s{a}-{a + n}", a, a + n, "nav", "") for a, n in suggested]
    documents = []
    for _ in range(2):
        document = OpenDocument(stored, all_suggestions=suggestions)
        document.set_spans(
            sorted((span(i, a, a + n) for i, (a, n) in enumerate(tagged)), key=text_order)
        )
        document.offer_all()
        documents.append(document)
    quick, general = documents
    added = [(s.start, s.end) for s in quick.suggestions] if accept_all else []
    added += [(a, a + n) for a, n in extra]
    new = [span(1_000 + i, a, b) for i, (a, b) in enumerate(added)]
    open_document.MANY_RANGES, kept = 0, open_document.MANY_RANGES
    try:
        results = []
        quick_path = accept_all and not extra
        for document in (quick, general):
            document.put_spans(new)
            if document is quick and quick_path:
                hidden, shown = document.accepted_all()
            else:
                hidden, shown = document.offer_near(added, added)
            results.append((sorted(hidden), sorted(shown), [s.id for s in document.suggestions]))
    finally:
        open_document.MANY_RANGES = kept
    assert results[0] == results[1]


def span(number: int, start: int, end: int, layer: str = "raw") -> SpanRecord:
    return SpanRecord(f"id{number:05d}", layer, start, end, "nav", "", "kim", "t", "t")


SPANS = st.lists(
    st.tuples(st.integers(0, 500), st.integers(1, 40), st.sampled_from(["raw", "clean"])),
    max_size=80,
)


@settings(max_examples=150, deadline=None)
@given(held=SPANS, added=SPANS)
def test_many_spans_put_at_once_keep_text_order(
    held: list[tuple[int, int, str]], added: list[tuple[int, int, str]]
) -> None:
    stored = StoredDocument("d", None, None, TEXT, "", None, "lines", ())
    document = OpenDocument(stored)
    old = [span(i, a, a + n, layer) for i, (a, n, layer) in enumerate(held)]
    document.set_spans(sorted(old, key=text_order))
    new = [span(500 + i, a, a + n, layer) for i, (a, n, layer) in enumerate(added)]
    open_document.BULK, kept = 0, open_document.BULK
    try:
        document.put_spans(new)
    finally:
        open_document.BULK = kept
    assert document.spans == sorted(old + new, key=text_order)
    assert set(document.spans_by_id) == {s.id for s in old + new}


@settings(max_examples=150, deadline=None)
@given(
    pieces=st.lists(st.tuples(st.integers(0, 30), st.integers(1, 30)), max_size=20),
    spans=SPANS,
)
def test_marks_of_many_spans_are_those_of_each_span(
    pieces: list[tuple[int, int]], spans: list[tuple[int, int, str]]
) -> None:
    """Law: one walk of the alignment gives each span's own marks on both panes."""
    segments, raw_at, clean_at = [], 0, 0
    for gap, length in pieces:  # raw text with dropped gaps between aligned pieces
        raw_at += gap
        segments.append(Segment(raw_at, raw_at + length, clean_at, clean_at + length))
        raw_at, clean_at = raw_at + length, clean_at + length
    alignment = Alignment(segments)
    records = [span(i, a, a + n, layer) for i, (a, n, layer) in enumerate(spans)]
    colors = {"nav": "#123456"}
    raw, clean = many_span_marks(records, colors, alignment)
    assert sorted(raw) == sorted(m for s in records for m in span_raw_marks(s, colors))
    expected = [m for s in records for m in span_clean_marks(s, colors, alignment)]
    assert sorted(clean) == sorted(expected)


def test_a_write_of_thousands_is_committed_and_checkpointed_afterwards(
    opened: LabelFile,
) -> None:
    session, _ = session_on(opened)
    assert session.current is not None
    length = len(session.current.stored.raw_text)
    count = annotations.BULK_SPANS
    spans = [NewSpan("raw", i % (length - 1), i % (length - 1) + 1, "nav") for i in range(count)]
    ids = session.add_spans(DOC, spans)
    reader = sqlite3.connect(opened.path)  # another process's view: the write is committed
    try:
        stored = reader.execute("SELECT count(*) FROM spans WHERE deleted = 0").fetchone()[0]
    finally:
        reader.close()
    assert stored == len(ids) == count
    db = opened.connection
    assert db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000  # as it was
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA cache_size").fetchone()[0] == -2000  # SQLite's default again
    session.checkpoint()
    busy, log, copied = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert busy == 0 and log == copied
