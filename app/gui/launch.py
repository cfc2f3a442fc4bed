"""Start the window: the annotator's name, the font check, which file to open."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from app.core.adjudication import is_reserved_annotator
from app.demo import ensure_demo_file
from app.gui.main_window import MainWindow
from app.gui.opened_file import open_for_review
from app.gui.settings import Settings
from storage.errors import LabelFileError
from widgets.plain_text import ask_text, plain_message

KOREAN_FONT_PACKAGE = "fonts-nanum"
# Opening a 5,000-span page makes some 30,000 objects: with Python's default threshold
# (700) that is dozens of collections, and a full one over the whole heap at times, which
# made the same open take 85 ms or 180 ms. Measured by ``make bench``.
YOUNG_COLLECTION_THRESHOLD = 20_000
_windows: list[MainWindow] = []  # windows stay alive while the application runs


def run_gui(path: Path | None, *, demo: bool = False) -> int:
    """Open the window on ``path``, the demo, or the last file; return the exit status."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Thresher")
    settings = Settings()
    annotator = settings.annotator
    if not annotator or is_reserved_annotator(annotator):
        annotator = ask_annotator(settings)
    if not annotator:
        return 2
    warn_if_no_korean_font(settings)
    if demo:
        path = ensure_demo_file(path, owner=annotator)
    elif path is None:
        last = settings.last_file
        path = last if last is not None and last.exists() else ensure_demo_file(owner=annotator)
    if open_window(path, settings, annotator) is None:
        return 2
    settle_garbage_collector()
    return int(app.exec())


def settle_garbage_collector() -> None:
    """Once the window is up: keep what exists out of collections, collect less often.

    What was made at start (modules, Qt wrappers, the document list) lives as long as the
    program, so ``gc.freeze`` spares every later collection from walking it again.
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, middle, old)


def open_window(path: Path, settings: Settings, annotator: str) -> MainWindow | None:
    """Open a review window on ``path``; say why not if it is not a label file."""
    try:
        opened = open_for_review(path, annotator)
    except LabelFileError as error:
        plain_message(None, "Thresher", str(error), QMessageBox.Icon.Critical)  # names the path
        return None
    window = MainWindow(opened)
    settings.last_file = path
    _windows.append(window)
    window.show()
    return window


def choose_and_open(parent: QWidget) -> None:
    """Ask for a label file and open it in a new window."""
    name, _ = QFileDialog.getOpenFileName(
        parent, "Open label file", "", "Label files (*.db *.sqlite);;All files (*)"
    )
    if name:
        settings = Settings()
        open_window(Path(name), settings, settings.annotator)


def ask_annotator(settings: Settings) -> str:
    """Ask the annotator's name once; it is kept in the settings.

    ``gold`` is refused: it names the adjudicated layer, and labels made under it would
    pass for a lead's decisions.
    """
    prompt = "Your annotator name (written into the label files):"
    while True:
        name = (ask_text(None, "Welcome to Thresher", prompt) or "").strip()
        if not name:
            return ""
        if not is_reserved_annotator(name):
            settings.annotator = name
            return name
        prompt = f"{name!r} is reserved for the adjudicated gold layer. Another name, please:"


def korean_font_families() -> list[str]:
    """Installed font families that cover Hangul."""
    return list(QFontDatabase.families(QFontDatabase.WritingSystem.Korean))


def warn_if_no_korean_font(settings: Settings) -> None:
    """Say once, with the package to install, that Korean would show as boxes."""
    if korean_font_families() or settings.font_warning_shown:
        return
    QMessageBox.warning(
        None,
        "No Korean font",
        "No installed font covers Korean (Hangul), so Korean text would show as empty "
        f"boxes. Install one, for example:\n\n  sudo apt-get install {KOREAN_FONT_PACKAGE}",
    )
    settings.font_warning_shown = True
