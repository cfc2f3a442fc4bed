"""The label palette: one clickable entry per label, with its key and its count.

Keys are 1-9, then the second keyboard row Q W E R T Y U I O, so up to 18 labels each
have one key; the window's menus, the shortcuts sheet and the palette all use
``label_keys``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractButton,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from widgets.plain_text import plain_label, plain_tooltip

LABEL_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", *"QWERTYUIO")
MUTED = "#8a8a8a"
_ENTRY_STYLE = """
QPushButton { text-align: left; border: 1px solid transparent; border-radius: 4px;
              padding: 1px 4px; background: transparent; }
QPushButton:hover { border-color: palette(mid); }
QPushButton[current="true"] { border: 2px solid palette(highlight);
                              background: palette(alternate-base); }
QLabel#key { border: 1px solid palette(mid); border-radius: 3px; padding: 0 4px;
             font-weight: bold; }
"""


def label_keys(count: int) -> list[str]:
    """The keys of ``count`` labels: "1".."9", then "Q".."O".

    Raises:
        ValueError: ``count`` is negative or more than there are keys (18).
    """
    if not 0 <= count <= len(LABEL_KEYS):
        raise ValueError(
            f"{count} labels, but only {len(LABEL_KEYS)} have a key (1-9, then Q-O);"
            " use fewer labels in the label schema"
        )
    return list(LABEL_KEYS[:count])


@dataclass(frozen=True)
class PaletteEntry:
    """One label in the palette: its name, colour (#rrggbb), key and description."""

    name: str
    color: str
    key: str
    description: str


class _EntryButton(QPushButton):
    """One palette row: colour swatch, key, label name and span count."""

    def __init__(self, entry: PaletteEntry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry = entry
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setToolTip(plain_tooltip(entry.description))  # label files are anyone's
        self.setAccessibleName(f"{entry.name} ({entry.key})")
        self.setProperty("current", False)
        self.count_label = QLabel()
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        digits = self.count_label.fontMetrics().horizontalAdvance("0000")
        self.count_label.setMinimumWidth(digits)  # counts up to 9999 without moving the row
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 3, 6, 3)
        row.setSpacing(8)
        for widget in (_swatch(entry.color), _key_cap(entry.key), plain_label(entry.name)):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.count_label)
        for label in self.findChildren(QLabel):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.set_count(0)

    def sizeHint(self) -> QSize:
        """Qt override: as big as the row inside."""
        layout = self.layout()
        return layout.sizeHint() if layout is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        """Qt override: never squeeze the row's labels."""
        return self.sizeHint()

    def set_count(self, count: int) -> None:
        """Show how many spans carry this label."""
        text = str(count)
        if text == self.count_label.text():
            return  # every key press sets every count; a style sheet change re-polishes
        self.count_label.setText(text)
        color = "palette(text)" if count else MUTED
        self.count_label.setStyleSheet(f"color: {color}; font-weight: {600 if count else 400};")
        self.updateGeometry()

    def set_current(self, current: bool) -> None:
        """Highlight the row (the selected span has this label)."""
        if self.property("current") == current:
            return  # re-polishing every row on every click costs more than the click
        self.setProperty("current", current)
        self.style().unpolish(self)
        self.style().polish(self)


class LabelPalette(QWidget):
    """The labels of the file, each with its colour, key and count on this document.

    Clicking an entry applies the label like its key does. Entries never take the keyboard
    focus, so the panes keep their selection.

    Signals:
        label_chosen(str): The user clicked a label's entry; carries the label name.
    """

    label_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(_ENTRY_STYLE)
        self._buttons: dict[str, _EntryButton] = {}
        self._current: str | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)

    def set_labels(self, entries: list[PaletteEntry]) -> None:
        """Show ``entries``, in order, replacing any shown before."""
        for button in self._buttons.values():
            self._layout.removeWidget(button)
            button.deleteLater()
        self._buttons = {}
        for entry in entries:
            button = _EntryButton(entry, self)
            button.clicked.connect(lambda _=False, name=entry.name: self.label_chosen.emit(name))
            self._layout.addWidget(button)
            self._buttons[entry.name] = button
        self.set_current(self._current)

    def set_counts(self, counts: Mapping[str, int]) -> None:
        """Show each label's span count on the current document (missing: 0)."""
        for name, button in self._buttons.items():
            button.set_count(counts.get(name, 0))

    def set_current(self, name: str | None) -> None:
        """Highlight the entry of ``name`` (the selected span's label); None: no entry."""
        self._current = name
        for entry_name, button in self._buttons.items():
            button.set_current(entry_name == name)

    def current(self) -> str | None:
        """The highlighted label, if any."""
        return self._current

    def button(self, name: str) -> QAbstractButton:
        """The entry of label ``name`` (for tests and accessibility tools)."""
        return self._buttons[name]

    def count_text(self, name: str) -> str:
        """The count shown for label ``name``."""
        return self._buttons[name].count_label.text()


def _swatch(color: str) -> QLabel:
    swatch = QLabel()
    swatch.setFixedSize(14, 14)
    border = QColor(color).darker(140).name()
    swatch.setStyleSheet(f"background: {color}; border: 1px solid {border}; border-radius: 3px;")
    return swatch


def _key_cap(key: str) -> QLabel:
    cap = QLabel(key)
    cap.setObjectName("key")
    cap.setAlignment(Qt.AlignmentFlag.AlignCenter)
    cap.setMinimumWidth(cap.fontMetrics().horizontalAdvance("W") + 12)
    return cap
