"""Find across the corpus in the window: the find panel in a dock, wired to the session.

``Ctrl+Shift+F`` shows the dock with the cursor in the pattern box. Enter searches every
document's raw text (``DocumentSession.find``); Enter on a hit opens its document with
the hit's range selected in the raw pane. A label key in the results tags the checked
hits, or every hit of the search (also those past the listed ones), as one undo step
(``TagAll``): whole lines where the hit is a whole line, hits the label covers left alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow

from app.gui.command_runner import CommandRunner
from app.gui.commands import TagAll
from app.session.document_session import DocumentSession
from storage.corpus_search import FindResult, PatternError
from widgets.find_panel import FindHitLike, FindPanel
from widgets.text_pane import DocumentPane

# Hits listed at most; the counts are of every hit, and tag-all reaches them all.
LISTED_HITS = 1000


class FindDock:
    """The find panel, docked under the panes and hidden until asked for."""

    def __init__(
        self,
        window: QMainWindow,
        session: DocumentSession,
        runner: CommandRunner,
        *,
        label_keys: Mapping[str, str],
        show_document: Callable[[str], None],
        raw_pane: DocumentPane,
    ) -> None:
        self.session = session
        self.runner = runner
        self.show_document = show_document
        self.raw_pane = raw_pane
        self.panel = FindPanel()
        self.panel.set_label_keys(label_keys)
        self.dock = QDockWidget("Find in all documents", window)
        self.dock.setObjectName("find")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.dock.hide()
        self.result: FindResult | None = None
        self.panel.search_requested.connect(self.search)
        self.panel.open_requested.connect(self.open_hit)
        self.panel.tag_all_requested.connect(self.tag_all)

    def show(self) -> None:
        """Show the dock with the cursor in the pattern box."""
        self.dock.show()
        self.dock.raise_()
        self.panel.focus_pattern()

    def search(self, pattern: str, regex: bool) -> None:
        """List the hits of ``pattern``; a pattern that cannot be searched is said why."""
        try:
            self.result = self.session.find(pattern, regex=regex, limit=LISTED_HITS)
        except PatternError as refused:
            self.result = None
            self.panel.show_message(f"Not searched: {refused}")
            return
        self.panel.show_result(self.result)

    def open_hit(self, doc_id: str, start: int, end: int) -> None:
        """Open the hit's document with its range selected in the raw pane."""
        self.show_document(doc_id)
        self.raw_pane.setFocus()
        self.raw_pane.select(start, end)

    def tag_all(self, label: str, hits: Sequence[FindHitLike], every: bool) -> None:
        """Tag ``hits`` (with ``every``: all of the search's) as ``label``, one undo step."""
        result = self.result
        if every and result is not None and result.truncated:
            result = self.session.find(result.pattern, regex=result.regex, limit=None)
            hits = result.hits
        current = self.session.current
        ranges = [(hit.doc_id, hit.start, hit.end) for hit in hits]
        command = TagAll(self.session, current.id if current else "", ranges, label)
        if self.runner.run(command) and command.result is not None:
            written = command.result
            self.panel.show_message(
                f"Tagged {len(written.written):,} hits as {label} in {written.documents:,}"
                f" documents ({written.covered:,} already were); Ctrl+Z undoes all of them"
            )
