"""A hostile label file in the real window: what comes from the file shows as plain text.

Label names and descriptions, document ids and titles, notes, annotator names and fact
descriptions are set to markup: ``<img src=...>`` pointing at a file whose opening the
test watches (inotify), and ``<b>bold</b>``, which must show as those characters. Before
the fix, Qt read the image (a FIFO there hung the window; /dev/zero read until memory ran
out) and drew the bold.
"""

from __future__ import annotations

import ctypes
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QEvent, QPoint, Qt, QTimer
from PySide6.QtGui import QHelpEvent, QTextDocument
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import QApplication, QLabel, QToolTip, QWidget
from pytestqt.qtbot import QtBot

from app.gui.interaction import QtInteraction
from app.gui.main_window import MainWindow
from tests.conftest import REPO
from tests.gui.conftest import WindowFactory, make_label_file
from widgets.plain_text import menu_text, plain_tooltip, rich_escaped
from widgets.shortcuts_sheet import sheet_html

BOLD = "<b>bold</b>"
IN_OPEN = 0x20


class OpenWatch:
    """Counts the times a file is opened (Linux inotify), without reading it ourselves."""

    def __init__(self, path: Path) -> None:
        self._libc = ctypes.CDLL(None, use_errno=True)
        self._fd = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        assert self._fd >= 0
        assert self._libc.inotify_add_watch(self._fd, os.fsencode(path), IN_OPEN) >= 0

    def opened(self) -> bool:
        try:
            return bool(os.read(self._fd, 4096))
        except BlockingIOError:
            return False

    def close(self) -> None:
        os.close(self._fd)


def hostile_file(folder: Path, image: Path) -> tuple[Path, dict[str, str]]:
    """A label file whose every file-borne text is markup; returns it and those texts."""
    img = f'<img src="{image}">'
    texts = {
        "label": f"{img}nav",
        "bold_label": BOLD,
        "description": f"{BOLD} and {img}",
        "doc_id": f"{img}page",
        "title": f"{BOLD}{img} title",
        "note": f"{img} why",
        "annotator": "<b>lee</b>",
        "slot_description": f"{BOLD}{img}",
    }
    raw = "첫 줄 메뉴\n둘째 줄 광고\n셋째 줄 본문"
    record = {
        "id": texts["doc_id"],
        "title": texts["title"],
        "raw_text": raw,
        "spans": [
            {"layer": "raw", "start": 0, "end": 5, "label": "nav", "annotator": "kim"},
            {"layer": "raw", "start": 0, "end": 4, "label": "nav", "annotator": "lee"},
            {"layer": "raw", "start": 6, "end": 12, "label": "ad", "annotator": "lee"},
        ],
        "facts": [
            {
                "type": "quantity",
                "annotator": "kim",
                "slots": [{"role": "subject", "layer": "raw", "start": 6, "end": 8}],
            }
        ],
        "status": [{"status": "flagged", "note": texts["note"], "annotator": "kim"}],
    }
    pages = folder / "hostile.jsonl"
    pages.write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")
    path = make_label_file(folder / "hostile.db", [pages])
    # What anyone can do to a file with sqlite3 before handing it over.
    with sqlite3.connect(path) as db:
        for old, new in (("nav", texts["label"]), ("ad", texts["bold_label"])):
            db.execute("UPDATE labels SET name = ? WHERE name = ?", (new, old))
            db.execute("UPDATE spans SET label = ? WHERE label = ?", (new, old))
        db.execute("UPDATE labels SET description = ?", (texts["description"],))
        db.execute("UPDATE fact_types SET description = ?", (texts["description"],))
        db.execute("UPDATE fact_type_slots SET description = ?", (texts["slot_description"],))
        for table in ("spans", "facts", "fact_slots", "document_status"):
            db.execute(f"UPDATE {table} SET annotator = ? WHERE annotator = 'lee'", ("<b>lee</b>",))
    return path, texts


def shown(text: str, rich: bool) -> QTextDocument:
    """The document Qt lays out for ``text``, rich or plain."""
    document = QTextDocument()
    if rich:
        document.setHtml(text)
    else:
        document.setPlainText(text)
    return document


