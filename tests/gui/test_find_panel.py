"""The find panel, driven offscreen: counts, opening a hit, checking hits, tag-all keys."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QTreeWidgetItem
from pytestqt.qtbot import QtBot

from tests.conftest import REPO
from widgets.find_panel import HIT_COLOR, FindPanel, context_parts, summary_text

SCREENSHOTS = REPO / "screenshots"


@dataclass(frozen=True)
class Hit:
    doc_id: str
    line: int
    start: int
    end: int
    context: str
    context_start: int


@dataclass(frozen=True)
class Result:
    hits: tuple[Hit, ...]
    documents: int
    total_hits: int
    complete: bool = True


def hit_in(doc_id: str, line: int, text: str, found: str, at: int = 0) -> Hit:
    """A hit of ``found`` in the line ``text``, which starts at ``at`` in the document."""
    start = at + text.index(found)
    return Hit(doc_id, line, start, start + len(found), text, at)


HITS = (
    hit_in("news/서울-001", 3, "🇰🇷 오늘의 카지노 사이트 추천 ✅ 바로가기", "카지노", 40),
    hit_in("news/서울-002", 1, "무료 카지노 쿠폰\n👨‍👩‍👧 가족 이야기", "카지노"),
    hit_in("blog/<b>굵게</b>", 12, "<img src=/dev/zero> 카지노 <b>here</b>", "카지노", 300),
)


@pytest.fixture
def panel(qtbot: QtBot) -> Iterator[FindPanel]:
    widget = FindPanel()
    qtbot.addWidget(widget)
    widget.resize(640, 260)
    widget.set_label_keys({"1": "nav", "4": "gambling_adult_spam", "q": "widget"})
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.close()


def item(panel: FindPanel, row: int) -> QTreeWidgetItem:
    found = panel.results.topLevelItem(row)
    assert found is not None
    return found


def shown(panel: FindPanel) -> Result:
    result = Result(HITS, documents=3, total_hits=3)
    panel.show_result(result)
    return result


def test_enter_in_the_pattern_box_asks_for_a_search(qtbot: QtBot, panel: FindPanel) -> None:
    panel.focus_pattern("^카지노")  # QTest types ASCII only
    qtbot.keyClick(panel.pattern, Qt.Key.Key_End)
    qtbot.keyClicks(panel.pattern, ".*$")
    qtbot.mouseClick(panel.regex, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(panel.search_requested) as signal:
        qtbot.keyClick(panel.pattern, Qt.Key.Key_Return)
    assert signal.args == ["^카지노.*$", True]


def test_counts_say_documents_hits_and_what_is_listed() -> None:
    assert summary_text(Result(HITS, 3, 3)) == "3 hits in 3 documents"
    assert summary_text(Result(HITS[:1], 1, 1)) == "1 hit in 1 document"
    assert summary_text(Result(HITS, 2, 4000)) == "4,000 hits in 2 documents, first 3 shown"
    assert summary_text(Result((), 0, 0)) == "No hits"
    assert "the search stopped there" in summary_text(Result(HITS, 3, 3, complete=False))


def test_results_list_documents_lines_and_contexts(panel: FindPanel) -> None:
    shown(panel)
    tree = panel.results
    assert panel.summary.text() == "3 hits in 3 documents"
    assert tree.topLevelItemCount() == 3
    assert [item(panel, row).text(0) for row in range(3)] == [h.doc_id for h in HITS]
    assert [item(panel, row).text(1) for row in range(3)] == ["3", "1", "12"]
    before, found, after = context_parts(HITS[1])
    assert (before, found) == ("무료 ", "카지노") and after.startswith(" 쿠폰↵👨")


def test_enter_on_a_hit_opens_its_exact_range(qtbot: QtBot, panel: FindPanel) -> None:
    shown(panel)
    panel.results.setCurrentItem(item(panel, 2))
    with qtbot.waitSignal(panel.open_requested) as signal:
        qtbot.keyClick(panel.results, Qt.Key.Key_Return)
    assert signal.args == [HITS[2].doc_id, HITS[2].start, HITS[2].end]


def test_a_label_key_with_nothing_checked_tags_every_hit(qtbot: QtBot, panel: FindPanel) -> None:
    shown(panel)
    with qtbot.waitSignal(panel.tag_all_requested) as signal:
        qtbot.keyClick(panel.results, Qt.Key.Key_4)
    assert signal.args == ["gambling_adult_spam", list(HITS), True]


def test_space_checks_hits_and_a_label_key_tags_only_those(qtbot: QtBot, panel: FindPanel) -> None:
    shown(panel)
    qtbot.keyClick(panel.results, Qt.Key.Key_Space)  # checks the first, moves down
    qtbot.keyClick(panel.results, Qt.Key.Key_Down)
    qtbot.keyClick(panel.results, Qt.Key.Key_Space)
    with qtbot.waitSignal(panel.tag_all_requested) as signal:
        qtbot.keyClick(panel.results, Qt.Key.Key_Q)  # second-row keys work, case-free
    assert signal.args == ["widget", [HITS[0], HITS[2]], False]


def test_keys_that_are_not_label_keys_tag_nothing(qtbot: QtBot, panel: FindPanel) -> None:
    shown(panel)
    tags: list[object] = []
    panel.tag_all_requested.connect(lambda *args: tags.append(args))
    for key in (Qt.Key.Key_2, Qt.Key.Key_W):
        qtbot.keyClick(panel.results, key)
    qtbot.keyClick(panel.results, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert tags == []


def test_file_text_is_never_rich_text(panel: FindPanel) -> None:
    shown(panel)
    row = item(panel, 2)
    assert row.text(0) == "blog/<b>굵게</b>"  # item text is drawn as it is
    assert "&lt;img" in row.toolTip(2)  # a tooltip that looks like HTML is escaped
    assert panel.summary.textFormat() == Qt.TextFormat.PlainText


def test_the_hit_is_drawn_highlighted_even_in_a_narrow_column(panel: FindPanel) -> None:
    long_before = "광고 " * 40
    hit = hit_in("news/long", 1, long_before + "카지노 끝", "카지노")
    panel.show_result(Result((hit,), 1, 1))
    panel.results.clearSelection()
    rect = panel.results.visualItemRect(item(panel, 0))
    image: QImage = panel.results.viewport().grab(rect).toImage()
    marked = QColor(HIT_COLOR).rgb()
    highlighted = sum(
        any(image.pixel(x, y) == marked for y in range(image.height()))
        for x in range(image.width())
    )
    # The whole hit is in view on its highlight, not an elided sliver of it.
    assert highlighted >= 0.8 * panel.results.fontMetrics().horizontalAdvance("카지노")


def test_screenshot_with_korean_results(panel: FindPanel) -> None:
    panel.focus_pattern("카지노")
    panel.show_result(Result(HITS, documents=3, total_hits=1204))
    panel.set_checked(1, True)
    SCREENSHOTS.mkdir(exist_ok=True)
    assert panel.grab().save(str(SCREENSHOTS / "find-panel.png"))
    assert panel.summary.text() == "1,204 hits in 3 documents, first 3 shown"
