"""The document session, driven without Qt: each action updates the open document by the
rows it wrote, and what it then holds is what a fresh read of the file gives."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.labelschema import default_schema
from app.core.prepare import ImportOptions
from app.core.suggestions import Suggestion
from app.ingest import import_sources
from app.session import open_document
from app.session.changes import Change
from app.session.document_session import DocumentSession, NotYours
from app.session.open_document import OpenDocument, number_id
from storage.annotations import AnnotationRefused, NewSpan, add_spans
from storage.document_rows import SqliteDocumentRows
from storage.documents import StoredDocument
from storage.facts import SlotState
from storage.labelfile import LabelFile, create_label_file, open_label_file
from tests.conftest import SAMPLES

DOC = "000_8badc66364e1a625"


def make_file(path: Path) -> Path:
    with create_label_file(path, owner="kim", schema=default_schema()) as label_file:
        import_sources(label_file, [SAMPLES], ImportOptions(annotator="kim"))
    return path


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_file(tmp_path_factory.mktemp("session") / "template.db")


@pytest.fixture
def opened(template: Path, tmp_path: Path) -> Iterator[LabelFile]:
    path = tmp_path / "labels.db"
    path.write_bytes(template.read_bytes())
    label_file = open_label_file(path)
    yield label_file
    label_file.close()


def session_on(
    label_file: LabelFile, annotator: str = "kim"
) -> tuple[DocumentSession, list[Change]]:
    session = DocumentSession(label_file, annotator)
    changes: list[Change] = []
    session.subscribe(changes.append)
    session.open(DOC)
    return session, changes


def snapshot(document: OpenDocument) -> tuple[object, ...]:
    """What the window shows of a document."""
    return (
        document.spans,
        document.facts,
        [s.id for s in document.suggestions],
        document.numbers,
        document.status,
        document.note,
    )


def fresh(label_file: LabelFile, session: DocumentSession) -> tuple[object, ...]:
    """The same document read whole from the file by a new session."""
    other = DocumentSession(label_file, session.annotator)
    other._dismissed = session._dismissed
    other.set_writer(session.writer, only_writer=session.only_writer)
    return snapshot(other.open(DOC))


def test_a_new_span_is_held_with_its_text_and_drops_the_suggestion_it_covers(
    opened: LabelFile,
) -> None:
    session, changes = session_on(opened)
    current = session.current
    assert current is not None and current.suggestions
    target = current.suggestions[0]
    [span_id] = session.add_spans(DOC, [NewSpan("raw", target.start, target.end, "nav")])
    assert changes[-1].added == (span_id,)
    assert target.id in changes[-1].hidden
    assert target.id not in {s.id for s in current.suggestions}
    span = session.span(span_id)
    assert span is not None and span.text == current.stored.raw_text[target.start : target.end]
    assert snapshot(current) == fresh(opened, session)


def test_undoing_a_span_offers_its_suggestion_again(opened: LabelFile) -> None:
    session, changes = session_on(opened)
    current = session.current
    assert current is not None
    target = current.suggestions[0]
    [span_id] = session.add_spans(DOC, [NewSpan("raw", target.start, target.end, "nav")])
    session.set_deleted(DOC, [span_id], True)
    assert changes[-1].removed == (span_id,) and changes[-1].shown == (target.id,)
    assert snapshot(current) == fresh(opened, session)


def listed_count(label_file: LabelFile, annotator: str = "kim") -> int:
    """The document list's span count of ``DOC``, read from the file."""
    row = SqliteDocumentRows(label_file.connection, annotator).row(DOC)
    assert row is not None
    return row.span_count


def test_accepting_every_suggestion_makes_each_a_span_in_one_write(opened: LabelFile) -> None:
    session, changes = session_on(opened)
    current = session.current
    assert current is not None and len(current.suggestions) >= 2
    offered = [(s.start, s.end, s.label) for s in current.suggestions]
    hidden = tuple(s.id for s in current.suggestions)  # in text order
    writes = opened.connection.total_changes
    span_ids = session.accept_suggestions(DOC)
    assert opened.connection.total_changes - writes == len(offered)  # one insert each, no more
    assert changes[-1] == Change(
        DOC, added=tuple(span_ids), hidden=hidden, listed_spans=len(offered)
    )
    spans = [session.span(span_id) for span_id in span_ids]
    assert [(s.start, s.end, s.label) for s in spans if s is not None] == offered
    assert current.suggestions == []
    assert snapshot(current) == fresh(opened, session)


