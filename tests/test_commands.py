"""Every undo command on a bare ``QUndoStack`` over a document session, without a window.

Each is performed, undone and redone; after each step the label file holds what it
should (its live rows) and the session holds what a fresh read of the file gives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QUndoStack

from app.core.adjudication import GOLD
from app.gui.commands import (
    AcceptSuggestions,
    AddSpans,
    DeleteSpans,
    DismissSuggestion,
    RelabelSpan,
    SessionCommand,
    SetStatus,
    perform,
)
from app.gui.fact_commands import AddFact, DeleteFact, SetSlot
from app.gui.gold_commands import AcceptIntoGold, RejectFromGold
from app.session.document_session import DocumentSession
from storage.annotations import NewSpan, add_spans
from storage.facts import SlotState
from storage.labelfile import LabelFile, open_label_file
from tests.test_session import DOC, fresh, make_file, snapshot


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_file(tmp_path_factory.mktemp("commands") / "template.db")


@pytest.fixture
def label_file(template: Path, tmp_path: Path) -> Iterator[LabelFile]:
    path = tmp_path / "labels.db"
    path.write_bytes(template.read_bytes())
    opened = open_label_file(path)
    yield opened
    opened.close()


@pytest.fixture
def session(label_file: LabelFile) -> DocumentSession:
    opened = DocumentSession(label_file, "kim")
    opened.open(DOC)
    return opened


def live_rows(label_file: LabelFile) -> tuple[object, ...]:
    """What the file holds, live rows only (timestamps aside: undo writes new ones)."""
    db = label_file.connection
    return (
        db.execute(
            "SELECT id, layer, start, end, label, annotator FROM spans"
            " WHERE deleted = 0 ORDER BY id"
        ).fetchall(),
        db.execute(
            "SELECT id, type, annotator FROM facts WHERE deleted = 0 ORDER BY id"
        ).fetchall(),
        db.execute(
            "SELECT role, layer, start, end, value FROM fact_slots s JOIN facts f"
            " ON f.id = s.fact_id WHERE s.deleted = 0 AND f.deleted = 0 ORDER BY role"
        ).fetchall(),
        # A todo with no note reads the same as no status row at all.
        db.execute(
            "SELECT annotator, status, note FROM document_status"
            " WHERE NOT (status = 'todo' AND note = '') ORDER BY id"
        ).fetchall(),
    )


def round_trip(
    label_file: LabelFile, session: DocumentSession, command: Callable[[], SessionCommand]
) -> tuple[tuple[object, ...], tuple[object, ...]]:
    """Perform, undo, redo; check file and session at each step; (before, after) rows.

    The session is compared with a fresh read of the file, timestamps included.
    """
    stack = QUndoStack()
    before = live_rows(label_file)
    perform(stack, command())
    after = live_rows(label_file)
    assert snapshot(session.current) == fresh(label_file, session)  # type: ignore[arg-type]
    stack.undo()
    assert live_rows(label_file) == before
    assert snapshot(session.current) == fresh(label_file, session)  # type: ignore[arg-type]
    stack.redo()
    assert live_rows(label_file) == after
    assert snapshot(session.current) == fresh(label_file, session)  # type: ignore[arg-type]
    return before, after


def test_tag(label_file: LabelFile, session: DocumentSession) -> None:
    new = [NewSpan("raw", 0, 8, "nav")]
    before, after = round_trip(label_file, session, lambda: AddSpans(session, DOC, new, "Tag"))
    assert len(after[0]) == len(before[0]) + 1


def test_relabel_and_delete(label_file: LabelFile, session: DocumentSession) -> None:
    [span_id] = session.add_spans(DOC, [NewSpan("raw", 0, 8, "nav")])
    _, after = round_trip(
        label_file, session, lambda: RelabelSpan(session, DOC, span_id, "nav", "ad")
    )
    assert [row[4] for row in after[0]] == ["ad"]
    _, after = round_trip(label_file, session, lambda: DeleteSpans(session, DOC, [span_id]))
    assert after[0] == []


def test_accept_one_and_all_suggestions(label_file: LabelFile, session: DocumentSession) -> None:
    current = session.current
    assert current is not None and len(current.suggestions) >= 2
    first = current.suggestions[0]
    one = [NewSpan("raw", first.start, first.end, first.label)]
    round_trip(label_file, session, lambda: AddSpans(session, DOC, one, "Accept"))
    assert first not in current.suggestions
    rest = [(s.start, s.end, s.label) for s in current.suggestions]
    _, after = round_trip(label_file, session, lambda: AcceptSuggestions(session, DOC, "All"))
    assert current.suggestions == []
    accepted = [(first.start, first.end, first.label), *rest]
    assert sorted((row[2], row[3], row[4]) for row in after[0]) == sorted(accepted)


def test_dismiss_a_suggestion(label_file: LabelFile, session: DocumentSession) -> None:
    current = session.current
    assert current is not None
    item = current.suggestions[0].id
    round_trip(label_file, session, lambda: DismissSuggestion(session, DOC, item))
    assert item not in {s.id for s in current.suggestions}


def test_status(label_file: LabelFile, session: DocumentSession) -> None:
    old, new = ("todo", ""), ("flagged", "menu only")
    _, after = round_trip(label_file, session, lambda: SetStatus(session, DOC, old, new))
    assert after[3] == [("kim", "flagged", "menu only")]


def test_every_fact_action(label_file: LabelFile, session: DocumentSession) -> None:
    add = AddFact(session, DOC, "quantity")
    round_trip(label_file, session, lambda: add)
    fact_id = add.fact_id
    assert fact_id is not None
    evidence = SlotState("raw", 0, 4, "30000")
    _, after = round_trip(
        label_file, session, lambda: SetSlot(session, DOC, fact_id, "value", evidence)
    )
    assert after[2] == [("value", "raw", 0, 4, "30000")]
    _, after = round_trip(
        label_file, session, lambda: SetSlot(session, DOC, fact_id, "value", None)
    )
    assert after[2] == []
    _, after = round_trip(label_file, session, lambda: DeleteFact(session, DOC, fact_id))
    assert after[1] == []


def test_every_gold_action(label_file: LabelFile, session: DocumentSession) -> None:
    [lee] = add_spans(label_file, DOC, [NewSpan("raw", 0, 8, "nav")], "lee")
    session.set_writer(GOLD, only_writer=True)
    accept = AcceptIntoGold(session, DOC, [lee], [], "Accept lee's")
    _, after = round_trip(label_file, session, lambda: accept)
    assert sorted(row[5] for row in after[0]) == ["gold", "lee"]
    _, after = round_trip(
        label_file, session, lambda: RejectFromGold(session, DOC, accept.span_ids, [])
    )
    assert [row[5] for row in after[0]] == ["lee"]
