"""Outside review mode a merged file's other annotators' labels are shown, never changed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.gui.main_window import MainWindow
from storage.annotations import NewSpan, add_spans
from storage.documents import load_document
from storage.facts import add_fact
from storage.labelfile import open_label_file
from tests.gui.conftest import WindowFactory

DOC = "001_b0f070cd7e78df0e"
AD = "락토핏 당케어 광고 이미지"
CTRL = Qt.KeyboardModifier.ControlModifier


def lee_tags(path: Path) -> tuple[str, str]:
    """Lee's ad span and an empty fact of lee's; their ids."""
    with open_label_file(path) as label_file:
        stored = load_document(label_file.connection, DOC)
        assert stored is not None
        start = stored.raw_text.index(AD)
        [span] = add_spans(label_file, DOC, [NewSpan("raw", start, start + len(AD), "ad")], "lee")
        fact = add_fact(label_file, DOC, "quantity", "lee")
    return span.id, fact.id


def row(path: Path, table: str, row_id: str) -> tuple[object, ...]:
    """Every column of one row, read with sqlite3."""
    with sqlite3.connect(path) as db:
        return tuple(db.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).fetchone())


def message(window: MainWindow) -> str:
    return window.statusBar().currentMessage()


def test_a_label_key_delete_and_undo_leave_lees_span_as_it_was(
    qtbot: QtBot, seed_file: Path, open_window: WindowFactory
) -> None:
    span_id, _ = lee_tags(seed_file)
    before = row(seed_file, "spans", span_id)
    window = open_window(seed_file, "kim")
    window.show_document(DOC)
    assert not window.adjudication.active
    pane = window.raw_pane
    pane.mark_clicked.emit(span_id)  # what a click on lee's span sends
    assert "lee's" in message(window)
    qtbot.keyClick(pane, Qt.Key.Key_2)  # a label key: relabel
    assert message(window) == "This span is lee's; your edits change only your own spans."
    qtbot.keyClick(pane, Qt.Key.Key_Delete)
    assert "lee's" in message(window)
    qtbot.keyClick(pane, Qt.Key.Key_Z, CTRL)
    assert row(seed_file, "spans", span_id) == before
    assert window.session.span(span_id) is not None
    assert window.undo_stack.count() == 0


def test_kims_own_tag_undone_beside_lees_span_leaves_it(
    qtbot: QtBot, seed_file: Path, open_window: WindowFactory
) -> None:
    span_id, _ = lee_tags(seed_file)
    before = row(seed_file, "spans", span_id)
    window = open_window(seed_file, "kim")
    window.show_document(DOC)
    start = window.session.current.stored.raw_text.index(AD)
    window.raw_pane.setFocus()
    window.raw_pane.select(start, start + len(AD))
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_3)  # kim tags the same words as her own
    mine = [s for s in window.session.current.spans if s.annotator == "kim"]
    assert len(mine) == 1
    window.raw_pane.mark_clicked.emit(mine[0].id)
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_2)  # relabel kim's own: allowed
    assert window.session.span(mine[0].id).label != mine[0].label
    for _ in range(2):
        qtbot.keyClick(window.raw_pane, Qt.Key.Key_Z, CTRL)
    assert [s.annotator for s in window.session.current.spans] == ["lee"]
    assert row(seed_file, "spans", span_id) == before


def test_lees_fact_is_refused(qtbot: QtBot, seed_file: Path, open_window: WindowFactory) -> None:
    _, fact_id = lee_tags(seed_file)
    before = row(seed_file, "facts", fact_id)
    window = open_window(seed_file, "kim")
    window.show_document(DOC)
    window.facts.select_fact(fact_id)
    window.raw_pane.setFocus()
    window.raw_pane.select(0, 4)
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_S)  # fill the slot
    assert message(window) == "This fact is lee's; your edits change only your own facts."
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_Delete, Qt.KeyboardModifier.ShiftModifier)
    assert row(seed_file, "facts", fact_id) == before
    with sqlite3.connect(seed_file) as db:
        assert db.execute("SELECT count(*) FROM fact_slots").fetchone() == (0,)
