"""The document pane as a user meets it: offsets in code points, marks painted, clicks."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QFont, QImage, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.core.utf16 import DisplayMap
from tests.gui.conftest import SCREENSHOTS
from widgets.marks import OVERLAP_TINT, SPAN_TINT, Mark, blend, resolve_style, underline_width
from widgets.text_pane import DocumentPane

FAMILY = "👩‍👩‍👧"
FLAG = "🇰🇷"
TRICKY = f"가 😀 나\u00a0다\u2028라 {FLAG} 마 {FAMILY} 바\n사 𠀀 아"
RED, BLUE, GREEN = "#e6194b", "#4363d8", "#3cb44b"


def boundaries(text: str) -> list[int]:
    return list(range(len(text) + 1))


def qt_position(pane: DocumentPane, position: int) -> QTextCursor:
    """A Qt cursor at stored ``position``, found the way a user would: select, read back."""
    pane.select(position, position)
    return pane.textCursor()


def viewport_image(pane: DocumentPane) -> QImage:
    return pane.viewport().grab().toImage()


def background_of(pane: DocumentPane, image: QImage, start: int, end: int) -> str:
    """The most common colour on the middle row of ``[start, end)`` (glyphs are thin)."""
    left = pane.cursorRect(qt_position(pane, start))
    right = pane.cursorRect(qt_position(pane, end))
    row = left.top() + left.height() // 3
    colors = Counter(image.pixelColor(x, row).name() for x in range(left.left() + 1, right.left()))
    return colors.most_common(1)[0][0]


def near(color: str, expected: str, tolerance: int = 6) -> bool:
    a, b = QColor(color), QColor(expected)
    return all(
        abs(x - y) <= tolerance
        for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True)  # type: ignore[arg-type]
    )


# -- offsets -------------------------------------------------------------------------------


def test_the_pane_is_read_only_without_undo(pane: DocumentPane) -> None:
    assert pane.isReadOnly()
    assert not pane.isUndoRedoEnabled()
    assert pane.lineWrapMode() == pane.LineWrapMode.WidgetWidth


def test_text_comes_back_exactly_as_stored(pane: DocumentPane) -> None:
    pane.show_text(TRICKY, [])
    assert pane.text() == TRICKY
    assert pane.toPlainText() != TRICKY  # Qt rewrites NBSP and U+2028: never read it back


def test_select_then_selection_round_trips_every_code_point_range(pane: DocumentPane) -> None:
    pane.show_text(TRICKY, [])
    for start in boundaries(TRICKY):
        for end in range(start, len(TRICKY) + 1, 3):
            pane.select(start, end)
            assert pane.selection() == (start, end)
            assert pane.cursor_position() == end


def test_a_backwards_selection_comes_back_ordered(pane: DocumentPane) -> None:
    pane.show_text(TRICKY, [])
    pane.select(12, 3)
    assert pane.selection() == (3, 12)
    assert pane.cursor_position() == 3


def test_selecting_across_nbsp_and_line_separator_gives_stored_offsets(
    pane: DocumentPane,
) -> None:
    pane.show_text(TRICKY, [])
    start, end = TRICKY.index("나"), TRICKY.index("라") + 1
    cursor = qt_position(pane, start)
    for _ in range(end - start):
        cursor.movePosition(QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.KeepAnchor)
    pane.setTextCursor(cursor)
    assert pane.selection() == (start, end)
    assert pane.text()[start:end] == "나\u00a0다\u2028라"


@pytest.mark.parametrize("cluster", ["😀", FLAG, FAMILY, "𠀀"])
def test_shift_right_over_an_emoji_selects_all_its_code_points(
    pane: DocumentPane, qtbot: QtBot, cluster: str
) -> None:
    pane.show_text(TRICKY, [])
    pane.setFocus()
    start = TRICKY.index(cluster)
    pane.select(start, start)
    qtbot.keyClick(pane, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert pane.selection() == (start, start + len(cluster))
    qtbot.keyClick(pane, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(pane, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert pane.selection() == (start - 1, start)


def test_selection_changed_speaks_code_points(pane: DocumentPane, qtbot: QtBot) -> None:
    pane.show_text(TRICKY, [])
    start = TRICKY.index("나")
    seen: list[tuple[int, int]] = []
    pane.selection_changed.connect(lambda a, b: seen.append((a, b)))
    pane.select(start, start + 3)
    assert seen == [(start, start + 3)]


def test_show_text_puts_the_cursor_and_the_view_at_the_top(pane: DocumentPane) -> None:
    pane.show_text("줄\n" * 3000, [])
    pane.select(5000, 5000)
    pane.show_text("다른 문서\n" * 3000, [])
    assert pane.selection() == (0, 0)
    assert pane.verticalScrollBar().value() == 0


# -- very long lines -----------------------------------------------------------------------


def long_line() -> str:
    words = ["가나다", "라마바사", "아자차", "😀", FLAG, "카타파하", "spam"]
    return " ".join(words[i % len(words)] for i in range(60_000))[:300_000]


def test_a_long_line_displays_in_blocks_but_speaks_stored_offsets(
    pane: DocumentPane, qtbot: QtBot
) -> None:
    text = "첫 줄\n" + long_line() + "\n끝"
    breaks = DisplayMap(text).breaks
    pane.show_text(text, [Mark(breaks[3] - 4, breaks[3] + 4, RED, "span", "across")])
    qtbot.waitUntil(lambda: not pane.loading)
    assert pane.document().blockCount() >= len(text) // 2_000
    assert pane.text() == text
    for cut in breaks[:5] + breaks[-3:]:
        pane.select(cut - 7, cut + 9)
        assert pane.selection() == (cut - 7, cut + 9)
        # What Qt shows selected is the stored range plus the one inserted break.
        shown = pane.textCursor().selectedText()
        assert shown.count("\u2029") == 1
        assert shown.replace("\u2029", "") == text[cut - 7 : cut + 9]
    assert [mark.key for mark in pane.marks_at(breaks[3] + 2)] == ["across"]
    assert [mark.key for mark in pane.marks_at(breaks[3] - 2)] == ["across"]
    pane.select(len(text) - 1, len(text))
    assert pane.text()[slice(*pane.selection())] == "끝"


def test_copy_gives_the_stored_text(pane: DocumentPane) -> None:
    text = long_line() + "\u00a0끝\u2028"
    pane.show_text(text, [])
    cut = DisplayMap(text).breaks[0]
    pane.select(cut - 10, len(text))
    pane.copy()
    assert QApplication.clipboard().text() == text[cut - 10 :]
    QApplication.clipboard().clear()
    pane.setFocus()
    QTest.keyClick(pane, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == text[cut - 10 :]


COPY_THEN_EXIT = """
from PySide6.QtWidgets import QApplication
from widgets.text_pane import DocumentPane
app = QApplication([])
pane = DocumentPane()
pane.show_text("한국어 본문 🇰🇷", [])
pane.select(0, 3)
pane.copy()
print(QApplication.clipboard().text())
"""


def test_the_program_exits_cleanly_after_a_copy() -> None:
    # A QMimeData handed to Qt from Python was once freed twice: a crash at exit.
    environment = os.environ | {"QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.run(
        [sys.executable, "-c", COPY_THEN_EXIT],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    assert child.stdout.strip() == "한국어"


def test_arrow_keys_walk_through_a_display_break(pane: DocumentPane, qtbot: QtBot) -> None:
    text = long_line()
    cut = DisplayMap(text).breaks[0]
    pane.show_text(text, [])
    pane.setFocus()
    pane.select(cut - 1, cut - 1)
    for _ in range(3):  # the inserted break costs one extra key press
        qtbot.keyClick(pane, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert pane.selection() == (cut - 1, cut + 1)


# -- marks ---------------------------------------------------------------------------------


def test_marks_at_returns_what_covers_a_code_point(pane: DocumentPane) -> None:
    start = TRICKY.index("😀")
    span = Mark(start, start + 3, RED, "span", "s1")
    dropped = Mark(0, start + 1, "#9a9a9a", "dropped")
    pane.show_text(TRICKY, [span, dropped])
    assert pane.marks_at(start) == [span, dropped] or pane.marks_at(start) == [dropped, span]
    assert pane.marks_at(start + 2) == [span]
    assert pane.marks_at(start + 3) == []
    pane.set_marks([])
    assert pane.marks_at(start) == []


def click_at(pane: DocumentPane, qtbot: QtBot, position: int) -> None:
    rect = pane.cursorRect(qt_position(pane, position))
    point = QPoint(rect.left() + 3, rect.center().y())
    qtbot.mouseClick(pane.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_clicking_a_span_emits_the_innermost_key(pane: DocumentPane, qtbot: QtBot) -> None:
    text = "메뉴 카지노 바카라 슬롯 추천 끝"
    outer = Mark(3, 17, RED, "span", "outer")
    inner = Mark(7, 10, BLUE, "span", "inner")
    hint = Mark(0, 2, GREEN, "suggestion", "hint")
    pane.show_text(text, [outer, inner, hint])
    with qtbot.waitSignal(pane.mark_clicked) as clicked:
        click_at(pane, qtbot, 8)
    assert clicked.args == ["inner"]
    with qtbot.waitSignal(pane.mark_clicked) as clicked:
        click_at(pane, qtbot, 4)
    assert clicked.args == ["outer"]
    with qtbot.assertNotEmitted(pane.mark_clicked):
        click_at(pane, qtbot, 0)  # a suggestion is not a label
        click_at(pane, qtbot, len(text) - 1)


def test_dragging_over_a_span_selects_instead_of_clicking(pane: DocumentPane, qtbot: QtBot) -> None:
    pane.show_text("메뉴 카지노 바카라 슬롯 추천 끝", [Mark(3, 17, RED, "span", "s")])
    start = pane.cursorRect(qt_position(pane, 4)).center()
    end = pane.cursorRect(qt_position(pane, 12)).center()
    with qtbot.assertNotEmitted(pane.mark_clicked):
        qtbot.mousePress(pane.viewport(), Qt.MouseButton.LeftButton, pos=start)
        qtbot.mouseMove(pane.viewport(), end)
        qtbot.mouseRelease(pane.viewport(), Qt.MouseButton.LeftButton, pos=end)
    assert pane.selection() == (4, 12)


# -- painting ------------------------------------------------------------------------------


def test_a_span_is_painted_in_a_tint_of_its_colour(pane: DocumentPane) -> None:
    text = "평범한 글 광고 문구입니다 평범한 글"
    start, end = text.index("광고"), text.index("입니다")
    pane.show_text(text, [Mark(start, end, RED, "span", "ad")])
    image = viewport_image(pane)
    assert near(background_of(pane, image, start, end), blend(RED, SPAN_TINT))
    assert near(background_of(pane, image, 0, 3), "#ffffff")


def test_overlapping_spans_look_different_from_either_alone(pane: DocumentPane) -> None:
    text = "가나다라마바사아자차카타파하"
    pane.show_text(text, [Mark(0, 10, RED, "span", "outer"), Mark(4, 7, BLUE, "span", "in")])
    image = viewport_image(pane)
    assert near(background_of(pane, image, 0, 4), blend(RED, SPAN_TINT))
    assert near(background_of(pane, image, 4, 7), blend(BLUE, OVERLAP_TINT))
    below = pane.cursorRect(qt_position(pane, 5)).bottom() - 1
    x = pane.cursorRect(qt_position(pane, 5)).left() + 2
    assert near(image.pixelColor(x, below).name(), RED, tolerance=40)  # outer's underline


def test_set_marks_repaints_without_reloading(pane: DocumentPane) -> None:
    text = "가나다라마바사아자차카타파하"
    pane.show_text(text, [])
    document = pane.document()
    assert near(background_of(pane, viewport_image(pane), 2, 6), "#ffffff")
    pane.set_marks([Mark(2, 6, GREEN, "span", "new")])
    assert pane.document() is document
    assert near(background_of(pane, viewport_image(pane), 2, 6), blend(GREEN, SPAN_TINT))
    pane.set_marks([])
    assert near(background_of(pane, viewport_image(pane), 2, 6), "#ffffff")


def test_suggestions_are_hatched_not_solid(pane: DocumentPane) -> None:
    text = "메뉴 | 로그인 | 구독 | 검색 | 전체보기"
    pane.show_text(text, [Mark(0, len(text), BLUE, "suggestion", "g")])
    image = viewport_image(pane)
    rect = pane.cursorRect(qt_position(pane, 0))
    colors = {image.pixelColor(x, rect.top() + 1).name() for x in range(2, 120)}
    assert len(colors) > 2  # stripes: more than one tint, unlike a solid span


def weights(pane: DocumentPane, position: int) -> list[int]:
    """Font weights the pane's block formats give the text at ``position``."""
    pane.viewport().grab()  # formats are applied as blocks are drawn
    block = pane.document().findBlock(qt_position(pane, position).position())
    local = qt_position(pane, position).positionInBlock()
    return [
        r.format.fontWeight()
        for r in block.layout().formats()
        if r.start <= local < r.start + r.length
    ]