def label_document(label: QLabel) -> QTextDocument:
    fmt = label.textFormat()
    rich = fmt == Qt.TextFormat.RichText or (
        fmt == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(label.text())
    )
    return shown(label.text(), rich)


def tooltip_document(tip: str) -> QTextDocument:
    """Tooltips have no format of their own: Qt guesses, as for an AutoText label."""
    return shown(tip, GuiQt.mightBeRichText(tip))


def has_image(document: QTextDocument) -> bool:
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            if it.fragment().charFormat().isImageFormat():
                return True
            it += 1
        block = block.next()
    return False


def tooltips(widget: QWidget) -> Iterator[str]:
    for child in [widget, *widget.findChildren(QWidget)]:
        if child.toolTip():
            yield child.toolTip()


def lane_tooltips(window: MainWindow) -> list[str]:
    """What hovering each of review mode's lanes shows (annotator names)."""
    tracks, shown_tips = window.tracks, []
    for x in range(2, tracks.width(), 6):
        point = QPoint(x, tracks.height() // 2)
        QApplication.sendEvent(
            tracks, QHelpEvent(QEvent.Type.ToolTip, point, tracks.mapToGlobal(point))
        )
        if QToolTip.isVisible():
            shown_tips.append(QToolTip.text())
    assert shown_tips, "no lane showed a tooltip"
    return shown_tips


@pytest.fixture
def image(tmp_path: Path) -> Path:
    path = tmp_path / "probe.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n")  # its content never matters: only its opening
    return path


@pytest.fixture
def watch(image: Path) -> Iterator[OpenWatch]:
    if not sys.platform.startswith("linux"):
        pytest.skip("inotify is Linux's")
    watcher = OpenWatch(image)
    yield watcher
    watcher.close()


def open_everything(qtbot: QtBot, window: MainWindow, texts: dict[str, str]) -> list[QWidget]:
    """Show the document, review mode with its lanes and the agreement window."""
    window.show_document(texts["doc_id"])
    status = label_document(window.status_label).toPlainText()  # before review mode's gold
    assert status.startswith(texts["doc_id"]) and f"Note: {texts['note']}" in status
    window.adjudication.toggle()
    window.adjudication.show_agreement()
    agreement = window.adjudication.agreement
    assert agreement is not None
    qtbot.waitUntil(lambda: agreement.view.chart.rows() != [])
    QApplication.processEvents()
    return [window, agreement]


def test_a_hostile_label_file_loads_no_image_and_shows_markup_literally(
    qtbot: QtBot, tmp_path: Path, image: Path, watch: OpenWatch, open_window: WindowFactory
) -> None:
    path, texts = hostile_file(tmp_path, image)
    window = open_window(path)
    top_levels = open_everything(qtbot, window, texts)
    labels = [label for top in top_levels for label in top.findChildren(QLabel)]
    tips = [tip for top in top_levels for tip in tooltips(top)]
    model = window.document_list.model
    tips += [model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)]
    fact_list = window.fact_panel.fact_list
    tips += [fact_list.item(row).toolTip() for row in range(fact_list.count())]
    agreement = window.adjudication.agreement
    assert agreement is not None
    chart = agreement.view.chart
    chart_tips = [chart.tooltip_at(int(bar.rect.center().y())) for bar in chart.bars()]
    tips += chart_tips
    lane_tips = lane_tooltips(window)
    tips += lane_tips
    for tip in tips:  # as Qt shows them, one after the other
        QToolTip.showText(window.mapToGlobal(QPoint(20, 20)), tip, window)
        QApplication.processEvents()
    QToolTip.hideText()

    assert not watch.opened(), "the window opened the file an <img src> in the label file names"
    for label in labels:
        document = label_document(label)
        assert not has_image(document), label.text()
        for markup in (BOLD, "<img", "<b>lee</b>"):
            if markup in label.text():
                assert markup in document.toPlainText(), label.text()
    assert not [tip for tip in tips if has_image(tooltip_document(tip))]

    def as_shown(tip: str) -> str:
        return tooltip_document(tip).toPlainText()

    # What a person reads, where they read it.
    palette = window.label_palette
    assert as_shown(palette.button(texts["label"]).toolTip()) == texts["description"]
    assert texts["label"] in [
        label.text() for label in palette.button(texts["label"]).findChildren(QLabel)
    ]
    assert as_shown(model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)) == (
        f"{texts['title']}\n{texts['doc_id']}"
    )
    status = label_document(window.status_label).toPlainText()
    assert status.startswith(f"{texts['doc_id']}\n")  # gold's status now, still the id
    assert texts["annotator"] in label_document(window.raw_title).toPlainText()
    assert texts["annotator"] in [as_shown(tip) for tip in lane_tips]
    assert texts["annotator"] in label_document(agreement.view.summary).toPlainText()
    assert any(as_shown(tip).startswith(f"{texts['label']}: ") for tip in chart_tips)
    assert any(as_shown(tip).startswith(f"{BOLD}: ") for tip in chart_tips)
    names = [window.actions_by_name[f"label:{name}"].text() for name in (texts["label"], BOLD)]
    assert names == [menu_text(texts["label"]), BOLD]


