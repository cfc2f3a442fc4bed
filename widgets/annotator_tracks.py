"""Review mode's lanes: each annotator's spans in a thin lane beside the raw pane.

The raw pane of review mode paints the gold layer; what every annotator tagged stands
beside it, one lane per annotator (and a last lane for gold), each span a bar in its
label's colour covering the lines the span covers. So a lead sees at a glance where the
versions differ, without the colours of several people piling up on the text.

The lanes read the pane's geometry (``visible_range``, ``line_extent``) on every paint
and repaint whenever the pane does, so they stay aligned through scrolling, wrapping and
resizing. Only marks over the lines on screen are drawn (``MarkIndex``).

How lanes look:

- a span: a bar in its label colour (a 75 % tint, so the lanes stay calm);
- an open disagreement (``emphasis``): the bar outlined in dark red, with a dark red
  stripe (edged in white) on its left, so the eye finds what is left to decide;
- a span inside another of the same lane: inset, so nesting shows;
- fact evidence (kind ``evidence``): a narrow blue stripe on the lane's right edge;
- the chosen lane (whose version ``G`` accepts): its name bold and underlined, its lane
  framed; the gold lane has a warm background and a gold name;
- the raw cursor's line: a thin dark rule across every lane.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QHelpEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from widgets.mark_index import MarkIndex
from widgets.marks import EVIDENCE, SPAN, Mark, blend
from widgets.plain_text import plain_tooltip
from widgets.text_pane import DocumentPane

LANE_WIDTH = 30
GAP = 4
NESTED_INSET = 4
LANE_TINT = 0.75
LANE_BACKGROUND = "#e6e6e6"
GOLD_BACKGROUND = "#fbf1cf"
GOLD_NAME = "#8a6500"
OPEN_COLOR = "#8b0010"
OPEN_STRIPE = 4
EVIDENCE_COLOR = "#1a56db"
CURSOR_COLOR = "#303030"
CHOSEN_FRAME = "#202020"
MIN_HEADER = 12  # below this the names are left out (the tooltip still has them)


@dataclass(frozen=True)
class Lane:
    """One annotator's lane: their marks and a short note per mark key for the tooltip."""

    name: str
    marks: tuple[Mark, ...]
    notes: Mapping[str, str] = field(default_factory=dict)
    gold: bool = False