def test_the_selected_span_is_drawn_bold_and_the_previous_one_is_not(
    pane: DocumentPane,
) -> None:
    text = "첫째 구간 그리고 둘째 구간"
    pane.show_text(text, [Mark(0, 5, RED, "span", "a"), Mark(10, 15, BLUE, "span", "b")])
    assert QFont.Weight.Bold not in weights(pane, 1)
    pane.set_selected_mark("a")
    assert QFont.Weight.Bold in weights(pane, 1)
    pane.set_selected_mark("b")
    assert QFont.Weight.Bold not in weights(pane, 1)
    assert QFont.Weight.Bold in weights(pane, 11)
    pane.set_selected_mark(None)
    assert QFont.Weight.Bold not in weights(pane, 11)


def test_counterpart_is_a_transient_mark(pane: DocumentPane) -> None:
    pane.show_text(TRICKY, [])
    start = TRICKY.index(FLAG)
    pane.set_counterpart(start, start + 4)
    (selection,) = pane.extraSelections()
    assert pane.text()[start : start + 4] == f"{FLAG} 마"
    assert (selection.cursor.selectionStart(), selection.cursor.selectionEnd()) == (
        qt_position(pane, start).position(),
        qt_position(pane, start + 4).position(),
    )
    pane.set_counterpart(0, 0)
    assert pane.extraSelections() == []


