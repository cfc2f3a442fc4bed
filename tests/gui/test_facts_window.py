"""Facts built in the real window from the keyboard, checked in the label file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMenu, QWidget
from pytestqt.qtbot import QtBot

from app.gui.interaction import QtInteraction
from app.gui.main_window import MainWindow
from app.session.open_document import number_id
from tests.gui.conftest import WindowFactory, screenshot

GPU_DOC = "001_b0f070cd7e78df0e"
WEATHER_DOC = "000_8badc66364e1a625"
QUOTE = '"2026년까지 3만개를 확보해야 한다"'
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def live_slots(
    path: Path,
) -> list[tuple[str, str, str | None, int | None, int | None, str | None, str | None]]:
    """(fact type, role, layer, start, end, text, value) of live facts' live slots."""
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT f.type, s.role, s.layer, s.start, s.end, s.text, s.value FROM fact_slots s"
            " JOIN facts f ON f.id = s.fact_id JOIN fact_type_slots t"
            " ON t.fact_type = f.type AND t.name = s.role"
            " WHERE f.deleted = 0 AND s.deleted = 0 ORDER BY f.created, t.position"
        ).fetchall()


def open_gpu_page(open_window: WindowFactory, path: Path) -> tuple[MainWindow, str]:
    window = open_window(path)
    window.show_document(GPU_DOC)
    assert window.session.current is not None
    window.raw_pane.setFocus()
    return window, window.session.current.stored.raw_text


def select(window: MainWindow, raw: str, needle: str, after: int = 0) -> tuple[int, int]:
    start = raw.index(needle, after)
    window.raw_pane.select(start, start + len(needle))
    return start, start + len(needle)


def cursor_on(window: MainWindow, raw: str, needle: str, after: int = 0) -> tuple[int, int]:
    start = raw.index(needle, after)
    window.raw_pane.select(start + 1, start + 1)
    return start, start + len(needle)


def test_a_quantity_fact_entirely_from_the_keyboard(
    qtbot: QtBot, seed_file: Path, open_window: WindowFactory
) -> None:
    window, raw = open_gpu_page(open_window, seed_file)
    pane = window.raw_pane
    quote = raw.index(QUOTE)
    qtbot.keyClick(pane, Qt.Key.Key_F)  # new fact: the type menu answers "quantity"
    assert window.fact_panel.current_role() == "subject"

    subject = select(window, raw, "과학기술정보통신부")
    qtbot.keyClick(pane, Qt.Key.Key_S)
    measure = select(window, raw, "확보", quote)
    qtbot.keyClick(pane, Qt.Key.Key_S)
    value = cursor_on(window, raw, "3만개", quote)  # a suggested figure: no selection needed
    assert "30000" in window.fact_panel.findChild(type(window.status_label), "hint").text()
    qtbot.keyClick(pane, Qt.Key.Key_S)
    unit_at = raw.index("3만개", quote) + 2
    pane.select(unit_at, unit_at + 1)
    qtbot.keyClick(pane, Qt.Key.Key_S)
    date = cursor_on(window, raw, "2026년", quote)
    qtbot.keyClick(pane, Qt.Key.Key_S)

    assert live_slots(seed_file) == [
        ("quantity", "subject", "raw", *subject, "과학기술정보통신부", None),
        ("quantity", "measure", "raw", *measure, "확보", None),
        ("quantity", "value", "raw", *value, "3만개", "30000"),
        ("quantity", "unit", "raw", unit_at, unit_at + 1, "개", None),
        ("quantity", "date", "raw", *date, "2026년", "2026"),
    ]
    screenshot(window, "window_facts")

    qtbot.keyClick(pane, Qt.Key.Key_Z, CTRL)  # undo the date
    assert [row[1] for row in live_slots(seed_file)] == ["subject", "measure", "value", "unit"]
    for _ in range(5):  # four more slots, then the fact itself
        qtbot.keyClick(pane, Qt.Key.Key_Z, CTRL)
    assert live_slots(seed_file) == []
    with sqlite3.connect(seed_file) as db:
        assert db.execute("SELECT deleted FROM facts").fetchall() == [(1,)]
    assert window.session.current.facts == []


