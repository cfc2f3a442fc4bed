"""Undo commands: each user action is one ``QUndoCommand`` over the document session.

An action is carried out by ``perform`` *before* its command goes on the stack, so an
action that fails (a read-only file, a full disk, another annotator's span) raises and
leaves the stack untouched; ``redo`` after that only repeats it. ``redo`` and ``undo`` are
one session call each, and the session commits each one to the label file. A command
remembers who wrote it, so an undo after leaving review mode still changes gold's rows.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QUndoCommand, QUndoStack

from app.session.document_session import DocumentSession
from storage.annotations import NewSpan
from storage.tag_all import HitRange, TagAllResult


class SessionCommand(QUndoCommand):
    """A command whose first ``redo`` was already done by ``perform``.

    Subclasses define ``apply`` (the action, which ``redo`` repeats) and ``undo``.
    """

    def __init__(self, session: DocumentSession, doc_id: str, text: str) -> None:
        super().__init__(text)
        self.session = session
        self.doc_id = doc_id
        self.writer = session.writer
        self._performed = False

    def apply(self) -> None:
        """The action (subclasses)."""
        raise NotImplementedError

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


def perform(stack: QUndoStack, command: SessionCommand) -> None:
    """Do ``command`` now and, only if it succeeded, put it on ``stack``."""
    command.perform()
    stack.push(command)


class AddSpans(SessionCommand):
    """Tag one or more ranges (a selection, or accepted suggestions)."""

    def __init__(
        self, session: DocumentSession, doc_id: str, spans: Sequence[NewSpan], text: str
    ) -> None:
        super().__init__(session, doc_id, text)
        self.spans = list(spans)
        self.span_ids: list[str] = []

    def apply(self) -> None:
        """Add the spans the first time; bring the same rows back after an undo."""
        if self.span_ids:
            self.session.set_deleted(self.doc_id, self.span_ids, False, self.writer)
        else:
            self.span_ids = self.first()

    def first(self) -> list[str]:
        """The first time: write the new spans, return their ids."""
        return self.session.add_spans(self.doc_id, self.spans)

    def undo(self) -> None:
        """Qt override: tombstone the spans this command added."""
        self.session.set_deleted(self.doc_id, self.span_ids, True, self.writer)


class AcceptSuggestions(AddSpans):
    """Accept every suggestion of the open document (Shift+A), as one write."""

    def __init__(self, session: DocumentSession, doc_id: str, text: str) -> None:
        super().__init__(session, doc_id, (), text)

    def first(self) -> list[str]:
        """The first time: the session turns every suggestion into a span."""
        return self.session.accept_suggestions(self.doc_id)


class DeleteSpans(SessionCommand):
    """Delete spans (as tombstones)."""

    def __init__(self, session: DocumentSession, doc_id: str, span_ids: Sequence[str]) -> None:
        super().__init__(session, doc_id, "Delete span")
        self.span_ids = list(span_ids)

    def apply(self) -> None:
        """Tombstone the spans."""
        self.session.set_deleted(self.doc_id, self.span_ids, True, self.writer)

    def undo(self) -> None:
        """Qt override: bring the spans back."""
        self.session.set_deleted(self.doc_id, self.span_ids, False, self.writer)


class RelabelSpan(SessionCommand):
    """Give a span another label."""

    def __init__(
        self, session: DocumentSession, doc_id: str, span_id: str, old: str, new: str
    ) -> None:
        super().__init__(session, doc_id, f"Relabel span as {new}")
        self.span_id, self.old, self.new = span_id, old, new

    def apply(self) -> None:
        """Set the new label."""
        self.session.relabel(self.doc_id, self.span_id, self.new, self.writer)

    def undo(self) -> None:
        """Qt override: put the old label back."""
        self.session.relabel(self.doc_id, self.span_id, self.old, self.writer)


class SetStatus(SessionCommand):
    """Mark a document done, skipped, flagged (with a note) or back to todo."""

    def __init__(
        self, session: DocumentSession, doc_id: str, old: tuple[str, str], new: tuple[str, str]
    ) -> None:
        super().__init__(session, doc_id, f"Mark {new[0]}")
        self.old, self.new = old, new

    def apply(self) -> None:
        """Store the new status."""
        self.session.set_status(self.doc_id, *self.new, self.writer)

    def undo(self) -> None:
        """Qt override: store the old status again."""
        self.session.set_status(self.doc_id, *self.old, self.writer)


class DismissSuggestion(SessionCommand):
    """Hide a suggestion that is not spam (session only: suggestions are not labels)."""

    def __init__(self, session: DocumentSession, doc_id: str, suggestion_id: str) -> None:
        super().__init__(session, doc_id, "Dismiss suggestion")
        self.suggestion_id = suggestion_id

    def apply(self) -> None:
        """Hide it."""
        self.session.set_dismissed(self.doc_id, self.suggestion_id, True)

    def undo(self) -> None:
        """Qt override: show it again."""
        self.session.set_dismissed(self.doc_id, self.suggestion_id, False)


class TagAll(SessionCommand):
    """Tag every hit of a find (or the checked ones) with one label: one undo step."""

    def __init__(
        self, session: DocumentSession, doc_id: str, hits: Sequence[HitRange], label: str
    ) -> None:
        super().__init__(session, doc_id, f"Tag {len(hits)} hits as {label}")
        self.hits, self.label = list(hits), label
        self.result: TagAllResult | None = None

    def apply(self) -> None:
        """Tag the hits the first time; bring the same rows back after an undo."""
        if self.result is None:
            self.result = self.session.tag_all(self.hits, self.label)
        else:
            self.session.set_tag_all_deleted(self.result, False)

    def undo(self) -> None:
        """Qt override: tombstone exactly the spans the tag-all wrote."""
        if self.result is not None:
            self.session.set_tag_all_deleted(self.result, True)
