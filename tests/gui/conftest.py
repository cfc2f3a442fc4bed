"""Fixtures for driving the real main window offscreen."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.core.labelschema import default_schema
from app.core.prepare import ImportOptions
from app.gui.main_window import MainWindow
from app.gui.opened_file import open_for_review
from app.ingest import import_sources
from app.session.open_document import SUGGEST_NOW_MAX_CHARS
from storage.labelfile import create_label_file
from tests.conftest import REPO, SAMPLES
from widgets.text_pane import DocumentPane

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
SCREENSHOTS = REPO / "screenshots"


class FakeInteraction:
    """Answers the window's questions at once and remembers what it was told."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.note: str | None = "menu only, no article"
        self.fact_type: str | None = "quantity"

    def ask_note(self, doc_id: str, current: str) -> str | None:
        return self.note

    def inform(self, message: str) -> None:
        self.messages.append(message)

    def open_other_file(self) -> None:
        self.messages.append("open requested")

    def choose_fact_type(self, types: list[tuple[str, str]]) -> str | None:
        assert self.fact_type is None or self.fact_type in dict(types)
        return self.fact_type


def make_label_file(path: Path, sources: list[Path], owner: str = "kim") -> Path:
    with create_label_file(path, owner=owner, schema=default_schema()) as label_file:
        report = import_sources(label_file, sources, ImportOptions(annotator=owner))
    assert not report.refusals, report.refusals
    return path


LONG_SEED = SAMPLES / "001_b0f070cd7e78df0e.txt"
# Enough copies of one seed page to pass the size from which work moves to a helper process.
LONG_PAGE_COPIES = SUGGEST_NOW_MAX_CHARS // len(LONG_SEED.read_text("utf-8")) + 2


def long_and_short_file(path: Path, copies: int = LONG_PAGE_COPIES) -> Path:
    """A label file of document "long" (``copies`` of a seed page) and "short" (one)."""
    pages = path.parent / f"{path.stem}-pages"
    pages.mkdir()
    seed = LONG_SEED.read_text("utf-8")
    (pages / "long.txt").write_text("\n\n".join([seed] * copies), "utf-8")
    (pages / "short.txt").write_text(seed, "utf-8")
    return make_label_file(path, [pages])


@pytest.fixture
def pane(qtbot: QtBot) -> Iterator[DocumentPane]:
    """A shown document pane, 640 x 400."""
    widget = DocumentPane()
    qtbot.addWidget(widget)
    widget.resize(640, 400)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.close()


@pytest.fixture
def seed_file(tmp_path: Path) -> Path:
    """A label file made from the bundled sample pages."""
    return make_label_file(tmp_path / "seeds.db", [SAMPLES])


WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def open_window(qtbot: QtBot) -> Iterator[WindowFactory]:
    """Open a real main window on a label file, shown and active."""
    windows: list[MainWindow] = []

    def factory(path: Path, annotator: str = "kim") -> MainWindow:
        window = MainWindow(open_for_review(path, annotator), FakeInteraction())
        qtbot.addWidget(window)
        with qtbot.waitActive(window):
            window.show()
        windows.append(window)
        return window

    yield factory
    for window in windows:
        window.close()


def live_spans(path: Path) -> list[tuple[str, str, int, int, str, str]]:
    """(doc_id, layer, start, end, label, text) of the file's live spans, read with sqlite3."""
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT doc_id, layer, start, end, label, text FROM spans WHERE deleted = 0"
            " ORDER BY doc_id, start"
        ).fetchall()


def screenshot(window: MainWindow, name: str) -> Path:
    """Save what the window shows, for a person to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # Let posted layout requests run first, as the event loop does before a user sees a
    # paint: a label whose text just changed overlapped its neighbour in a grab otherwise.
    QApplication.processEvents()
    assert window.grab().save(str(path))
    return path