class AnnotatorTracks(QWidget):
    """Lanes of marks aligned with the lines of a ``DocumentPane``.

    Signals:
        mark_clicked(str, int): a mark was clicked: the lane's name and the mark's start.
    """

    mark_clicked = Signal(str, int)

    def __init__(self, pane: DocumentPane, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pane = pane
        self._lanes: list[Lane] = []
        self._indexes: list[MarkIndex] = []
        self._chosen: str | None = None
        self.setMouseTracking(True)
        pane.updateRequest.connect(lambda *_: self.update())
        pane.selection_changed.connect(lambda *_: self.update())
        self._fit()

    def set_lanes(self, lanes: Sequence[Lane], chosen: str | None) -> None:
        """Show ``lanes`` left to right; ``chosen`` names the lane ``G`` accepts from."""
        self._lanes = list(lanes)
        self._indexes = [MarkIndex(lane.marks) for lane in lanes]
        self._chosen = chosen
        self._fit()
        self.update()

    def set_chosen(self, chosen: str | None) -> None:
        """Frame the lane ``G`` would accept from now (it follows the cursor)."""
        if chosen != self._chosen:
            self._chosen = chosen
            self.update()

    def lanes(self) -> list[Lane]:
        """The lanes shown now."""
        return list(self._lanes)

    def lane_at(self, x: int) -> int | None:
        """The index of the lane under widget x, if any."""
        index = (x - GAP) // (LANE_WIDTH + GAP)
        inside = (x - GAP) % (LANE_WIDTH + GAP) < LANE_WIDTH
        return index if 0 <= index < len(self._lanes) and inside and x >= GAP else None

    # -- Qt overrides -----------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw the names above the pane's text, then each lane's bars beside its lines."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().window())
        top = self._viewport_top()
        height = self._pane.viewport().height()
        self._paint_names(painter, top)
        painter.setClipRect(0, top, self.width(), height)
        visible = self._pane.visible_range()
        for number, (lane, index) in enumerate(zip(self._lanes, self._indexes, strict=True)):
            x = GAP + number * (LANE_WIDTH + GAP)
            background = GOLD_BACKGROUND if lane.gold else LANE_BACKGROUND
            painter.fillRect(QRectF(x, top, LANE_WIDTH, height), QColor(background))
            self._paint_marks(painter, index, visible, x, top)
            if lane.name == self._chosen:
                painter.setPen(QPen(QColor(CHOSEN_FRAME), 1))
                painter.drawRect(QRectF(x - 1.5, top + 0.5, LANE_WIDTH + 2, height - 1))
        self._paint_cursor(painter, top)
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A click on a bar reports its lane and start (the window moves the cursor there)."""
        found = self._mark_at(event.position().toPoint())
        if found is not None and event.button() == Qt.MouseButton.LeftButton:
            lane, mark = found
            self.mark_clicked.emit(lane.name, mark.start)
        super().mousePressEvent(event)

    def event(self, event: QEvent) -> bool:
        """Qt override: the tooltip names the lane and the span under the mouse."""
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            # Annotator names and notes come from files: shown literally.
            QToolTip.showText(event.globalPos(), plain_tooltip(self._tooltip(event.pos())), self)
            return True
        return super().event(event)

    # -- helpers ----------------------------------------------------------------------------

    def _fit(self) -> None:
        self.setFixedWidth(GAP + max(len(self._lanes), 1) * (LANE_WIDTH + GAP))

    def _viewport_top(self) -> int:
        """Where the pane's text area starts, in this widget's coordinates."""
        viewport = self._pane.viewport()
        return self.mapFromGlobal(viewport.mapToGlobal(QPoint(0, 0))).y()

    def _paint_names(self, painter: QPainter, top: int) -> None:
        if top < MIN_HEADER:
            return
        base = QFont(self.font())
        base.setPointSizeF(max(base.pointSizeF() - 1, 7))
        for number, lane in enumerate(self._lanes):
            font = QFont(base)
            chosen = lane.name == self._chosen
            font.setBold(chosen or lane.gold)
            font.setUnderline(chosen)
            painter.setFont(font)
            painter.setPen(QColor(GOLD_NAME if lane.gold else CURSOR_COLOR))
            x = GAP + number * (LANE_WIDTH + GAP) - GAP // 2
            rect = QRectF(x, 0, LANE_WIDTH + GAP, top - 2)
            name = painter.fontMetrics().elidedText(
                lane.name, Qt.TextElideMode.ElideRight, LANE_WIDTH + GAP
            )
            painter.drawText(
                rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, name
            )

    def _paint_marks(
        self, painter: QPainter, index: MarkIndex, visible: tuple[int, int], x: int, top: int
    ) -> None:
        """Longest first, so a span inside another is drawn over it, inset."""
        shown = sorted(index.overlapping(*visible), key=lambda m: m.start - m.end)
        drawn: list[Mark] = []
        for mark in shown:
            low, high = max(mark.start, visible[0]), min(mark.end, visible[1])
            if high <= low and mark.start < visible[1]:
                high = low + 1  # a mark ending on the last visible line break
            y_top, y_bottom = self._pane.line_extent(low, high)
            rect = QRectF(x, top + y_top, LANE_WIDTH, y_bottom - y_top)
            if mark.kind == EVIDENCE:
                painter.fillRect(rect.adjusted(LANE_WIDTH - 4, 1, 0, -1), QColor(mark.color))
                continue
            if mark.kind != SPAN:
                continue
            depth = sum(1 for other in drawn if other.start <= mark.start and mark.end <= other.end)
            inset = min(depth, 2) * NESTED_INSET
            bar = rect.adjusted(inset, 1, -inset, -1)
            painter.fillRect(bar, QColor(blend(mark.color, LANE_TINT)))
            if mark.emphasis:
                # Dark red with a white edge, so it shows on red labels' bars too.
                stripe = QRectF(bar.left(), bar.top(), OPEN_STRIPE, bar.height())
                painter.fillRect(stripe.adjusted(0, 0, 1, 0), QColor("white"))
                painter.fillRect(stripe, QColor(OPEN_COLOR))
                painter.setPen(QPen(QColor(OPEN_COLOR), 1))
                painter.drawRect(bar.adjusted(0.5, 0.5, -0.5, -0.5))
            drawn.append(mark)

    def _paint_cursor(self, painter: QPainter, top: int) -> None:
        position = self._pane.cursor_position()
        y_top, y_bottom = self._pane.line_extent(position, position + 1)
        y = top + (y_top + y_bottom) / 2
        painter.setPen(QPen(QColor(CURSOR_COLOR), 1, Qt.PenStyle.DashLine))
        painter.drawLine(0, round(y), self.width(), round(y))

    def _mark_at(self, point: QPoint) -> tuple[Lane, Mark] | None:
        number = self.lane_at(point.x())
        if number is None:
            return None
        top = self._viewport_top()
        visible = self._pane.visible_range()
        hits = []
        for mark in self._indexes[number].overlapping(*visible):
            low, high = max(mark.start, visible[0]), min(mark.end, visible[1])
            y_top, y_bottom = self._pane.line_extent(low, max(high, low + 1))
            if top + y_top <= point.y() <= top + y_bottom:
                hits.append(mark)
        if not hits:
            return None
        return self._lanes[number], min(hits, key=lambda m: m.end - m.start)

    def _tooltip(self, point: QPoint) -> str:
        number = self.lane_at(point.x())
        if number is None:
            return ""
        lane = self._lanes[number]
        found = self._mark_at(point)
        if found is None:
            return lane.name
        note = lane.notes.get(found[1].key or "", "")
        return f"{lane.name}: {note}" if note else lane.name
