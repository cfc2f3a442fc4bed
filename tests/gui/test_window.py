"""The review window driven like an annotator drives it, checked in the label file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.gui.main_window import SUGGESTIONS, MainWindow
from storage.annotations import NewSpan
from tests.gui.conftest import (
    LONG_PAGE_COPIES,
    FakeInteraction,
    WindowFactory,
    live_spans,
    long_and_short_file,
    make_label_file,
    screenshot,
)

AD_LINE = "락토핏 당케어 광고 이미지"
DOC_001 = "001_b0f070cd7e78df0e"


def show(window: MainWindow, doc_id: str) -> None:
    window.show_document(doc_id)
    assert window.session.current is not None and window.session.current.id == doc_id


def test_select_press_label_key_and_find_the_span_in_the_file(
    qtbot: QtBot, seed_file: Path, open_window: WindowFactory
) -> None:
    window = open_window(seed_file)
    show(window, DOC_001)
    raw = window.session.current.stored.raw_text
    start = raw.index(AD_LINE)
    window.raw_pane.setFocus()
    window.raw_pane.select(start, start + len(AD_LINE))
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_3)  # 3 = ad
    assert live_spans(seed_file) == [(DOC_001, "raw", start, start + len(AD_LINE), "ad", AD_LINE)]
    assert window.save_label.text() == "Saved"

    qtbot.keyClick(window.raw_pane, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert live_spans(seed_file) == []
    with sqlite3.connect(seed_file) as db:
        assert db.execute("SELECT deleted FROM spans").fetchall() == [(1,)]

    qtbot.keyClick(
        window.raw_pane,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert [span[4] for span in live_spans(seed_file)] == ["ad"]


def test_reopening_the_file_shows_the_span_painted(
    qtbot: QtBot, seed_file: Path, open_window: WindowFactory
) -> None:
    window = open_window(seed_file)
    show(window, DOC_001)
    start = window.session.current.stored.raw_text.index(AD_LINE)
    window.raw_pane.select(start, start + 5)
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_1)  # nav
    window.close()

    again = open_window(seed_file)
    show(again, DOC_001)
    kinds = {(m.kind, m.color) for m in again.raw_pane.marks_at(start + 2)}
    assert ("span", again.colors["nav"]) in kinds
    screenshot(again, "window_reopened_span")


def test_a_clean_pane_selection_lands_on_the_raw_text(
    qtbot: QtBot, seed_file: Path, open_window: WindowFactory
) -> None:
    window = open_window(seed_file)
    show(window, DOC_001)
    clean = window.session.current.stored.clean_text
    sentence = "2026년까지 3만개를 확보해야 한다"
    start = clean.index(sentence)
    window.clean_pane.setFocus()
    window.clean_pane.select(start, start + len(sentence))
    qtbot.keyClick(window.clean_pane, Qt.Key.Key_T)  # T = other
    [(_doc, layer, raw_start, raw_end, label, text)] = live_spans(seed_file)
    raw = window.session.current.stored.raw_text
    assert (layer, label, text) == ("raw", "other", sentence)
    assert raw[raw_start:raw_end] == sentence


def test_emoji_and_crlf_keep_exact_offsets_through_tagging(
    qtbot: QtBot, tmp_path: Path, open_window: WindowFactory
) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    text = "메뉴 😀 🇰🇷\r\n기사 본문 👩‍👩‍👧 이모지와 \u1112\u1161\u11ab 조합형 문장입니다.\r\n끝"
    (pages / "emoji.txt").write_bytes(text.encode("utf-8"))
    path = make_label_file(tmp_path / "e.db", [pages])
    window = open_window(path)
    canonical = window.session.current.stored.raw_text
    assert canonical == text.replace("\r\n", "\n").replace("\u1112\u1161\u11ab", "한")
    family = canonical.index("👩")
    window.raw_pane.select(family, canonical.index(" 이모지"))
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_E)  # E = caption
    [(_, _, start, end, label, stored)] = live_spans(path)
    assert (start, end, label, stored) == (family, family + 5, "caption", "👩‍👩‍👧")
    flag = canonical.index("🇰🇷")
    window.raw_pane.select(flag, flag + 2)
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_1)
    assert ("🇰🇷", flag) in [(span[5], span[2]) for span in live_spans(path)]


def test_a_read_only_file_refuses_edits_cleanly(
    qtbot: QtBot, seed_file: Path, open_window: WindowFactory
) -> None:
    writer = open_window(seed_file, "kim")
    reader = open_window(seed_file, "lee")  # the writer lock is taken: read-only
    assert "(read-only)" in reader.windowTitle()
    assert "(read-only)" not in writer.windowTitle()
    show(reader, DOC_001)
    reader.raw_pane.select(0, 4)
    qtbot.keyClick(reader.raw_pane, Qt.Key.Key_2)
    assert live_spans(seed_file) == []
    interaction = reader.interaction
    assert isinstance(interaction, FakeInteraction)
    assert "read-only" in interaction.messages[-1]
    assert "another Thresher window" in interaction.messages[-1]
    assert reader.undo_stack.count() == 0


def test_suggestions_accept_all_then_mark_done_and_move_on(
    qtbot: QtBot, seed_file: Path, open_window: WindowFactory
) -> None:
    window = open_window(seed_file)
    first = window.session.current.id
    suggestions = list(window.session.current.suggestions)
    assert suggestions, "the sample pages all have dropped boilerplate"
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    spans = live_spans(seed_file)
    assert len(spans) == len(suggestions)
    assert window.session.current.suggestions == []
    model = window.document_list.model
    row = model.row_of(first)
    assert row is not None
    assert model.document_row(row).span_count == len(spans)  # the list counts them at once
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert model.document_row(row).span_count == 0 and live_spans(seed_file) == []
    qtbot.keyClick(
        window.raw_pane,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert model.document_row(row).span_count == len(live_spans(seed_file)) == len(spans)
    qtbot.waitUntil(lambda: "F1 1.00" in window.cleaner_score.text())  # tagged = dropped
    screenshot(window, "window_accepted_suggestions")  # docs/window.png is a copy of it
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    with sqlite3.connect(seed_file) as db:
        assert db.execute("SELECT doc_id, status FROM document_status").fetchall() == [
            (first, "done")
        ]
    assert window.session.current.id != first
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.session.current.id == first  # undo goes back to where it happened
    with sqlite3.connect(seed_file) as db:
        assert db.execute("SELECT status FROM document_status").fetchall() == [("todo",)]


def test_a_long_page_paints_first_and_gets_its_suggestions_a_moment_later(
    qtbot: QtBot, tmp_path: Path, open_window: WindowFactory
) -> None:
    window = open_window(long_and_short_file(tmp_path / "long.db"))

    show(window, "long")
    assert window.session.current.suggestions_pending
    assert "Finding suggestions" in window.status_label.text()
    window.tagging.accept_all()
    assert live_spans(tmp_path / "long.db") == []  # nothing accepted before they exist

    qtbot.waitUntil(lambda: not window.session.current.suggestions_pending, timeout=10_000)
    found = window.session.current.suggestions
    assert len(found) > LONG_PAGE_COPIES, "every copy of the page has its dropped boilerplate"
    painted = [mark for mark in window.raw_pane.marks() if mark.kind == "suggestion"]
    assert len(painted) == len(found)
    assert "suggestions left" in window.status_label.text()


def test_a_long_page_gets_the_lines_tagged_on_its_sites_other_pages_after_it_is_painted(
    qtbot: QtBot, tmp_path: Path, open_window: WindowFactory
) -> None:
    window = open_window(long_and_short_file(tmp_path / "learn.db"))
    show(window, "short")
    start = window.session.current.stored.raw_text.index(AD_LINE)
    window.session.add_spans("short", [NewSpan("raw", start, start + len(AD_LINE), "ad")])

    show(window, "long")
    assert window.session.current.suggestions_pending
    qtbot.waitUntil(lambda: not window.session.current.suggestions_pending, timeout=10_000)
    raw = window.session.current.stored.raw_text
    learned = [s for s in window.session.current.suggestions if s.id.startswith("l")]
    assert [(s.start, s.label) for s in learned] == [
        (at, "ad") for at in range(len(raw)) if raw.startswith(AD_LINE, at)
    ]
    assert all("tagged on 1 page of this site" in s.reason for s in learned)


def test_suggestions_for_a_page_left_behind_are_dropped(
    qtbot: QtBot, tmp_path: Path, open_window: WindowFactory
) -> None:
    window = open_window(long_and_short_file(tmp_path / "two.db", copies=60))
    show(window, "short")
    short_suggestions = list(window.session.current.suggestions)

    show(window, "long")
    show(window, "short")  # before the long page's suggestions can arrive
    qtbot.wait(1500)
    assert window.session.current.id == "short"
    assert window.session.current.suggestions == short_suggestions
    assert not window.helper.busy(SUGGESTIONS)
