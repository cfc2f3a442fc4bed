"""A full disk refuses edits with a clear message and loses nothing saved before.

The disk is made "full" with a file-size limit (``RLIMIT_FSIZE``) just above the label
file's size, with SIGXFSZ ignored so writes fail with EFBIG as on a full filesystem.
"""

from __future__ import annotations

import os
import resource
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from storage.annotations import NewSpan, add_spans
from storage.errors import WriteFailed
from storage.labelfile import open_label_file
from storage.validate import validate
from tests.gui.conftest import WindowFactory, live_spans

DOC = "001_b0f070cd7e78df0e"


@contextmanager
def disk_full_after(path: Path, spare_bytes: int) -> Iterator[None]:
    """No file may grow beyond ``path``'s size plus ``spare_bytes`` inside the block."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (os.path.getsize(path) + spare_bytes, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


def test_full_disk_refuses_the_edit_and_keeps_everything_saved(seed_file: Path) -> None:
    saved = 0
    with open_label_file(seed_file) as label_file:
        with disk_full_after(seed_file, 60_000), pytest.raises(WriteFailed) as refused:
            for number in range(100_000):
                add_spans(
                    label_file, DOC, [NewSpan("raw", number % 400, number % 400 + 3, "nav")], "kim"
                )
                saved += 1
        assert "disk is full" in str(refused.value) and str(seed_file) in str(refused.value)
        assert saved > 0
        # Space again: the same open file takes edits again.
        add_spans(label_file, DOC, [NewSpan("raw", 0, 2, "ad")], "kim")
    with open_label_file(seed_file, read_only=True) as label_file:
        assert validate(label_file.connection) == []
    assert len(live_spans(seed_file)) == saved + 1


def test_the_window_says_not_saved_and_stays_usable(
    qtbot: QtBot, seed_file: Path, open_window: WindowFactory
) -> None:
    window = open_window(seed_file)
    window.show_document(DOC)
    pane = window.raw_pane
    pane.setFocus()
    pane.select(0, 4)
    qtbot.keyClick(pane, Qt.Key.Key_1)
    assert len(live_spans(seed_file)) == 1
    with disk_full_after(seed_file, 0):
        for start in range(10, 400, 10):  # until the file cannot grow any more
            pane.select(start, start + 4)
            qtbot.keyClick(pane, Qt.Key.Key_1)
            if window.save_label.text() == "NOT SAVED":
                break
    assert window.save_label.text() == "NOT SAVED"
    messages = window.interaction.messages  # type: ignore[attr-defined]
    assert any("not saved" in m and "disk is full" in m for m in messages)
    shown = {(s.start, s.end) for s in window.session.current.spans}
    assert {(r[2], r[3]) for r in live_spans(seed_file)} == shown  # the UI shows what is saved
    qtbot.keyClick(pane, Qt.Key.Key_BracketRight)  # the window still moves on
    assert window.session.current.id != DOC
    with open_label_file(seed_file, read_only=True) as label_file:
        assert validate(label_file.connection) == []