def test_each_span_change_carries_the_lists_count_as_the_file_has_it(opened: LabelFile) -> None:
    """The window shows a change's ``listed_spans`` in the document list without a read."""
    session, changes = session_on(opened)
    [mine] = session.add_spans(DOC, [NewSpan("raw", 0, 5, "nav")])
    assert changes[-1].listed_spans == listed_count(opened) == 1
    accepted = session.accept_suggestions(DOC)
    assert changes[-1].listed_spans == listed_count(opened) == 1 + len(accepted)
    session.set_deleted(DOC, [mine, *accepted[:3]], True)
    assert changes[-1].listed_spans == listed_count(opened) == len(accepted) - 3
    session.set_deleted(DOC, accepted[:3], False)
    assert changes[-1].listed_spans == listed_count(opened) == len(accepted)
    add_spans(opened, DOC, [NewSpan("raw", 0, 5, "ad")], "lee")  # another annotator's
    lee, lee_changes = session_on(opened, "lee")
    lee.add_spans(DOC, [NewSpan("raw", 6, 9, "ad")])
    assert lee_changes[-1].listed_spans == listed_count(opened, "lee") == 2
    lee.set_writer("gold", only_writer=True)  # review mode holds gold's spans alone
    lee.add_spans(DOC, [NewSpan("raw", 10, 12, "ad")])
    assert lee_changes[-1].listed_spans is None


def test_accepting_suggestions_of_a_document_not_open_is_refused(opened: LabelFile) -> None:
    session, _ = session_on(opened)
    with pytest.raises(ValueError, match="not the open document"):
        session.accept_suggestions("no-such-document")


def test_relabel_status_and_dismissal_name_what_changed(opened: LabelFile) -> None:
    session, changes = session_on(opened)
    current = session.current
    assert current is not None
    [span_id] = session.add_spans(DOC, [NewSpan("raw", 0, 5, "nav")])
    session.relabel(DOC, span_id, "ad")
    assert changes[-1] == Change(DOC, relabelled=(span_id,), listed_spans=1)
    assert session.span(span_id) is not None and session.span(span_id).label == "ad"  # type: ignore[union-attr]
    session.set_status(DOC, "flagged", "menu only")
    assert changes[-1] == Change(DOC, status=True)
    assert (current.status, current.note) == ("flagged", "menu only")
    suggestion = current.suggestions[-1].id
    session.set_dismissed(DOC, suggestion, True)
    assert changes[-1] == Change(DOC, hidden=(suggestion,))
    assert snapshot(current) == fresh(opened, session)


def test_fact_actions_update_the_fact_they_touch(opened: LabelFile) -> None:
    session, changes = session_on(opened)
    current = session.current
    assert current is not None
    fact_id = session.add_fact(DOC, "quantity")
    assert changes[-1] == Change(DOC, facts=(fact_id,))
    session.set_slot(DOC, fact_id, "value", SlotState("raw", 0, 4, "1"))
    fact = session.fact(fact_id)
    assert fact is not None and fact.slots[0].text == current.stored.raw_text[0:4]
    assert snapshot(current) == fresh(opened, session)
    session.set_facts_deleted(DOC, [fact_id], True)
    assert session.fact(fact_id) is None and changes[-1].facts == (fact_id,)
    session.set_facts_deleted(DOC, [fact_id], False)
    assert session.fact(fact_id) is not None
    assert snapshot(current) == fresh(opened, session)


def span_row(label_file: LabelFile, span_id: str) -> tuple[object, ...]:
    row = label_file.connection.execute("SELECT * FROM spans WHERE id = ?", (span_id,)).fetchone()
    return tuple(row)


def test_another_annotators_span_is_refused_and_its_row_kept(opened: LabelFile) -> None:
    [lee] = add_spans(opened, DOC, [NewSpan("raw", 0, 5, "nav")], "lee")
    before = span_row(opened, lee.id)
    session, changes = session_on(opened)
    assert session.refusal(session.span(lee.id)) == (
        "This span is lee's; your edits change only your own spans."
    )
    with pytest.raises(NotYours):
        session.relabel(DOC, lee.id, "ad")
    with pytest.raises(NotYours):
        session.set_deleted(DOC, [lee.id], True)
    assert span_row(opened, lee.id) == before and changes == []


def test_another_annotators_fact_is_refused(opened: LabelFile) -> None:
    lee_session = DocumentSession(opened, "lee")
    lee_session.open(DOC)
    fact_id = lee_session.add_fact(DOC, "quantity")
    session, _ = session_on(opened)
    with pytest.raises(NotYours, match="lee's"):
        session.set_slot(DOC, fact_id, "value", SlotState(value="3"))
    with pytest.raises(NotYours):
        session.set_facts_deleted(DOC, [fact_id], True)
    assert session.fact(fact_id) is not None


def test_a_change_to_a_document_not_open_says_everything(opened: LabelFile) -> None:
    session, changes = session_on(opened)
    other = sorted(p.stem for p in SAMPLES.glob("*.txt"))[1]
    session.add_spans(other, [NewSpan("raw", 0, 3, "nav")])
    assert changes[-1] == Change(other, everything=True)
    with sqlite3.connect(opened.path) as db:
        assert db.execute("SELECT count(*) FROM spans WHERE doc_id = ?", (other,)).fetchone() == (
            1,
        )