# Markup, entities, spaces, line breaks, Hangul. Not carriage returns: Qt shows one as a
# line break; nor a leading line break, which HTML drops.
FILE_TEXT = st.text(st.sampled_from(list("<>&;\"'/=b img src  \n\tx가나")), max_size=40).filter(
    lambda text: not text.startswith("\n")
)


@settings(max_examples=150, deadline=None)
@given(text=FILE_TEXT)
def test_what_the_helpers_make_shows_the_very_characters(qapp: QApplication, text: str) -> None:
    assert tooltip_document(plain_tooltip(text)).toPlainText() == text
    assert shown(f"<b>x</b>{rich_escaped(text)}", rich=True).toPlainText() == f"x{text}"


def test_tooltips_and_rich_pieces_keep_their_characters(qtbot: QtBot) -> None:
    for text in (BOLD, '<img src="/dev/zero">', "a & b\n<i>x</i>", "plain words"):
        assert tooltip_document(plain_tooltip(text)).toPlainText() == text
        assert shown(rich_escaped(text), rich=True).toPlainText() == text
    assert plain_tooltip("plain words") == "plain words"  # ordinary tooltips stay as they were
    html = sheet_html([("Label", [("1", BOLD)])])
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def modal_labels(qtbot: QtBot, ask: Callable[[], object]) -> list[tuple[str, QTextDocument]]:
    """Run ``ask`` (a modal dialog); read its labels as shown, then close it."""
    seen: list[tuple[str, QTextDocument]] = []

    def read_and_close() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog is not None
        seen.extend((label.text(), label_document(label)) for label in dialog.findChildren(QLabel))
        dialog.close()

    QTimer.singleShot(0, read_and_close)
    ask()
    return seen


def test_message_boxes_and_questions_show_file_text_plain(qtbot: QtBot, image: Path) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    asking = QtInteraction(parent)
    img = f'<img src="{image}">'
    for ask, text in (
        (lambda: asking.inform(f"{BOLD} {img} was refused"), f"{BOLD} {img} was refused"),
        (lambda: asking.ask_note(f"{img}page", ""), f"Why is {img}page flagged?"),
    ):
        seen = modal_labels(qtbot, ask)
        assert text in [document.toPlainText() for _, document in seen]
        assert not any(has_image(document) for _, document in seen)


WINDOW_ON = """
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
app = QApplication([])
from app.gui.main_window import MainWindow
from app.gui.opened_file import open_for_review
from tests.gui.conftest import FakeInteraction
window = MainWindow(open_for_review(Path(sys.argv[1]), "kim"), FakeInteraction())
window.show()
window.show_document(sys.argv[2])
for _ in range(20):
    app.processEvents()
print("shown", flush=True)
window.close()
"""


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_an_image_naming_a_fifo_does_not_hang_the_window(tmp_path: Path) -> None:
    """Reading a FIFO waits for a writer that never comes: Qt must never open it."""
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    path, texts = hostile_file(tmp_path, fifo)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    try:
        # A guard against a hang, not a measure of speed: the window shows in a second or two.
        done = subprocess.run(
            [sys.executable, "-c", WINDOW_ON, str(path), texts["doc_id"]],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the window hung opening the FIFO a label's <img src> names")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "shown"
