"""Questions the window asks a person, behind a small interface tests can replace.

The window never opens a dialog directly: it asks its ``Interaction``. The Qt one shows
dialogs; tests pass one that answers at once, so flows run headless.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget


class Interaction(Protocol):
    """What the window may ask or tell the user."""

    def ask_note(self, doc_id: str, current: str) -> str | None:
        """A note for flagging ``doc_id``; None when the user cancels."""

    def inform(self, message: str) -> None:
        """Tell the user something went wrong or was refused."""

    def open_other_file(self) -> None:
        """Let the user pick another label file to open."""


class QtInteraction:
    """The real dialogs."""

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent

    def ask_note(self, doc_id: str, current: str) -> str | None:
        """Ask for the flag note in a small dialog."""
        text, accepted = QInputDialog.getText(
            self.parent, "Flag document", f"Why is {doc_id} flagged?", text=current
        )
        return text if accepted else None

    def inform(self, message: str) -> None:
        """Show a warning box."""
        QMessageBox.warning(self.parent, "Thresher", message)

    def open_other_file(self) -> None:
        """Pick a label file and open it in a new window."""
        from app.gui.launch import choose_and_open  # noqa: PLC0415 (launch imports this module)

        choose_and_open(self.parent)
