"""What the window remembers between runs: the annotator's name and the last file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings


class Settings:
    """A thin typed layer over ``QSettings`` (an INI file, so tests can point elsewhere)."""

    def __init__(self, path: Path | None = None) -> None:
        if path is None:
            self._qt = QSettings("Thresher", "Thresher")
        else:
            self._qt = QSettings(str(path), QSettings.Format.IniFormat)

    @property
    def annotator(self) -> str:
        """The annotator's name; empty until the first start asked for it."""
        return str(self._qt.value("annotator", "") or "")

    @annotator.setter
    def annotator(self, name: str) -> None:
        self._qt.setValue("annotator", name)
        self._qt.sync()

    @property
    def last_file(self) -> Path | None:
        """The label file opened last, if any."""
        value = str(self._qt.value("last_file", "") or "")
        return Path(value) if value else None

    @last_file.setter
    def last_file(self, path: Path) -> None:
        self._qt.setValue("last_file", str(path))
        self._qt.sync()

    @property
    def font_warning_shown(self) -> bool:
        """Whether the missing-Korean-font warning was shown already."""
        return str(self._qt.value("font_warning_shown", "false")) == "true"

    @font_warning_shown.setter
    def font_warning_shown(self, shown: bool) -> None:
        self._qt.setValue("font_warning_shown", "true" if shown else "false")
        self._qt.sync()
