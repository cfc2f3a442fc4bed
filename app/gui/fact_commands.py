"""Undo commands for facts: start one, delete one, fill or clear a slot.

Like the span commands, each is performed (and committed) before it goes on the stack,
and its ``redo``/``undo`` are one model call each.
"""

from __future__ import annotations

from app.gui.commands import ModelCommand
from app.gui.review_model import ReviewModel
from storage.facts import SlotState


class AddFact(ModelCommand):
    """Start an empty fact of a type."""

    def __init__(self, model: ReviewModel, doc_id: str, fact_type: str) -> None:
        super().__init__(model, doc_id, f"New {fact_type} fact")
        self.fact_type = fact_type
        self.fact_id: str | None = None

    def apply(self) -> None:
        """Add the fact the first time; bring the same row back after an undo."""
        if self.fact_id is None:
            self.fact_id = self.model.add_fact(self.doc_id, self.fact_type)
        else:
            self.model.set_facts_deleted(self.doc_id, [self.fact_id], False)

    def undo(self) -> None:
        """Qt override: tombstone the fact this command added."""
        assert self.fact_id is not None
        self.model.set_facts_deleted(self.doc_id, [self.fact_id], True)


class DeleteFact(ModelCommand):
    """Delete a fact (a tombstone: its slots stay for the undo)."""

    def __init__(self, model: ReviewModel, doc_id: str, fact_id: str) -> None:
        super().__init__(model, doc_id, "Delete fact")
        self.fact_id = fact_id

    def apply(self) -> None:
        """Tombstone the fact."""
        self.model.set_facts_deleted(self.doc_id, [self.fact_id], True)

    def undo(self) -> None:
        """Qt override: bring the fact back."""
        self.model.set_facts_deleted(self.doc_id, [self.fact_id], False)


class SetSlot(ModelCommand):
    """Fill a slot with evidence and/or a value, or clear it (``state`` None)."""

    def __init__(
        self, model: ReviewModel, doc_id: str, fact_id: str, role: str, state: SlotState | None
    ) -> None:
        super().__init__(model, doc_id, f"Set {role}" if state else f"Clear {role}")
        self.fact_id, self.role, self.state = fact_id, role, state
        self.previous: SlotState | None = None
        self.annotator = model.writer  # review mode may be left before an undo

    def apply(self) -> None:
        """Store the new slot content, remembering the old for the undo."""
        self.previous = self.model.set_slot(
            self.doc_id, self.fact_id, self.role, self.state, self.annotator
        )

    def undo(self) -> None:
        """Qt override: put back what the slot held."""
        self.model.set_slot(self.doc_id, self.fact_id, self.role, self.previous, self.annotator)
