"""Keeps the raw and clean panes' marks in step with the session, change by change.

A ``Change`` names the spans, facts and suggestions an action touched; the painter takes
their old marks out and puts their new ones in, and each pane re-formats only the blocks
those marks cover. A new document, another writer or suggestions found later repaint
the marks whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.core.document import SpanRecord
from app.gui.pane_marks import (
    Alignment,
    clean_marks,
    evidence_clean_marks,
    evidence_raw_marks,
    many_span_marks,
    number_clean_marks,
    number_raw_mark,
    raw_marks,
    span_clean_marks,
    span_raw_marks,
    suggestion_mark,
)
from app.session.changes import Change
from app.session.open_document import BULK, OpenDocument, number_id
from widgets.marks import Mark
from widgets.text_pane import DocumentPane


@dataclass
class Panes:
    """The raw and the clean pane of the window."""

    raw: DocumentPane
    clean: DocumentPane

    def active(self) -> DocumentPane:
        """The pane the user works in: the clean pane when it has focus, else raw."""
        return self.clean if self.clean.hasFocus() else self.raw

    def both(self) -> tuple[DocumentPane, DocumentPane]:
        """Raw, then clean."""
        return self.raw, self.clean


class PanePainter:
    """Paints one document's marks on both panes, whole or by the change."""

    def __init__(self, panes: Panes, colors: Mapping[str, str]) -> None:
        self.panes = panes
        self.colors = colors
        self._alignment = Alignment(())

    def show(self, document: OpenDocument, selected_fact: str | None) -> None:
        """Show a new document's texts with all their marks."""
        stored = document.stored
        self._alignment = Alignment(stored.segments)
        self.panes.raw.show_text(stored.raw_text, raw_marks(document, self.colors, selected_fact))
        self.panes.clean.show_text(
            stored.clean_text, clean_marks(document, self.colors, selected_fact)
        )

    def repaint(self, document: OpenDocument, selected_fact: str | None) -> None:
        """Paint every mark again (another writer, suggestions found later)."""
        self.panes.raw.set_marks(raw_marks(document, self.colors, selected_fact))
        self.panes.clean.set_marks(clean_marks(document, self.colors, selected_fact))

    def apply(self, change: Change, document: OpenDocument, selected_fact: str | None) -> None:
        """Repaint what ``change`` touched in ``document`` (the open one)."""
        if change.everything:
            self.repaint(document, selected_fact)
            return
        spans = [document.spans_by_id.get(i) for i in (*change.added, *change.relabelled)]
        raw, clean = self._span_marks([span for span in spans if span is not None])
        shown = set(change.shown)
        if shown:
            raw += [suggestion_mark(s, self.colors) for s in document.suggestions if s.id in shown]
            for number in (n for n in document.numbers if number_id(n) in shown):
                raw.append(number_raw_mark(number))
                clean += number_clean_marks(number, self._alignment)
        self._facts(document, change.facts, selected_fact, raw, clean)
        gone = {*change.removed, *change.relabelled, *change.hidden, *shown}
        if len(change.added) < BULK:  # thousands added at once are new: no marks to drop
            gone.update(change.added)
        gone.update(change.facts)
        self.panes.raw.update_marks(gone, raw)
        self.panes.clean.update_marks(gone, clean)

    def _span_marks(self, spans: list[SpanRecord]) -> tuple[list[Mark], list[Mark]]:
        """The raw and the clean pane's marks of ``spans``."""
        if len(spans) < BULK:
            raw, clean = [], []
            for span in spans:
                raw += span_raw_marks(span, self.colors)
                clean += span_clean_marks(span, self.colors, self._alignment)
            return raw, clean
        return many_span_marks(spans, self.colors, self._alignment)

    def select_fact(self, document: OpenDocument, old: str | None, new: str | None) -> None:
        """Draw ``new``'s evidence as the selected fact's, and ``old``'s as any other's."""
        if old == new:
            return
        touched = tuple(fact_id for fact_id in (old, new) if fact_id is not None)
        raw: list[Mark] = []
        clean: list[Mark] = []
        self._facts(document, touched, new, raw, clean)
        self.panes.raw.update_marks(touched, raw)
        self.panes.clean.update_marks(touched, clean)

    def _facts(
        self,
        document: OpenDocument,
        fact_ids: tuple[str, ...],
        selected_fact: str | None,
        raw: list[Mark],
        clean: list[Mark],
    ) -> None:
        wanted = set(fact_ids)
        for fact in (f for f in document.facts if f.id in wanted):
            raw += evidence_raw_marks(fact, self._alignment, selected_fact)
            clean += evidence_clean_marks(fact, self._alignment, selected_fact)