def test_typing_a_value_with_v_and_enter(
    qtbot: QtBot, seed_file: Path, open_window: WindowFactory
) -> None:
    window, raw = open_gpu_page(open_window, seed_file)
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_F)
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert window.fact_panel.current_role() == "value"
    start, end = select(window, raw, "10만장")
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_S)
    assert live_slots(seed_file)[0][-1] == "100000"  # normalised from the selection
    window.raw_pane.select(0, 0)
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert window.fact_panel.current_role() == "value"
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_V)
    editor = QApplication.focusWidget()
    assert editor is not None and editor is not window.raw_pane
    editor.selectAll()  # type: ignore[attr-defined]
    qtbot.keyClicks(editor, "120000")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert live_slots(seed_file) == [
        ("quantity", "value", "raw", start, end, "10만장", "120000")  # evidence kept
    ]
    assert QApplication.focusWidget() is window.raw_pane  # back to the text


def test_clean_pane_evidence_is_stored_on_raw(
    qtbot: QtBot, seed_file: Path, open_window: WindowFactory
) -> None:
    window, raw = open_gpu_page(open_window, seed_file)
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_F)
    clean = window.session.current.stored.clean_text
    start = clean.index("과학기술정보통신부")
    window.clean_pane.setFocus()
    window.clean_pane.select(start, start + len("과학기술정보통신부"))
    qtbot.keyClick(window.clean_pane, Qt.Key.Key_S)
    [(_type, role, layer, raw_start, raw_end, text, _value)] = live_slots(seed_file)
    assert (role, layer, text) == ("subject", "raw", "과학기술정보통신부")
    assert raw[raw_start:raw_end] == text


def test_evidence_in_text_the_cleaner_dropped(
    qtbot: QtBot, seed_file: Path, open_window: WindowFactory
) -> None:
    window = open_window(seed_file)
    window.show_document(WEATHER_DOC)
    raw = window.session.current.stored.raw_text
    window.raw_pane.setFocus()
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_F)
    for _ in range(4):
        qtbot.keyClick(window.raw_pane, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert window.fact_panel.current_role() == "date"
    start = raw.index("2026.01.24")
    assert start < window.session.current.stored.segments[0].raw_start  # dropped by the cleaner
    window.raw_pane.select(start, start + len("2026.01.24"))
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_S)
    assert live_slots(seed_file) == [
        ("quantity", "date", "raw", start, start + 10, "2026.01.24", "2026-01-24")
    ]


def test_clicking_evidence_selects_its_fact_and_delete_removes_it(
    qtbot: QtBot, seed_file: Path, open_window: WindowFactory
) -> None:
    window, raw = open_gpu_page(open_window, seed_file)
    pane = window.raw_pane
    qtbot.keyClick(pane, Qt.Key.Key_F)
    first = window.facts.current_fact
    select(window, raw, "과학기술정보통신부")
    qtbot.keyClick(pane, Qt.Key.Key_S)
    qtbot.keyClick(pane, Qt.Key.Key_F)
    second = window.facts.current_fact
    assert second != first
    start = raw.index("과학기술정보통신부") + 2
    pane.select(start, start)
    rect = pane.cursorRect(pane.textCursor())
    qtbot.mouseClick(pane.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.facts.current_fact == first
    assert window.fact_panel.current_fact() == first
    emphasised = [m for m in pane.marks() if m.kind == "evidence" and m.emphasis]
    assert [m.key for m in emphasised] == [first]

    qtbot.keyClick(pane, Qt.Key.Key_Delete, SHIFT)
    assert [f.id for f in window.session.current.facts] == [second]
    qtbot.keyClick(pane, Qt.Key.Key_Z, CTRL)
    assert sorted(f.id for f in window.session.current.facts) == sorted([first, second])


def test_a_suggested_figure_can_be_dismissed(
    qtbot: QtBot, seed_file: Path, open_window: WindowFactory
) -> None:
    window, raw = open_gpu_page(open_window, seed_file)
    start, end = cursor_on(window, raw, "3만장")
    figures = {number_id(n) for n in window.session.current.numbers}
    assert f"number:{start}-{end}" in figures
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_X, SHIFT)
    assert f"number:{start}-{end}" not in {number_id(n) for n in window.session.current.numbers}
    assert not [m for m in window.raw_pane.marks_at(start + 1) if m.kind == "number"]


def test_the_fact_type_menu_answers_its_number_keys(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    types = [("quantity", "a figure"), ("statement", "a quote"), ("event", "a happening")]

    def press(key: Qt.Key) -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        qtbot.keyClick(menu, key)

    QTimer.singleShot(50, lambda: press(Qt.Key.Key_2))
    assert QtInteraction(parent).choose_fact_type(types) == "statement"
    QTimer.singleShot(50, lambda: press(Qt.Key.Key_Escape))
    assert QtInteraction(parent).choose_fact_type(types) is None
