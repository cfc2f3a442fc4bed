"""A long page shows its first screen at once; the rest arrives without changing an offset."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit
from pytestqt.qtbot import QtBot

from widgets.marks import Mark
from widgets.sliced_loading import FIRST_SLICE, SlicedLoader, slice_end
from widgets.text_pane import DocumentPane

LINE = "메뉴 | 로그인 | 구독 😀 🇰🇷 카지노 추천"  # canonical text: a pane never sees \r


def long_page(lines: int = 20_000) -> str:
    """About 460,000 code points of Korean lines with emoji, flags and decomposed Hangul."""
    decomposed = "\u1100\u1161\u11a8"  # 각, as three jamo
    return "".join(f"{i}번째 {decomposed} {LINE}\n" for i in range(lines))


def shown_text(edit: QPlainTextEdit) -> str:
    return edit.document().toPlainText()


def test_a_long_page_shows_its_start_first_and_the_rest_from_the_event_loop(
    pane: DocumentPane, qtbot: QtBot
) -> None:
    text = long_page()
    pane.show_text(text, [Mark(0, 5, "#e6194b", "span", "first")])
    assert pane.loading
    assert len(shown_text(pane)) < len(text) // 4
    qtbot.waitUntil(lambda: not pane.loading, timeout=5_000)
    assert shown_text(pane) == text
    assert pane.document().blockCount() == text.count("\n") + 1


def test_selecting_at_the_far_end_before_it_arrived_gives_the_stored_range(
    pane: DocumentPane,
) -> None:
    text = long_page()
    pane.show_text(text, [])
    end = len(text) - 1
    start = text.rindex("😀")
    pane.select(start, end)
    assert pane.selection() == (start, end)
    assert pane.textCursor().selectedText().replace("\u2029", "\n") == text[start:end]


def test_ctrl_end_reaches_the_true_end_while_the_page_is_arriving(
    pane: DocumentPane, qtbot: QtBot
) -> None:
    text = long_page()
    pane.show_text(text, [])
    pane.setFocus()
    qtbot.keyClick(pane, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert not pane.loading
    assert pane.cursor_position() == len(text)


def test_scrolling_to_a_late_position_loads_what_it_needs(pane: DocumentPane) -> None:
    text = long_page()
    pane.show_text(text, [])
    target = text.index("19000번째")
    pane.scroll_to(target)
    first, last = pane.visible_range()
    assert first <= target < last


def test_a_selection_at_the_end_of_the_first_slice_stays_put(
    pane: DocumentPane, qtbot: QtBot
) -> None:
    text = long_page()
    pane.show_text(text, [])
    loaded = len(shown_text(pane))  # no long lines: displayed and stored text agree
    pane.select(loaded - 9, loaded)  # touches the end of what is loaded
    start, end = pane.selection()
    assert pane.loading and (start, end) == (loaded - 9, loaded)
    qtbot.waitUntil(lambda: not pane.loading, timeout=5_000)
    assert pane.selection() == (start, end)
    assert pane.textCursor().selectedText() == text[start:end]


def test_a_new_document_stops_the_old_one_arriving(pane: DocumentPane, qtbot: QtBot) -> None:
    pane.show_text(long_page(), [])
    pane.show_text("다른 문서\n끝", [])
    assert not pane.loading
    qtbot.wait(50)
    assert shown_text(pane) == "다른 문서\n끝"


def test_a_short_text_goes_in_whole() -> None:
    edit = QPlainTextEdit()
    loader = SlicedLoader(edit, lambda _: None)
    loader.load("짧은 글\n" * 100)
    assert not loader.pending
    assert shown_text(edit) == "짧은 글\n" * 100


def test_slices_end_at_line_breaks_and_cover_the_text() -> None:
    text = long_page(3_000)
    ends = [slice_end(text, 0, FIRST_SLICE)]
    while ends[-1] < len(text):
        ends.append(slice_end(text, ends[-1], 10_000))
    assert all(text[end] == "\n" for end in ends[:-1])
    assert ends[-1] == len(text) and ends == sorted(set(ends))


def test_each_slice_forgets_the_block_it_is_appended_after(qtbot: QtBot) -> None:
    edit = QPlainTextEdit()
    qtbot.addWidget(edit)
    forgotten: list[int] = []
    loader = SlicedLoader(edit, forgotten.append, first=100, size=100)
    text = "가나다라마바사\n" * 200
    loader.load(text)
    loaded = len(shown_text(edit))
    loader.start_rest()
    qtbot.waitUntil(lambda: not loader.pending)
    assert forgotten[0] == loaded - (len("가나다라마바사"))
    assert shown_text(edit) == text