@pytest.mark.parametrize("line", ["짧은 줄 {i}", "긴 줄 {i} " + "가나다라 " * 120])
def test_scroll_to_shows_a_position_and_keeps_the_selection(pane: DocumentPane, line: str) -> None:
    text = "\n".join(line.format(i=i) for i in range(3000))
    pane.show_text(text, [])
    pane.select(2, 4)
    target = text.index(line.format(i=2400)) + 3
    pane.scroll_to(target)
    pane.viewport().grab()
    cursor = QTextCursor(pane.document())
    cursor.setPosition(target)  # no astral characters here: stored == displayed
    rect = pane.cursorRect(cursor)
    height = pane.viewport().height()
    assert rect.top() >= 0 and rect.bottom() <= height
    assert abs(rect.center().y() - height // 2) < height // 4  # centred-ish
    assert pane.selection() == (2, 4)


# -- what a person sees --------------------------------------------------------------------


def test_screenshot_of_marks_on_korean_text(pane: DocumentPane) -> None:
    text = (
        "홈 | 뉴스 | 스포츠 | 연예 | 로그인\n"
        "서울시는 올해 공공자전거 3만 대를 추가로 배치한다고 밝혔다.\n"
        '시 관계자는 "이용자가 꾸준히 늘고 있다"고 말했다. 😀 🇰🇷\n'
        "[광고] 지금 가입하면 첫 달 무료! 바로가기 ▶\n"
        "카지노 바카라 슬롯 추천 사이트 바로가기\n"
        "ⓒ 한국일보, 무단전재 및 재배포 금지\n"
    )

    def at(part: str) -> tuple[int, int]:
        return text.index(part), text.index(part) + len(part)

    menu, footer = (
        at("홈 | 뉴스 | 스포츠 | 연예 | 로그인"),
        at("ⓒ 한국일보, 무단전재 및 재배포 금지"),
    )
    marks = [
        Mark(*menu, "#9a9a9a", "dropped"),
        Mark(*menu, BLUE, "suggestion", "g1"),
        Mark(*at("[광고] 지금 가입하면 첫 달 무료! 바로가기 ▶"), "#f58231", "span", "ad"),
        Mark(*at("카지노 바카라 슬롯 추천 사이트 바로가기"), RED, "span", "spam"),
        Mark(*at("카지노 바카라"), "#911eb4", "span", "inner"),
        Mark(*footer, "#9a9a9a", "dropped"),
        Mark(*footer, GREEN, "suggestion", "g2"),
        Mark(*at("공공자전거 3만 대"), GREEN, "span", "fact"),
    ]
    font = pane.font()
    font.setPointSize(14)
    pane.setFont(font)
    pane.resize(820, 260)
    pane.show_text(text, marks)
    pane.set_selected_mark("fact")
    pane.set_counterpart(*at('시 관계자는 "이용자가 꾸준히 늘고 있다"고 말했다.'))
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / "text_pane.png"
    assert pane.grab().save(str(path))
    image = viewport_image(pane)
    assert near(background_of(pane, image, *at("[광고]")), blend("#f58231", SPAN_TINT))


def test_fact_evidence_and_numbers_underline_over_spans() -> None:
    span = Mark(0, 10, RED, "span", "s")
    faint = Mark(2, 5, "#9db4d8", "evidence", "fact-1")
    strong = Mark(2, 5, "#1a56db", "evidence", "fact-2", emphasis=True)
    number = Mark(2, 5, "#6a9955", "number")
    with_span = resolve_style([span, faint], None)
    assert with_span is not None
    assert with_span.background == blend(RED, SPAN_TINT)  # the span still shows
    assert (with_span.underline, underline_width(with_span)) == ("#9db4d8", 2)
    selected = resolve_style([faint, strong, number], None)
    assert selected is not None and selected.bold
    assert (selected.underline, underline_width(selected)) == ("#1a56db", 3)
    hint = resolve_style([number], None)
    assert hint is not None and (hint.underline, underline_width(hint)) == ("#6a9955", 1)
    assert hint.background is None  # a hint, not a label


def test_clicking_evidence_names_its_fact(pane: DocumentPane, qtbot: QtBot) -> None:
    text = "정부는 GPU 3만개를 확보한다"
    pane.show_text(text, [Mark(7, 10, "#1a56db", "evidence", "fact-1")])
    with qtbot.waitSignal(pane.evidence_clicked) as clicked:
        click_at(pane, qtbot, 8)
    assert clicked.args == ["fact-1"]
    with qtbot.assertNotEmitted(pane.evidence_clicked):
        click_at(pane, qtbot, 1)
