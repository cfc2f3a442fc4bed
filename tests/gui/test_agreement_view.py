"""The agreement view, driven offscreen: what a lead sees of a report."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import pytest
from PySide6.QtWidgets import QProgressBar
from pytestqt.qtbot import QtBot

from app.core.agreement import AgreementReport, AgreementTally, AnnotatorProgress, SharedDocument
from app.core.document import SpanRecord
from tests.gui.conftest import SCREENSHOTS
from widgets.agreement_view import EMPTY_TEXT, METRICS, VALUE_ROOM, AgreementView

T = "2026-01-01T00:00:00.000000Z"
PARK = "박지민"


def span(who: str, start: int, end: int, label: str) -> SpanRecord:
    return SpanRecord(str(uuid.uuid4()), "raw", start, end, label, "", who, T, T)


def doc(length: int, spans: Sequence[SpanRecord], *who: str) -> SharedDocument:
    names = frozenset(who) | {s.annotator for s in spans}
    return SharedDocument(str(uuid.uuid4()), length, names, tuple(spans), ())


PROGRESS = (
    AnnotatorProgress("kim", 3, 5, 7, 1, median_active_seconds=80.4),
    AnnotatorProgress("lee", 5, 5, 6, 0),
    AnnotatorProgress(PARK, 0, 4, 1, 0),
)


def team_report() -> AgreementReport:
    """kim and lee agree on nav, half agree on an ad; park's comment is kim's widget."""
    tally = AgreementTally()
    tally.add(
        doc(
            100,
            [
                span("kim", 0, 10, "nav"),
                span("lee", 0, 10, "nav"),
                span("kim", 20, 30, "ad"),
                span("lee", 25, 40, "ad"),
                span("kim", 50, 90, "subscribe_cookie_paywall"),
                span("lee", 50, 88, "subscribe_cookie_paywall"),
            ],
        )
    )
    tally.add(doc(60, [span("kim", 0, 30, "widget"), span(PARK, 0, 30, "comment")]))
    order = ["nav", "ad", "comment", "subscribe_cookie_paywall", "widget"]
    return tally.report(order, progress=PROGRESS)


@pytest.fixture
def view(qtbot: QtBot) -> AgreementView:
    shown = AgreementView(team_report())
    qtbot.addWidget(shown)
    shown.resize(760, 620)
    with qtbot.waitExposed(shown):
        shown.show()
    return shown


def test_the_chart_has_a_row_per_label_overall_first_and_two_bars_each(
    view: AgreementView,
) -> None:
    names = [row.name for row in view.chart.rows()]
    assert names == ["overall", "nav", "ad", "comment", "subscribe_cookie_paywall", "widget"]
    bars = view.chart.bars()
    assert len(bars) == len(names) * len(METRICS) == 12
    assert {bar.metric for bar in bars} == {"overlap F1", "kappa"}
    by = {(bar.label, bar.metric): bar for bar in bars}
    nav, ad = by[("nav", "overlap F1")], by[("ad", "overlap F1")]
    assert nav.value == 1.0 and ad.value == 1.0
    assert nav.rect.width() > 0 and nav.rect.width() == pytest.approx(ad.rect.width())
    # kim's and park's only overlap is a widget against a comment: no same-label match.
    assert by[("widget", "overlap F1")].value == 0.0
    assert by[("widget", "overlap F1")].rect.width() == 0
    # Every bar and the value written after it lie inside the chart: nothing is cut off.
    chart = view.chart.rect().toRectF()
    for bar in bars:
        assert chart.left() < bar.rect.left() and bar.rect.bottom() < chart.bottom(), bar
        assert bar.rect.right() + VALUE_ROOM <= chart.right(), bar


def test_a_worse_than_chance_kappa_points_left_of_zero(qtbot: QtBot) -> None:
    tally = AgreementTally()
    # Each tags exactly what the other left alone: kappa -1.
    tally.add(doc(10, [span("kim", 0, 5, "nav"), span("lee", 5, 10, "nav")]))
    shown = AgreementView(tally.report(["nav"]))
    qtbot.addWidget(shown)
    shown.resize(600, 300)
    shown.show()
    bars = {(b.label, b.metric): b for b in shown.chart.bars()}
    kappa, f1 = bars[("nav", "kappa")], bars[("nav", "overlap F1")]
    assert kappa.value == pytest.approx(-1.0)
    assert kappa.rect.right() == pytest.approx(f1.rect.left())  # both start at the zero line
    assert kappa.rect.width() > 0


def test_hovering_a_row_lists_its_pairs(view: AgreementView) -> None:
    ad_top = view.chart.bars()[2 * 2].rect.top()  # the "ad" row
    text = view.chart.tooltip_at(int(ad_top) + 2)
    assert text.startswith("<b>ad</b>: 1 documents, 2 spans")
    assert "kim / lee (1 docs): exact F1 0.00, overlap F1 1.00" in text
    assert view.chart.tooltip_at(0) == ""


def test_the_progress_table_shows_each_annotator(view: AgreementView) -> None:
    table = view.progress_table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers == ["Annotator", "Done / assigned", "Progress", "Spans", "Facts", "Active / doc"]
    rows = [[table.item(r, c).text() for c in (0, 1, 3, 4, 5)] for r in range(table.rowCount())]
    assert rows == [
        ["kim", "3 / 5", "7", "1", "1m 20s"],
        ["lee", "5 / 5", "6", "0", "-"],
        [PARK, "0 / 4", "1", "0", "-"],
    ]
    bars = [table.cellWidget(r, 2) for r in range(table.rowCount())]
    assert all(isinstance(bar, QProgressBar) for bar in bars)
    assert [bar.value() for bar in bars if isinstance(bar, QProgressBar)] == [60, 100, 0]


def test_the_summary_names_the_documents_and_annotators(view: AgreementView) -> None:
    text = view.summary.text()
    assert f"over 2 documents labelled by two or more of kim, lee, {PARK}" in text
    assert "alpha " in text
    assert view.chart_area.isVisible() and not view.empty_message.isVisible()


def test_an_empty_report_says_there_is_nothing_to_compare(qtbot: QtBot) -> None:
    empty = AgreementTally().report(progress=PROGRESS[:1])
    shown = AgreementView(empty)
    qtbot.addWidget(shown)
    shown.resize(600, 400)
    with qtbot.waitExposed(shown):
        shown.show()
    assert shown.empty_message.isVisible() and shown.empty_message.text() == EMPTY_TEXT
    assert not shown.chart_area.isVisible() and shown.chart.bars() == []
    assert shown.progress_table.rowCount() == 1
    shown.set_report(None)
    assert shown.empty_message.isVisible() and shown.progress_table.rowCount() == 0
    SCREENSHOTS.mkdir(exist_ok=True)
    assert shown.grab().save(str(SCREENSHOTS / "agreement_empty.png"))


def test_a_new_report_replaces_the_old_one(view: AgreementView) -> None:
    view.set_report(AgreementTally().report())
    assert view.empty_message.isVisible() and view.progress_table.rowCount() == 0
    view.set_report(team_report())
    assert view.chart_area.isVisible() and len(view.chart.bars()) == 12


def test_screenshot_of_the_view(view: AgreementView) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    assert view.grab().save(str(SCREENSHOTS / "agreement.png"))
