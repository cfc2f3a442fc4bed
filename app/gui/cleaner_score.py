"""The cleaner's score on the open document, against the labels of whoever is writing.

The same figures as ``thresher evaluate`` (``app.core.evaluation``), for one document: the
annotator's own spam spans outside review mode, gold's inside it. A document is scored only
once those labels say something about it (a raw-layer span, or marked done), as on the
command line. The figures follow the labels after a short pause instead of on every key
press, and a page longer than ``SUGGEST_NOW_MAX_CHARS`` is scored in a helper process
(about 60 ms for a 2 MB page, which the window would otherwise stop for); a result for
labels or a page no longer on screen is thrown away.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLabel

from app.core.evaluation import CleanerScore, score_document
from app.gui.review_model import SUGGEST_NOW_MAX_CHARS, OpenDocument, ReviewModel

# Long enough to coalesce a burst of key presses, short enough to feel immediate.
SETTLE_MS = 250


SCORING_LONG_PAGE = "Cleaner score: scoring this long page…"
HINT = "Cleaner score: tag spam or mark done to see how the cleaner did here."


class CleanerScoreLabel(QLabel):
    """A line of text: the cleaner's precision, recall and F1 on the open document."""

    _scored = Signal(int, str)  # request number, score line (from the helper's thread)

    def __init__(self, model: ReviewModel) -> None:
        super().__init__()
        self.model = model
        self._request = 0  # each document shown and each scoring bumps it
        self._pool: ProcessPoolExecutor | None = None
        self._scored.connect(self._show_scored)
        self.setWordWrap(True)
        self.setToolTip(
            "Characters (whitespace aside) the cleaner kept, compared with the raw text minus "
            "the spam regions tagged here: the same figures as thresher evaluate."
        )
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SETTLE_MS)
        self._timer.timeout.connect(self.update_now)

    def document_shown(self) -> None:
        """Another document is on screen: forget the last one's figures, score after the pause.

        Not at once: on a long page scoring would delay the first paint.
        """
        self._request += 1
        self.setText("Cleaner score: …")
        self._timer.start()

    def schedule(self) -> None:
        """The labels changed: score again after the pause."""
        self._timer.start()

    def update_now(self) -> None:
        """Score the open document now (a long page: start scoring it) and show the figures."""
        self._timer.stop()
        self._request += 1
        current, writer = self.model.current, self.model.writer
        if current is None:
            self.setText("")
            return
        if len(current.stored.raw_text) <= SUGGEST_NOW_MAX_CHARS:
            self.setText(describe(current, writer))
            return
        spam = spam_to_score(current, writer)
        if spam is None:
            self.setText(HINT)
            return
        self.setText(SCORING_LONG_PAGE)
        stored, request = current.stored, self._request
        prefix = f"Cleaner ({stored.cleaner}) vs {writer}: "
        future = self._helper().submit(
            score_document, stored.raw_text, stored.clean_text, stored.segments, spam
        )
        future.add_done_callback(lambda done: self._report(request, prefix, done))

    def shutdown(self) -> None:
        """Stop the helper process; a score still running is dropped."""
        self._request += 1
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def _helper(self) -> ProcessPoolExecutor:
        if self._pool is None:  # ``spawn``: never fork a program running Qt threads
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
        return self._pool

    def _report(self, request: int, prefix: str, done: Future[CleanerScore]) -> None:
        # Runs on the pool's thread; the signal crosses to the window's thread queued.
        if not done.cancelled() and done.exception() is None:
            self._scored.emit(request, prefix + figures(done.result()))

    def _show_scored(self, request: int, line: str) -> None:
        if request == self._request:
            self.setText(line)


def spam_to_score(document: OpenDocument, writer: str) -> list[tuple[int, int]] | None:
    """``writer``'s raw-layer spans to score against; None when they say nothing yet.

    Nothing is said until the page has a span or is marked done, as on the command line.
    """
    spam = [(s.start, s.end) for s in document.spans if s.layer == "raw" and s.annotator == writer]
    return spam if spam or document.status == "done" else None


def describe(document: OpenDocument, writer: str) -> str:
    """The score line for ``document`` against ``writer``'s spans, or why there is none."""
    spam = spam_to_score(document, writer)
    if spam is None:
        return HINT
    stored = document.stored
    score = score_document(stored.raw_text, stored.clean_text, stored.segments, spam)
    return f"Cleaner ({stored.cleaner}) vs {writer}: " + figures(score)


def figures(score: CleanerScore) -> str:
    """``P 0.97 · R 0.88 · F1 0.92`` with the character counts behind them."""
    return (
        f"P {score.precision:.2f} · R {score.recall:.2f} · F1 {score.f1:.2f}"
        f" ({score.fp} chars kept wrongly, {score.fn} lost)"
    )
