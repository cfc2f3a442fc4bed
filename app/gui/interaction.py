"""Questions the window asks a person, behind a small interface tests can replace.

The window never opens a dialog directly: it asks its ``Interaction``. The Qt one shows
dialogs; tests pass one that answers at once, so flows run headless.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QPoint
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QMenu, QWidget

from widgets.plain_text import ask_text, menu_text, plain_message, plain_tooltip


class Interaction(Protocol):
    """What the window may ask or tell the user."""

    def ask_note(self, doc_id: str, current: str) -> str | None:
        """A note for flagging ``doc_id``; None when the user cancels."""

    def inform(self, message: str) -> None:
        """Tell the user something went wrong or was refused."""

    def open_other_file(self) -> None:
        """Let the user pick another label file to open."""

    def choose_fact_type(self, types: list[tuple[str, str]]) -> str | None:
        """One of ``types`` ((name, description) pairs); None when the user cancels."""


class QtInteraction:
    """The real dialogs."""

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent

    def ask_note(self, doc_id: str, current: str) -> str | None:
        """Ask for the flag note in a small dialog."""
        return ask_text(self.parent, "Flag document", f"Why is {doc_id} flagged?", current)

    def inform(self, message: str) -> None:
        """Show a warning box."""
        plain_message(self.parent, "Thresher", message)  # messages quote file contents

    def choose_fact_type(self, types: list[tuple[str, str]]) -> str | None:
        """A menu at the text cursor: number keys (1, 2, ...) or arrows and Enter pick."""
        menu = QMenu(self.parent)
        for number, (name, description) in enumerate(types, start=1):
            action = menu.addAction(f"&{number}  {menu_text(name)}")
            action.setData(name)
            action.setToolTip(plain_tooltip(description))
        menu.setToolTipsVisible(True)
        if menu.actions():
            menu.setActiveAction(menu.actions()[0])
        chosen = menu.exec(QCursor.pos() if not self.parent.isVisible() else self._anchor())
        return None if chosen is None else str(chosen.data())

    def _anchor(self) -> QPoint:
        focus = self.parent.focusWidget()
        if focus is None:
            return self.parent.mapToGlobal(self.parent.rect().center())
        return focus.mapToGlobal(focus.rect().center())

    def open_other_file(self) -> None:
        """Pick a label file and open it in a new window."""
        from app.gui.launch import choose_and_open  # noqa: PLC0415 (launch imports this module)

        choose_and_open(self.parent)
