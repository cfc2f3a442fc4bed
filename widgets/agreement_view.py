"""The agreement view: a bar chart of agreement per label, and each annotator's progress.

It shows an ``AgreementReport`` (plain data from ``app.core.agreement``; build one with
``storage.agreement_read.agreement_report``) and never reads a file itself.

The chart is painted here (PySide6-Essentials has no QtCharts): one row per label,
"overall" first, each with a bar for the mean overlap F1 and one for the mean character
kappa, its value written at the bar's end; "n/a" where a figure is undefined. Bars grow
from a zero line, so a negative kappa (worse than chance) points left. Hovering a row
lists its figures pair by pair.

The progress table has each annotator's median active time per document (the time the
window counted while they worked, ``AnnotatorProgress.median_active_seconds``), written
as ``thresher agreement`` writes it; "-" when none is recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPoint, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QHelpEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QProgressBar,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from app.core.agreement import AgreementReport, LabelAgreement
from app.core.agreement_report import format_duration
from widgets.plain_text import rich_escaped

# (legend name, figure of a row, colour): blue and orange stay apart for colour-blind eyes.
METRICS: tuple[tuple[str, Callable[[LabelAgreement], float | None], str], ...] = (
    ("overlap F1", lambda row: row.overlap_f1, "#2f6db5"),
    ("kappa", lambda row: row.kappa, "#e07b16"),
)
BAR_HEIGHT = 16
BAR_GAP = 3
ROW_GAP = 12
MARGIN = 10
LEGEND_HEIGHT = 24
AXIS_HEIGHT = 22
VALUE_ROOM = 46  # right of the longest bar, for its value
GRID = "#d0d0d0"
TEXT = "#202020"
MUTED = "#707070"
EMPTY_TEXT = "Nothing to compare yet: no document is labelled by two or more annotators."
PROGRESS_COLUMNS = ("Annotator", "Done / assigned", "Progress", "Spans", "Facts", "Active / doc")
ACTIVE_TIP = (
    "Median active time per document: time with the window focused and a key or mouse"
    " event in the last 2 minutes"
)
# Columns of numbers, aligned right.
NUMBER_COLUMNS = (1, 3, 4, 5)


@dataclass(frozen=True)
class Bar:
    """One drawn bar: which row and metric, its value (None: not drawn) and where it is."""

    label: str
    metric: str
    value: float | None
    rect: QRectF


def _format(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


class AgreementChart(QWidget):
    """Bars of agreement per label (see the module docstring)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[LabelAgreement] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(360)

    def set_rows(self, rows: Sequence[LabelAgreement]) -> None:
        """Show these rows, top to bottom."""
        self._rows = list(rows)
        self.setFixedHeight(self._height())
        self.update()

    def rows(self) -> list[LabelAgreement]:
        """The rows shown."""
        return list(self._rows)

    def sizeHint(self) -> QSize:
        """Qt override: wide enough for names and bars, tall enough for every row."""
        return QSize(560, self._height())

    def bars(self) -> list[Bar]:
        """Every bar of the chart with its place, in drawing order."""
        scale = self._scale()
        bars = []
        for index, row in enumerate(self._rows):
            top = self._row_top(index)
            for number, (metric, figure, _) in enumerate(METRICS):
                value = figure(row)
                y = top + number * (BAR_HEIGHT + BAR_GAP)
                zero = scale(0.0)
                end = zero if value is None else scale(value)
                rect = QRectF(min(zero, end), y, abs(end - zero), BAR_HEIGHT)
                bars.append(Bar(row.name, metric, value, rect))
        return bars

    def paintEvent(self, event: QPaintEvent) -> None:
        """Qt override: legend, grid, names and bars."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        self._paint_legend(painter)
        self._paint_grid(painter)
        self._paint_names(painter)
        colours = {metric: colour for metric, _, colour in METRICS}
        metrics = painter.fontMetrics()
        for bar in self.bars():
            text_y = bar.rect.top() + (BAR_HEIGHT + metrics.ascent() - metrics.descent()) / 2
            if bar.value is None:
                painter.setPen(QColor(MUTED))
                painter.drawText(QPoint(int(bar.rect.left()) + 4, int(text_y)), "n/a")
                continue
            painter.fillRect(bar.rect, QColor(colours[bar.metric]))
            painter.setPen(QColor(TEXT))
            text = _format(bar.value)
            x = bar.rect.right() + 4 if bar.value >= 0 else bar.rect.left() - 4
            if bar.value < 0:
                x -= metrics.horizontalAdvance(text)
            painter.drawText(QPoint(int(x), int(text_y)), text)
        painter.end()

    def event(self, event: QEvent) -> bool:
        """Qt override: hovering a row lists its figures pair by pair."""
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            text = self.tooltip_at(event.pos().y())
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def tooltip_at(self, y: int) -> str:
        """What hovering at height ``y`` shows ("" between rows)."""
        for index, row in enumerate(self._rows):
            top = self._row_top(index)
            if top <= y < top + self._group_height():
                lines = [
                    f"<b>{rich_escaped(row.name)}</b>: {row.documents} documents,"
                    f" {row.spans} spans, alpha {_format(row.alpha)}"
                ]
                lines += [
                    f"{rich_escaped(' / '.join(p.annotators))} ({p.documents} docs): exact F1"
                    f" {_format(p.exact_f1)}, overlap F1 {_format(p.overlap_f1)},"
                    f" kappa {_format(p.kappa)}"
                    for p in row.pairs
                ]
                return "<br>".join(lines)
        return ""

    # -- geometry ---------------------------------------------------------------------------

    def _group_height(self) -> int:
        return len(METRICS) * BAR_HEIGHT + (len(METRICS) - 1) * BAR_GAP

    def _row_top(self, index: int) -> int:
        return MARGIN + LEGEND_HEIGHT + index * (self._group_height() + ROW_GAP)

    def _height(self) -> int:
        rows = max(len(self._rows), 1)
        return self._row_top(rows) - ROW_GAP + AXIS_HEIGHT + MARGIN

    def _name_width(self) -> int:
        bold = QFont(self.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        widest = max((metrics.horizontalAdvance(row.name) for row in self._rows), default=0)
        return min(widest + 2 * MARGIN, max(self.width() // 3, 80))

    def _low(self) -> float:
        """The left end of the scale: 0, or below it when some kappa is negative."""
        values = [f(row) for row in self._rows for _, f, _ in METRICS]
        lowest = min((v for v in values if v is not None), default=0.0)
        return -1.0 if lowest < -0.5 else (-0.5 if lowest < 0 else 0.0)

    def _scale(self) -> Callable[[float], float]:
        low = self._low()
        left = MARGIN + self._name_width()
        right = max(left + 40, self.width() - MARGIN - VALUE_ROOM)
        return lambda value: left + (max(low, min(value, 1.0)) - low) / (1.0 - low) * (right - left)

    # -- painting ---------------------------------------------------------------------------

    def _paint_legend(self, painter: QPainter) -> None:
        x = MARGIN + self._name_width()
        metrics = painter.fontMetrics()
        for metric, _, colour in METRICS:
            painter.fillRect(QRectF(x, MARGIN + 4, 12, 12), QColor(colour))
            painter.setPen(QColor(TEXT))
            painter.drawText(QPoint(x + 16, MARGIN + 4 + metrics.ascent() - 1), metric)
            x += 16 + metrics.horizontalAdvance(metric) + 18

    def _paint_grid(self, painter: QPainter) -> None:
        scale, low = self._scale(), self._low()
        top, bottom = MARGIN + LEGEND_HEIGHT - 4, self.height() - MARGIN - AXIS_HEIGHT + 4
        metrics = painter.fontMetrics()
        ticks = [low + i * 0.25 for i in range(round((1.0 - low) / 0.25) + 1)]
        for tick in ticks:
            x = scale(tick)
            painter.setPen(QPen(QColor(TEXT if abs(tick) < 1e-9 else GRID), 1))
            painter.drawLine(int(x), top, int(x), bottom)
            text = f"{tick:g}"
            painter.setPen(QColor(MUTED))
            width = metrics.horizontalAdvance(text)
            painter.drawText(QPoint(int(x - width / 2), bottom + metrics.ascent() + 2), text)

    def _paint_names(self, painter: QPainter) -> None:
        width = self._name_width() - MARGIN
        for index, row in enumerate(self._rows):
            font = QFont(self.font())
            font.setBold(row.label is None)
            painter.setFont(font)
            metrics = QFontMetrics(font)
            painter.setPen(QColor(TEXT))
            name = metrics.elidedText(row.name, Qt.TextElideMode.ElideRight, width)
            y = self._row_top(index) + (self._group_height() + metrics.ascent()) // 2 - 1
            painter.drawText(QPoint(MARGIN, y), name)
        painter.setFont(self.font())


class AgreementView(QWidget):
    """A summary line, the agreement chart, and a table of each annotator's progress."""

    def __init__(self, report: AgreementReport | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Agreement")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.empty_message = QLabel(EMPTY_TEXT)
        self.empty_message.setWordWrap(True)
        self.empty_message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_message.setStyleSheet(f"color: {MUTED}; padding: 24px;")
        self.chart = AgreementChart()
        self.chart_area = QScrollArea()
        self.chart_area.setWidgetResizable(True)
        self.chart_area.setWidget(self.chart)
        self.chart_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.progress_table = QTableWidget(0, len(PROGRESS_COLUMNS))
        self.progress_table.setHorizontalHeaderLabels(PROGRESS_COLUMNS)
        active_header = QTableWidgetItem(PROGRESS_COLUMNS[-1])
        active_header.setToolTip(ACTIVE_TIP)
        self.progress_table.setHorizontalHeaderItem(len(PROGRESS_COLUMNS) - 1, active_header)
        self.progress_table.verticalHeader().setVisible(False)
        self.progress_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.progress_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        progress_title = QLabel("<b>Progress</b>")
        layout = QVBoxLayout(self)
        for widget in (self.summary, self.empty_message, self.chart_area, progress_title):
            layout.addWidget(widget)
        layout.addWidget(self.progress_table)
        layout.addStretch(0)
        layout.setStretch(2, 1)  # the chart takes the room; the table is as tall as its rows
        self.set_report(report)

    def set_report(self, report: AgreementReport | None) -> None:
        """Show ``report`` (None, or one with nothing to compare: the empty message)."""
        comparable = report is not None and report.comparable
        self.empty_message.setVisible(not comparable)
        self.chart_area.setVisible(comparable)
        rows = (
            []
            if report is None
            else [*([report.overall] if report.overall else []), *report.labels]
        )
        self.chart.set_rows(rows)
        # No taller than the chart: the progress table then sits right under it.
        self.chart_area.setMaximumHeight(self.chart.height() + 2 * self.chart_area.frameWidth())
        self.summary.setText(self._summary(report))
        self._fill_progress(report)

    def _summary(self, report: AgreementReport | None) -> str:
        if report is None or not report.comparable:
            return "<b>Agreement</b>"
        facts = report.facts_overall
        fact_text = (
            f"; fact slots F1 {_format(facts.f1)} ({facts.matched}/{facts.total} matched)"
            if facts is not None and facts.slots
            else ""
        )
        alpha = report.overall.alpha if report.overall else None
        return (
            f"<b>Agreement</b> over {report.documents} documents labelled by two or more of"
            f" {rich_escaped(', '.join(report.annotators))}: alpha {_format(alpha)}{fact_text}"
        )

    def _fill_progress(self, report: AgreementReport | None) -> None:
        rows = [] if report is None else list(report.progress)
        self.progress_table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            cells = (
                row.annotator,
                f"{row.done} / {row.assigned}",
                "",
                str(row.spans),
                str(row.facts),
                format_duration(row.median_active_seconds),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column in NUMBER_COLUMNS:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.progress_table.setItem(index, column, item)
            bar = QProgressBar()
            bar.setRange(0, 100)
            bar.setValue(round(100 * row.share_done))
            bar.setFormat("%p %")
            self.progress_table.setCellWidget(index, 2, bar)
        self._fit_table()

    def _fit_table(self) -> None:
        """Make the table exactly as tall as its rows (at most ten, then it scrolls)."""
        table = self.progress_table
        shown = min(table.rowCount(), 10)
        rows = sum(table.rowHeight(r) for r in range(shown)) if shown else 0
        if not shown:
            rows = table.verticalHeader().defaultSectionSize()
        height = table.horizontalHeader().sizeHint().height() + rows + 2 * table.frameWidth()
        table.setFixedHeight(height)
