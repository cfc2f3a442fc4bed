"""Marks changed by keys, as an edit changes them, paint as if painted whole."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QEvent, QObject, QRect
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from widgets.mark_index import BULK_MARKS, SHORT_MARK, MarkIndex
from widgets.marks import SPAN_TINT, Mark, blend
from widgets.text_pane import DocumentPane

KEYS = [f"k{i}" for i in range(12)]
MARKS = st.builds(
    lambda start, length, key: Mark(start, start + length, "#4e79a7", "span", key),
    st.integers(0, 20_000),
    st.one_of(st.integers(0, 80), st.integers(SHORT_MARK, SHORT_MARK * 2)),
    st.sampled_from([*KEYS, None]),
)


def ordered(marks: object) -> list[Mark]:
    return sorted(marks, key=repr)  # type: ignore[call-overload]


def found(index: MarkIndex, start: int, end: int) -> list[Mark]:
    return ordered(index.overlapping(start, end))


@settings(max_examples=150, deadline=None)
@given(
    before=st.lists(MARKS, max_size=60),
    remove=st.sets(st.sampled_from(KEYS)),
    add=st.lists(MARKS, max_size=BULK_MARKS + 40),
    probes=st.lists(st.tuples(st.integers(0, 30_000), st.integers(1, 5_000)), max_size=8),
)
def test_an_updated_index_finds_what_a_rebuilt_one_finds(
    before: list[Mark], remove: set[str], add: list[Mark], probes: list[tuple[int, int]]
) -> None:
    """Law: taking keys out and marks in equals building the index from the result."""
    index = MarkIndex(before)
    removed, added = index.update(remove, add)
    expected = [m for m in before if m.key not in remove and m.end > m.start] + [
        m for m in add if m.end > m.start
    ]
    assert ordered(removed) == ordered(m for m in before if m.key in remove and m.end > m.start)
    assert ordered(added) == ordered(m for m in add if m.end > m.start)
    assert_same(index, MarkIndex(expected), probes)


@settings(max_examples=150, deadline=None)
@given(
    before=st.lists(MARKS, max_size=60),
    remove=st.sets(st.sampled_from(KEYS)),
    add=st.lists(MARKS, max_size=80),
    then=st.tuples(st.sets(st.sampled_from(KEYS), max_size=2), st.lists(MARKS, max_size=3)),
    probes=st.lists(st.tuples(st.integers(0, 30_000), st.integers(1, 5_000)), max_size=8),
)
def test_a_change_merged_later_is_found_at_once_and_after(
    before: list[Mark],
    remove: set[str],
    add: list[Mark],
    then: tuple[set[str], list[Mark]],
    probes: list[tuple[int, int]],
) -> None:
    """Law: before ``settle`` (as the pane paints a bulk change) the index finds what the
    rebuilt one finds, after it too, and an edit right after lands on the merged result."""
    index = MarkIndex(before)
    index.update_later(remove, add)
    expected = [m for m in before if m.key not in remove and m.end > m.start] + [
        m for m in add if m.end > m.start
    ]
    rebuilt = MarkIndex(expected)
    for start, length in probes:  # unsettled: found from the old marks and the new ones
        assert found(index, start, start + length) == found(rebuilt, start, start + length)
    assert index.unsettled
    index.update(*then)  # the next key merges first
    rebuilt.update(*then)
    assert not index.unsettled
    assert_same(index, rebuilt, probes)


def assert_same(index: MarkIndex, rebuilt: MarkIndex, probes: list[tuple[int, int]]) -> None:
    """``index`` holds, finds and keys exactly what ``rebuilt`` does."""
    assert ordered(index.marks) == ordered(rebuilt.marks)
    for start, length in probes:
        assert found(index, start, start + length) == found(rebuilt, start, start + length)
    for key in KEYS:
        assert ordered(index.keyed(key)) == ordered(rebuilt.keyed(key))


class PaintedRects(QObject):
    """The rectangles a widget is asked to paint."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__()
        self.rects: list[QRect] = []
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QPaintEvent):
            self.rects.append(event.rect())
        return False


def test_a_changed_mark_repaints_its_line_and_leaves_the_others(
    qtbot: QtBot, pane: DocumentPane
) -> None:
    """A relabel works out again, and paints again, the line under the span, no other."""
    text = "\n".join(f"line {i} of the page" for i in range(40))
    first = Mark(0, 4, "#4e79a7", "span", "a")
    later = Mark(text.index("line 3"), text.index("line 3") + 4, "#4e79a7", "span", "b")
    pane.show_text(text, [first, later])
    pane.repaint()
    formatter = pane._formatter
    worked_out = set(formatter._wanted)  # lines whose formats are known
    qtbot.wait(50)  # the first paint's own follow-ups
    painted = PaintedRects(pane.viewport())
    pane.update_marks({"b"}, [later._replace(color="#f28e2b")])
    line_three = pane.document().findBlockByNumber(3)
    assert worked_out - set(formatter._wanted) == {line_three.position()}  # only it
    qtbot.waitUntil(lambda: bool(painted.rects))
    strip = pane.blockBoundingGeometry(line_three).translated(pane.contentOffset())
    # The pane asks for the line's strip only (Qt may follow with its own re-layout paint).
    first = painted.rects[0]
    assert (first.top(), first.height()) == (strip.top(), strip.height())
    assert [m.color for m in pane.marks_at(later.start)] == ["#f28e2b"]


def test_thousands_of_marks_changed_at_once_show_in_the_first_paint_then_merge(
    qtbot: QtBot, pane: DocumentPane
) -> None:
    """Accepting every suggestion: the paint already shows spans where suggestions were,
    and the index is merged right after that paint, not before it."""
    lines = [f"줄 {i} 메뉴 | 광고" for i in range(BULK_MARKS * 2)]
    text = "\n".join(lines)
    starts = [sum(len(line) + 1 for line in lines[:i]) for i in range(len(lines))]
    hatched = [Mark(s, s + 4, "#4e79a7", "suggestion", f"s{i}") for i, s in enumerate(starts)]
    pane.show_text(text, hatched)
    pane.repaint()
    painted = PaintedRects(pane.viewport())
    spans = [Mark(s, s + 4, "#f28e2b", "span", f"n{i}") for i, s in enumerate(starts)]
    pane.update_marks({m.key for m in hatched if m.key}, spans)
    assert pane._formatter.index.unsettled  # nothing merged before the paint
    assert [m.kind for m in pane.marks_at(starts[1])] == ["span"]
    qtbot.waitUntil(lambda: bool(painted.rects))
    qtbot.waitUntil(lambda: not pane._formatter.index.unsettled)
    first_line = pane.document().firstBlock()
    assert {style.background for _, _, style in pane._formatter.applied(first_line)} == {
        blend("#f28e2b", SPAN_TINT)
    }
    assert {m.kind for m in pane.marks()} == {"span"}
