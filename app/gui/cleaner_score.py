"""The cleaner's score on the open document, against the labels of whoever is writing.

The same figures as ``thresher evaluate`` (``app.core.evaluation``), for one document: the
annotator's own spam spans outside review mode, gold's inside it. A document is scored only
once those labels say something about it (a raw-layer span, or marked done), as on the
command line. Scoring a 2 MB page takes a noticeable fraction of a second, so the figures
follow the labels after a short pause instead of on every key press.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel

from app.core.evaluation import CleanerScore, score_document
from app.gui.review_model import OpenDocument, ReviewModel

# Long enough to coalesce a burst of key presses, short enough to feel immediate.
SETTLE_MS = 250


class CleanerScoreLabel(QLabel):
    """A line of text: the cleaner's precision, recall and F1 on the open document."""

    def __init__(self, model: ReviewModel) -> None:
        super().__init__()
        self.model = model
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
        self.setText("Cleaner score: …")
        self._timer.start()

    def schedule(self) -> None:
        """The labels changed: score again after the pause."""
        self._timer.start()

    def update_now(self) -> None:
        """Score the open document now and show the figures."""
        self._timer.stop()
        current = self.model.current
        self.setText("" if current is None else describe(current, self.model.writer))


def describe(document: OpenDocument, writer: str) -> str:
    """The score line for ``document`` against ``writer``'s spans, or why there is none."""
    spam = [(s.start, s.end) for s in document.spans if s.layer == "raw" and s.annotator == writer]
    if not spam and document.status != "done":
        return "Cleaner score: tag spam or mark done to see how the cleaner did here."
    stored = document.stored
    score = score_document(stored.raw_text, stored.clean_text, stored.segments, spam)
    return f"Cleaner ({stored.cleaner}) vs {writer}: " + figures(score)


def figures(score: CleanerScore) -> str:
    """``P 0.97 · R 0.88 · F1 0.92`` with the character counts behind them."""
    return (
        f"P {score.precision:.2f} · R {score.recall:.2f} · F1 {score.f1:.2f}"
        f" ({score.fp} chars kept wrongly, {score.fn} lost)"
    )
