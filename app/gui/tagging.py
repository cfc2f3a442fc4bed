"""What the tagging keys do: label, grow the selection, accept or dismiss suggestions.

A label key tags the selection (a clean-pane selection is mapped to raw through the
alignment), relabels the selected span, or accepts the suggestion under the cursor with
that label. Each action is one undo command, committed before it shows.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer

from app.core.alignment import clean_range_to_raw
from app.core.selection import dropped_run_range, line_range, paragraph_range, trim
from app.core.suggestions import Suggestion
from app.gui.command_runner import CommandRunner
from app.gui.commands import (
    AcceptSuggestions,
    AddSpans,
    DeleteSpans,
    DismissSuggestion,
    RelabelSpan,
)
from app.gui.pane_painter import Panes
from app.session.document_session import DocumentSession
from storage.annotations import NewSpan
from widgets.label_palette import LabelPalette
from widgets.text_pane import DocumentPane

# How long after accepting all suggestions the label file is checkpointed (the user has
# looked up from the keyboard by then; a key pressed sooner makes SQLite run it itself).
CHECKPOINT_AFTER_MS = 1_000


class Tagging:
    """The tagging actions on the two panes of one document session.

    Only the writer's own spans change: a label key or Delete on another annotator's span
    is refused with a message naming whose it is (``DocumentSession.refusal``).
    """

    def __init__(
        self,
        session: DocumentSession,
        panes: Panes,
        palette: LabelPalette,
        runner: CommandRunner,
    ) -> None:
        self.session = session
        self.panes = panes
        self.palette = palette
        self.runner = runner
        self.selected_span: str | None = None

    def handlers(self) -> dict[str, Callable[[], object]]:
        """Action name -> what it does, for the window's menus and keys."""
        return {
            "grow_line": lambda: self._grow(line_range),
            "grow_paragraph": lambda: self._grow(paragraph_range),
            "grow_dropped": self.grow_to_dropped_run,
            "clear": self.clear,
            "switch_pane": self.switch_pane,
            "accept": lambda: self.accept(None),
            "accept_all": self.accept_all,
            "dismiss": self.dismiss,
            "delete": self.delete,
        }

    def active_pane(self) -> DocumentPane:
        """The pane the user works in: the clean pane when it has focus, else raw."""
        return self.panes.active()

    def label(self, name: str) -> None:
        """The label key: relabel the selected span, tag the selection, or accept a suggestion."""
        if self.selected_span is not None:
            self._relabel(self.selected_span, name)
            return
        pane = self.active_pane()
        start, end = pane.selection()
        if start == end:
            self.accept(name)
            return
        selection = self._raw_selection(pane, start, end)
        if selection is None:
            self._say("That selection has no counterpart in the raw page; select it there.")
            return
        self._tag([NewSpan("raw", *selection, name)], f"Tag as {name}")

    def select_span(self, span_id: str) -> None:
        """A click on a span selects it: a label key relabels it, Delete removes it."""
        span = self.session.span(span_id)
        if span is None:
            return
        self.selected_span = span_id
        for pane in self.panes.both():
            pane.set_selected_mark(span_id)
        self.palette.set_current(span.label)
        refusal = self.session.refusal(span)
        if refusal is not None:
            self._say(f"Span '{span.label}' selected. {refusal}")
            return
        self._say(f"Span '{span.label}' selected: a label key relabels it, Delete removes it.")

    def clear(self) -> None:
        """Forget the selected span and the text selection."""
        self.selected_span = None
        for pane in self.panes.both():
            pane.set_selected_mark(None)
            position = pane.cursor_position()
            pane.select(position, position)
        self.palette.set_current(None)

    def switch_pane(self) -> None:
        """Move the focus between the raw and the clean pane."""
        raw = self.panes.raw
        (self.panes.clean if raw.hasFocus() else raw).setFocus()

    def grow_to_dropped_run(self) -> None:
        """Select the run of dimmed lines around the raw cursor."""
        current = self.session.current
        pane = self.panes.raw
        if current is None:
            return
        run = dropped_run_range(pane.text(), current.stored.segments, pane.cursor_position())
        if run is None:
            self._say("The cursor is not on a dimmed (dropped) line.")
            return
        pane.setFocus()
        pane.select(*run)

    def accept(self, label: str | None) -> None:
        """Accept the suggestion under the raw cursor (with ``label``, if given)."""
        suggestion = self._suggestion_at_cursor()
        if suggestion is None:
            self._say("Select text first, or put the cursor on a suggestion.")
            return
        name = label or suggestion.label
        span = NewSpan("raw", suggestion.start, suggestion.end, name)
        self._tag([span], f"Accept suggestion as {name}")

    def accept_all(self) -> None:
        """Accept every suggestion of the document, each with its guessed label."""
        current = self.session.current
        if current is not None and current.suggestions_pending:
            self._say("Suggestions for this long page are still being found; try again shortly.")
            return
        if current is None or not current.suggestions:
            self._say("No suggestions left on this document.")
            return
        text = f"Accept {len(current.suggestions)} suggestions"
        self.runner.run(AcceptSuggestions(self.session, current.id, text))
        # Committed and shown; the file's checkpoint of that many rows comes once idle.
        QTimer.singleShot(CHECKPOINT_AFTER_MS, self.session.checkpoint)

    def dismiss(self) -> None:
        """Dismiss the suggestion under the raw cursor."""
        current = self.session.current
        suggestion = self._suggestion_at_cursor()
        if current is None or suggestion is None:
            self._say("The cursor is not on a suggestion.")
            return
        self.runner.run(DismissSuggestion(self.session, current.id, suggestion.id))

    def delete(self) -> None:
        """Delete the selected span."""
        current = self.session.current
        if current is None or self.selected_span is None:
            self._say("Click a span first to select it.")
            return
        refusal = self.session.refusal(self.session.span(self.selected_span))
        if refusal is not None:
            self._say(refusal)
            return
        span_id, self.selected_span = self.selected_span, None
        self.runner.run(DeleteSpans(self.session, current.id, [span_id]))
        self.clear()

    def _grow(self, grow: Callable[[str, int, int], tuple[int, int]]) -> None:
        pane = self.active_pane()
        pane.select(*grow(pane.text(), *pane.selection()))

    def _raw_selection(self, pane: DocumentPane, start: int, end: int) -> tuple[int, int] | None:
        current = self.session.current
        assert current is not None
        if pane is self.panes.clean:
            mapped = clean_range_to_raw(current.stored.segments, start, end)
            if mapped is None:
                return None
            start, end = mapped
        start, end = trim(current.stored.raw_text, start, end)
        return (start, end) if start < end else None

    def suggestion_here(self) -> Suggestion | None:
        """The suggestion under the raw cursor, if any."""
        return self._suggestion_at_cursor()

    def _suggestion_at_cursor(self) -> Suggestion | None:
        current = self.session.current
        if current is None:
            return None
        keys = {
            mark.key
            for mark in self.panes.raw.marks_at(self.panes.raw.cursor_position())
            if mark.kind == "suggestion"
        }
        return next((s for s in current.suggestions if s.id in keys), None)

    def _tag(self, spans: list[NewSpan], text: str) -> None:
        current = self.session.current
        if current is not None:
            self.runner.run(AddSpans(self.session, current.id, spans, text))

    def _relabel(self, span_id: str, name: str) -> None:
        current, span = self.session.current, self.session.span(span_id)
        if current is None or span is None or span.label == name:
            return
        refusal = self.session.refusal(span)
        if refusal is not None:
            self._say(refusal)
            return
        if self.runner.run(RelabelSpan(self.session, current.id, span_id, span.label, name)):
            self.palette.set_current(name)

    def _say(self, message: str) -> None:
        self.runner.say(message)
