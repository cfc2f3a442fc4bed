"""Undo commands for facts: start one, delete one, fill or clear a slot.

Like the span commands, each is performed (and committed) before it goes on the stack,
and its ``redo``/``undo`` are one session call each.
"""

from __future__ import annotations

from app.gui.commands import SessionCommand
from app.session.document_session import DocumentSession
from storage.facts import SlotState


class AddFact(SessionCommand):
    """Start an empty fact of a type."""

    def __init__(self, session: DocumentSession, doc_id: str, fact_type: str) -> None:
        super().__init__(session, doc_id, f"New {fact_type} fact")
        self.fact_type = fact_type
        self.fact_id: str | None = None

    def apply(self) -> None:
        """Add the fact the first time; bring the same row back after an undo."""
        if self.fact_id is None:
            self.fact_id = self.session.add_fact(self.doc_id, self.fact_type)
        else:
            self.session.set_facts_deleted(self.doc_id, [self.fact_id], False, self.writer)

    def undo(self) -> None:
        """Qt override: tombstone the fact this command added."""
        assert self.fact_id is not None
        self.session.set_facts_deleted(self.doc_id, [self.fact_id], True, self.writer)


class DeleteFact(SessionCommand):
    """Delete a fact (a tombstone: its slots stay for the undo)."""

    def __init__(self, session: DocumentSession, doc_id: str, fact_id: str) -> None:
        super().__init__(session, doc_id, "Delete fact")
        self.fact_id = fact_id

    def apply(self) -> None:
        """Tombstone the fact."""
        self.session.set_facts_deleted(self.doc_id, [self.fact_id], True, self.writer)

    def undo(self) -> None:
        """Qt override: bring the fact back."""
        self.session.set_facts_deleted(self.doc_id, [self.fact_id], False, self.writer)


class SetSlot(SessionCommand):
    """Fill a slot with evidence and/or a value, or clear it (``state`` None)."""

    def __init__(
        self,
        session: DocumentSession,
        doc_id: str,
        fact_id: str,
        role: str,
        state: SlotState | None,
    ) -> None:
        super().__init__(session, doc_id, f"Set {role}" if state else f"Clear {role}")
        self.fact_id, self.role, self.state = fact_id, role, state
        self.previous: SlotState | None = None

    def apply(self) -> None:
        """Store the new slot content, remembering the old for the undo."""
        self.previous = self.session.set_slot(
            self.doc_id, self.fact_id, self.role, self.state, self.writer
        )

    def undo(self) -> None:
        """Qt override: put back what the slot held."""
        self.session.set_slot(self.doc_id, self.fact_id, self.role, self.previous, self.writer)
