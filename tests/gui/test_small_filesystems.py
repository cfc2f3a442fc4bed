"""Real small and read-only filesystems: a tmpfs that fills up, and one mounted read-only.

Mounting needs root (CI on this project's Debian machines runs as root); elsewhere these
tests skip and ``test_full_disk.py`` covers the full disk with a file-size limit instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.gui.opened_file import open_for_review
from storage.annotations import NewSpan, add_spans
from storage.errors import WriteFailed
from storage.labelfile import open_label_file
from storage.validate import validate
from tests.gui.conftest import WindowFactory, live_spans

DOC = "001_b0f070cd7e78df0e"


def mount(folder: Path, *options: str) -> None:
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", ",".join(options), "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small filesystem needs root")
    folder = tmp_path / "disk"
    folder.mkdir()
    mount(folder, "size=2m")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_filesystem_that_fills_up(small_disk: Path, seed_file: Path) -> None:
    path = small_disk / "labels.db"
    shutil.copyfile(seed_file, path)
    saved = 0
    with open_label_file(path) as label_file, pytest.raises(WriteFailed, match="disk is full"):
        for number in range(1_000_000):
            spans = [NewSpan("raw", i % 400, i % 400 + 3, "nav") for i in range(50)]
            add_spans(label_file, DOC, spans, f"annotator-{number}")
            saved += 50
    assert saved > 0
    with open_label_file(path, read_only=True) as label_file:
        assert validate(label_file.connection) == []
    assert len(live_spans(path)) == saved


def test_a_read_only_mount_opens_read_only_and_refuses_edits(
    qtbot: QtBot, small_disk: Path, seed_file: Path, open_window: WindowFactory
) -> None:
    path = small_disk / "labels.db"
    shutil.copyfile(seed_file, path)
    with open_label_file(path) as label_file:
        add_spans(label_file, DOC, [NewSpan("raw", 0, 4, "nav")], "kim")
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    opened = open_for_review(path, "kim")
    assert opened.read_only_reason
    opened.close()
    window = open_window(path)
    assert "read-only" in window.windowTitle()
    window.show_document(DOC)
    window.raw_pane.setFocus()
    window.raw_pane.select(10, 14)
    qtbot.keyClick(window.raw_pane, Qt.Key.Key_2)
    assert window.interaction.messages  # type: ignore[attr-defined]
    assert [(s.start, s.end) for s in window.session.current.spans] == [(0, 4)]
    with open_label_file(path, read_only=True) as label_file:  # what the file holds
        rows = label_file.connection.execute("SELECT start, end FROM spans").fetchall()
    assert rows == [(0, 4)]
