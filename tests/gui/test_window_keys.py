"""The window's other keys: growing a selection, span selection, status, moving, the sheet."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from app.gui.main_window import MainWindow
from tests.gui.conftest import WindowFactory, live_spans
from widgets.shortcuts_sheet import ShortcutsSheet
from widgets.text_pane import DocumentPane

WEATHER_DOC = "000_8badc66364e1a625"
AD_DOC = "001_b0f070cd7e78df0e"


def show(window: MainWindow, doc_id: str) -> str:
    window.show_document(doc_id)
    assert window.session.current is not None
    return window.session.current.stored.raw_text


def click_at(pane: DocumentPane, qtbot: QtBot, position: int) -> None:
    pane.select(position, position)
    rect = pane.cursorRect(pane.textCursor())
    point = QPoint(rect.left() + 3, rect.center().y())
    qtbot.mouseClick(pane.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_one_key_selects_a_whole_dimmed_menu_and_one_key_tags_it(
    qtbot: QtBot, seed_file: Path, open_window: WindowFactory
) -> None:
    window = open_window(seed_file)
    raw = show(window, WEATHER_DOC)
    first, last = raw.index("맑음동두천"), raw.index("맑음거제")
    window.raw_pane.setFocus()
    window.raw_pane.select(first + 2, first + 2)
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_D)  # the run of dropped lines here
    start, end = window.raw_pane.selection()
    assert start <= first and end >= raw.index("\n", last)
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_Q)  # Q = widget
    [(_doc, layer, span_start, span_end, label, text)] = live_spans(seed_file)
    assert (layer, label, span_start, span_end) == ("raw", "widget", start, end)
    assert text.count("맑음") == raw.count("맑음") and "과학기술정보통신부" not in text


def test_line_and_paragraph_keys_grow_the_selection(
    qtbot: QtBot, seed_file: Path, open_window: WindowFactory
) -> None:
    window = open_window(seed_file)
    raw = show(window, AD_DOC)
    ad = raw.index("락토핏")
    window.raw_pane.setFocus()
    window.raw_pane.select(ad + 2, ad + 4)
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_L)
    assert window.raw_pane.selection() == (ad, raw.index("\n", ad))
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_P)  # both ad lines form one paragraph
    start, end = window.raw_pane.selection()
    assert raw[start:end] == "락토핏 당케어 광고 이미지\n난각막NEM 광고 이미지"


def test_click_a_span_relabel_it_then_delete_it(
    qtbot: QtBot, seed_file: Path, open_window: WindowFactory
) -> None:
    window = open_window(seed_file)
    raw = show(window, AD_DOC)
    ad = raw.index("락토핏")
    window.raw_pane.setFocus()
    window.raw_pane.select(ad, raw.index("\n", ad))
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_1)  # nav: the wrong label
    click_at(window.raw_pane, qtbot, ad + 3)
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_3)  # relabel the selected span as ad
    assert [(span[4], span[5]) for span in live_spans(seed_file)] == [
        ("ad", "락토핏 당케어 광고 이미지")
    ]
    click_at(window.raw_pane, qtbot, ad + 3)
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_Delete)
    assert live_spans(seed_file) == []
    with sqlite3.connect(seed_file) as db:  # a tombstone, so a merge honours the deletion
        assert db.execute("SELECT label, deleted FROM spans").fetchall() == [("ad", 1)]


def test_flag_with_a_note_then_move_between_documents(
    qtbot: QtBot, seed_file: Path, open_window: WindowFactory
) -> None:
    window = open_window(seed_file)
    first = window.session.current.id
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_N, modifiers)  # flag: Ctrl+Shift+N
    with sqlite3.connect(seed_file) as db:
        assert db.execute("SELECT doc_id, status, note FROM document_status").fetchall() == [
            (first, "flagged", "menu only, no article")
        ]
    assert "flagged" in window.status_label.text()
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_BracketRight)
    second = window.session.current.id
    assert second != first
    assert window.position_label.text().startswith("Document 2 of 5")
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_BracketLeft)
    assert window.session.current.id == first


def test_f1_opens_the_sheet_with_every_label_and_key(
    qtbot: QtBot, seed_file: Path, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[ShortcutsSheet] = []
    monkeypatch.setattr(ShortcutsSheet, "exec", lambda sheet: shown.append(sheet) or 0)
    window = open_window(seed_file)
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_F1)
    [sheet] = shown
    text = sheet.browser.toPlainText()
    for expected in ("gambling_adult_spam", "Ctrl+Z", "Shift+A", "Ctrl+Return", "F1 / ?"):
        assert expected in text
