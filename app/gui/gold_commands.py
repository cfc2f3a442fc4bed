"""Undo commands for gold: accept annotators' versions into gold, reject gold spans.

Like every command, each is performed (one committed transaction) before it goes on the
stack, and ``redo``/``undo`` are one session call each: an undone accept tombstones the
gold copies it made, a redo brings the same rows back, so ids stay stable through undo.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.core.document import FactRecord, SpanRecord
from app.gui.commands import SessionCommand
from app.session.document_session import DocumentSession


class AcceptIntoGold(SessionCommand):
    """Copy annotators' spans and facts into gold."""

    def __init__(
        self,
        session: DocumentSession,
        doc_id: str,
        spans: Sequence[SpanRecord],
        facts: Sequence[FactRecord],
        text: str,
    ) -> None:
        super().__init__(session, doc_id, text)
        self.spans, self.facts = list(spans), list(facts)
        self.span_ids: list[str] = []
        self.fact_ids: list[str] = []
        self._copied = False

    def apply(self) -> None:
        """Copy the first time; bring the same gold rows back after an undo."""
        if self._copied:
            self.session.set_gold_deleted(self.doc_id, self.span_ids, self.fact_ids, False)
            return
        written = self.session.accept_into_gold(self.doc_id, self.spans, self.facts)
        self.span_ids, self.fact_ids, self._copied = written.span_ids, written.fact_ids, True

    def undo(self) -> None:
        """Qt override: tombstone the gold copies this command made."""
        self.session.set_gold_deleted(self.doc_id, self.span_ids, self.fact_ids, True)


class RejectFromGold(SessionCommand):
    """Remove gold spans (and facts) from gold: tombstones, so a merge carries it."""

    def __init__(
        self,
        session: DocumentSession,
        doc_id: str,
        span_ids: Sequence[str],
        fact_ids: Sequence[str],
    ) -> None:
        super().__init__(session, doc_id, "Reject from gold")
        self.span_ids, self.fact_ids = list(span_ids), list(fact_ids)

    def apply(self) -> None:
        """Tombstone the gold rows."""
        self.session.set_gold_deleted(self.doc_id, self.span_ids, self.fact_ids, True)

    def undo(self) -> None:
        """Qt override: bring them back."""
        self.session.set_gold_deleted(self.doc_id, self.span_ids, self.fact_ids, False)
