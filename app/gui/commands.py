"""Undo commands: each user action is one ``QUndoCommand`` over the review model.

An action is carried out by ``perform`` *before* its command goes on the stack, so an
action that fails (a read-only file, a full disk) raises and leaves the stack untouched;
``redo`` after that only repeats it. ``redo`` and ``undo`` are one model call each, and
the model commits each one to the label file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtGui import QUndoCommand, QUndoStack

from app.gui.review_model import ReviewModel
from storage.annotations import NewSpan


class ModelCommand(QUndoCommand):
    """A command whose first ``redo`` was already done by ``perform``.

    Subclasses define ``apply`` (the action, which ``redo`` repeats) and ``undo``.
    """

    apply: Callable[[], None]

    def __init__(self, model: ReviewModel, doc_id: str, text: str) -> None:
        super().__init__(text)
        self.model = model
        self.doc_id = doc_id
        self._performed = False

    def perform(self) -> None:
        """Carry the action out the first time."""
        self.apply()
        self._performed = True

    def redo(self) -> None:
        """Qt override: skipped once, right after ``perform``."""
        if self._performed:
            self._performed = False
            return
        self.apply()


def perform(stack: QUndoStack, command: ModelCommand) -> None:
    """Do ``command`` now and, only if it succeeded, put it on ``stack``."""
    command.perform()
    stack.push(command)


class AddSpans(ModelCommand):
    """Tag one or more ranges (a selection, or accepted suggestions)."""

    def __init__(self, model: ReviewModel, doc_id: str, spans: Sequence[NewSpan], text: str):
        super().__init__(model, doc_id, text)
        self.spans = list(spans)
        self.span_ids: list[str] = []

    def apply(self) -> None:
        """Add the spans the first time; bring the same rows back after an undo."""
        if self.span_ids:
            self.model.set_deleted(self.doc_id, self.span_ids, False)
        else:
            self.span_ids = self.model.add_spans(self.doc_id, self.spans)

    def undo(self) -> None:
        """Qt override: tombstone the spans this command added."""
        self.model.set_deleted(self.doc_id, self.span_ids, True)


class DeleteSpans(ModelCommand):
    """Delete spans (as tombstones)."""

    def __init__(self, model: ReviewModel, doc_id: str, span_ids: Sequence[str]) -> None:
        super().__init__(model, doc_id, "Delete span")
        self.span_ids = list(span_ids)

    def apply(self) -> None:
        """Tombstone the spans."""
        self.model.set_deleted(self.doc_id, self.span_ids, True)

    def undo(self) -> None:
        """Qt override: bring the spans back."""
        self.model.set_deleted(self.doc_id, self.span_ids, False)


class RelabelSpan(ModelCommand):
    """Give a span another label."""

    def __init__(self, model: ReviewModel, doc_id: str, span_id: str, old: str, new: str):
        super().__init__(model, doc_id, f"Relabel span as {new}")
        self.span_id, self.old, self.new = span_id, old, new

    def apply(self) -> None:
        """Set the new label."""
        self.model.relabel(self.doc_id, self.span_id, self.new)

    def undo(self) -> None:
        """Qt override: put the old label back."""
        self.model.relabel(self.doc_id, self.span_id, self.old)


class SetStatus(ModelCommand):
    """Mark a document done, skipped, flagged (with a note) or back to todo."""

    def __init__(
        self, model: ReviewModel, doc_id: str, old: tuple[str, str], new: tuple[str, str]
    ) -> None:
        super().__init__(model, doc_id, f"Mark {new[0]}")
        self.old, self.new = old, new
        self.annotator = model.writer  # review mode may be left before an undo

    def apply(self) -> None:
        """Store the new status."""
        self.model.set_status(self.doc_id, *self.new, self.annotator)

    def undo(self) -> None:
        """Qt override: store the old status again."""
        self.model.set_status(self.doc_id, *self.old, self.annotator)


class DismissSuggestion(ModelCommand):
    """Hide a suggestion that is not spam (session only: suggestions are not labels)."""

    def __init__(self, model: ReviewModel, doc_id: str, suggestion_id: str) -> None:
        super().__init__(model, doc_id, "Dismiss suggestion")
        self.suggestion_id = suggestion_id

    def apply(self) -> None:
        """Hide it."""
        self.model.set_dismissed(self.doc_id, self.suggestion_id, True)

    def undo(self) -> None:
        """Qt override: show it again."""
        self.model.set_dismissed(self.doc_id, self.suggestion_id, False)
