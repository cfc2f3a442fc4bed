"""Find, tag-all and active time in the real window, driven offscreen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.gui import find_dock
from app.gui.main_window import LINE_MODEL
from bench.site_corpus import SitePage, site_corpus, write_site_corpus
from storage.active_time import active_seconds
from storage.annotations import NewSpan
from storage.labelfile import open_label_file
from tests.gui.conftest import WindowFactory, live_spans, make_label_file, screenshot

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def corpus() -> list[SitePage]:
    return site_corpus(sites=2, pages=3)


@pytest.fixture
def sites_file(tmp_path: Path, corpus: list[SitePage]) -> Path:
    records = write_site_corpus(tmp_path / "sites.jsonl", corpus)
    return make_label_file(tmp_path / "sites.db", [records])


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def search(qtbot: QtBot, window: object, pattern: str) -> None:
    dock = window.find_dock  # type: ignore[attr-defined]
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_F, CTRL_SHIFT)  # type: ignore[attr-defined]
    assert dock.dock.isVisible() and dock.panel.pattern.hasFocus()
    dock.panel.pattern.setText(pattern)  # QTest types ASCII only
    qtbot.keyClick(dock.panel.pattern, Qt.Key.Key_Return)


def test_enter_on_a_hit_opens_it_with_its_range_selected(
    qtbot: QtBot, sites_file: Path, open_window: WindowFactory, corpus: list[SitePage]
) -> None:
    window = open_window(sites_file)
    search(qtbot, window, "행사 더보기")
    panel = window.find_dock.panel
    hits = panel.hits()
    assert hits and {hit.doc_id for hit in hits} <= {page.doc_id for page in corpus}
    last = panel.results.topLevelItem(len(hits) - 1)
    assert last is not None
    panel.results.setCurrentItem(last)
    qtbot.keyClick(panel.results, Qt.Key.Key_Return)

    assert window.session.current is not None
    assert window.session.current.id == hits[-1].doc_id
    assert window.raw_pane.selection() == (hits[-1].start, hits[-1].end)
    assert window.raw_pane.hasFocus()


def test_a_label_key_tags_every_hit_as_one_undo_step(
    qtbot: QtBot, sites_file: Path, open_window: WindowFactory, corpus: list[SitePage]
) -> None:
    window = open_window(sites_file)
    before = live_spans(sites_file)
    search(qtbot, window, "기상청 제공")
    assert window.find_dock.panel.summary.text() == "3 hits in 3 documents"
    # "7" is copyright_footer in the palette; in the list it tags, it does not tag the page.
    qtbot.keyClick(window.find_dock.panel.results, Qt.Key.Key_Q)  # Q: widget

    tagged = [span for span in live_spans(sites_file) if span not in before]
    assert [(span[0], span[4], span[5]) for span in tagged] == [
        (page.doc_id, "widget", "기상청 제공") for page in corpus[:3]
    ]
    assert "Tagged 3 hits as widget in 3 documents" in window.find_dock.panel.summary.text()
    screenshot(window, "find-tag-all")
    assert window.undo_stack.count() == 1

    qtbot.keyClick(window.raw_pane, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert live_spans(sites_file) == before
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert [s for s in live_spans(sites_file) if s not in before] == tagged


def test_active_seconds_count_input_within_two_minutes_while_focused(
    qtbot: QtBot, sites_file: Path, open_window: WindowFactory
) -> None:
    window = open_window(sites_file)
    clock = FakeClock()
    window.active_time.use_clock(clock)
    first = window.session.current.id  # type: ignore[union-attr]
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_Right)
    clock.now += 30
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_Right)
    clock.now += 10
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_BracketRight)  # next document: 40 s stored
    second = window.session.current.id  # type: ignore[union-attr]
    clock.now += 500  # stepped away: only the two minutes after the last key count
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_BracketLeft)
    window.close()

    with open_label_file(sites_file, read_only=True) as label_file:
        db = label_file.connection
        assert active_seconds(db, first, "kim") == pytest.approx(40.0)
        assert active_seconds(db, second, "kim") == pytest.approx(120.0)


def test_line_model_suggestions_come_from_the_helper_process(
    qtbot: QtBot, sites_file: Path, open_window: WindowFactory, corpus: list[SitePage]
) -> None:
    window = open_window(sites_file)
    session = window.session
    for page in corpus[:3]:  # three finished pages: the model is trained in the helper
        window.show_document(page.doc_id)
        spans = [NewSpan("raw", s, e, label) for s, e, label in page.gold_spans()]
        session.add_spans(page.doc_id, spans)
        session.set_status(page.doc_id, "done", None)
    assert window.helper.busy(LINE_MODEL)
    window.show_document(corpus[3].doc_id)
    qtbot.waitUntil(lambda: session.sources.model is not None, timeout=120_000)

    marks = [m.key for m in window.raw_pane.marks() if m.kind == "suggestion"]
    assert any(key.startswith("m") for key in marks)  # painted when the model arrived


def test_with_nothing_checked_every_hit_is_tagged_also_past_the_listed_ones(
    qtbot: QtBot,
    sites_file: Path,
    open_window: WindowFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(find_dock, "LISTED_HITS", 1)
    window = open_window(sites_file)
    search(qtbot, window, "기상청 제공")
    assert window.find_dock.panel.summary.text() == (
        "First 1 hit in 1 document shown; the search stopped there (tag all still takes every hit)"
    )
    qtbot.keyClick(window.find_dock.panel.results, Qt.Key.Key_Q)
    assert sum(span[5] == "기상청 제공" for span in live_spans(sites_file)) == 3
