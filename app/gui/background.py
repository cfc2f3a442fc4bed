"""Suggestions for very large pages are found in a helper process.

On an ordinary page ``suggest_spam_regions`` takes a few milliseconds; on a 2 MB page it
takes most of a second, which would hold the first paint. Such pages are painted first,
their suggestions arrive a moment later, and a result for a page no longer on screen is
thrown away. A process, not a thread: a thread would hold the interpreter lock the
window's own painting code needs. The process is started (``spawn``, never ``fork`` in a
program running Qt threads) the first time a large page is opened.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor

from PySide6.QtCore import QObject, Signal

from app.core.alignment import Segment
from app.core.korean_numbers import Expression, find_expressions
from app.core.suggestions import Suggestion, suggest_spam_regions

Found = tuple[list[Suggestion], list[Expression]]


def find_suggestions(raw_text: str, segments: Sequence[Segment]) -> Found:
    """A page's spam suggestions and its figures (in the helper process)."""
    return suggest_spam_regions(raw_text, segments), find_expressions(raw_text)


class SuggestionFinder(QObject):
    """Finds a document's suggestions in one helper process; ``found`` reports them."""

    found = Signal(str, object)  # document id, (suggestions, figures)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool: ProcessPoolExecutor | None = None
        self._wanted: str | None = None

    def find(self, doc_id: str, raw_text: str, segments: Sequence[Segment]) -> None:
        """Start finding ``doc_id``'s suggestions; the latest request wins."""
        self._wanted = doc_id
        if self._pool is None:
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
        future = self._pool.submit(find_suggestions, raw_text, segments)
        future.add_done_callback(lambda done: self._report(doc_id, done))

    def forget(self) -> None:
        """Drop any result still to come (another document is on screen)."""
        self._wanted = None

    @property
    def busy(self) -> bool:
        """True while a wanted result has not arrived."""
        return self._wanted is not None

    def shutdown(self) -> None:
        """Stop the worker; a result still running is dropped."""
        self._wanted = None
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

    def _report(self, doc_id: str, done: Future[Found]) -> None:
        # Runs on the pool's thread; the signal crosses to the window's thread queued.
        if done.cancelled() or done.exception() is not None:
            return
        self.found.emit(doc_id, done.result())

    def accept(self, doc_id: str) -> bool:
        """True if a result for ``doc_id`` is still wanted (and is now taken)."""
        if self._wanted != doc_id:
            return False
        self._wanted = None
        return True
