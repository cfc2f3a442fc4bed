"""Run an action through the undo stack, and tell the user what came of it.

``Tagging``, ``FactEditing`` and ``AdjudicationMode`` are given a ``CommandRunner`` (and a
``say`` for the status bar) instead of the window: this is all of the window they use to
change the label file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from PySide6.QtGui import QUndoStack

from app.gui.commands import SessionCommand, perform
from app.gui.interaction import Interaction
from app.session.document_session import DocumentSession, NotYours
from storage.errors import LabelFileError

WRITE_ERRORS = (sqlite3.Error, OSError, LabelFileError, ValueError)
Say = Callable[[str], None]


class CommandRunner:
    """Performs commands on the session through one undo stack."""

    def __init__(
        self,
        session: DocumentSession,
        stack: QUndoStack,
        interaction: Interaction,
        *,
        say: Say,
        show_saved: Callable[[str], None],
        read_only_reason: str,
    ) -> None:
        self.session = session
        self.stack = stack
        self.interaction = interaction
        self.say = say
        self.show_saved = show_saved  # "Saved" / "NOT SAVED" next to the position
        self.read_only_reason = read_only_reason

    def refuse_if_read_only(self) -> bool:
        """Say why nothing can change, when the file is read-only; True if refused."""
        if not self.session.read_only:
            return False
        name = self.session.label_file.path.name
        message = f"{name} is open read-only ({self.read_only_reason}); the change was not made."
        self.interaction.inform(message)
        self.say(message)
        return True

    def run(self, command: SessionCommand) -> bool:
        """Perform an action through the undo stack; say so if it could not be saved."""
        if self.refuse_if_read_only():
            return False
        try:
            perform(self.stack, command)
        except NotYours as refused:
            self.say(str(refused))
            return False
        except WRITE_ERRORS as error:
            self.show_saved("NOT SAVED")
            self.interaction.inform(f"The change was not saved: {error}")
            return False
        self.show_saved("Saved")
        return True