def test_gold_accept_and_reject_update_review_modes_document(opened: LabelFile) -> None:
    [lee] = add_spans(opened, DOC, [NewSpan("raw", 0, 5, "nav")], "lee")
    session, changes = session_on(opened)
    session.set_writer("gold", only_writer=True)
    current = session.current
    assert current is not None and current.spans == [] and current.suggestions == []
    written = session.accept_into_gold(DOC, [lee], [])
    assert changes[-1].added == tuple(written.span_ids)
    assert [s.annotator for s in current.spans] == ["gold"]
    session.set_gold_deleted(DOC, written.span_ids, [], True)
    assert current.spans == [] and changes[-1].removed == tuple(written.span_ids)
    assert snapshot(current) == fresh(opened, session)


ACTIONS = st.lists(
    st.tuples(st.sampled_from(["add", "delete", "revive", "relabel", "dismiss", "fact"]),
              st.integers(0, 10_000), st.integers(1, 400)),
    min_size=1, max_size=12,
)  # fmt: skip


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actions=ACTIONS)
def test_by_the_change_equals_a_fresh_read(
    template: Path, tmp_path: Path, actions: list[tuple[str, int, int]]
) -> None:
    """Law: after any run of actions, the session holds what reading the file gives."""
    path = tmp_path / f"law-{abs(hash(tuple(actions)))}.db"
    path.write_bytes(template.read_bytes())
    with open_label_file(path) as label_file:
        session, _ = session_on(label_file)
        current = session.current
        assert current is not None
        length = len(current.stored.raw_text)
        deleted: list[str] = []
        offered = [s.id for s in current.all_suggestions] + [
            number_id(n) for n in current.all_numbers
        ]
        for kind, at, size in actions:
            start = at % (length - 1)
            live = [s.id for s in current.spans]
            if kind == "add":
                session.add_spans(DOC, [NewSpan("raw", start, min(start + size, length), "nav")])
            elif kind == "delete" and live:
                deleted.append(live[at % len(live)])
                session.set_deleted(DOC, [deleted[-1]], True)
            elif kind == "revive" and deleted:
                session.set_deleted(DOC, [deleted.pop()], False)
            elif kind == "relabel" and live:
                session.relabel(DOC, live[at % len(live)], "ad")
            elif kind == "dismiss" and offered:
                item = offered[at % len(offered)]
                session.set_dismissed(DOC, item, item not in current.dismissed)
            elif kind == "fact":
                fact_id = session.add_fact(DOC, "quantity")
                session.set_slot(DOC, fact_id, "value", SlotState("raw", start, start + 1))
            assert snapshot(current) == fresh(label_file, session)


def test_a_refused_span_or_slot_writes_nothing_and_says_why(opened: LabelFile) -> None:
    """The session's writes on held texts refuse what ``storage`` refuses, in its words."""
    session, changes = session_on(opened)
    current = session.current
    assert current is not None
    length = len(current.stored.raw_text)
    with pytest.raises(AnnotationRefused, match=f"outside the raw text \\({length}\\)"):
        session.add_spans(DOC, [NewSpan("raw", length - 2, length + 5, "nav")])
    with pytest.raises(AnnotationRefused, match="not in this file's schema"):
        session.add_spans(DOC, [NewSpan("raw", 0, 3, "no such label")])
    fact_id = session.add_fact(DOC, "quantity")
    with pytest.raises(AnnotationRefused, match="outside the raw text"):
        session.set_slot(DOC, fact_id, "value", SlotState("raw", length, length + 1))
    with pytest.raises(AnnotationRefused, match="has no slot 'speaker'"):
        session.set_slot(DOC, fact_id, "speaker", SlotState(value="x"))
    counts = opened.connection.execute(
        "SELECT (SELECT count(*) FROM spans), (SELECT count(*) FROM fact_slots)"
    ).fetchone()
    assert counts == (0, 0)
    assert changes == [Change(DOC, facts=(fact_id,))]


SUGGESTIONS = st.lists(
    st.tuples(st.integers(0, 5_000), st.integers(1, 3_000)), max_size=40, unique_by=lambda t: t
)
RANGES = st.lists(st.tuples(st.integers(0, 8_000), st.integers(1, 200)), max_size=150)


@settings(max_examples=200, deadline=None)
@given(suggested=SUGGESTIONS, changed=RANGES)
def test_the_suggestions_near_a_change_are_every_one_it_overlaps(
    suggested: list[tuple[int, int]], changed: list[tuple[int, int]]
) -> None:
    """Law: a few ranges or many (accept all), the suggestions found are those overlapping."""
    stored = StoredDocument("d", None, None, "x" * 9_000, "", None, "lines", ())
    suggestions = [Suggestion(f"s{a}-{a + n}", a, a + n, "nav", "") for a, n in suggested]
    ranges = [(a, a + n) for a, n in changed]
    expected = [s for s in suggestions if any(a < s.end and s.start < b for a, b in ranges)]
    for many in (0, 1_000_000):  # each suggestion looked up, or each range
        document = OpenDocument(stored, all_suggestions=suggestions)
        open_document.MANY_RANGES, kept = many, open_document.MANY_RANGES
        try:
            found = document._overlapping(ranges)
        finally:
            open_document.MANY_RANGES = kept
        assert sorted(s.id for s in found) == sorted(s.id for s in expected)
