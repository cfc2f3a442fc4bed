"""Review mode in the real window: walk kim's and lee's disagreements into gold by keyboard."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from app.gui.main_window import MainWindow
from storage.annotations import NewSpan, add_spans
from storage.documents import load_document
from storage.facts import SlotState, add_fact, set_slot
from storage.labelfile import open_label_file
from tests.gui.conftest import SCREENSHOTS, WindowFactory, screenshot
from widgets.annotator_tracks import GAP, LANE_WIDTH

WEATHER_DOC = "000_8badc66364e1a625"
AD_DOC = "001_b0f070cd7e78df0e"
LATER_DOC = "003_bed9605c1afd4b42"
ONE_AD = "락토핏 당케어 광고 이미지"
BOTH_ADS = "락토핏 당케어 광고 이미지\n난각막NEM 광고 이미지"
BYLINE = "입력 2024-12-23 16:38\xa0\xa0 수정 2024-12-23 16:41"
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def tag(path: Path, doc_id: str, annotator: str, needle: str, label: str) -> None:
    with open_label_file(path) as label_file:
        stored = load_document(label_file.connection, doc_id)
        assert stored is not None
        start = stored.raw_text.index(needle)
        add_spans(
            label_file, doc_id, [NewSpan("raw", start, start + len(needle), label)], annotator
        )


@pytest.fixture
def team_file(seed_file: Path) -> Path:
    """Kim and lee agree on the byline and differ on how much of the ads is an ad."""
    for annotator in ("kim", "lee"):
        tag(seed_file, AD_DOC, annotator, BYLINE, "byline_dateline")
    tag(seed_file, AD_DOC, "kim", ONE_AD, "ad")
    tag(seed_file, AD_DOC, "lee", BOTH_ADS, "ad")
    tag(seed_file, LATER_DOC, "kim", "작성일", "byline_dateline")
    tag(seed_file, LATER_DOC, "lee", "목록", "nav")
    return seed_file


def gold(path: Path) -> list[tuple[str, str, str, int]]:
    """(doc_id, label, text, deleted) of every gold span, read with sqlite3."""
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT doc_id, label, text, deleted FROM spans WHERE annotator = 'gold'"
            " ORDER BY doc_id, start, deleted"
        ).fetchall()


def press(qtbot: QtBot, window: MainWindow, key: Qt.Key, modifier: object = None) -> None:
    if modifier is None:
        qtbot.keyClick(window.raw_pane, key)
    else:
        qtbot.keyClick(window.raw_pane, key, modifier)  # type: ignore[arg-type]


def review_text(window: MainWindow) -> str:
    """The status bar's count, then what the raw pane's title says is here."""
    return f"{window.adjudication.status.text()} | {window.raw_title.text()}"


def test_walk_a_disagreement_into_gold_and_undo_it(
    qtbot: QtBot, team_file: Path, open_window: WindowFactory
) -> None:
    window = open_window(team_file, "lead")
    assert window.session.current is not None and window.session.current.id == WEATHER_DOC
    assert window.actions_by_name["review_mode"].isEnabled()
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    assert window.adjudication.active and window.tracks.isVisible()
    assert review_text(window).startswith("review mode: 0 disagreements left here")
    press(qtbot, window, Qt.Key.Key_J)  # nothing here: on to the next document with some
    current = window.session.current
    assert current is not None and current.id == AD_DOC
    raw = current.stored.raw_text
    assert window.raw_pane.cursor_position() == raw.index(ONE_AD)
    assert "2 disagreements left here" in review_text(window)
    assert "here: ▶kim ad, lee ad" in review_text(window)
    assert [lane.name for lane in window.tracks.lanes()] == ["kim", "lee", "gold"]

    press(qtbot, window, Qt.Key.Key_G, SHIFT)  # the unanimous byline
    assert gold(team_file) == [(AD_DOC, "byline_dateline", BYLINE, 0)]
    press(qtbot, window, Qt.Key.Key_C)  # lee's version
    assert "here: kim ad, ▶lee ad" in review_text(window)
    qtbot.wait(50)  # let the layout make room for the lanes this document has
    screenshot(window, "review_mode")  # docs/review.png is a copy of it

    press(qtbot, window, Qt.Key.Key_G)
    assert gold(team_file) == [
        (AD_DOC, "byline_dateline", BYLINE, 0),
        (AD_DOC, "ad", BOTH_ADS, 0),
    ]
    assert "0 disagreements left here" in review_text(window)  # kim's version is decided
    # The raw pane paints gold alone; the lanes keep everyone's.
    assert {s.annotator for s in window.session.current.spans} == {"gold"}
    assert len([m for m in window.raw_pane.marks() if m.kind == "span"]) == 2

    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert gold(team_file) == [
        (AD_DOC, "byline_dateline", BYLINE, 0),
        (AD_DOC, "ad", BOTH_ADS, 1),  # a tombstone, so a merge carries the undo
    ]
    assert "2 disagreements left here" in review_text(window)
    press(qtbot, window, Qt.Key.Key_J)  # both left start here: the next document's
    assert window.session.current is not None and window.session.current.id == LATER_DOC


def test_in_review_mode_label_keys_and_reject_edit_gold(
    qtbot: QtBot, team_file: Path, open_window: WindowFactory
) -> None:
    window = open_window(team_file, "lead")
    window.show_document(AD_DOC)
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    assert window.session.current is not None
    raw = window.session.current.stored.raw_text
    second = raw.index("난각막NEM 광고 이미지")
    window.raw_pane.setFocus()
    window.raw_pane.select(second, second + len("난각막NEM 광고 이미지"))
    press(qtbot, window, Qt.Key.Key_3)  # 3 = ad, written as gold
    assert gold(team_file) == [(AD_DOC, "ad", "난각막NEM 광고 이미지", 0)]
    window.raw_pane.select(second + 2, second + 2)
    press(qtbot, window, Qt.Key.Key_Delete, CTRL)  # reject it
    assert gold(team_file) == [(AD_DOC, "ad", "난각막NEM 광고 이미지", 1)]
    press(qtbot, window, Qt.Key.Key_R, CTRL)  # leave review mode: the lead's own labels
    assert not window.adjudication.active and not window.tracks.isVisible()
    assert window.raw_title.text() == "Raw page (tag spam here)"
    assert window.session.writer == "lead"
    with sqlite3.connect(team_file) as db:
        kim_and_lee = db.execute(
            "SELECT count(*) FROM spans WHERE annotator IN ('kim', 'lee') AND doc_id = ?",
            (AD_DOC,),
        ).fetchone()[0]
    assert len(window.session.current.spans) == kim_and_lee == 4


def test_no_review_menu_with_a_single_annotator(
    qtbot: QtBot, seed_file: Path, open_window: WindowFactory
) -> None:
    tag(seed_file, AD_DOC, "kim", ONE_AD, "ad")
    window = open_window(seed_file, "kim")
    assert not window.actions_by_name["review_mode"].isEnabled()
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    assert not window.adjudication.active and window.session.writer == "kim"


def test_clicking_a_bar_in_a_lane_chooses_that_annotator_there(
    qtbot: QtBot, team_file: Path, open_window: WindowFactory
) -> None:
    window = open_window(team_file, "lead")
    window.show_document(AD_DOC)
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    assert window.session.current is not None
    raw = window.session.current.stored.raw_text
    second_line = raw.index("난각막NEM")  # only lee's version covers the second ad line
    tracks = window.tracks
    _, bottom = window.raw_pane.line_extent(second_line, second_line + 3)
    viewport = window.raw_pane.viewport()
    top_of_text = tracks.mapFromGlobal(viewport.mapToGlobal(QPoint(0, 0))).y()
    lee_x = GAP + (LANE_WIDTH + GAP) + LANE_WIDTH // 2
    qtbot.mouseClick(tracks, Qt.MouseButton.LeftButton, pos=QPoint(lee_x, top_of_text + bottom - 3))
    assert window.adjudication.chosen == "lee"
    assert window.raw_pane.cursor_position() == raw.index(ONE_AD)  # the start of lee's span
    [kim, lee, gold_lane] = tracks.lanes()
    assert [m.emphasis for m in kim.marks] == [False, True]  # the byline is agreed
    assert lee.notes[lee.marks[1].key or ""].startswith("ad ")
    assert gold_lane.gold and gold_lane.marks == ()


def test_a_fact_both_annotators_recorded_is_accepted_with_the_unanimous_items(
    qtbot: QtBot, team_file: Path, open_window: WindowFactory
) -> None:
    with open_label_file(team_file) as label_file:
        stored = load_document(label_file.connection, AD_DOC)
        assert stored is not None
        start = stored.raw_text.index("3만개")
        for annotator in ("kim", "lee"):
            fact = add_fact(label_file, AD_DOC, "quantity", annotator)
            state = SlotState("raw", start, start + len("3만개"), "30000")
            set_slot(label_file, fact.id, "value", state, annotator)
    window = open_window(team_file, "lead")
    window.show_document(AD_DOC)
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    press(qtbot, window, Qt.Key.Key_G, SHIFT)
    with sqlite3.connect(team_file) as db:
        slots = db.execute(
            "SELECT f.type, s.role, s.text, s.value FROM facts f JOIN fact_slots s"
            " ON s.fact_id = f.id WHERE f.annotator = 'gold' AND f.deleted = 0"
        ).fetchall()
    assert slots == [("quantity", "value", "3만개", "30000")]
    assert [fact.annotator for fact in window.session.current.facts] == ["gold"]
    press(qtbot, window, Qt.Key.Key_Z, CTRL)  # one undo takes the byline and the fact back
    assert [row[3] for row in gold(team_file)] == [1]


def test_the_agreement_window_shows_each_label_and_each_annotator(
    qtbot: QtBot, team_file: Path, open_window: WindowFactory
) -> None:
    window = open_window(team_file, "lead")
    press(qtbot, window, Qt.Key.Key_R, CTRL | SHIFT)
    agreement = window.adjudication.agreement
    assert agreement is not None and agreement.isVisible()
    view = agreement.view
    names = [view.progress_table.item(row, 0).text() for row in range(2)]
    assert names == ["kim", "lee"]
    charted = {bar.label for bar in view.chart.bars()}
    # kim and lee both tagged the byline, and an ad (over different words).
    assert {"overall", "byline_dateline", "ad"} <= charted
    qtbot.wait(20)
    SCREENSHOTS.mkdir(exist_ok=True)
    assert agreement.grab().save(str(SCREENSHOTS / "agreement_window.png"))
