"""The side panel shows how the cleaner did on the open document, as thresher evaluate does."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.gui.cleaner_score import SCORING_LONG_PAGE, SETTLE_MS, describe
from tests.gui.conftest import WindowFactory, long_and_short_file

DOC_001 = "001_b0f070cd7e78df0e"
SENTENCE = "2026년까지 3만개를 확보해야 한다"  # article text the cleaner kept


def counts(text: str) -> tuple[int, int]:
    """(chars kept wrongly, chars lost) from the score line."""
    found = re.search(r"\((\d+) chars kept wrongly, (\d+) lost\)", text)
    assert found, text
    return int(found[1]), int(found[2])


def test_the_score_follows_the_labels_of_the_open_document(
    qtbot: QtBot, seed_file: Path, open_window: WindowFactory
) -> None:
    window = open_window(seed_file)
    window.show_document(DOC_001)
    qtbot.waitUntil(lambda: "tag spam or mark done" in window.cleaner_score.text())

    qtbot.keyClick(window.raw_pane, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: "Cleaner (lines) vs kim: P" in window.cleaner_score.text())
    # Every dropped run is now tagged spam: the cleaner kept (almost) exactly the rest.
    wrong_before, lost_before = counts(window.cleaner_score.text())
    assert lost_before == 0

    raw = window.session.current.stored.raw_text
    start = raw.index(SENTENCE)
    window.raw_pane.select(start, start + len(SENTENCE))
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_5)  # call the sentence a comment
    visible = len(SENTENCE.replace(" ", ""))
    qtbot.waitUntil(
        lambda: counts(window.cleaner_score.text()) == (wrong_before + visible, 0),
        timeout=SETTLE_MS * 8,
    )


def test_marking_done_without_spans_scores_against_an_all_kept_page(
    qtbot: QtBot, seed_file: Path, open_window: WindowFactory
) -> None:
    window = open_window(seed_file)
    window.show_document(DOC_001)
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    window.show_document(DOC_001)  # marking done moved on; come back
    qtbot.waitUntil(lambda: "Cleaner (lines)" in window.cleaner_score.text())
    text = window.cleaner_score.text()
    # Nothing tagged as spam: everything the cleaner dropped counts as lost.
    assert "R 1.00" not in text
    assert counts(text)[1] > 0


def test_a_long_page_is_scored_in_the_helper_with_the_same_figures(
    qtbot: QtBot, tmp_path: Path, open_window: WindowFactory
) -> None:
    window = open_window(long_and_short_file(tmp_path / "long.db"))
    window.show_document("long")
    raw = window.session.current.stored.raw_text
    start = raw.index(SENTENCE)
    window.raw_pane.select(start, start + len(SENTENCE))
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_5)
    window.cleaner_score.update_now()
    assert window.cleaner_score.text() == SCORING_LONG_PAGE  # the window did not wait
    qtbot.waitUntil(lambda: "Cleaner (lines) vs kim: P" in window.cleaner_score.text())
    assert window.cleaner_score.text() == describe(window.session.current, "kim")


def test_a_long_page_score_arriving_after_the_page_was_left_is_dropped(
    qtbot: QtBot, tmp_path: Path, open_window: WindowFactory
) -> None:
    window = open_window(long_and_short_file(tmp_path / "two.db", copies=60))
    window.show_document("long")
    window.raw_pane.select(0, 10)
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_5)
    window.cleaner_score.update_now()
    assert window.cleaner_score.text() == SCORING_LONG_PAGE
    window.show_document("short")  # before the helper (a new process) can answer
    window.cleaner_score.update_now()
    short_line = window.cleaner_score.text()
    qtbot.wait(2_000)
    assert window.cleaner_score.text() == short_line
    assert "tag spam or mark done" in short_line
